//! Webhook signing secrets sealed at rest: the token envelope and key ring, with associated
//! data that names the endpoint and says "webhook secret", so a sealed secret opens only as
//! the secret of the endpoint it was sealed for, and never as a platform token (nor a token
//! as a secret: a token's binding ends in its column name, this one in `webhook_secret`).

use socialpub_domain::webhook::WebhookSecret;
use socialpub_domain::{EncryptedToken, SecretString, WebhookEndpointId};
use socialpub_ports::{CipherError, WebhookSecretCipher};

use super::AesGcmTokenCipher;
use crate::aead;
use crate::envelope::{Envelope, VERSION};

/// What a sealed secret is bound to. Stored secrets depend on it: changing it makes every
/// secret sealed before unreadable.
const FIELD: &[u8] = b"webhook_secret";

fn associated_data(endpoint: WebhookEndpointId) -> Vec<u8> {
    let id = endpoint.as_uuid().as_bytes();
    let mut data = Vec::with_capacity(1 + id.len() + FIELD.len());
    data.push(VERSION);
    data.extend_from_slice(id);
    data.extend_from_slice(FIELD);
    data
}

impl WebhookSecretCipher for AesGcmTokenCipher {
    fn seal_webhook_secret(
        &self,
        secret: &WebhookSecret,
        endpoint: WebhookEndpointId,
    ) -> Result<EncryptedToken, CipherError> {
        aead::seal_with_nonce(
            self.keys.newest(),
            VERSION,
            self.fresh_nonce()?,
            secret.expose().as_bytes(),
            &associated_data(endpoint),
        )
    }

    fn open_webhook_secret(
        &self,
        sealed: &EncryptedToken,
        endpoint: WebhookEndpointId,
    ) -> Result<WebhookSecret, CipherError> {
        let envelope = Envelope::parse(sealed.as_bytes())?;
        // Secrets were never sealed in the connection-only layout.
        if envelope.version != VERSION {
            return Err(CipherError::Undecryptable);
        }
        let key = self
            .keys
            .get(envelope.key_id)
            .ok_or(CipherError::UnknownKey(envelope.key_id))?;
        let mut plaintext = aead::open(key, &envelope, &associated_data(endpoint))?;
        String::from_utf8(std::mem::take(&mut *plaintext))
            .map(|text| WebhookSecret::new(SecretString::new(text)))
            .map_err(|err| {
                *plaintext = err.into_bytes();
                CipherError::Undecryptable
            })
    }
}

#[cfg(test)]
mod tests {
    use socialpub_domain::ConnectionId;
    use socialpub_ports::{TokenCipher as _, TokenSlot};

    use super::*;
    use crate::{KEY_LEN, KeyRing, TokenKey};

    fn cipher() -> AesGcmTokenCipher {
        AesGcmTokenCipher::new(KeyRing::single(
            TokenKey::from_bytes(3, [0x17; KEY_LEN]).unwrap(),
        ))
    }

    fn secret() -> WebhookSecret {
        WebhookSecret::new(SecretString::new(
            "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtMzItYnl0ZXM=",
        ))
    }

    #[test]
    fn a_secret_opens_for_its_endpoint_only_and_hides_its_text() {
        let cipher = cipher();
        let (mine, other) = (WebhookEndpointId::new(), WebhookEndpointId::new());
        let sealed = cipher.seal_webhook_secret(&secret(), mine).unwrap();

        assert!(
            !sealed
                .as_bytes()
                .windows(WebhookSecret::PREFIX.len())
                .any(|w| w == WebhookSecret::PREFIX.as_bytes())
        );
        assert_eq!(
            cipher.open_webhook_secret(&sealed, mine).unwrap().expose(),
            secret().expose()
        );
        assert_eq!(
            cipher.open_webhook_secret(&sealed, other).unwrap_err(),
            CipherError::Undecryptable
        );
    }

    #[test]
    fn a_secret_is_not_a_token_nor_a_token_a_secret() {
        let cipher = cipher();
        let endpoint = WebhookEndpointId::new();
        // The same 16 id bytes on both sides: only the field name tells them apart.
        let connection = ConnectionId::from_uuid(*endpoint.as_uuid());
        let sealed_secret = cipher.seal_webhook_secret(&secret(), endpoint).unwrap();
        let sealed_token = cipher
            .seal(&SecretString::new("token"), TokenSlot::access(connection))
            .unwrap();

        assert!(
            cipher
                .open(&sealed_secret, TokenSlot::access(connection))
                .is_err()
        );
        assert!(
            cipher
                .open(&sealed_secret, TokenSlot::refresh(connection))
                .is_err()
        );
        assert!(cipher.open_webhook_secret(&sealed_token, endpoint).is_err());
    }
}
