use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use time::OffsetDateTime;

use super::lock;
use crate::{OAuthState, OAuthStateStore, RepositoryError};

#[derive(Debug, Default)]
pub struct InMemoryOAuthStateStore {
    states: Mutex<HashMap<String, OAuthState>>,
}

#[async_trait]
impl OAuthStateStore for InMemoryOAuthStateStore {
    async fn put(&self, state: &OAuthState) -> Result<(), RepositoryError> {
        let mut states = lock(&self.states);
        let key = state.state.expose().to_owned();
        if states.contains_key(&key) {
            return Err(RepositoryError::Conflict("state already stored".into()));
        }
        states.insert(key, state.clone());
        Ok(())
    }

    async fn take(&self, state: &str) -> Result<Option<OAuthState>, RepositoryError> {
        Ok(lock(&self.states).remove(state))
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepositoryError> {
        let mut states = lock(&self.states);
        let before = states.len();
        states.retain(|_, s| s.expires_at >= now);
        Ok((before - states.len()) as u64)
    }
}
