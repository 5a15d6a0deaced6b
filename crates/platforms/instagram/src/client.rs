use std::sync::Arc;

use async_trait::async_trait;
use reqwest::RequestBuilder;
use serde::de::DeserializeOwned;
use socialpub_domain::{Platform, SecretString};
use socialpub_ports::{
    AuthorizationRequest, PlatformAccount, PlatformClient, PlatformError, TokenGrant,
};
use url::Url;

use socialpub_platform_http::meta_graph::send_graph_json_at;
use socialpub_platform_http::{Classify, PlatformConfig, path_url};

use crate::config::DEFAULT_GRAPH_API_VERSION;

/// A typed client for the Instagram API with Instagram Login (Business Login for Instagram):
/// consent, code exchange, long-lived tokens and their refresh, the professional account.
///
/// Cheap to clone. Build the `reqwest::Client` with redirects off (token calls carry the app
/// secret) and timeouts, e.g. with `socialpub_platform_http::build_http_client`.
#[derive(Debug, Clone)]
pub struct InstagramClient {
    pub(crate) config: Arc<PlatformConfig>,
    pub(crate) http: reqwest::Client,
}

impl InstagramClient {
    pub fn new(config: PlatformConfig, http: reqwest::Client) -> Self {
        Self {
            config: Arc::new(config),
            http,
        }
    }

    pub fn config(&self) -> &PlatformConfig {
        &self.config
    }

    /// The Graph API version in every versioned path.
    pub(crate) fn graph_api_version(&self) -> &str {
        self.config.api_version_or(DEFAULT_GRAPH_API_VERSION)
    }

    /// `{api_base}/{version}/{segments...}`.
    pub(crate) fn graph_url(&self, segments: &[&str]) -> Result<Url, PlatformError> {
        path_url(
            &self.config.api_base_url,
            Platform::Instagram,
            "api_base_url",
            std::iter::once(self.graph_api_version()).chain(segments.iter().copied()),
        )
    }

    /// `{base}/{segments...}` (unversioned: the token endpoints).
    pub(crate) fn url(base: &Url, which: &str, segments: &[&str]) -> Result<Url, PlatformError> {
        path_url(base, Platform::Instagram, which, segments.iter().copied())
    }

    /// Sends a Graph request and reads a JSON body of type `T`; any failure (a 200 with an
    /// error envelope included) is classified, and the given secrets are scrubbed from the
    /// platform's message. A sign that the configured version is going away is reported.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        classify: Classify,
        secrets: &[&SecretString],
    ) -> Result<T, PlatformError> {
        send_graph_json_at(
            request,
            Platform::Instagram,
            classify,
            secrets,
            self.graph_api_version(),
        )
        .await
    }
}

#[async_trait]
impl PlatformClient for InstagramClient {
    fn platform(&self) -> Platform {
        Platform::Instagram
    }

    /// Business Login for Instagram documents no PKCE; the client secret is required.
    fn uses_pkce(&self) -> bool {
        false
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Url {
        self.consent_url(request.state, request.redirect_uri)
    }

    async fn exchange_code(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
        _code_verifier: Option<&SecretString>,
    ) -> Result<TokenGrant, PlatformError> {
        let short = self.exchange_code_short_lived(code, redirect_uri).await?;
        let long = self.exchange_for_long_lived(&short.access_token).await?;
        Ok(TokenGrant {
            refresh_token: Some(long.access_token.clone()),
            access_token: long.access_token,
            expires_in: long.expires_in,
            refresh_expires_in: long.expires_in,
            scopes: short.permissions,
            subject: short.user_id,
        })
    }

    /// Extends the long-lived token (`ig_refresh_token`): the token must be at least 24 hours
    /// old and unexpired. The answer carries no permissions, so `scopes` is empty.
    async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenGrant, PlatformError> {
        let long = self.refresh_long_lived(refresh_token).await?;
        Ok(TokenGrant {
            refresh_token: Some(long.access_token.clone()),
            access_token: long.access_token,
            expires_in: long.expires_in,
            refresh_expires_in: long.expires_in,
            scopes: Vec::new(),
            subject: None,
        })
    }

    /// Instagram Login has no revocation endpoint: the user removes the app in Instagram's
    /// settings and Meta calls the app's deauthorize callback. Succeeds doing nothing; the
    /// caller deletes the stored token.
    async fn revoke(
        &self,
        _access_token: &SecretString,
        _refresh_token: Option<&SecretString>,
    ) -> Result<(), PlatformError> {
        Ok(())
    }

    async fn list_accounts(
        &self,
        grant: &TokenGrant,
    ) -> Result<Vec<PlatformAccount>, PlatformError> {
        let profile = self.me(&grant.access_token).await?;
        Ok(vec![profile.into_account(grant.subject.as_deref())?])
    }
}
