use async_trait::async_trait;
use time::Duration;

use crate::BoxError;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("the cache is unavailable")]
    Unavailable(#[source] BoxError),
}

/// Caches insight results (hashtag suggestions, best times) that are slow or rate-limited to
/// compute. A cache failure must never fail the request: callers treat errors as misses.
#[async_trait]
pub trait InsightsCache: Send + Sync {
    async fn get(&self, key: &str) -> Result<Option<serde_json::Value>, CacheError>;

    async fn put(
        &self,
        key: &str,
        value: serde_json::Value,
        ttl: Duration,
    ) -> Result<(), CacheError>;
}
