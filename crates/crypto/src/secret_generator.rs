use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use socialpub_domain::SecretString;
use socialpub_ports::{CipherError, SecretGenerator, StateDigest};

/// OAuth `state` values and PKCE verifiers from the system's CSPRNG.
#[derive(Debug, Clone)]
pub struct RingSecretGenerator {
    rng: SystemRandom,
}

impl RingSecretGenerator {
    pub fn new() -> Self {
        Self {
            rng: SystemRandom::new(),
        }
    }
}

impl Default for RingSecretGenerator {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretGenerator for RingSecretGenerator {
    /// 32 random bytes, base64url: 43 characters, inside PKCE's 43..=128 verifier length.
    fn random_secret(&self) -> Result<SecretString, CipherError> {
        let mut bytes = [0u8; 32];
        self.rng
            .fill(&mut bytes)
            .map_err(|_| CipherError::RandomUnavailable)?;
        Ok(SecretString::new(URL_SAFE_NO_PAD.encode(bytes)))
    }

    fn pkce_challenge(&self, verifier: &SecretString) -> String {
        URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.expose().as_bytes()))
    }

    fn state_digest(&self, state: &SecretString) -> StateDigest {
        let hash = digest(&SHA256, state.expose().as_bytes());
        let mut hex = String::with_capacity(64);
        for byte in hash.as_ref() {
            hex.push(char::from(HEX[usize::from(byte >> 4)]));
            hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        StateDigest::new(hex)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_matches_rfc_7636_appendix_b() {
        let verifier = SecretString::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        let generator = RingSecretGenerator::new();
        assert_eq!(
            generator.pkce_challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn the_state_digest_is_the_hex_sha256_of_the_state() {
        let generator = RingSecretGenerator::new();
        assert_eq!(
            generator.state_digest(&SecretString::new("abc")).as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn secrets_are_long_url_safe_and_distinct() {
        let generator = RingSecretGenerator::new();
        let a = generator.random_secret().unwrap();
        let b = generator.random_secret().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43);
        assert!(
            a.expose()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }
}
