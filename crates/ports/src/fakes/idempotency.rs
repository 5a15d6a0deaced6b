use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use socialpub_domain::{IdempotencyKey, UserId};
use time::{Duration, OffsetDateTime};

use super::lock;
use crate::{IdempotencyClaim, IdempotencyStore, RepositoryError, StoredResponse};

#[derive(Debug, Clone)]
enum Entry {
    Running {
        fingerprint: String,
        until: OffsetDateTime,
    },
    Done {
        fingerprint: String,
        response: StoredResponse,
        until: OffsetDateTime,
    },
}

/// Idempotency keys in a map; one mutex makes a claim atomic, as a unique index does.
#[derive(Debug, Default)]
pub struct InMemoryIdempotencyStore {
    entries: Mutex<HashMap<(UserId, String), Entry>>,
}

impl InMemoryIdempotencyStore {
    /// How many keys are held (running or answered).
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl IdempotencyStore for InMemoryIdempotencyStore {
    async fn claim(
        &self,
        user: &UserId,
        key: &IdempotencyKey,
        fingerprint: &str,
        now: OffsetDateTime,
        lock_for: Duration,
    ) -> Result<IdempotencyClaim, RepositoryError> {
        let mut entries = lock(&self.entries);
        let slot = (user.clone(), key.as_str().to_owned());
        let claim = match entries.get(&slot) {
            Some(Entry::Done {
                fingerprint: f,
                response,
                until,
            }) if *until > now => {
                if f == fingerprint {
                    IdempotencyClaim::Replay(response.clone())
                } else {
                    IdempotencyClaim::Mismatch
                }
            }
            Some(Entry::Running {
                fingerprint: f,
                until,
            }) if *until > now => {
                if f == fingerprint {
                    IdempotencyClaim::InProgress
                } else {
                    IdempotencyClaim::Mismatch
                }
            }
            _ => IdempotencyClaim::Proceed,
        };
        if claim == IdempotencyClaim::Proceed {
            entries.insert(
                slot,
                Entry::Running {
                    fingerprint: fingerprint.to_owned(),
                    until: now + lock_for,
                },
            );
        }
        Ok(claim)
    }

    async fn complete(
        &self,
        user: &UserId,
        key: &IdempotencyKey,
        response: &StoredResponse,
        now: OffsetDateTime,
        keep_for: Duration,
    ) -> Result<(), RepositoryError> {
        let mut entries = lock(&self.entries);
        let slot = (user.clone(), key.as_str().to_owned());
        let fingerprint = match entries.get(&slot) {
            Some(Entry::Running { fingerprint, .. } | Entry::Done { fingerprint, .. }) => {
                fingerprint.clone()
            }
            None => {
                return Err(RepositoryError::Conflict(format!(
                    "idempotency key `{}` is not claimed",
                    key.as_str()
                )));
            }
        };
        entries.insert(
            slot,
            Entry::Done {
                fingerprint,
                response: response.clone(),
                until: now + keep_for,
            },
        );
        Ok(())
    }

    async fn release(&self, user: &UserId, key: &IdempotencyKey) -> Result<(), RepositoryError> {
        let mut entries = lock(&self.entries);
        let slot = (user.clone(), key.as_str().to_owned());
        if matches!(entries.get(&slot), Some(Entry::Running { .. })) {
            entries.remove(&slot);
        }
        Ok(())
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepositoryError> {
        let mut entries = lock(&self.entries);
        let before = entries.len();
        entries.retain(|_, entry| match entry {
            Entry::Running { until, .. } | Entry::Done { until, .. } => *until > now,
        });
        Ok((before - entries.len()) as u64)
    }
}
