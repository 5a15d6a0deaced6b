//! Business Login for Instagram: consent URL, code exchange (short-lived token), long-lived
//! exchange (`ig_exchange_token`) and refresh (`ig_refresh_token`).

use reqwest::StatusCode;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::meta_graph::classify_token;
use socialpub_platform_http::{authorization_url, platform_error};
use socialpub_ports::{PlatformError, PlatformErrorKind};
use time::Duration;
use url::Url;

use crate::client::InstagramClient;
use crate::wire::{LongLivedResponse, ShortLivedResponse};

/// The one-hour token of the code exchange.
#[derive(Debug, Clone)]
pub struct ShortLivedToken {
    pub access_token: SecretString,
    /// The Instagram-scoped user id (may differ from the `user_id` of `/me`).
    pub user_id: Option<String>,
    /// Granted permissions.
    pub permissions: Vec<String>,
}

/// A 60-day Instagram User token.
#[derive(Debug, Clone)]
pub struct LongLivedToken {
    pub access_token: SecretString,
    pub expires_in: Option<Duration>,
}

impl From<LongLivedResponse> for LongLivedToken {
    fn from(response: LongLivedResponse) -> Self {
        Self {
            access_token: response.access_token,
            expires_in: response
                .expires_in
                .filter(|seconds| *seconds > 0)
                .map(Duration::seconds),
        }
    }
}

/// The callback's code may end in `#_`, which is not part of it.
fn clean_code(code: &SecretString) -> SecretString {
    match code.expose().strip_suffix("#_") {
        Some(stripped) => SecretString::new(stripped),
        None => code.clone(),
    }
}

impl InstagramClient {
    /// `{oauth_base}/oauth/authorize?client_id&redirect_uri&response_type=code&scope&state`,
    /// scopes comma-separated.
    pub fn consent_url(&self, state: &SecretString, redirect_uri: &Url) -> Url {
        authorization_url(
            &self.config.oauth_base_url,
            "oauth/authorize",
            &[
                ("client_id", &self.config.client_id),
                ("redirect_uri", redirect_uri.as_str()),
                ("response_type", "code"),
                ("scope", &self.config.scopes.join(",")),
                ("state", state.expose()),
            ],
        )
    }

    /// `POST {token_base}/oauth/access_token` (form): the code for a one-hour token. Reads
    /// both the documented `{"data":[...]}` answer and the flat one.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the code is invalid, expired or already used.
    pub async fn exchange_code_short_lived(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
    ) -> Result<ShortLivedToken, PlatformError> {
        let code = clean_code(code);
        let url = Self::url(
            self.config.token_base_url(),
            "token_base_url",
            &["oauth", "access_token"],
        )?;
        let request = self.http.post(url).form(&[
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", redirect_uri.as_str()),
            ("code", code.expose()),
        ]);
        let response: ShortLivedResponse = self
            .call(
                request,
                classify_token,
                &[&code, &self.config.client_secret],
            )
            .await?;
        let entry = response.into_entry().ok_or_else(|| {
            platform_error(
                Platform::Instagram,
                PlatformErrorKind::InvalidRequest,
                Some("malformed_response".to_owned()),
                "code exchange answered an empty data list",
                Some(StatusCode::OK),
                None,
            )
        })?;
        Ok(ShortLivedToken {
            access_token: entry.access_token,
            user_id: entry.user_id,
            permissions: entry.permissions,
        })
    }

    /// `GET {api_base}/access_token?grant_type=ig_exchange_token&client_secret&access_token`:
    /// a short-lived token for a 60-day one.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the short-lived token is no longer valid.
    pub async fn exchange_for_long_lived(
        &self,
        short_lived: &SecretString,
    ) -> Result<LongLivedToken, PlatformError> {
        let url = Self::url(&self.config.api_base_url, "api_base_url", &["access_token"])?;
        let request = self.http.get(url).query(&[
            ("grant_type", "ig_exchange_token"),
            ("client_secret", self.config.client_secret.expose()),
            ("access_token", short_lived.expose()),
        ]);
        let response: LongLivedResponse = self
            .call(
                request,
                classify_token,
                &[short_lived, &self.config.client_secret],
            )
            .await?;
        Ok(response.into())
    }

    /// `GET {api_base}/refresh_access_token?grant_type=ig_refresh_token&access_token`: a
    /// long-lived token (at least 24 hours old, unexpired) for a fresh 60-day one.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the token is expired or revoked.
    pub async fn refresh_long_lived(
        &self,
        long_lived: &SecretString,
    ) -> Result<LongLivedToken, PlatformError> {
        let url = Self::url(
            &self.config.api_base_url,
            "api_base_url",
            &["refresh_access_token"],
        )?;
        let request = self.http.get(url).query(&[
            ("grant_type", "ig_refresh_token"),
            ("access_token", long_lived.expose()),
        ]);
        let response: LongLivedResponse = self.call(request, classify_token, &[long_lived]).await?;
        Ok(response.into())
    }
}
