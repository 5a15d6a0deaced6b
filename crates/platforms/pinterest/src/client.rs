use async_trait::async_trait;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::PlatformConfig;
use socialpub_ports::{
    AuthorizationRequest, PlatformAccount, PlatformBoard, PlatformClient, PlatformError, TokenGrant,
};
use url::Url;

/// Pinterest API v5 client. Cheap to clone (the `reqwest::Client` is shared).
#[derive(Debug, Clone)]
pub struct PinterestClient {
    pub(crate) config: PlatformConfig,
    pub(crate) http: reqwest::Client,
}

impl PinterestClient {
    /// `http` should come from `socialpub_platform_http::build_http_client`.
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
impl PlatformClient for PinterestClient {
    fn platform(&self) -> Platform {
        Platform::Pinterest
    }

    /// Pinterest documents no PKCE for its authorization code flow.
    fn uses_pkce(&self) -> bool {
        false
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Url {
        self.authorize_url(request)
    }

    async fn exchange_code(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
        _code_verifier: Option<&SecretString>,
    ) -> Result<TokenGrant, PlatformError> {
        self.exchange_authorization_code(code, redirect_uri).await
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
        let account = self.user_account(&grant.access_token).await?;
        Ok(vec![crate::accounts::account(&account)])
    }

    /// Every board of the user, all pages, in Pinterest's order.
    async fn list_boards(
        &self,
        access_token: &SecretString,
    ) -> Result<Option<Vec<PlatformBoard>>, PlatformError> {
        let boards = PinterestClient::list_boards(self, access_token).await?;
        Ok(Some(
            boards.into_iter().map(crate::accounts::board).collect(),
        ))
    }
}
