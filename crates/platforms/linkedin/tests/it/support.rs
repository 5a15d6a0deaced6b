//! Shared fixtures: canary credentials, a client whose two hosts are one mock server.

use socialpub_domain::SecretString;
use socialpub_linkedin::{LinkedinClient, PRODUCTION, PlatformConfig};
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_ports::{PlatformError, TokenGrant};
use url::Url;
use wiremock::MockServer;

pub const CLIENT_ID: &str = "86abcdef12345";
/// Canary values: none may ever appear in an error's Display or Debug.
pub const CLIENT_SECRET: &str = "canary-li-secret-3c3c";
pub const CODE: &str = "canary-li-code-AQT";
pub const ACCESS_TOKEN: &str = "canary-AQV-access-01";
pub const REFRESH_TOKEN: &str = "canary-AQX-refresh-01";
pub const NEW_ACCESS_TOKEN: &str = "canary-AQV-access-02";
pub const CANARIES: &[&str] = &[
    CLIENT_SECRET,
    CODE,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    NEW_ACCESS_TOKEN,
];

pub fn http() -> reqwest::Client {
    build_http_client(&HttpClientSettings::default()).unwrap()
}

pub fn config(server: &MockServer) -> PlatformConfig {
    let at = |prefix: &str| Url::parse(&format!("{}/{prefix}/", server.uri())).unwrap();
    PRODUCTION
        .config(CLIENT_ID, SecretString::new(CLIENT_SECRET))
        .with_base_urls(at("api"), at("www"))
}

pub fn client(server: &MockServer) -> LinkedinClient {
    LinkedinClient::new(config(server), http())
}

pub fn redirect_uri() -> Url {
    Url::parse("https://app.creativeflow.test/api/v1/connections/linkedin/callback").unwrap()
}

pub fn secret(value: &str) -> SecretString {
    SecretString::new(value)
}

pub fn grant(scopes: &[&str]) -> TokenGrant {
    TokenGrant {
        access_token: secret(ACCESS_TOKEN),
        refresh_token: None,
        expires_in: None,
        refresh_expires_in: None,
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        subject: None,
    }
}

pub fn assert_no_secrets(error: &PlatformError) {
    let shown = format!("{error} {error:?}");
    for canary in CANARIES {
        assert!(!shown.contains(canary), "{canary} leaked into {shown}");
    }
}
