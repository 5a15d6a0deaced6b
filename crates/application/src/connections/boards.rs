use socialpub_domain::{ConnectionId, Platform, UserId};
use socialpub_ports::{PlatformBoard, PlatformErrorKind};

use super::{ConnectionError, ConnectionService};

impl ConnectionService {
    /// The boards of the user's own connection, for the web app to offer as a post's
    /// `board_id` (Pinterest). The token is refreshed first when it is about to expire, and a
    /// token the platform refuses marks the connection for reconnection, as publishing does.
    ///
    /// # Errors
    /// [`ConnectionError::NotFound`] for a connection that is not the user's,
    /// [`ConnectionError::BoardsNotSupported`] for a platform without boards, or what
    /// refreshing the token and asking the platform failed with.
    pub async fn boards(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<Vec<PlatformBoard>, ConnectionError> {
        let connection = self.get(user, id).await?;
        if connection.platform != Platform::Pinterest {
            return Err(ConnectionError::BoardsNotSupported(connection.platform));
        }
        let client = self.login_client(connection.platform, connection.login)?;
        let (_, token) = self.fresh_access_token(user, id).await?;
        match client.list_boards(&token).await {
            Ok(Some(boards)) => Ok(boards),
            Ok(None) => Err(ConnectionError::BoardsNotSupported(connection.platform)),
            Err(error) if error.kind == PlatformErrorKind::Auth => {
                self.mark_needs_reauth(user, id).await?;
                Err(ConnectionError::NeedsReauth(id))
            }
            Err(error) => Err(error.into()),
        }
    }
}
