//! Shared fixtures: canary credentials, a client whose three hosts are one mock server.

use socialpub_domain::SecretString;
use socialpub_instagram::{InstagramClient, PRODUCTION, PlatformConfig};
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_ports::PlatformError;
use url::Url;
use wiremock::MockServer;

pub const APP_ID: &str = "990011223344";
/// Canary values: none may ever appear in an error's Display or Debug.
pub const APP_SECRET: &str = "canary-ig-secret-77aa";
pub const CODE: &str = "canary-ig-code-AQBx";
pub const SHORT_TOKEN: &str = "canary-IGAA-short-01";
pub const LONG_TOKEN: &str = "canary-IGAA-long-02";
pub const NEW_LONG_TOKEN: &str = "canary-IGAA-long-03";
pub const CANARIES: &[&str] = &[APP_SECRET, CODE, SHORT_TOKEN, LONG_TOKEN, NEW_LONG_TOKEN];

pub fn http() -> reqwest::Client {
    build_http_client(&HttpClientSettings::default()).unwrap()
}

/// The three hosts as three path prefixes of one server, so a request to the wrong host
/// misses its mock.
pub fn config(server: &MockServer) -> PlatformConfig {
    let at = |prefix: &str| Url::parse(&format!("{}/{prefix}/", server.uri())).unwrap();
    PRODUCTION
        .config(APP_ID, SecretString::new(APP_SECRET))
        .with_base_urls(at("graph"), at("www"))
        .with_token_base_url(at("api"))
}

pub fn client(server: &MockServer) -> InstagramClient {
    InstagramClient::new(config(server), http())
}

pub fn redirect_uri() -> Url {
    Url::parse("https://app.creativeflow.test/api/v1/connections/instagram/callback").unwrap()
}

pub fn secret(value: &str) -> SecretString {
    SecretString::new(value)
}

pub fn assert_no_secrets(error: &PlatformError) {
    let shown = format!("{error} {error:?}");
    for canary in CANARIES {
        assert!(!shown.contains(canary), "{canary} leaked into {shown}");
    }
}
