use socialpub_domain::{ConnectionId, Platform, UserId};
use socialpub_ports::{ConnectionFilter, PageRequest};

use super::{ConnectionError, ConnectionService};

/// The outcome of a disconnect: the connection is always gone; the platform revocation may
/// have failed or been skipped, and the user is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disconnected {
    pub id: ConnectionId,
    pub revoked: bool,
    /// Why the platform did not revoke, when it did not.
    pub revoke_note: Option<String>,
}

impl ConnectionService {
    /// Revokes the grant at the platform, then deletes the connection whatever the platform
    /// said: a user who asks to disconnect is disconnected.
    ///
    /// Facebook and LinkedIn grants reach several accounts; revoking one would cut off the
    /// others, so those are revoked with the user's last connection on that platform.
    pub async fn disconnect(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<Disconnected, ConnectionError> {
        let connection = self.get(user, id).await?;
        let shares_grant = matches!(connection.platform, Platform::Facebook | Platform::Linkedin)
            && {
                let filter = ConnectionFilter {
                    platform: Some(connection.platform),
                    status: None,
                };
                self.ports
                    .connections
                    .list(user, &filter, PageRequest::new(2, 0))
                    .await?
                    .total
                    > 1
            };
        let (revoked, revoke_note) = if shares_grant {
            (false, Some("other connected accounts share this authorization; it is revoked with the last of them".to_owned()))
        } else {
            match self.revoke_at_platform(&connection).await {
                Ok(()) => (true, None),
                Err(note) => (false, Some(note)),
            }
        };
        if !revoked {
            tracing::warn!(connection_id = %id, platform = %connection.platform, note = revoke_note.as_deref().unwrap_or(""), "disconnecting without platform revocation");
        }
        self.ports.connections.delete(user, id).await?;
        Ok(Disconnected {
            id,
            revoked,
            revoke_note,
        })
    }

    async fn revoke_at_platform(
        &self,
        connection: &socialpub_domain::SocialConnection,
    ) -> Result<(), String> {
        let client = self
            .ports
            .platforms
            .client(connection.platform)
            .ok_or_else(|| {
                format!(
                    "{} is not enabled on this server",
                    connection.platform.display_name()
                )
            })?;
        let access = self
            .open(connection.id, &connection.access_token_encrypted)
            .map_err(|e| e.to_string())?;
        let refresh = connection
            .refresh_token_encrypted
            .as_ref()
            .map(|t| self.open(connection.id, t))
            .transpose()
            .map_err(|e| e.to_string())?;
        client.revoke(&access, refresh.as_ref()).await.map_err(|e| {
            format!(
                "the platform did not confirm the revocation ({})",
                e.kind.as_str()
            )
        })
    }
}
