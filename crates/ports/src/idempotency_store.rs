use async_trait::async_trait;
use socialpub_domain::{IdempotencyKey, UserId};
use time::{Duration, OffsetDateTime};

use crate::RepositoryError;

/// The first answer to a request made with an `Idempotency-Key`, replayed to its retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    /// The JSON body as sent.
    pub body: String,
}

/// What a request with an idempotency key may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// The key is new (or its earlier holder gave up or died): this request runs, then calls
    /// [`IdempotencyStore::complete`] or [`IdempotencyStore::release`].
    Proceed,
    /// The same key and the same request already completed: answer this again.
    Replay(StoredResponse),
    /// The same key is held by a request that is still running.
    InProgress,
    /// The same key was used with a different request (method, path or body).
    Mismatch,
}

/// Remembers requests made with an `Idempotency-Key`, per user, so that a retried request
/// creates nothing new and gets the first answer.
///
/// All methods return [`RepositoryError::Unavailable`] when the store cannot be reached.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for a request whose fingerprint (method, path and a hash of the body) is
    /// `fingerprint`. Of concurrent claims of one key, exactly one gets
    /// [`IdempotencyClaim::Proceed`]. A claim still running after `lock_for` is considered
    /// dead and may be taken over.
    async fn claim(
        &self,
        user: &UserId,
        key: &IdempotencyKey,
        fingerprint: &str,
        now: OffsetDateTime,
        lock_for: Duration,
    ) -> Result<IdempotencyClaim, RepositoryError>;

    /// Stores the answer of a claimed request, kept until `now + keep_for` at least.
    async fn complete(
        &self,
        user: &UserId,
        key: &IdempotencyKey,
        response: &StoredResponse,
        now: OffsetDateTime,
        keep_for: Duration,
    ) -> Result<(), RepositoryError>;

    /// Gives a claim up without an answer (the request failed on our side), so that a retry
    /// can run it again.
    async fn release(&self, user: &UserId, key: &IdempotencyKey) -> Result<(), RepositoryError>;

    /// Forgets answers kept past their time; returns how many.
    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepositoryError>;
}
