#![allow(clippy::unwrap_used, reason = "tests fail loudly")]
//! Contract tests against wiremock with the request and response shapes of Pinterest's
//! OpenAPI 5.23.0 and docs.

mod accounts;
mod errors;
mod insights;
mod oauth;
mod publish;

use std::collections::HashMap;

use socialpub_domain::SecretString;
use socialpub_pinterest::{PRODUCTION, PinterestClient};
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_ports::{PlatformError, TokenGrant};
use url::Url;
use wiremock::MockServer;

pub const CLIENT_ID: &str = "1234567";
pub const CLIENT_SECRET: &str = "canary-app-secret";
/// `Basic base64("1234567:canary-app-secret")`.
pub const BASIC: &str = "Basic MTIzNDU2NzpjYW5hcnktYXBwLXNlY3JldA==";

pub fn client(server: &MockServer) -> PinterestClient {
    let mut config = PRODUCTION.config(CLIENT_ID, SecretString::new(CLIENT_SECRET));
    config.api_base_url = Url::parse(&server.uri()).unwrap();
    PinterestClient::new(
        config,
        build_http_client(&HttpClientSettings::default()).unwrap(),
    )
}

pub fn grant(token: &str) -> TokenGrant {
    TokenGrant {
        access_token: SecretString::new(token),
        refresh_token: None,
        expires_in: None,
        refresh_expires_in: None,
        scopes: vec![],
        subject: None,
    }
}

pub async fn last_form(server: &MockServer) -> HashMap<String, String> {
    let requests = server.received_requests().await.unwrap();
    url::form_urlencoded::parse(&requests.last().unwrap().body)
        .into_owned()
        .collect()
}

pub fn assert_no_secrets(error: &PlatformError) {
    let printed = format!("{error} {error:?}");
    assert!(!printed.contains("canary"), "secret leaked: {printed}");
}
