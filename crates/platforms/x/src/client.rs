use async_trait::async_trait;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::PlatformConfig;
use socialpub_ports::{
    AuthorizationRequest, PlatformAccount, PlatformClient, PlatformError, TokenGrant,
};
use url::Url;

/// X API v2 client. Cheap to clone (the `reqwest::Client` is shared).
#[derive(Debug, Clone)]
pub struct XClient {
    pub(crate) config: PlatformConfig,
    pub(crate) http: reqwest::Client,
}

impl XClient {
    /// `http` should come from `socialpub_platform_http::build_http_client` (no redirects,
    /// timeouts, ring TLS).
    pub fn new(config: PlatformConfig, http: reqwest::Client) -> Self {
        Self { config, http }
    }

    pub fn config(&self) -> &PlatformConfig {
        &self.config
    }

    pub(crate) fn api_url(&self, path: &str) -> Url {
        socialpub_platform_http::endpoint(&self.config.api_base_url, path)
    }
}

#[async_trait]
impl PlatformClient for XClient {
    fn platform(&self) -> Platform {
        Platform::X
    }

    fn uses_pkce(&self) -> bool {
        true
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Url {
        self.authorize_url(request)
    }

    async fn exchange_code(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
        code_verifier: Option<&SecretString>,
    ) -> Result<TokenGrant, PlatformError> {
        self.exchange_authorization_code(code, redirect_uri, code_verifier)
            .await
    }

    async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenGrant, PlatformError> {
        self.refresh_token(refresh_token).await
    }

    async fn revoke(
        &self,
        access_token: &SecretString,
        _refresh_token: Option<&SecretString>,
    ) -> Result<(), PlatformError> {
        self.revoke_token(access_token).await
    }

    async fn list_accounts(
        &self,
        grant: &TokenGrant,
    ) -> Result<Vec<PlatformAccount>, PlatformError> {
        let user = self.me(&grant.access_token).await?;
        Ok(vec![crate::accounts::account(&user)])
    }
}
