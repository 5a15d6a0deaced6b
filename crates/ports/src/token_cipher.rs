use socialpub_domain::{EncryptedToken, SecretString};

use crate::StateDigest;

/// Why a token could not be sealed or opened. Never carries key or token material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    /// The ciphertext was tampered with, truncated, moved to another row (wrong associated
    /// data) or sealed under a key this process does not have.
    #[error("the token cannot be decrypted")]
    Undecryptable,
    /// The ciphertext names a key id that is not loaded.
    #[error("the token was sealed under unknown key {0}")]
    UnknownKey(u8),
    #[error("the token could not be encrypted")]
    SealFailed,
    /// The operating system's random source failed; nothing secret can be made.
    #[error("no secure random source is available")]
    RandomUnavailable,
}

/// Encrypts platform tokens at rest. `associated_data` binds a ciphertext to its row (the
/// connection id) so it cannot be moved to another one. CPU-only, hence not async.
pub trait TokenCipher: Send + Sync {
    fn seal(
        &self,
        plaintext: &SecretString,
        associated_data: &[u8],
    ) -> Result<EncryptedToken, CipherError>;

    fn open(
        &self,
        sealed: &EncryptedToken,
        associated_data: &[u8],
    ) -> Result<SecretString, CipherError>;

    /// True when the token was sealed under a key other than the newest, so key rotation
    /// knows what to re-seal.
    fn needs_reseal(&self, sealed: &EncryptedToken) -> bool;
}

/// Unguessable values for OAuth: `state` and PKCE verifiers, the S256 challenge of a
/// verifier, and the digest a `state` is stored under. A port because the core has no randomness or hashing of its own.
pub trait SecretGenerator: Send + Sync {
    /// A URL-safe random secret of at least 256 bits.
    ///
    /// # Errors
    /// [`CipherError::RandomUnavailable`] when the system has no random source.
    fn random_secret(&self) -> Result<SecretString, CipherError>;

    /// The PKCE S256 challenge of `verifier` (RFC 7636: BASE64URL(SHA256(verifier))).
    fn pkce_challenge(&self, verifier: &SecretString) -> String;

    /// The digest pending authorizations are stored under: SHA-256 of `state`, lowercase hex.
    fn state_digest(&self, state: &SecretString) -> StateDigest;
}
