use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use reqwest::RequestBuilder;
use serde::de::DeserializeOwned;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{
    Classify, PlatformConfig, Received, path_url, report_deprecation, send_checked,
    send_empty_redacting, send_json_redacting,
};
use socialpub_ports::{
    AuthorizationRequest, PlatformAccount, PlatformClient, PlatformError, PlatformErrorKind,
    TokenGrant,
};
use url::Url;

use crate::config::DEFAULT_LINKEDIN_VERSION;
use crate::errors::classify_api;

/// LinkedIn's own spelling of a deprecation header (the generic `Sunset` and `Deprecation`
/// are reported for every platform by `send_checked`).
const LINKEDIN_DEPRECATION_HEADER: &str = "x-li-deprecation";

/// Headers announcing that the version in use is going away, LinkedIn's and the generic ones.
const DEPRECATION_HEADERS: &[&str] = &["sunset", "deprecation", LINKEDIN_DEPRECATION_HEADER];

/// Rest.li protocol version required on every `/rest` call.
pub const RESTLI_PROTOCOL_VERSION: &str = "2.0.0";

/// A typed LinkedIn client: OAuth 2.0 (authorization code, refresh, revocation), the member
/// and the organizations they administer.
///
/// Cheap to clone. Build the `reqwest::Client` with redirects off (token calls carry the
/// client secret) and timeouts, e.g. with `socialpub_platform_http::build_http_client`.
#[derive(Debug, Clone)]
pub struct LinkedinClient {
    pub(crate) config: Arc<PlatformConfig>,
    pub(crate) http: reqwest::Client,
    /// The `LinkedIn-Version` in use was said to be going away (the warning itself is given
    /// once per process by `report_deprecation`).
    deprecation_warned: Arc<AtomicBool>,
}

impl LinkedinClient {
    pub fn new(config: PlatformConfig, http: reqwest::Client) -> Self {
        Self {
            config: Arc::new(config),
            http,
            deprecation_warned: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn config(&self) -> &PlatformConfig {
        &self.config
    }

    /// `{base}/{segments...}`; each segment is percent-encoded (URNs in paths).
    pub(crate) fn url(base: &Url, which: &str, segments: &[&str]) -> Result<Url, PlatformError> {
        path_url(base, Platform::Linkedin, which, segments.iter().copied())
    }

    pub(crate) fn api_url(&self, segments: &[&str]) -> Result<Url, PlatformError> {
        Self::url(&self.config.api_base_url, "api_base_url", segments)
    }

    pub(crate) fn oauth_url(&self, segments: &[&str]) -> Result<Url, PlatformError> {
        Self::url(&self.config.oauth_base_url, "oauth_base_url", segments)
    }

    /// A `GET {api_base}/rest/...` with the token and the versioning headers.
    pub(crate) fn rest_get(&self, url: Url, token: &SecretString) -> RequestBuilder {
        self.rest(reqwest::Method::GET, url, token)
    }

    /// A `{method} {api_base}/rest/...` with the token and the versioning headers.
    pub(crate) fn rest(
        &self,
        method: reqwest::Method,
        url: Url,
        token: &SecretString,
    ) -> RequestBuilder {
        self.http
            .request(method, url)
            .bearer_auth(token.expose())
            .header("LinkedIn-Version", self.version())
            .header("X-Restli-Protocol-Version", RESTLI_PROTOCOL_VERSION)
    }

    /// The `LinkedIn-Version` sent on `/rest` calls.
    pub fn version(&self) -> &str {
        self.config.api_version_or(DEFAULT_LINKEDIN_VERSION)
    }

    /// Sends a `/rest` request and reads the whole answer, watching for a deprecation
    /// signal: a sunset header on success, or a version refused on failure. Each is reported
    /// (logged once per process, counted every time); the generic headers were already
    /// reported by `send_checked`.
    pub(crate) async fn send_rest(
        &self,
        request: RequestBuilder,
        secrets: &[&SecretString],
    ) -> Result<Received, PlatformError> {
        match send_checked(request, Platform::Linkedin, classify_api, secrets).await {
            Ok(received) => {
                let announced = DEPRECATION_HEADERS
                    .iter()
                    .find_map(|name| Some((*name, received.headers.get(*name)?.to_str().ok()?)));
                if let Some((header, value)) = announced {
                    if header == LINKEDIN_DEPRECATION_HEADER {
                        report_deprecation(
                            Platform::Linkedin,
                            &format!(
                                "LinkedIn-Version {} answered `{header}: {value}`",
                                self.version()
                            ),
                        );
                    }
                    self.deprecation_warned.store(true, Ordering::Relaxed);
                }
                Ok(received)
            }
            Err(error) => {
                let version_refused = error.kind == PlatformErrorKind::InvalidRequest
                    && (error.http_status == Some(426)
                        || error
                            .code
                            .as_deref()
                            .is_some_and(|c| c == "VERSION_MISSING" || c == "NONEXISTENT_VERSION"));
                if version_refused {
                    report_deprecation(
                        Platform::Linkedin,
                        &format!(
                            "LinkedIn-Version {} was refused ({})",
                            self.version(),
                            error.code.as_deref().unwrap_or("HTTP 426")
                        ),
                    );
                    self.deprecation_warned.store(true, Ordering::Relaxed);
                }
                Err(error)
            }
        }
    }

    /// Whether this client was told its version is going away.
    pub fn deprecation_warned(&self) -> bool {
        self.deprecation_warned.load(Ordering::Relaxed)
    }

    /// Sends a request and reads a JSON body of type `T`; failures are classified and the
    /// given secrets scrubbed from the platform's message.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        classify: Classify,
        secrets: &[&SecretString],
    ) -> Result<T, PlatformError> {
        send_json_redacting(request, Platform::Linkedin, classify, secrets).await
    }

    /// As [`Self::call`], discarding the body.
    pub(crate) async fn call_empty(
        &self,
        request: RequestBuilder,
        classify: Classify,
        secrets: &[&SecretString],
    ) -> Result<(), PlatformError> {
        send_empty_redacting(request, Platform::Linkedin, classify, secrets).await
    }
}

#[async_trait]
impl PlatformClient for LinkedinClient {
    fn platform(&self) -> Platform {
        Platform::Linkedin
    }

    /// LinkedIn takes PKCE only in its native-client flow; web apps use the client secret.
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
        self.exchange_authorization_code(code, redirect_uri).await
    }

    async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenGrant, PlatformError> {
        self.refresh_access_token(refresh_token).await
    }

    async fn revoke(
        &self,
        access_token: &SecretString,
        _refresh_token: Option<&SecretString>,
    ) -> Result<(), PlatformError> {
        self.revoke_token(access_token).await
    }

    /// The member and the organizations they administer all publish with the member's token.
    fn accounts_share_grant(&self) -> bool {
        true
    }

    async fn list_accounts(
        &self,
        grant: &TokenGrant,
    ) -> Result<Vec<PlatformAccount>, PlatformError> {
        self.accounts(grant).await
    }
}
