use async_trait::async_trait;
use socialpub_domain::{Platform, SecretString, UserId};
use time::OffsetDateTime;

use crate::RepositoryError;

/// A pending OAuth authorization: what the callback needs to finish it, keyed by the random
/// `state` value that went out in the authorization URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthState {
    pub state: SecretString,
    pub user_id: UserId,
    pub platform: Platform,
    /// The PKCE code verifier, for platforms that use PKCE.
    pub code_verifier: Option<SecretString>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// Single-use storage of pending OAuth authorizations.
#[async_trait]
pub trait OAuthStateStore: Send + Sync {
    /// Stores a pending authorization.
    ///
    /// # Errors
    /// [`RepositoryError::Conflict`] when the state value is already stored.
    async fn put(&self, state: &OAuthState) -> Result<(), RepositoryError>;

    /// Removes and returns the authorization with this state value, so that it can be used
    /// once only, even by two concurrent callbacks. Expired entries are returned too: the
    /// caller decides (and says) that they expired.
    async fn take(&self, state: &str) -> Result<Option<OAuthState>, RepositoryError>;

    /// Deletes entries that expired before `now`; returns how many.
    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepositoryError>;
}
