//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): HMAC-SHA256 on ring.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use socialpub_domain::SecretString;
use socialpub_domain::webhook::WebhookSecret;
use socialpub_ports::{CipherError, WebhookSigner};

/// Signs webhook deliveries and makes their secrets.
#[derive(Debug)]
pub struct StandardWebhookSigner {
    rng: SystemRandom,
}

impl StandardWebhookSigner {
    #[must_use]
    pub fn new() -> Self {
        Self {
            rng: SystemRandom::new(),
        }
    }
}

impl Default for StandardWebhookSigner {
    fn default() -> Self {
        Self::new()
    }
}

impl WebhookSigner for StandardWebhookSigner {
    /// `whsec_` and the base64 of 32 random bytes (the scheme asks for 24 to 64).
    fn new_secret(&self) -> Result<WebhookSecret, CipherError> {
        let mut bytes = [0u8; 32];
        self.rng
            .fill(&mut bytes)
            .map_err(|_| CipherError::RandomUnavailable)?;
        let secret = format!("{}{}", WebhookSecret::PREFIX, STANDARD.encode(bytes));
        zeroize::Zeroize::zeroize(&mut bytes);
        Ok(WebhookSecret::new(SecretString::new(secret)))
    }

    fn sign(&self, secret: &WebhookSecret, id: &str, timestamp: i64, body: &str) -> String {
        // The key is the secret's base64 part; a secret that is not base64 (never made here)
        // signs with its bytes as they are, as the reference libraries do not: it would not
        // verify, which is the right outcome for a broken secret.
        let encoded = secret
            .expose()
            .strip_prefix(WebhookSecret::PREFIX)
            .unwrap_or(secret.expose());
        let mut key_bytes = STANDARD
            .decode(encoded)
            .unwrap_or_else(|_| encoded.as_bytes().to_vec());
        let key = hmac::Key::new(hmac::HMAC_SHA256, &key_bytes);
        zeroize::Zeroize::zeroize(&mut key_bytes);
        let mut context = hmac::Context::with_key(&key);
        context.update(id.as_bytes());
        context.update(b".");
        context.update(timestamp.to_string().as_bytes());
        context.update(b".");
        context.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(context.sign().as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification's reference tests.
    #[test]
    fn signs_the_specification_example() {
        let signer = StandardWebhookSigner::new();
        let secret =
            WebhookSecret::new(SecretString::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        let signature = signer.sign(
            &secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_are_prefixed_random_and_redacted() {
        let signer = StandardWebhookSigner::new();
        let one = signer.new_secret().unwrap();
        let two = signer.new_secret().unwrap();
        assert!(one.expose().starts_with("whsec_"));
        assert_ne!(one.expose(), two.expose());
        assert_eq!(STANDARD.decode(&one.expose()[6..]).unwrap().len(), 32);
        assert!(!format!("{one:?}").contains(&one.expose()[6..]));
    }
}
