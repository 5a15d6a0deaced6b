use serde_json::json;
use socialpub_domain::SecretString;
use socialpub_ports::{PlatformClient, PlatformError, PlatformErrorKind};
use time::Duration;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{assert_no_secrets, client, grant};

async fn account_error(response: ResponseTemplate) -> PlatformError {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v5/user_account"))
        .respond_with(response)
        .mount(&server)
        .await;
    let error = client(&server)
        .list_accounts(&grant("canary-access"))
        .await
        .unwrap_err();
    assert_no_secrets(&error);
    error
}

async fn token_error(response: ResponseTemplate) -> PlatformError {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v5/oauth/token"))
        .respond_with(response)
        .mount(&server)
        .await;
    let redirect = Url::parse("https://app.example/cb").unwrap();
    let error = client(&server)
        .exchange_code(&SecretString::new("canary-code"), &redirect, None)
        .await
        .unwrap_err();
    assert_no_secrets(&error);
    error
}

#[tokio::test]
async fn authentication_failed_is_auth() {
    let error = account_error(ResponseTemplate::new(401).set_body_json(json!({
        "code": 2, "message": "Authentication failed."
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.code.as_deref(), Some("2"));
    assert_eq!(error.message, "Authentication failed.");
    assert!(!error.retryable());
}

#[tokio::test]
async fn invalid_grant_and_bad_code_are_auth() {
    let error = token_error(ResponseTemplate::new(400).set_body_json(json!({
        "error": "invalid_grant", "error_description": "Authorization code expired"
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.code.as_deref(), Some("invalid_grant"));

    let error = token_error(ResponseTemplate::new(400).set_body_json(json!({
        "code": 1, "message": "Invalid authorization code"
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Auth);

    let error = token_error(ResponseTemplate::new(400).set_body_json(json!({
        "code": 1, "message": "Missing parameter: redirect_uri"
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
}

#[tokio::test]
async fn not_permitted_is_permission() {
    let error = account_error(ResponseTemplate::new(403).set_body_json(json!({
        "code": 403, "message": "Not authorized to access the user account."
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Permission);
    let error = account_error(ResponseTemplate::new(403).set_body_json(json!({
        "code": 29, "message": "You are not permitted to access that resource."
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Permission);
}

#[tokio::test]
async fn rate_limit_code_8_is_quota_with_retry_after() {
    let error = account_error(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "60")
            .insert_header("x-ratelimit-limit", "1000")
            .insert_header("x-ratelimit-remaining", "0")
            .set_body_json(json!({
                "code": 8,
                "message": "This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits or if multiple write operations are applied to an object within a short time window."
            })),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Quota);
    assert!(error.retryable());
    assert_eq!(error.retry_after, Some(Duration::minutes(1)));

    let error = account_error(
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-reset", "30")
            .set_body_json(json!({"code": 8, "message": "rate limited"})),
    )
    .await;
    assert_eq!(error.retry_after, Some(Duration::seconds(30)));
}

#[tokio::test]
async fn server_errors_are_retryable() {
    let error = account_error(ResponseTemplate::new(500).set_body_json(json!({
        "code": 500, "message": "Internal error"
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert!(error.retryable());
    let error =
        account_error(ResponseTemplate::new(503).set_body_string("<html>maintenance</html>")).await;
    assert_eq!(error.kind, PlatformErrorKind::PlatformDown);
    assert_eq!(error.message, "HTTP 503 Service Unavailable");
}

#[tokio::test]
async fn a_server_error_does_not_wait_for_the_rate_limit_reset() {
    // The window's reset says when a used-up quota frees, not when the server is back.
    let error = account_error(
        ResponseTemplate::new(502)
            .set_body_json(json!({"code": 502, "message": "Bad gateway"}))
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", "3600"),
    )
    .await;
    assert!(error.retryable());
    assert_eq!(error.retry_after, None);

    let error = account_error(
        ResponseTemplate::new(503)
            .set_body_json(json!({"code": 503, "message": "Unavailable"}))
            .insert_header("x-ratelimit-reset", "3600")
            .insert_header("retry-after", "30"),
    )
    .await;
    assert_eq!(error.retry_after, Some(Duration::seconds(30)));
}

#[tokio::test]
async fn malformed_bodies_are_invalid_request() {
    let error = account_error(
        ResponseTemplate::new(200).set_body_raw("{\"id\": \"42\", canary", "application/json"),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
    assert_eq!(error.code.as_deref(), Some("malformed_response"));

    let error = token_error(
        ResponseTemplate::new(200)
            .set_body_raw("{\"access_token\":\"canary-token\"", "application/json"),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);

    let error = account_error(ResponseTemplate::new(404).set_body_json(json!({
        "code": 404, "message": "User not found."
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
}
