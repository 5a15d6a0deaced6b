use socialpub_domain::webhook::WebhookSecret;
use socialpub_domain::{ConnectionId, EncryptedToken, SecretString, WebhookEndpointId};

use crate::StateDigest;

/// Why a token could not be sealed or opened. Never carries key or token material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    /// The ciphertext was tampered with, truncated, moved to another row or token column
    /// (another slot) or sealed under a key this process does not have.
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

/// Which of a connection's two tokens a ciphertext holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenField {
    Access,
    Refresh,
}

impl TokenField {
    /// The name a cipher binds into the ciphertext. Stored tokens depend on it: renaming one
    /// makes every token sealed under the old name unreadable.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access_token",
            Self::Refresh => "refresh_token",
        }
    }
}

/// Where a sealed token lives: a connection's access or refresh token. A cipher binds a
/// ciphertext to its slot, so one copied into another row, or into the other token column of
/// its own row, does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenSlot {
    pub connection: ConnectionId,
    pub field: TokenField,
}

impl TokenSlot {
    #[must_use]
    pub const fn access(connection: ConnectionId) -> Self {
        Self {
            connection,
            field: TokenField::Access,
        }
    }

    #[must_use]
    pub const fn refresh(connection: ConnectionId) -> Self {
        Self {
            connection,
            field: TokenField::Refresh,
        }
    }
}

/// Encrypts platform tokens at rest, each bound to its [`TokenSlot`]. CPU-only, hence not
/// async.
pub trait TokenCipher: Send + Sync {
    fn seal(
        &self,
        plaintext: &SecretString,
        slot: TokenSlot,
    ) -> Result<EncryptedToken, CipherError>;

    fn open(&self, sealed: &EncryptedToken, slot: TokenSlot) -> Result<SecretString, CipherError>;

    /// True when the token is not in the newest form (sealed under an older key, or in an
    /// older layout that bound less), so key rotation knows what to re-seal.
    fn needs_reseal(&self, sealed: &EncryptedToken) -> bool;
}

/// Seals webhook signing secrets at rest under the same keys as platform tokens, each bound to
/// its endpoint: a ciphertext copied to another endpoint's row does not open. The current and
/// the rotated-out secret share the binding, so a rotation moves the sealed bytes as they are.
pub trait WebhookSecretCipher: Send + Sync {
    fn seal_webhook_secret(
        &self,
        secret: &WebhookSecret,
        endpoint: WebhookEndpointId,
    ) -> Result<EncryptedToken, CipherError>;

    fn open_webhook_secret(
        &self,
        sealed: &EncryptedToken,
        endpoint: WebhookEndpointId,
    ) -> Result<WebhookSecret, CipherError>;
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
