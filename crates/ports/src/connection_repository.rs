use async_trait::async_trait;
use socialpub_domain::{ConnectionId, ConnectionStatus, Platform, SocialConnection, UserId};
use time::OffsetDateTime;

use crate::{Page, PageRequest, RepositoryError};

/// Narrows a connection listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionFilter {
    pub platform: Option<Platform>,
    pub status: Option<ConnectionStatus>,
}

/// Stores connected accounts. Every read and delete is scoped by the owning user: a
/// connection of another user is indistinguishable from one that does not exist.
///
/// All methods return [`RepositoryError::Unavailable`] when the store cannot be reached and
/// [`RepositoryError::Corrupt`] when a stored row is not a valid connection.
#[async_trait]
pub trait ConnectionRepository: Send + Sync {
    /// Inserts the connection, or replaces the stored one with the same id.
    ///
    /// # Errors
    /// [`RepositoryError::Conflict`] when another connection (another id) of the same user
    /// already holds the same platform account (`platform`, `external_user_id`).
    async fn save(&self, connection: &SocialConnection) -> Result<(), RepositoryError>;

    /// The user's connection with this id, if any.
    async fn get(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<Option<SocialConnection>, RepositoryError>;

    /// The user's connection to this platform account, so a reconnect updates it in place.
    async fn find_by_account(
        &self,
        user: &UserId,
        platform: Platform,
        external_user_id: &str,
    ) -> Result<Option<SocialConnection>, RepositoryError>;

    /// The user's connections, oldest first.
    async fn list(
        &self,
        user: &UserId,
        filter: &ConnectionFilter,
        page: PageRequest,
    ) -> Result<Page<SocialConnection>, RepositoryError>;

    /// Deletes the user's connection. Returns whether there was one.
    async fn delete(&self, user: &UserId, id: ConnectionId) -> Result<bool, RepositoryError>;

    /// Active connections of any user whose access token expires before `before`, soonest
    /// first: the background refresh sweep's work list.
    async fn list_expiring(
        &self,
        before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError>;

    /// Every connection of every user, in id order, starting after `after`: for maintenance
    /// that must visit all rows (re-sealing tokens under a new key) in bounded batches.
    async fn list_all_after(
        &self,
        after: Option<ConnectionId>,
        limit: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError>;

    /// Takes the connection's refresh lock until `until` unless another holder has it. Only the
    /// holder may refresh, so two processes never spend one rotating refresh token twice.
    /// Returns whether the lock was taken (an expired lock counts as free; the holder may take
    /// it again to extend it).
    async fn try_lock_refresh(
        &self,
        id: ConnectionId,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<bool, RepositoryError>;

    /// Gives the refresh lock back if `holder` still has it.
    async fn unlock_refresh(&self, id: ConnectionId, holder: &str) -> Result<(), RepositoryError>;
}
