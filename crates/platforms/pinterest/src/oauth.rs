use reqwest::StatusCode;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{ClientAuth, authorization_url, request_token, send_empty};
use socialpub_ports::{AuthorizationRequest, PlatformError, TokenGrant};
use url::Url;

use crate::client::PinterestClient;
use crate::errors::{classify, classify_token};

impl PinterestClient {
    /// `{oauth_base}/oauth/` with `client_id`, `redirect_uri`, `response_type=code`,
    /// comma-separated `scope` and `state`. A PKCE challenge, if given, is not sent
    /// (Pinterest documents none).
    pub fn authorize_url(&self, request: &AuthorizationRequest<'_>) -> Url {
        let scope = self.config.scopes.join(",");
        authorization_url(
            &self.config.oauth_base_url,
            "/oauth/",
            &[
                ("client_id", self.config.client_id.as_str()),
                ("redirect_uri", request.redirect_uri.as_str()),
                ("response_type", "code"),
                ("scope", scope.as_str()),
                ("state", request.state.expose()),
            ],
        )
    }

    /// `POST {api_base}/v5/oauth/token` with `grant_type=authorization_code`, `code`,
    /// `redirect_uri` and HTTP Basic client authentication.
    ///
    /// # Errors
    /// Auth for an invalid or expired code.
    pub async fn exchange_authorization_code(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
    ) -> Result<TokenGrant, PlatformError> {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri.as_str()),
        ])
        .await
    }

    /// `POST {api_base}/v5/oauth/token` with `grant_type=refresh_token` and
    /// `continuous_refresh=true` (required for apps created before 25 September 2025,
    /// implied for newer ones): the answer holds a new 60-day refresh token to store.
    ///
    /// # Errors
    /// Auth when the refresh token is expired or revoked.
    pub async fn refresh_token(
        &self,
        refresh_token: &SecretString,
    ) -> Result<TokenGrant, PlatformError> {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("continuous_refresh", "true"),
        ])
        .await
    }

    /// `POST {api_base}/v5/oauth/token/revoke` (`token`, `token_type_hint=access_token`,
    /// HTTP Basic). Pinterest revokes only tokens issued for system users; for an ordinary
    /// user token it answers 403 (`code` 29), which counts as done: the user removes the app
    /// in their Pinterest settings and we forget the tokens.
    ///
    /// # Errors
    /// Other failures, as classified by [`classify`].
    pub async fn revoke_token(&self, access_token: &SecretString) -> Result<(), PlatformError> {
        let request = self
            .http
            .post(self.api_url("/v5/oauth/token/revoke"))
            .basic_auth(
                &self.config.client_id,
                Some(self.config.client_secret.expose()),
            )
            .form(&[
                ("token", access_token.expose()),
                ("token_type_hint", "access_token"),
            ]);
        match send_empty(request, Platform::Pinterest, classify).await {
            Err(error) if error.http_status == Some(StatusCode::FORBIDDEN.as_u16()) => {
                tracing::debug!(
                    platform = "pinterest",
                    code = error.code.as_deref().unwrap_or(""),
                    "Pinterest does not revoke user tokens; forgetting them is enough"
                );
                Ok(())
            }
            other => other,
        }
    }

    async fn token(&self, form: &[(&str, &str)]) -> Result<TokenGrant, PlatformError> {
        request_token(
            &self.http,
            Platform::Pinterest,
            &self.api_url("/v5/oauth/token"),
            form,
            Some((
                &self.config.client_id,
                &self.config.client_secret,
                ClientAuth::Basic,
            )),
            classify_token,
        )
        .await
    }
}
