use std::sync::Arc;

use async_trait::async_trait;
use socialpub_domain::{Platform, SecretString};
use time::Duration;
use url::Url;

/// How a platform failure should be handled, whatever the platform's own codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlatformErrorKind {
    /// Our tokens are no longer accepted (expired, revoked, `invalid_grant`): reconnect.
    Auth,
    /// The account lacks a scope, role or product access.
    Permission,
    /// The platform refuses the content itself.
    Content,
    /// The platform could not fetch or process a media file.
    Media,
    /// A rate limit or quota; retry after `retry_after`.
    Quota,
    /// A failure that may pass on retry (timeouts, 5xx, network).
    Transient,
    /// The platform is down or in maintenance.
    PlatformDown,
    /// We sent something the platform does not understand (a bug or an API change).
    InvalidRequest,
}

impl PlatformErrorKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            PlatformErrorKind::Auth => "auth",
            PlatformErrorKind::Permission => "permission",
            PlatformErrorKind::Content => "content",
            PlatformErrorKind::Media => "media",
            PlatformErrorKind::Quota => "quota",
            PlatformErrorKind::Transient => "transient",
            PlatformErrorKind::PlatformDown => "platform_down",
            PlatformErrorKind::InvalidRequest => "invalid_request",
        }
    }

    /// Whether trying again later can succeed.
    pub const fn is_retryable(self) -> bool {
        matches!(
            self,
            PlatformErrorKind::Quota
                | PlatformErrorKind::Transient
                | PlatformErrorKind::PlatformDown
        )
    }
}

/// [`PlatformError::code`] of a refresh the platform refuses only because the token is too
/// young (Instagram: under 24 hours). The token itself is fine.
pub const REFRESH_TOO_EARLY: &str = "refresh_too_early";

/// A classified platform failure. `message` is the platform's own words, never a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{platform} {}: {message}", kind.as_str())]
pub struct PlatformError {
    pub platform: Platform,
    pub kind: PlatformErrorKind,
    /// The platform's error code (`invalid_grant`, `190`, `spam_risk_too_many_posts`...).
    pub code: Option<String>,
    pub message: String,
    pub http_status: Option<u16>,
    pub retry_after: Option<Duration>,
}

impl PlatformError {
    pub fn retryable(&self) -> bool {
        self.kind.is_retryable()
    }
}

/// What goes into an authorization URL.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest<'a> {
    pub state: &'a SecretString,
    pub redirect_uri: &'a Url,
    /// S256 challenge of the PKCE verifier, for platforms that use PKCE.
    pub code_challenge: Option<&'a str>,
}

/// Tokens from a code exchange or a refresh.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub expires_in: Option<Duration>,
    pub refresh_expires_in: Option<Duration>,
    pub scopes: Vec<String>,
    /// The account id some platforms return with the token (TikTok's `open_id`).
    pub subject: Option<String>,
}

/// What kind of account a connection publishes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// A person's own profile (X user, LinkedIn member, TikTok creator, Pinterest user).
    Personal,
    /// A Facebook Page.
    Page,
    /// An Instagram professional (business or creator) account.
    Business,
    /// A LinkedIn organization the member administers.
    Organization,
}

/// One publishable account reachable through a grant. Accounts with tokens of their own
/// (Facebook Pages) carry them; others use the grant's.
#[derive(Debug, Clone)]
pub struct PlatformAccount {
    pub external_user_id: String,
    pub display_name: String,
    pub kind: AccountKind,
    /// The account's own token (a Facebook Page token); `None` means the grant's token.
    pub access_token: Option<SecretString>,
    /// Lifetime of `access_token`; `None` with a token means it does not expire.
    pub expires_in: Option<Duration>,
}

/// One platform's API, accounts side: the OAuth dance and account discovery.
#[async_trait]
pub trait PlatformClient: Send + Sync {
    fn platform(&self) -> Platform;

    /// Whether the platform takes PKCE; if so the caller makes a verifier and sends its
    /// challenge.
    fn uses_pkce(&self) -> bool;

    /// The URL to send the user's browser to, with the scopes publishing and insights need.
    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Url;

    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the code is invalid, expired or already used.
    async fn exchange_code(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
        code_verifier: Option<&SecretString>,
    ) -> Result<TokenGrant, PlatformError>;

    /// Platforms that extend a token by exchanging the current one (Instagram Login's
    /// `ig_refresh_token`, Facebook's `fb_exchange_token`) return that token as the grant's
    /// `refresh_token`, so callers always pass the stored refresh token here.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the refresh token is revoked or expired.
    async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenGrant, PlatformError>;

    /// Revokes the grant behind a connection's tokens at the platform. Each platform uses the
    /// token its revocation endpoint wants (Facebook: the user token kept as a Page
    /// connection's refresh token). Platforms without revocation succeed doing nothing.
    async fn revoke(
        &self,
        access_token: &SecretString,
        refresh_token: Option<&SecretString>,
    ) -> Result<(), PlatformError>;

    /// True when accounts carry tokens of their own, derived from the grant's (Facebook Page
    /// tokens): refreshing then means refreshing the grant and fetching the account's new
    /// token through [`PlatformClient::list_accounts`].
    fn accounts_have_own_tokens(&self) -> bool {
        false
    }

    /// True when one grant reaches several accounts kept as separate connections (Facebook
    /// Pages under one user token, LinkedIn organizations under one member token): revoking
    /// it for one connection would cut off the others, so it is revoked with the last one.
    fn accounts_share_grant(&self) -> bool {
        false
    }

    /// The publishable accounts the grant reaches (several for Facebook Pages or LinkedIn
    /// organizations).
    async fn list_accounts(
        &self,
        grant: &TokenGrant,
    ) -> Result<Vec<PlatformAccount>, PlatformError>;

    /// The boards the account can publish into, for platforms where each post goes to a
    /// board the user picks (Pinterest); `None` where posts go to no board.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the token is refused; otherwise as classified.
    async fn list_boards(
        &self,
        _access_token: &SecretString,
    ) -> Result<Option<Vec<PlatformBoard>>, PlatformError> {
        Ok(None)
    }
}

/// A board an account publishes into (a Pinterest board), as a user picks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformBoard {
    /// The platform's id, what a post's `board_id` option names.
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// The platform's own word (`PUBLIC`, `PROTECTED`, `SECRET` on Pinterest).
    pub privacy: Option<String>,
}

/// The platform clients this process can use. A platform that is switched off or has no
/// credentials is simply absent.
pub trait PlatformRegistry: Send + Sync {
    fn client(&self, platform: Platform) -> Option<Arc<dyn PlatformClient>>;

    /// A client that speaks Facebook's OAuth and reports `platform`'s accounts (Instagram
    /// only). `None` when the process cannot: no Facebook app configured, or a platform that
    /// has no such login.
    fn facebook_login_client(&self, _platform: Platform) -> Option<Arc<dyn PlatformClient>> {
        None
    }

    fn enabled(&self) -> Vec<Platform>;
}
