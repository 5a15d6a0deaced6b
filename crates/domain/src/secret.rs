use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// A secret string (access token, refresh token, client secret, PKCE verifier, key material).
///
/// Debug and Display are redacted so a secret cannot reach a log line or an error message by
/// accident; reading it takes an explicit `expose()`. Deliberately not `Serialize`.
///
/// The buffer is overwritten when the value is dropped, so a token does not linger in freed
/// heap memory that a later allocation, a core dump or a swapped page could expose. Copies
/// made with `expose().to_owned()` are the caller's to guard.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself. Call only where it is sent to its destination.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Zeroize for SecretString {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for SecretString {}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let secret = SecretString::new("canary-7f3a");
        assert!(!format!("{secret:?}").contains("canary"));
        assert!(!format!("{secret}").contains("canary"));
        assert_eq!(secret.expose(), "canary-7f3a");
    }

    fn wipes_itself_on_drop<T: ZeroizeOnDrop>() {}

    #[test]
    fn secrets_are_wiped() {
        wipes_itself_on_drop::<SecretString>();
        let mut secret = SecretString::new("canary-7f3a");
        let copy = secret.clone();
        secret.zeroize();
        assert!(secret.is_empty());
        assert_eq!(
            copy.expose(),
            "canary-7f3a",
            "a clone is a buffer of its own"
        );
    }
}
