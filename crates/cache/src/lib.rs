//! The insights cache. Insight reads (an account's posts, audience, hashtag research) are
//! expensive in platform rate limits, and slightly stale answers are fine, so each process
//! keeps a bounded moka cache with a TTL per entry, and a deployment may share a Redis as a
//! second tier ([`TieredInsightsCache`]).

mod redis_tier;
mod tiered;

pub use redis_tier::{RedisTier, RedisTierError};
pub use tiered::{REDIS_RETRY_AFTER, TieredInsightsCache};

use std::time::{Duration as StdDuration, Instant};

use async_trait::async_trait;
use moka::Expiry;
use moka::future::Cache;
use socialpub_ports::{CacheError, InsightsCache};
use time::Duration;

#[derive(Clone)]
struct Entry {
    value: serde_json::Value,
    ttl: StdDuration,
}

/// Lets each entry carry its own time to live.
struct PerEntryTtl;

impl Expiry<String, Entry> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _key: &String,
        entry: &Entry,
        _now: Instant,
    ) -> Option<StdDuration> {
        Some(entry.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &String,
        entry: &Entry,
        _now: Instant,
        _current: Option<StdDuration>,
    ) -> Option<StdDuration> {
        Some(entry.ttl)
    }
}

/// A bounded moka cache implementing [`InsightsCache`].
#[derive(Clone)]
pub struct MokaInsightsCache {
    cache: Cache<String, Entry>,
}

impl MokaInsightsCache {
    /// `capacity` bounds the number of entries; the least useful are evicted first.
    pub fn new(capacity: u64) -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(capacity)
                .expire_after(PerEntryTtl)
                .build(),
        }
    }
}

#[async_trait]
impl InsightsCache for MokaInsightsCache {
    async fn get(&self, key: &str) -> Result<Option<serde_json::Value>, CacheError> {
        Ok(self.cache.get(key).await.map(|entry| entry.value))
    }

    async fn put(
        &self,
        key: &str,
        value: serde_json::Value,
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let ttl = StdDuration::try_from(ttl).unwrap_or(StdDuration::ZERO);
        if ttl.is_zero() {
            self.cache.invalidate(key).await;
            return Ok(());
        }
        self.cache
            .insert(key.to_owned(), Entry { value, ttl })
            .await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_value_is_served_until_its_ttl_passes() {
        let cache = MokaInsightsCache::new(100);
        cache
            .put(
                "k",
                serde_json::json!({"tags": ["a"]}),
                Duration::milliseconds(200),
            )
            .await
            .unwrap();
        assert_eq!(
            cache.get("k").await.unwrap(),
            Some(serde_json::json!({"tags": ["a"]}))
        );
        tokio::time::sleep(StdDuration::from_millis(2000)).await;
        assert_eq!(cache.get("k").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_zero_ttl_stores_nothing_and_drops_the_old_value() {
        let cache = MokaInsightsCache::new(100);
        cache
            .put("k", serde_json::json!(1), Duration::minutes(5))
            .await
            .unwrap();
        cache
            .put("k", serde_json::json!(2), Duration::ZERO)
            .await
            .unwrap();
        assert_eq!(cache.get("k").await.unwrap(), None);
    }

    #[tokio::test]
    async fn entries_keep_their_own_ttl() {
        let cache = MokaInsightsCache::new(100);
        cache
            .put("short", serde_json::json!(1), Duration::milliseconds(100))
            .await
            .unwrap();
        cache
            .put("long", serde_json::json!(2), Duration::minutes(5))
            .await
            .unwrap();
        tokio::time::sleep(StdDuration::from_millis(300)).await;
        assert_eq!(cache.get("short").await.unwrap(), None);
        assert_eq!(cache.get("long").await.unwrap(), Some(serde_json::json!(2)));
    }
}
