use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use super::lock;
use crate::{CacheError, InsightsCache};

/// A map with expiry times.
#[derive(Debug, Default)]
pub struct InMemoryInsightsCache {
    entries: Mutex<HashMap<String, (serde_json::Value, OffsetDateTime)>>,
}

#[async_trait]
impl InsightsCache for InMemoryInsightsCache {
    async fn get(&self, key: &str) -> Result<Option<serde_json::Value>, CacheError> {
        let now = OffsetDateTime::now_utc();
        Ok(lock(&self.entries)
            .get(key)
            .filter(|(_, expires_at)| *expires_at > now)
            .map(|(value, _)| value.clone()))
    }

    async fn put(
        &self,
        key: &str,
        value: serde_json::Value,
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let expires_at = OffsetDateTime::now_utc() + ttl;
        lock(&self.entries).insert(key.to_owned(), (value, expires_at));
        Ok(())
    }
}
