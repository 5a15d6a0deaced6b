use socialpub_domain::{ConnectionId, UserId};
use socialpub_ports::{ConnectionFilter, PageRequest, PlatformClient, TokenSlot};

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
    /// Where one grant reaches several accounts ([`PlatformClient::accounts_share_grant`]),
    /// revoking it for one would cut off the others, so it is revoked with the user's last
    /// connection on that platform.
    pub async fn disconnect(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<Disconnected, ConnectionError> {
        let connection = self.get(user, id).await?;
        let client = self.ports.platforms.client(connection.platform);
        let shares_grant = match &client {
            Some(client) if client.accounts_share_grant() => {
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
            }
            _ => false,
        };
        let (revoked, revoke_note) = if shares_grant {
            (false, Some("other connected accounts share this authorization; it is revoked with the last of them".to_owned()))
        } else {
            match self
                .revoke_at_platform(client.as_deref(), &connection)
                .await
            {
                Ok(()) => (true, None),
                Err(note) => (false, Some(note)),
            }
        };
        if !revoked {
            tracing::warn!(connection_id = %id, platform = %connection.platform, note = revoke_note.as_deref().unwrap_or(""), "disconnecting without platform revocation");
        }
        let event = self.event(
            socialpub_domain::webhook::EventType::ConnectionDisconnected,
            &connection,
        );
        self.ports
            .connections
            .delete_with_events(user, id, std::slice::from_ref(&event))
            .await?;
        Ok(Disconnected {
            id,
            revoked,
            revoke_note,
        })
    }

    async fn revoke_at_platform(
        &self,
        client: Option<&dyn PlatformClient>,
        connection: &socialpub_domain::SocialConnection,
    ) -> Result<(), String> {
        let client = client.ok_or_else(|| {
            format!(
                "{} is not enabled on this server",
                connection.platform.display_name()
            )
        })?;
        let access = self
            .open(
                TokenSlot::access(connection.id),
                &connection.access_token_encrypted,
            )
            .map_err(|e| e.to_string())?;
        let refresh = connection
            .refresh_token_encrypted
            .as_ref()
            .map(|t| self.open(TokenSlot::refresh(connection.id), t))
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
