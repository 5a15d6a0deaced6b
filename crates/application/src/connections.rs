use std::sync::Arc;

use socialpub_domain::{ConnectionId, SocialConnection, UserId};
use socialpub_ports::{
    Clock, ConnectionFilter, ConnectionRepository, Page, PageRequest, RepositoryError,
};

/// Why a connection use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    /// No such connection for this user (it may belong to someone else: we do not say).
    #[error("connection {0} not found")]
    NotFound(ConnectionId),
    #[error(transparent)]
    Repository(#[from] RepositoryError),
}

/// Reading a user's connected accounts.
#[derive(Clone)]
pub struct ConnectionService {
    connections: Arc<dyn ConnectionRepository>,
    clock: Arc<dyn Clock>,
}

impl ConnectionService {
    pub fn new(connections: Arc<dyn ConnectionRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { connections, clock }
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub async fn list(
        &self,
        user: &UserId,
        filter: &ConnectionFilter,
        page: PageRequest,
    ) -> Result<Page<SocialConnection>, ConnectionError> {
        Ok(self.connections.list(user, filter, page).await?)
    }

    pub async fn get(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<SocialConnection, ConnectionError> {
        self.connections
            .get(user, id)
            .await?
            .ok_or(ConnectionError::NotFound(id))
    }
}
