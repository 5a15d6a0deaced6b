use socialpub_domain::{ConnectionId, LoginPath, Platform};
use socialpub_ports::{CipherError, PlatformError, RepositoryError};

/// Why a connection use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    /// No such connection for this user (it may belong to someone else: we do not say).
    #[error("connection {0} not found")]
    NotFound(ConnectionId),
    /// Switched off by a feature toggle, or no credentials and no simulator.
    #[error("{} is not enabled on this server", .0.display_name())]
    PlatformNotEnabled(Platform),
    /// The platform has no such login (Facebook Login is for Instagram only).
    #[error("{} cannot be connected through {} login", .0.display_name(), .1)]
    LoginNotOffered(Platform, LoginPath),
    /// The platform offers the login, but this server cannot use it (Facebook Login for
    /// Instagram needs the Facebook app's credentials, or the simulator).
    #[error("{} login is not enabled on this server for {}", .1, .0.display_name())]
    LoginNotEnabled(Platform, LoginPath),
    #[error("the callback has no `state` parameter")]
    MissingState,
    /// Never issued, already used, or started by another user than the one completing it:
    /// state values are single use and belong to the user who started.
    #[error("the `state` value is unknown or was already used; start the connection again")]
    UnknownState,
    #[error("the authorization took longer than allowed; start the connection again")]
    StateExpired,
    /// The state was issued for another platform than the callback's.
    #[error("the `state` value belongs to another platform's authorization")]
    StateMismatch,
    #[error("the callback has no `code` parameter")]
    MissingCode,
    /// The user (or the platform) refused the authorization. In our words only: the
    /// platform's `error_description` is logged, never echoed to the browser.
    #[error(
        "{} did not grant access (declined or refused); start the connection again to retry",
        .0.display_name()
    )]
    AuthorizationDenied(Platform),
    #[error("the {} grant gives access to no account Socialpub can publish to", .0.display_name())]
    NoAccounts(Platform),
    /// Facebook Login for Instagram found no Instagram professional account linked to a
    /// Facebook Page the user granted and has a role on.
    #[error(
        "none of the Facebook Pages granted has an Instagram professional account linked to it \
         (link one in the Page's settings, or grant the Page that has it) and nothing was connected"
    )]
    NoInstagramBusinessAccount,
    /// The platform no longer accepts the tokens; the user must connect again.
    #[error("connection {0} needs to be reconnected: the platform refused its tokens")]
    NeedsReauth(ConnectionId),
    /// Another process is refreshing this connection right now.
    #[error("connection {0} is being refreshed by another process; retry shortly")]
    RefreshInProgress(ConnectionId),
    /// The connection's tokens cannot be refreshed (no refresh token, and they do not expire).
    #[error("connection {0} has no refreshable token")]
    NotRefreshable(ConnectionId),
    /// Posts to the connection's platform go to no board (only Pinterest has boards).
    #[error("{} connections have no boards", .0.display_name())]
    BoardsNotSupported(Platform),
    #[error(transparent)]
    Platform(#[from] PlatformError),
    #[error("token encryption failed: {0}")]
    Cipher(#[from] CipherError),
    #[error("misconfigured: {0}")]
    Misconfigured(String),
    #[error(transparent)]
    Repository(#[from] RepositoryError),
}
