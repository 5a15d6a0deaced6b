use socialpub_domain::{ConnectionId, LoginPath, Platform, SocialConnection, UserId};
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
    /// connection on that grant. Facebook Login is one Meta app grant whether it connected
    /// Facebook Pages or Instagram accounts, so those count together.
    ///
    /// The revocation goes to the endpoints of the login the connection was made through
    /// (an Instagram account connected through Facebook Login: `DELETE /me/permissions`).
    pub async fn disconnect(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<Disconnected, ConnectionError> {
        let connection = self.get(user, id).await?;
        let client = self
            .login_client(connection.platform, connection.login)
            .ok();
        let shares_grant = match &client {
            Some(client) if client.accounts_share_grant() => {
                self.grant_reaches_others(user, &connection).await?
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

    /// Whether another of the user's connections holds tokens of the same grant as
    /// `connection`: same platform and login, or Facebook Login on another platform.
    async fn grant_reaches_others(
        &self,
        user: &UserId,
        connection: &SocialConnection,
    ) -> Result<bool, ConnectionError> {
        let grant = connection.login.grant_platform(connection.platform);
        for platform in Platform::ALL {
            let reachable = [LoginPath::Native, LoginPath::Facebook]
                .into_iter()
                .any(|login| {
                    login.offered_for(platform) && login.grant_platform(platform) == grant
                });
            if !reachable {
                continue;
            }
            let filter = ConnectionFilter {
                platform: Some(platform),
                status: None,
            };
            let mut offset = 0;
            loop {
                let page = self
                    .ports
                    .connections
                    .list(
                        user,
                        &filter,
                        PageRequest::new(PageRequest::MAX_LIMIT, offset),
                    )
                    .await?;
                if page.items.iter().any(|other| {
                    other.id != connection.id && other.login.grant_platform(other.platform) == grant
                }) {
                    return Ok(true);
                }
                offset += page.items.len() as u64;
                if page.items.is_empty() || offset >= page.total {
                    break;
                }
            }
        }
        Ok(false)
    }

    async fn revoke_at_platform(
        &self,
        client: Option<&dyn PlatformClient>,
        connection: &SocialConnection,
    ) -> Result<(), String> {
        let client = client.ok_or_else(|| {
            format!(
                "{} ({} login) is not enabled on this server",
                connection.platform.display_name(),
                connection.login
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
