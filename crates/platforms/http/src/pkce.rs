use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom as _, SystemRandom};
use socialpub_domain::SecretString;

/// A PKCE (RFC 7636) verifier with its S256 challenge.
///
/// Deliberately not `Clone`: a verifier belongs to one authorization request.
#[derive(Debug)]
pub struct Pkce {
    verifier: SecretString,
    challenge: String,
}

impl Pkce {
    /// A fresh verifier of 32 random bytes (43 base64url characters, 256 bits) and its
    /// S256 challenge.
    ///
    /// # Panics
    /// If the operating system's random source fails.
    pub fn new_random() -> Self {
        let verifier = SecretString::new(random_base64url::<32>());
        Self::from_verifier(verifier)
    }

    /// A PKCE pair for a verifier made elsewhere (one stored with the OAuth state).
    pub fn from_verifier(verifier: SecretString) -> Self {
        let challenge = pkce_challenge(&verifier);
        Self {
            verifier,
            challenge,
        }
    }

    /// The `code_verifier` sent with the code exchange.
    pub fn verifier(&self) -> &SecretString {
        &self.verifier
    }

    /// The `code_challenge` (`S256`) sent in the authorization URL.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    /// The verifier, to store with the OAuth state.
    pub fn into_verifier(self) -> SecretString {
        self.verifier
    }
}

/// The RFC 7636 `S256` challenge: `BASE64URL-NOPAD(SHA256(ASCII(verifier)))`.
pub fn pkce_challenge(verifier: &SecretString) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.expose().as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// A random OAuth `state`: 256 bits, base64url without padding.
///
/// # Panics
/// If the operating system's random source fails.
pub fn random_state() -> SecretString {
    SecretString::new(random_base64url::<32>())
}

/// The same S256 digest as lowercase hex (64 characters), from a base64url challenge, for
/// platforms that want hex (TikTok's Login Kit). `None` if `challenge` is not a base64url
/// SHA-256 digest.
pub fn s256_challenge_to_hex(challenge: &str) -> Option<String> {
    let digest = URL_SAFE_NO_PAD.decode(challenge).ok()?;
    if digest.len() != 32 {
        return None;
    }
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

fn random_base64url<const N: usize>() -> String {
    let mut bytes = [0_u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the operating system's random source failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let verifier = SecretString::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            pkce_challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let pkce = Pkce::from_verifier(verifier);
        assert_eq!(
            pkce.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn hex_challenge() {
        let verifier = SecretString::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        let hex = s256_challenge_to_hex(&pkce_challenge(&verifier));
        assert_eq!(
            hex.as_deref(),
            Some("13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3")
        );
        assert_eq!(s256_challenge_to_hex("not-a-digest"), None);
    }

    #[test]
    fn random_verifiers_are_valid_and_distinct() {
        let a = Pkce::new_random();
        let b = Pkce::new_random();
        assert_ne!(a.verifier().expose(), b.verifier().expose());
        let verifier = a.verifier().expose();
        // RFC 7636 section 4.1: 43..=128 unreserved characters.
        assert!((43..=128).contains(&verifier.len()));
        assert!(
            verifier
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c))
        );
        assert_eq!(a.challenge(), pkce_challenge(a.verifier()));
        assert!(!format!("{a:?}").contains(verifier));
    }

    #[test]
    fn random_state_has_at_least_128_bits() {
        let state = random_state();
        // 32 bytes -> 43 base64url characters.
        assert_eq!(state.expose().len(), 43);
        assert_ne!(state.expose(), random_state().expose());
    }
}
