use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use socialpub_domain::webhook::WebhookEvent;
use socialpub_domain::{
    ConnectionHealth, ConnectionId, ConnectionStatus, Platform, SocialConnection, UserId,
};
use time::OffsetDateTime;

use super::lock;
use crate::{ConnectionFilter, ConnectionRepository, Page, PageRequest, RepositoryError};

#[derive(Debug, Default)]
struct State {
    connections: BTreeMap<ConnectionId, SocialConnection>,
    refresh_locks: BTreeMap<ConnectionId, (String, OffsetDateTime)>,
    /// The end each connection's `connection.expiring` was stored for.
    noticed_expiries: BTreeMap<ConnectionId, OffsetDateTime>,
    /// The webhook outbox: events stored with the changes that caused them.
    events: Vec<WebhookEvent>,
}

/// Connections in a map, with the repository contract's scoping and uniqueness rules.
#[derive(Debug, Default)]
pub struct InMemoryConnectionRepository {
    state: Mutex<State>,
}

impl InMemoryConnectionRepository {
    /// The events stored with connection changes, oldest first.
    pub fn events(&self) -> Vec<WebhookEvent> {
        lock(&self.state).events.clone()
    }
}

#[async_trait]
impl ConnectionRepository for InMemoryConnectionRepository {
    async fn save_with_events(
        &self,
        connection: &SocialConnection,
        events: &[WebhookEvent],
    ) -> Result<(), RepositoryError> {
        self.save(connection).await?;
        lock(&self.state).events.extend_from_slice(events);
        Ok(())
    }

    async fn delete_with_events(
        &self,
        user: &UserId,
        id: ConnectionId,
        events: &[WebhookEvent],
    ) -> Result<bool, RepositoryError> {
        let deleted = self.delete(user, id).await?;
        if deleted {
            lock(&self.state).events.extend_from_slice(events);
        }
        Ok(deleted)
    }

    async fn list_unnoticed_expiries(
        &self,
        now: OffsetDateTime,
        before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError> {
        let state = lock(&self.state);
        let mut expiring: Vec<(OffsetDateTime, SocialConnection)> = state
            .connections
            .values()
            .filter(|c| c.status == ConnectionStatus::Active)
            .filter_map(|c| {
                let dies_at = ConnectionHealth::of(c, now).dies_at?;
                (dies_at > now
                    && dies_at <= before
                    && state.noticed_expiries.get(&c.id) != Some(&dies_at))
                .then(|| (dies_at, c.clone()))
            })
            .collect();
        expiring.sort_by_key(|(at, c)| (*at, c.id));
        expiring.truncate(limit as usize);
        Ok(expiring.into_iter().map(|(_, c)| c).collect())
    }

    async fn notice_expiry(
        &self,
        id: ConnectionId,
        dies_at: OffsetDateTime,
        event: &WebhookEvent,
    ) -> Result<bool, RepositoryError> {
        let mut state = lock(&self.state);
        let current = state.connections.get(&id).and_then(|c| {
            (c.status == ConnectionStatus::Active)
                .then(|| ConnectionHealth::of(c, dies_at).dies_at)
                .flatten()
        });
        if current != Some(dies_at) || state.noticed_expiries.get(&id) == Some(&dies_at) {
            return Ok(false);
        }
        state.noticed_expiries.insert(id, dies_at);
        state.events.push(event.clone());
        Ok(true)
    }

    async fn save(&self, connection: &SocialConnection) -> Result<(), RepositoryError> {
        let mut state = lock(&self.state);
        let duplicate = state.connections.values().any(|c| {
            c.id != connection.id
                && c.user_id == connection.user_id
                && c.platform == connection.platform
                && c.external_user_id == connection.external_user_id
        });
        if duplicate {
            return Err(RepositoryError::Conflict(
                "the user already has a connection to this account".into(),
            ));
        }
        state.connections.insert(connection.id, connection.clone());
        Ok(())
    }

    async fn get(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<Option<SocialConnection>, RepositoryError> {
        Ok(lock(&self.state)
            .connections
            .get(&id)
            .filter(|c| &c.user_id == user)
            .cloned())
    }

    async fn find_by_account(
        &self,
        user: &UserId,
        platform: Platform,
        external_user_id: &str,
    ) -> Result<Option<SocialConnection>, RepositoryError> {
        Ok(lock(&self.state)
            .connections
            .values()
            .find(|c| {
                &c.user_id == user
                    && c.platform == platform
                    && c.external_user_id == external_user_id
            })
            .cloned())
    }

    async fn list(
        &self,
        user: &UserId,
        filter: &ConnectionFilter,
        page: PageRequest,
    ) -> Result<Page<SocialConnection>, RepositoryError> {
        let state = lock(&self.state);
        let mut matching: Vec<_> = state
            .connections
            .values()
            .filter(|c| &c.user_id == user)
            .filter(|c| filter.platform.is_none_or(|p| c.platform == p))
            .filter(|c| filter.status.is_none_or(|s| c.status == s))
            .cloned()
            .collect();
        matching.sort_by_key(|c| (c.created_at, c.id));
        Ok(paginate(matching, page))
    }

    async fn delete(&self, user: &UserId, id: ConnectionId) -> Result<bool, RepositoryError> {
        let mut state = lock(&self.state);
        let owned = state
            .connections
            .get(&id)
            .is_some_and(|c| &c.user_id == user);
        if owned {
            state.connections.remove(&id);
            state.refresh_locks.remove(&id);
        }
        Ok(owned)
    }

    async fn list_expiring(
        &self,
        before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError> {
        let state = lock(&self.state);
        let mut expiring: Vec<_> = state
            .connections
            .values()
            .filter(|c| c.status == ConnectionStatus::Active)
            .filter(|c| c.expires_at.is_some_and(|at| at < before))
            .cloned()
            .collect();
        expiring.sort_by_key(|c| (c.expires_at, c.id));
        expiring.truncate(limit as usize);
        Ok(expiring)
    }

    async fn list_all_after(
        &self,
        after: Option<ConnectionId>,
        limit: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError> {
        let state = lock(&self.state);
        Ok(state
            .connections
            .values()
            .filter(|c| after.is_none_or(|a| c.id > a))
            .take(limit as usize)
            .cloned()
            .collect())
    }

    async fn try_lock_refresh(
        &self,
        id: ConnectionId,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        let mut state = lock(&self.state);
        if !state.connections.contains_key(&id) {
            return Ok(false);
        }
        let free = state
            .refresh_locks
            .get(&id)
            .is_none_or(|(current, locked_until)| current == holder || *locked_until <= now);
        if free {
            state.refresh_locks.insert(id, (holder.to_owned(), until));
        }
        Ok(free)
    }

    async fn unlock_refresh(&self, id: ConnectionId, holder: &str) -> Result<(), RepositoryError> {
        let mut state = lock(&self.state);
        if state
            .refresh_locks
            .get(&id)
            .is_some_and(|(current, _)| current == holder)
        {
            state.refresh_locks.remove(&id);
        }
        Ok(())
    }
}

pub(super) fn paginate<T>(items: Vec<T>, page: PageRequest) -> Page<T> {
    let total = items.len() as u64;
    let items = items
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(page.limit() as usize)
        .collect();
    Page {
        items,
        total,
        limit: page.limit(),
        offset: page.offset(),
    }
}
