#![allow(clippy::unwrap_used, reason = "tests fail loudly")]
//! Contract tests against wiremock with the request and response shapes of TikTok's Login
//! Kit, Display API and Content Posting API docs.

mod accounts;
mod errors;
mod insights;
mod oauth;
mod publish;
mod publisher_driver;

use std::collections::HashMap;

use socialpub_domain::SecretString;
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_ports::{PlatformError, TokenGrant};
use socialpub_tiktok::{PRODUCTION, TiktokClient};
use url::Url;
use wiremock::MockServer;

pub const CLIENT_KEY: &str = "awtiktokkey";
pub const CLIENT_SECRET: &str = "canary-client-secret";

pub fn client(server: &MockServer) -> TiktokClient {
    let mut config = PRODUCTION.config(CLIENT_KEY, SecretString::new(CLIENT_SECRET));
    config.api_base_url = Url::parse(&server.uri()).unwrap();
    TiktokClient::new(
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
