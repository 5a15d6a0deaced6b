use async_trait::async_trait;
use socialpub_domain::{LoginPath, Platform, SecretString, UserId};
use time::OffsetDateTime;

use crate::RepositoryError;

/// The SHA-256 of a `state` value, lowercase hex. Pending authorizations are stored and looked
/// up by it, never by the state itself, so a copy of the table (a backup, a readable SQLite
/// file) holds no value a callback would accept.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StateDigest(String);

impl StateDigest {
    pub fn new(hex: impl Into<String>) -> Self {
        Self(hex.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A pending OAuth authorization: what the completion needs to finish it, keyed by the digest
/// of the random `state` value that went out in the authorization URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthState {
    pub digest: StateDigest,
    /// The user who started the authorization: the only one who may complete it.
    pub user_id: UserId,
    pub platform: Platform,
    /// The login the user chose when starting (Instagram: its own or Facebook Login). Kept
    /// here, never read from the callback, so that the completion uses the login that the
    /// authorization URL was made for.
    pub login: LoginPath,
    /// The PKCE code verifier, for platforms that use PKCE.
    pub code_verifier: Option<SecretString>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// Single-use storage of pending OAuth authorizations.
#[async_trait]
pub trait OAuthStateStore: Send + Sync {
    /// Stores a pending authorization, then drops the same user's oldest ones (by
    /// `created_at`) beyond the newest `keep_per_user`, so that one user cannot grow the
    /// table without bound. Each call trims, so concurrent calls still leave at most
    /// `keep_per_user` (at least one: the one just stored).
    ///
    /// # Errors
    /// [`RepositoryError::Conflict`] when the digest is already stored.
    async fn put(&self, state: &OAuthState, keep_per_user: usize) -> Result<(), RepositoryError>;

    /// Removes and returns the authorization with this digest, so that it can be used once
    /// only, even by two concurrent completions. With `Some(user)`, only an authorization that
    /// `user` started matches: another user's stays in place, untouched, and the answer is
    /// `None` as for an unknown digest. Expired entries are returned too: the caller decides
    /// (and says) that they expired.
    async fn take(
        &self,
        digest: &StateDigest,
        user: Option<&UserId>,
    ) -> Result<Option<OAuthState>, RepositoryError>;

    /// Deletes entries that expired before `now`; returns how many.
    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepositoryError>;
}
