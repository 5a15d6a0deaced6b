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

/// A typed Facebook Pages client: Facebook Login, long-lived user tokens, Page discovery.
///
/// Cheap to clone. Build the `reqwest::Client` with redirects off (token calls carry the app
/// secret) and timeouts, e.g. with `socialpub_platform_http::build_http_client`.
#[derive(Debug, Clone)]
pub struct FacebookClient {
    pub(crate) config: Arc<PlatformConfig>,
    pub(crate) http: reqwest::Client,
}

impl FacebookClient {
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
            Platform::Facebook,
            "api_base_url",
            std::iter::once(self.graph_api_version()).chain(segments.iter().copied()),
        )
    }

    /// `{upload_base}/{version}/{segments...}`: Graph's video host (`graph-video`), or the
    /// API host when none is configured.
    pub(crate) fn video_url(&self, segments: &[&str]) -> Result<Url, PlatformError> {
        path_url(
            self.config.upload_base_url(),
            Platform::Facebook,
            "upload_base_url",
            std::iter::once(self.graph_api_version()).chain(segments.iter().copied()),
        )
    }

    /// Whether a URL handed back by Graph (`paging.next`) points at the configured API host,
    /// so following it cannot send the token anywhere else.
    pub(crate) fn is_api_host(&self, url: &Url) -> bool {
        let base = &self.config.api_base_url;
        url.scheme() == base.scheme()
            && url.host_str() == base.host_str()
            && url.port_or_known_default() == base.port_or_known_default()
    }

    /// Sends a Graph request and reads a JSON body of type `T`; any failure (a 200 with an
    /// error envelope included) is classified, and the given secrets are scrubbed from the
    /// platform's message. A sign that the configured version is going away is logged once.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        classify: Classify,
        secrets: &[&SecretString],
    ) -> Result<T, PlatformError> {
        send_graph_json_at(
            request,
            Platform::Facebook,
            classify,
            secrets,
            self.graph_api_version(),
        )
        .await
    }
}

#[async_trait]
impl PlatformClient for FacebookClient {
    fn platform(&self) -> Platform {
        Platform::Facebook
    }

    /// Facebook Login's manual flow takes no PKCE (its PKCE variant is still "in testing").
    fn uses_pkce(&self) -> bool {
        false
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Url {
        self.login_dialog_url(request.state, request.redirect_uri)
    }

    async fn exchange_code(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
        _code_verifier: Option<&SecretString>,
    ) -> Result<TokenGrant, PlatformError> {
        let short = self.exchange_code_short_lived(code, redirect_uri).await?;
        self.grant_for_long_lived(&short.access_token).await
    }

    async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenGrant, PlatformError> {
        self.grant_for_long_lived(refresh_token).await
    }

    /// `DELETE /me/permissions` needs the user token, which a Page connection keeps as its
    /// refresh token; a Page token alone is tried as a last resort.
    async fn revoke(
        &self,
        access_token: &SecretString,
        refresh_token: Option<&SecretString>,
    ) -> Result<(), PlatformError> {
        self.revoke_permissions(refresh_token.unwrap_or(access_token))
            .await
    }

    fn accounts_have_own_tokens(&self) -> bool {
        true
    }

    /// Every Page token derives from the one user token that revocation withdraws.
    fn accounts_share_grant(&self) -> bool {
        true
    }

    async fn list_accounts(
        &self,
        grant: &TokenGrant,
    ) -> Result<Vec<PlatformAccount>, PlatformError> {
        Ok(self
            .pages(&grant.access_token)
            .await?
            .into_iter()
            .filter(|page| page.can_publish())
            .map(crate::accounts::FacebookPage::into_account)
            .collect())
    }
}
