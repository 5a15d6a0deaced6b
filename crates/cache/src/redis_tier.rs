//! The shared second tier: one Redis that every process of a deployment reads and fills, so
//! a platform is asked once per TTL per deployment rather than once per process.

use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client};
use tokio::sync::Mutex;

/// Why the Redis tier could not answer. Never shown to a user: the tiered cache serves from
/// moka instead.
#[derive(Debug, thiserror::Error)]
pub enum RedisTierError {
    #[error("REDIS_URL is not a Redis URL: {0}")]
    BadUrl(#[source] redis::RedisError),
    #[error("Redis did not answer within {0:?}")]
    Timeout(Duration),
    #[error("Redis failed: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("a cached value is not JSON: {0}")]
    Corrupt(#[from] serde_json::Error),
}

/// Entries under one key prefix, each with Redis's own expiry.
pub struct RedisTier {
    client: Client,
    prefix: String,
    /// Bounds every exchange, connecting included: a slow Redis must not slow a request
    /// down more than this.
    timeout: Duration,
    connection: Mutex<Option<MultiplexedConnection>>,
}

impl std::fmt::Debug for RedisTier {
    /// The URL may hold a password: only the prefix is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisTier")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisTier {
    /// Parses the URL; nothing is connected until first use, so a Redis that is down at
    /// start-up does not stop the service.
    ///
    /// # Errors
    /// [`RedisTierError::BadUrl`].
    pub fn new(url: &str, prefix: &str, timeout: Duration) -> Result<Self, RedisTierError> {
        Ok(Self {
            client: Client::open(url).map_err(RedisTierError::BadUrl)?,
            prefix: prefix.to_owned(),
            timeout,
            connection: Mutex::new(None),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn connection(&self) -> Result<MultiplexedConnection, redis::RedisError> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout));
        let connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// Drops the connection after a failure, so the next call connects afresh.
    async fn forget_connection(&self) {
        *self.connection.lock().await = None;
    }

    async fn bounded<T>(
        &self,
        work: impl Future<Output = Result<T, RedisTierError>>,
    ) -> Result<T, RedisTierError> {
        let outcome = match tokio::time::timeout(self.timeout, work).await {
            Ok(outcome) => outcome,
            Err(_) => Err(RedisTierError::Timeout(self.timeout)),
        };
        if matches!(
            outcome,
            Err(RedisTierError::Timeout(_) | RedisTierError::Redis(_))
        ) {
            self.forget_connection().await;
        }
        outcome
    }

    /// The value under `key` and the time it has left.
    ///
    /// # Errors
    /// Any [`RedisTierError`] but `BadUrl`.
    pub async fn get(
        &self,
        key: &str,
    ) -> Result<Option<(serde_json::Value, Duration)>, RedisTierError> {
        let key = self.key(key);
        self.bounded(async {
            let mut connection = self.connection().await?;
            let (raw, ttl_ms): (Option<String>, i64) = redis::pipe()
                .cmd("GET")
                .arg(&key)
                .cmd("PTTL")
                .arg(&key)
                .query_async(&mut connection)
                .await?;
            let Some(raw) = raw else {
                return Ok(None);
            };
            // PTTL is negative for a key without expiry (never written so by us) or gone.
            let left = u64::try_from(ttl_ms).map(Duration::from_millis);
            match left {
                Ok(left) if !left.is_zero() => Ok(Some((serde_json::from_str(&raw)?, left))),
                _ => Ok(None),
            }
        })
        .await
    }

    /// Stores `value` under `key` for `ttl` (at least a millisecond).
    ///
    /// # Errors
    /// Any [`RedisTierError`] but `BadUrl`.
    pub async fn put(
        &self,
        key: &str,
        value: &serde_json::Value,
        ttl: Duration,
    ) -> Result<(), RedisTierError> {
        let key = self.key(key);
        let raw = serde_json::to_string(value)?;
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        self.bounded(async {
            let mut connection = self.connection().await?;
            redis::cmd("SET")
                .arg(&key)
                .arg(raw)
                .arg("PX")
                .arg(ttl_ms)
                .query_async::<()>(&mut connection)
                .await?;
            Ok(())
        })
        .await
    }

    /// Removes `key` (a zero TTL means "keep nothing").
    ///
    /// # Errors
    /// Any [`RedisTierError`] but `BadUrl`.
    pub async fn remove(&self, key: &str) -> Result<(), RedisTierError> {
        let key = self.key(key);
        self.bounded(async {
            let mut connection = self.connection().await?;
            redis::cmd("DEL")
                .arg(&key)
                .query_async::<()>(&mut connection)
                .await?;
            Ok(())
        })
        .await
    }
}
