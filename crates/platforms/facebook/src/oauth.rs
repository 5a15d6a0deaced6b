//! Facebook Login (manual flow): login dialog, code exchange, long-lived user tokens,
//! granted permissions and revocation.

use reqwest::StatusCode;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::meta_graph::{classify_graph, classify_token};
use socialpub_platform_http::{authorization_url, platform_error};
use socialpub_ports::{PlatformError, PlatformErrorKind, TokenGrant};
use time::Duration;
use url::Url;

use crate::client::FacebookClient;
use crate::wire::{PermissionStatus, PermissionsResponse, SuccessResponse, TokenResponse};

/// A Facebook user access token and its lifetime (`None`: no expiry announced).
#[derive(Debug, Clone)]
pub struct UserToken {
    pub access_token: SecretString,
    pub expires_in: Option<Duration>,
}

impl From<TokenResponse> for UserToken {
    fn from(response: TokenResponse) -> Self {
        Self {
            access_token: response.access_token,
            expires_in: response
                .expires_in
                .filter(|seconds| *seconds > 0)
                .map(Duration::seconds),
        }
    }
}

impl FacebookClient {
    /// `{oauth_base}/{version}/dialog/oauth?client_id&redirect_uri&state&response_type=code&scope`
    /// with the configured permissions, comma-separated.
    pub fn login_dialog_url(&self, state: &SecretString, redirect_uri: &Url) -> Url {
        self.login_dialog_url_for(state, redirect_uri, &self.config.scopes.join(","))
    }

    /// The login dialog asking for `scopes` (comma-separated) instead of the configured ones.
    pub(crate) fn login_dialog_url_for(
        &self,
        state: &SecretString,
        redirect_uri: &Url,
        scopes: &str,
    ) -> Url {
        let path = format!("{}/dialog/oauth", self.graph_api_version());
        authorization_url(
            &self.config.oauth_base_url,
            &path,
            &[
                ("client_id", &self.config.client_id),
                ("redirect_uri", redirect_uri.as_str()),
                ("state", state.expose()),
                ("response_type", "code"),
                ("scope", scopes),
            ],
        )
    }

    /// Step 1: `GET {api_base}/{version}/oauth/access_token?client_id&redirect_uri&client_secret&code`,
    /// which yields a short-lived (1–2 h) user token.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the code is invalid, expired or already used.
    pub async fn exchange_code_short_lived(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
    ) -> Result<UserToken, PlatformError> {
        let url = self.graph_url(&["oauth", "access_token"])?;
        let request = self.http.get(url).query(&[
            ("client_id", self.config.client_id.as_str()),
            ("redirect_uri", redirect_uri.as_str()),
            ("client_secret", self.config.client_secret.expose()),
            ("code", code.expose()),
        ]);
        let response: TokenResponse = self
            .call(request, classify_token, &[code, &self.config.client_secret])
            .await?;
        Ok(response.into())
    }

    /// Step 2: `GET {api_base}/{version}/oauth/access_token?grant_type=fb_exchange_token&...`
    /// turns a user token (short-lived, or a still-valid long-lived one) into a long-lived
    /// (about 60 days) user token.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the token is expired or revoked (code 190).
    pub async fn exchange_for_long_lived(
        &self,
        token: &SecretString,
    ) -> Result<UserToken, PlatformError> {
        let url = self.graph_url(&["oauth", "access_token"])?;
        let request = self.http.get(url).query(&[
            ("grant_type", "fb_exchange_token"),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose()),
            ("fb_exchange_token", token.expose()),
        ]);
        let response: TokenResponse = self
            .call(
                request,
                classify_token,
                &[token, &self.config.client_secret],
            )
            .await?;
        Ok(response.into())
    }

    /// The permissions the user granted: `GET {api_base}/{version}/me/permissions`, keeping
    /// the `granted` ones.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the token is no longer valid.
    pub async fn granted_permissions(
        &self,
        token: &SecretString,
    ) -> Result<Vec<String>, PlatformError> {
        let url = self.graph_url(&["me", "permissions"])?;
        let request = self.http.get(url).bearer_auth(token.expose());
        let response: PermissionsResponse = self.call(request, classify_graph, &[token]).await?;
        Ok(response
            .data
            .into_iter()
            .filter(|entry| {
                entry.status == PermissionStatus::Granted && !entry.permission.is_empty()
            })
            .map(|entry| entry.permission)
            .collect())
    }

    /// Exchanges `token` for a long-lived user token and reads the granted permissions. The
    /// long-lived token is both the access token and the refresh token: Meta has no refresh
    /// tokens, a still-valid long-lived token is extended by exchanging it again.
    pub(crate) async fn grant_for_long_lived(
        &self,
        token: &SecretString,
    ) -> Result<TokenGrant, PlatformError> {
        let long = self.exchange_for_long_lived(token).await?;
        let scopes = self.granted_permissions(&long.access_token).await?;
        Ok(TokenGrant {
            refresh_token: Some(long.access_token.clone()),
            access_token: long.access_token,
            expires_in: long.expires_in,
            refresh_expires_in: long.expires_in,
            scopes,
            subject: None,
        })
    }

    /// Revokes the whole app grant: `DELETE {api_base}/{version}/me/permissions` with the
    /// **user** token (every Page token obtained through the grant stops working too). A Page
    /// token cannot revoke the grant; Graph answers it with an error.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the token is already invalid.
    pub async fn revoke_permissions(&self, user_token: &SecretString) -> Result<(), PlatformError> {
        let url = self.graph_url(&["me", "permissions"])?;
        let request = self.http.delete(url).bearer_auth(user_token.expose());
        let response: SuccessResponse = self.call(request, classify_graph, &[user_token]).await?;
        if response.succeeded() {
            Ok(())
        } else {
            Err(platform_error(
                Platform::Facebook,
                PlatformErrorKind::InvalidRequest,
                None,
                "Graph answered the revocation with success=false",
                Some(StatusCode::OK),
                None,
            ))
        }
    }
}
