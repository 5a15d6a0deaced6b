//! Shared fixtures: canary credentials, a client pointed at a mock server.

use socialpub_domain::SecretString;
use socialpub_facebook::{FacebookClient, PRODUCTION, PlatformConfig};
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_ports::PlatformError;
use url::Url;
use wiremock::MockServer;

pub const APP_ID: &str = "1234567890";
/// Canary values: none may ever appear in an error's Display or Debug.
pub const APP_SECRET: &str = "canary-app-secret-5e1f";
pub const CODE: &str = "canary-code-9b2c";
pub const SHORT_TOKEN: &str = "canary-short-EAAB-11";
pub const LONG_TOKEN: &str = "canary-long-EAAB-22";
pub const PAGE_TOKEN_1: &str = "canary-page-EAAB-31";
pub const PAGE_TOKEN_2: &str = "canary-page-EAAB-32";
pub const CANARIES: &[&str] = &[
    APP_SECRET,
    CODE,
    SHORT_TOKEN,
    LONG_TOKEN,
    PAGE_TOKEN_1,
    PAGE_TOKEN_2,
];

pub fn http() -> reqwest::Client {
    build_http_client(&HttpClientSettings::default()).unwrap()
}

pub fn config(server: &MockServer) -> PlatformConfig {
    let base = Url::parse(&server.uri()).unwrap();
    PRODUCTION
        .config(APP_ID, SecretString::new(APP_SECRET))
        .with_base_urls(base, Url::parse("https://www.facebook.com").unwrap())
}

pub fn client(server: &MockServer) -> FacebookClient {
    FacebookClient::new(config(server), http())
}

pub fn redirect_uri() -> Url {
    Url::parse("https://app.creativeflow.test/api/v1/connections/facebook/callback").unwrap()
}

pub fn secret(value: &str) -> SecretString {
    SecretString::new(value)
}

/// Fails when any canary shows up in the error's Display or Debug.
pub fn assert_no_secrets(error: &PlatformError) {
    let shown = format!("{error} {error:?}");
    for canary in CANARIES {
        assert!(!shown.contains(canary), "{canary} leaked into {shown}");
    }
}
