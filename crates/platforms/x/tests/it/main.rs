#![allow(clippy::unwrap_used, reason = "tests fail loudly")]
//! Contract tests against wiremock with the request and response shapes X documents.

mod accounts;
mod errors;
mod insights;
mod oauth;
mod publish;
mod publisher_driver;

use std::collections::HashMap;

use socialpub_domain::SecretString;
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_ports::PlatformError;
use socialpub_x::{PRODUCTION, XClient};
use url::Url;
use wiremock::MockServer;

pub const CLIENT_ID: &str = "x-client-id";
pub const CLIENT_SECRET: &str = "canary-client-secret";
/// `Basic base64("x-client-id:canary-client-secret")`.
pub const BASIC: &str = "Basic eC1jbGllbnQtaWQ6Y2FuYXJ5LWNsaWVudC1zZWNyZXQ=";

pub fn client(server: &MockServer) -> XClient {
    let mut config = PRODUCTION.config(CLIENT_ID, SecretString::new(CLIENT_SECRET));
    config.api_base_url = Url::parse(&server.uri()).unwrap();
    config.oauth_base_url = Url::parse("https://x.com").unwrap();
    XClient::new(
        config,
        build_http_client(&HttpClientSettings::default()).unwrap(),
    )
}

/// Form fields of the last request the server received.
pub async fn last_form(server: &MockServer) -> HashMap<String, String> {
    let requests = server.received_requests().await.unwrap();
    let last = requests.last().unwrap();
    url::form_urlencoded::parse(&last.body)
        .into_owned()
        .collect()
}

/// No secret used in these tests may appear in an error.
pub fn assert_no_secrets(error: &PlatformError) {
    let printed = format!("{error} {error:?}");
    assert!(!printed.contains("canary"), "secret leaked: {printed}");
}
