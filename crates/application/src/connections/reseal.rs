use socialpub_domain::{ConnectionId, UserId};
use socialpub_ports::{RepositoryError, TokenSlot};

use super::{ConnectionError, ConnectionService};

/// What a key-rotation pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResealReport {
    pub examined: usize,
    pub resealed: usize,
    /// Connections being refreshed right now; the next pass takes them.
    pub busy: usize,
    /// Tokens no loaded key opens (their key was removed too early): the user must reconnect.
    pub unreadable: usize,
}

impl ConnectionService {
    /// Re-seals every stored token that is not in the newest form (under the newest key, bound
    /// to its slot), while the service keeps running: each connection is rewritten under its refresh lock, so a concurrent refresh
    /// is never overwritten with stale tokens.
    pub async fn reseal_all(&self, batch: u32) -> Result<ResealReport, RepositoryError> {
        let mut report = ResealReport::default();
        let mut after: Option<ConnectionId> = None;
        loop {
            let page = self.ports.connections.list_all_after(after, batch).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for connection in page {
                report.examined += 1;
                let stale = self
                    .ports
                    .cipher
                    .needs_reseal(&connection.access_token_encrypted)
                    || connection
                        .refresh_token_encrypted
                        .as_ref()
                        .is_some_and(|t| self.ports.cipher.needs_reseal(t));
                if !stale {
                    continue;
                }
                match self.reseal_one(&connection.user_id, connection.id).await {
                    Ok(true) => report.resealed += 1,
                    Ok(false) => report.busy += 1,
                    Err(ConnectionError::Repository(e)) => return Err(e),
                    Err(error) => {
                        report.unreadable += 1;
                        tracing::warn!(connection_id = %connection.id, %error, "token cannot be re-sealed");
                    }
                }
            }
        }
        Ok(report)
    }

    /// Returns false when another process holds the connection's refresh lock.
    async fn reseal_one(&self, user: &UserId, id: ConnectionId) -> Result<bool, ConnectionError> {
        let now = self.ports.clock.now();
        let until = now + self.policy.refresh_lock_ttl;
        if !self
            .ports
            .connections
            .try_lock_refresh(id, &self.policy.holder, now, until)
            .await?
        {
            return Ok(false);
        }
        let result = async {
            // Read again under the lock: a refresh may have just rewritten the tokens.
            let Some(mut connection) = self.ports.connections.get(user, id).await? else {
                return Ok(true);
            };
            let access = self.open(TokenSlot::access(id), &connection.access_token_encrypted)?;
            connection.access_token_encrypted = self.seal(TokenSlot::access(id), &access)?;
            if let Some(refresh) = &connection.refresh_token_encrypted {
                let refresh = self.open(TokenSlot::refresh(id), refresh)?;
                connection.refresh_token_encrypted =
                    Some(self.seal(TokenSlot::refresh(id), &refresh)?);
            }
            self.ports.connections.save(&connection).await?;
            Ok(true)
        }
        .await;
        if let Err(error) = self
            .ports
            .connections
            .unlock_refresh(id, &self.policy.holder)
            .await
        {
            tracing::warn!(connection_id = %id, %error, "could not release the refresh lock; it expires by itself");
        }
        result
    }
}
