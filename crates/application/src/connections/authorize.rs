use socialpub_domain::{LoginPath, Platform, UserId};
use socialpub_ports::{AuthorizationRequest, OAuthState};
use time::OffsetDateTime;
use url::Url;

use super::{ConnectionError, ConnectionService};

/// Where to send the user's browser, and until when the authorization may complete.
#[derive(Debug, Clone)]
pub struct AuthorizationStart {
    pub platform: Platform,
    pub authorization_url: Url,
    pub expires_at: OffsetDateTime,
}

impl ConnectionService {
    /// Starts connecting `platform` for `user`: stores a fresh single-use `state` (by its
    /// digest, bound to user and platform, with the PKCE verifier where the platform uses
    /// PKCE), dropping the user's oldest pending ones beyond the cap, and returns the
    /// platform's authorization URL.
    pub async fn start_authorization(
        &self,
        user: &UserId,
        platform: Platform,
    ) -> Result<AuthorizationStart, ConnectionError> {
        self.start_authorization_with(user, platform, LoginPath::Native)
            .await
    }

    /// [`ConnectionService::start_authorization`] through `login` (Instagram: its own login
    /// or Facebook Login). The login is stored with the state, so the completion uses the one
    /// the authorization URL was made for, whatever the callback says.
    ///
    /// # Errors
    /// [`ConnectionError::LoginNotOffered`] for a login the platform does not have,
    /// [`ConnectionError::LoginNotEnabled`] when this server cannot use it (Facebook Login
    /// without a Facebook app), [`ConnectionError::PlatformNotEnabled`].
    pub async fn start_authorization_with(
        &self,
        user: &UserId,
        platform: Platform,
        login: LoginPath,
    ) -> Result<AuthorizationStart, ConnectionError> {
        let client = self.login_client(platform, login)?;
        let redirect_uri = self.policy.redirect_uri(platform)?;
        let state = self.ports.secrets.random_secret()?;
        let code_verifier = if client.uses_pkce() {
            Some(self.ports.secrets.random_secret()?)
        } else {
            None
        };
        let challenge = code_verifier
            .as_ref()
            .map(|v| self.ports.secrets.pkce_challenge(v));
        let now = self.ports.clock.now();
        let expires_at = now + self.policy.state_ttl;
        self.ports
            .oauth_states
            .put(
                &OAuthState {
                    digest: self.ports.secrets.state_digest(&state),
                    user_id: user.clone(),
                    platform,
                    login,
                    code_verifier,
                    created_at: now,
                    expires_at,
                },
                self.policy.max_pending_states,
            )
            .await?;
        let authorization_url = client.authorization_url(&AuthorizationRequest {
            state: &state,
            redirect_uri: &redirect_uri,
            code_challenge: challenge.as_deref(),
        });
        tracing::info!(%platform, %login, user_id = %user, "authorization started");
        Ok(AuthorizationStart {
            platform,
            authorization_url,
            expires_at,
        })
    }
}
