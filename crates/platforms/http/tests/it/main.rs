#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod send;
mod token;

use std::collections::HashMap;

use socialpub_platform_http::{HttpClientSettings, build_http_client};
use wiremock::MockServer;

pub fn client() -> reqwest::Client {
    build_http_client(&HttpClientSettings::default()).unwrap()
}

/// The form fields of the only request the server received.
pub async fn only_form(server: &MockServer) -> HashMap<String, String> {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    url::form_urlencoded::parse(&requests[0].body)
        .into_owned()
        .collect()
}
