//! moka in front, Redis behind. Reads try moka, then Redis (and keep what Redis had in moka
//! for the rest of its time); writes go to both. A Redis that fails or is slow is skipped for
//! a while, with one warning when it goes and one note when it is back: the user never sees
//! an error, only a cache that is per process for a while.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use async_trait::async_trait;
use socialpub_ports::{CacheError, CacheLookup, InsightsCache, Metrics, NoMetrics};
use time::Duration;

use crate::{MokaInsightsCache, RedisTier, RedisTierError};

/// How long a failed Redis is left alone before it is tried again.
pub const REDIS_RETRY_AFTER: StdDuration = StdDuration::from_secs(30);

/// The insights cache of a deployment: [`MokaInsightsCache`] with an optional [`RedisTier`].
pub struct TieredInsightsCache {
    moka: MokaInsightsCache,
    redis: Option<RedisTier>,
    /// Set while Redis is considered down (the warning has been given).
    redis_down: AtomicBool,
    /// Redis is not tried before this instant.
    retry_at: Mutex<Option<Instant>>,
    retry_after: StdDuration,
    /// Counts hits (by tier) and misses for `/metrics`.
    metrics: Arc<dyn Metrics>,
}

impl TieredInsightsCache {
    pub fn new(moka: MokaInsightsCache, redis: Option<RedisTier>) -> Self {
        Self {
            moka,
            redis,
            redis_down: AtomicBool::new(false),
            retry_at: Mutex::new(None),
            retry_after: REDIS_RETRY_AFTER,
            metrics: Arc::new(NoMetrics),
        }
    }

    /// Counts every read's result into `metrics`.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Arc<dyn Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// How long to leave a failed Redis alone (tests use zero).
    pub fn with_retry_after(mut self, retry_after: StdDuration) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Whether Redis is currently skipped after a failure.
    pub fn redis_is_down(&self) -> bool {
        self.redis_down.load(Ordering::SeqCst)
    }

    fn retry_slot(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.retry_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The Redis tier, unless it failed recently.
    fn redis(&self) -> Option<&RedisTier> {
        let redis = self.redis.as_ref()?;
        match *self.retry_slot() {
            Some(at) if Instant::now() < at => None,
            _ => Some(redis),
        }
    }

    fn redis_failed(&self, error: &RedisTierError) {
        *self.retry_slot() = Some(Instant::now() + self.retry_after);
        if !self.redis_down.swap(true, Ordering::SeqCst) {
            tracing::warn!(
                %error,
                retry_after_seconds = self.retry_after.as_secs(),
                "the Redis insights cache is unavailable; serving from the in-process cache \
                 until it answers again"
            );
        }
    }

    fn redis_answered(&self) {
        if self.redis_down.swap(false, Ordering::SeqCst) {
            *self.retry_slot() = None;
            tracing::info!("the Redis insights cache answers again");
        }
    }
}

impl TieredInsightsCache {
    /// A read, with the tier that answered it.
    async fn lookup(
        &self,
        key: &str,
    ) -> Result<(Option<serde_json::Value>, CacheLookup), CacheError> {
        if let Some(value) = self.moka.get(key).await? {
            return Ok((Some(value), CacheLookup::MemoryHit));
        }
        let Some(redis) = self.redis() else {
            return Ok((None, CacheLookup::Miss));
        };
        match redis.get(key).await {
            Ok(found) => {
                self.redis_answered();
                let Some((value, left)) = found else {
                    return Ok((None, CacheLookup::Miss));
                };
                let left = Duration::try_from(left).unwrap_or(Duration::ZERO);
                self.moka.put(key, value.clone(), left).await?;
                Ok((Some(value), CacheLookup::RedisHit))
            }
            Err(error) => {
                self.redis_failed(&error);
                Ok((None, CacheLookup::Miss))
            }
        }
    }
}

#[async_trait]
impl InsightsCache for TieredInsightsCache {
    async fn get(&self, key: &str) -> Result<Option<serde_json::Value>, CacheError> {
        let found = self.lookup(key).await;
        self.metrics.cache_lookup(match &found {
            Ok((Some(_), tier)) => *tier,
            _ => CacheLookup::Miss,
        });
        found.map(|(value, _)| value)
    }

    async fn put(
        &self,
        key: &str,
        value: serde_json::Value,
        ttl: Duration,
    ) -> Result<(), CacheError> {
        if let Some(redis) = self.redis() {
            let written = match StdDuration::try_from(ttl) {
                Ok(ttl) if !ttl.is_zero() => redis.put(key, &value, ttl).await,
                _ => redis.remove(key).await,
            };
            match written {
                Ok(()) => self.redis_answered(),
                Err(error) => self.redis_failed(&error),
            }
        }
        self.moka.put(key, value, ttl).await
    }
}
