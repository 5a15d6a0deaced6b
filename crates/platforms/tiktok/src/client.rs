use async_trait::async_trait;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{PlatformConfig, malformed_body, platform_error, send_checked};
use socialpub_ports::{
    AuthorizationRequest, PlatformAccount, PlatformClient, PlatformError, PlatformErrorKind,
    TokenGrant,
};
use url::Url;

use crate::errors::classify;
use crate::wire::Envelope;

/// TikTok API v2 client. Cheap to clone (the `reqwest::Client` is shared).
#[derive(Debug, Clone)]
pub struct TiktokClient {
    pub(crate) config: PlatformConfig,
    pub(crate) http: reqwest::Client,
}

impl TiktokClient {
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

    /// Sends an API request and unwraps the `{"data", "error"}` envelope: an error whose
    /// code is not `ok` fails even with HTTP 200.
    pub(crate) async fn send_envelope<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, PlatformError> {
        let (status, body) = self.send(request).await?;
        // The error first: a failed call may carry a `data` of another shape.
        let head: Envelope<serde::de::IgnoredAny> = serde_json::from_slice(&body)
            .map_err(|e| malformed_body(Platform::Tiktok, status, &e))?;
        if head.error.as_ref().is_some_and(|e| !e.is_ok()) {
            return Err(classify(
                Platform::Tiktok,
                status,
                &Default::default(),
                &body,
            ));
        }
        let envelope: Envelope<T> = serde_json::from_slice(&body)
            .map_err(|e| malformed_body(Platform::Tiktok, status, &e))?;
        envelope.data.ok_or_else(|| {
            platform_error(
                Platform::Tiktok,
                PlatformErrorKind::InvalidRequest,
                Some("malformed_response".to_owned()),
                "response without data",
                Some(status),
                None,
            )
        })
    }

    /// Sends a request; non-2xx answers go through [`classify`].
    pub(crate) async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(StatusCode, Vec<u8>), PlatformError> {
        let response = send_checked(request, Platform::Tiktok, classify, &[]).await?;
        Ok((response.status, response.body))
    }
}

#[async_trait]
impl PlatformClient for TiktokClient {
    fn platform(&self) -> Platform {
        Platform::Tiktok
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
        let user = self.user_info(&grant.access_token).await?;
        Ok(vec![crate::accounts::account(&user)])
    }
}
