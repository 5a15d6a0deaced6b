use socialpub_domain::{EncryptedToken, SecretString};

use socialpub_domain::WebhookEndpointId;
use socialpub_domain::webhook::WebhookSecret;

use crate::{CipherError, TokenCipher, TokenSlot, WebhookSecretCipher};

/// A reversible stand-in for the AES-GCM cipher that still checks the slot, so tests catch a
/// token opened for the wrong row or column. It hides nothing; never use it outside tests.
#[derive(Debug, Default, Clone)]
pub struct FakeTokenCipher {
    key_id: u8,
}

impl FakeTokenCipher {
    /// A cipher whose newest key is `key_id`; tokens sealed by another id need a re-seal.
    pub fn with_key_id(key_id: u8) -> Self {
        Self { key_id }
    }
}

impl TokenCipher for FakeTokenCipher {
    fn seal(
        &self,
        plaintext: &SecretString,
        slot: TokenSlot,
    ) -> Result<EncryptedToken, CipherError> {
        let aad = &slot_bytes(slot);
        let aad_len = u32::try_from(aad.len()).map_err(|_| CipherError::SealFailed)?;
        let mut bytes = vec![self.key_id];
        bytes.extend_from_slice(&aad_len.to_be_bytes());
        bytes.extend_from_slice(aad);
        bytes.extend(plaintext.expose().bytes().rev());
        Ok(EncryptedToken::from_bytes(bytes))
    }

    fn open(&self, sealed: &EncryptedToken, slot: TokenSlot) -> Result<SecretString, CipherError> {
        let aad = slot_bytes(slot);
        let bytes = sealed.as_bytes();
        let len_bytes: [u8; 4] = bytes
            .get(1..5)
            .and_then(|s| s.try_into().ok())
            .ok_or(CipherError::Undecryptable)?;
        let aad_len = usize::try_from(u32::from_be_bytes(len_bytes))
            .map_err(|_| CipherError::Undecryptable)?;
        let stored_aad = bytes
            .get(5..5 + aad_len)
            .ok_or(CipherError::Undecryptable)?;
        if stored_aad != aad {
            return Err(CipherError::Undecryptable);
        }
        let body: Vec<u8> = bytes
            .get(5 + aad_len..)
            .unwrap_or_default()
            .iter()
            .rev()
            .copied()
            .collect();
        String::from_utf8(body)
            .map(SecretString::new)
            .map_err(|_| CipherError::Undecryptable)
    }

    fn needs_reseal(&self, sealed: &EncryptedToken) -> bool {
        sealed.as_bytes().first() != Some(&self.key_id)
    }
}

fn slot_bytes(slot: TokenSlot) -> Vec<u8> {
    let mut bytes = slot.connection.as_uuid().as_bytes().to_vec();
    bytes.extend_from_slice(slot.field.as_str().as_bytes());
    bytes
}

/// The same reversible stand-in, bound to the endpoint.
impl WebhookSecretCipher for FakeTokenCipher {
    fn seal_webhook_secret(
        &self,
        secret: &WebhookSecret,
        endpoint: WebhookEndpointId,
    ) -> Result<EncryptedToken, CipherError> {
        let aad = endpoint_bytes(endpoint);
        let aad_len = u32::try_from(aad.len()).map_err(|_| CipherError::SealFailed)?;
        let mut bytes = vec![self.key_id];
        bytes.extend_from_slice(&aad_len.to_be_bytes());
        bytes.extend_from_slice(&aad);
        bytes.extend(secret.expose().bytes().rev());
        Ok(EncryptedToken::from_bytes(bytes))
    }

    fn open_webhook_secret(
        &self,
        sealed: &EncryptedToken,
        endpoint: WebhookEndpointId,
    ) -> Result<WebhookSecret, CipherError> {
        let aad = endpoint_bytes(endpoint);
        let bytes = sealed.as_bytes();
        let body = bytes
            .get(5..5 + aad.len())
            .filter(|stored| *stored == aad.as_slice())
            .and_then(|_| bytes.get(5 + aad.len()..))
            .ok_or(CipherError::Undecryptable)?;
        String::from_utf8(body.iter().rev().copied().collect())
            .map(|text| WebhookSecret::new(SecretString::new(text)))
            .map_err(|_| CipherError::Undecryptable)
    }
}

fn endpoint_bytes(endpoint: WebhookEndpointId) -> Vec<u8> {
    let mut bytes = endpoint.as_uuid().as_bytes().to_vec();
    bytes.extend_from_slice(b"webhook_secret");
    bytes
}
