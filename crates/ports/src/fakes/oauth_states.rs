use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use socialpub_domain::UserId;
use time::OffsetDateTime;

use super::lock;
use crate::{OAuthState, OAuthStateStore, RepositoryError, StateDigest};

#[derive(Debug, Default)]
pub struct InMemoryOAuthStateStore {
    states: Mutex<HashMap<StateDigest, OAuthState>>,
}

impl InMemoryOAuthStateStore {
    /// How many authorizations are pending (expired or not), for tests of the cap.
    pub fn len(&self) -> usize {
        lock(&self.states).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl OAuthStateStore for InMemoryOAuthStateStore {
    async fn put(&self, state: &OAuthState, keep_per_user: usize) -> Result<(), RepositoryError> {
        let mut states = lock(&self.states);
        if states.contains_key(&state.digest) {
            return Err(RepositoryError::Conflict("state already stored".into()));
        }
        states.insert(state.digest.clone(), state.clone());
        let mut mine: Vec<_> = states
            .values()
            .filter(|s| s.user_id == state.user_id)
            .map(|s| (s.created_at, s.digest.clone()))
            .collect();
        // Newest first, as the databases order them.
        mine.sort_by(|a, b| b.cmp(a));
        for (_, digest) in mine.into_iter().skip(keep_per_user.max(1)) {
            states.remove(&digest);
        }
        Ok(())
    }

    async fn take(
        &self,
        digest: &StateDigest,
        user: Option<&UserId>,
    ) -> Result<Option<OAuthState>, RepositoryError> {
        let mut states = lock(&self.states);
        match (states.get(digest), user) {
            (Some(found), Some(user)) if &found.user_id != user => Ok(None),
            _ => Ok(states.remove(digest)),
        }
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepositoryError> {
        let mut states = lock(&self.states);
        let before = states.len();
        states.retain(|_, s| s.expires_at >= now);
        Ok((before - states.len()) as u64)
    }
}
