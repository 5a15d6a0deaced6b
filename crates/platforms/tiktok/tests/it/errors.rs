use serde_json::json;
use socialpub_domain::SecretString;
use socialpub_ports::{PlatformClient, PlatformError, PlatformErrorKind};
use time::Duration;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{assert_no_secrets, client, grant};

async fn user_info_error(response: ResponseTemplate) -> PlatformError {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/user/info/"))
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
        .and(path("/v2/oauth/token/"))
        .respond_with(response)
        .mount(&server)
        .await;
    let redirect = Url::parse("https://app.example/cb").unwrap();
    let error = client(&server)
        .exchange_code(
            &SecretString::new("canary-code"),
            &redirect,
            Some(&SecretString::new("canary-verifier")),
        )
        .await
        .unwrap_err();
    assert_no_secrets(&error);
    error
}

fn api_error(code: &str, message: &str) -> serde_json::Value {
    json!({"data": {}, "error": {"code": code, "message": message, "log_id": "202208291947"}})
}

#[tokio::test]
async fn invalid_grant_is_auth_with_or_without_error_status() {
    for status in [400, 200] {
        let error = token_error(ResponseTemplate::new(status).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "Authorization code is expired.",
            "log_id": "20221207102437"
        })))
        .await;
        assert_eq!(error.kind, PlatformErrorKind::Auth, "{status}");
        assert_eq!(error.code.as_deref(), Some("invalid_grant"));
        assert!(error.message.contains("log_id 20221207102437"));
        assert!(!error.retryable());
    }
    let error = token_error(ResponseTemplate::new(401).set_body_json(json!({
        "error": "invalid_client", "error_description": "Client key or secret is incorrect.", "log_id": "1"
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
}

#[tokio::test]
async fn invalid_access_token_is_auth() {
    let error = user_info_error(ResponseTemplate::new(401).set_body_json(api_error(
        "access_token_invalid",
        "The access token is invalid or not found in the request.",
    )))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.code.as_deref(), Some("access_token_invalid"));
    assert_eq!(error.http_status, Some(401));

    // Same code inside a 200 envelope.
    let error = user_info_error(
        ResponseTemplate::new(200).set_body_json(api_error("access_token_invalid", "expired")),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Auth);
}

#[tokio::test]
async fn missing_scope_is_permission() {
    let error = user_info_error(ResponseTemplate::new(401).set_body_json(api_error(
        "scope_not_authorized",
        "The user did not authorize the scope required for completing this request.",
    )))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Permission);
}

#[tokio::test]
async fn rate_limit_is_quota_with_a_default_wait() {
    let error = user_info_error(ResponseTemplate::new(429).set_body_json(api_error(
        "rate_limit_exceeded",
        "The API rate limit was exceeded. Please try again later.",
    )))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Quota);
    assert!(error.retryable());
    assert_eq!(error.retry_after, Some(Duration::minutes(1)));

    let error = user_info_error(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "5")
            .set_body_json(api_error("rate_limit_exceeded", "slow down")),
    )
    .await;
    assert_eq!(error.retry_after, Some(Duration::seconds(5)));
}

#[tokio::test]
async fn server_errors_are_retryable() {
    let error = user_info_error(
        ResponseTemplate::new(500)
            .set_body_json(api_error("internal_error", "Something went wrong.")),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert!(error.retryable());

    let error =
        user_info_error(ResponseTemplate::new(503).set_body_string("upstream unavailable")).await;
    assert_eq!(error.kind, PlatformErrorKind::PlatformDown);
    assert!(error.retryable());
}

/// A reset header describes the rate-limit window, not a server error: a 5xx waits only
/// for an explicit Retry-After.
#[tokio::test]
async fn a_server_error_does_not_wait_for_the_rate_limit_reset() {
    let reset = (time::OffsetDateTime::now_utc() + Duration::hours(1)).unix_timestamp();
    let error = user_info_error(
        ResponseTemplate::new(500)
            .insert_header("x-ratelimit-reset", reset.to_string())
            .insert_header("x-ratelimit-remaining", "10")
            .set_body_json(api_error("internal_error", "Something went wrong.")),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert_eq!(error.retry_after, None);

    let error = user_info_error(
        ResponseTemplate::new(503)
            .insert_header("x-ratelimit-reset", reset.to_string())
            .insert_header("retry-after", "7")
            .set_body_string("upstream unavailable"),
    )
    .await;
    assert_eq!(error.retry_after, Some(Duration::seconds(7)));

    // A rate limit does wait for the reset.
    let error = user_info_error(
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-reset", reset.to_string())
            .set_body_json(api_error("rate_limit_exceeded", "slow down")),
    )
    .await;
    let wait = error.retry_after.unwrap();
    assert!(
        wait > Duration::minutes(59) && wait <= Duration::hours(1),
        "{wait}"
    );
}

/// The pending-share limit and the daily caps defer the job until they free; TikTok's own
/// code stays in the message.
#[tokio::test]
async fn posting_caps_are_volume_caps() {
    for code in [
        "spam_risk_too_many_pending_share",
        "spam_risk_too_many_posts",
        "reached_active_user_cap",
    ] {
        let error = user_info_error(
            ResponseTemplate::new(403).set_body_json(api_error(code, "Too many posts.")),
        )
        .await;
        assert_eq!(error.kind, PlatformErrorKind::Quota, "{code}");
        assert_eq!(
            error.code.as_deref(),
            Some(socialpub_ports::VOLUME_CAP_REACHED)
        );
        assert_eq!(error.retry_after, Some(Duration::hours(24)));
        assert!(error.message.contains(code), "{}", error.message);
    }
}

#[tokio::test]
async fn invalid_params_and_malformed_bodies_are_invalid_request() {
    let error = user_info_error(
        ResponseTemplate::new(400).set_body_json(api_error("invalid_params", "fields is invalid")),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);

    let error = user_info_error(
        ResponseTemplate::new(200).set_body_raw("{\"data\": {\"user\": canary", "application/json"),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
    assert_eq!(error.code.as_deref(), Some("malformed_response"));

    let error = token_error(
        ResponseTemplate::new(200)
            .set_body_raw("{\"access_token\":\"canary-act", "application/json"),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
}

#[tokio::test]
async fn revoke_error_in_a_200_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/oauth/revoke/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "error": "invalid_request", "error_description": "token is required", "log_id": "9"
        })))
        .mount(&server)
        .await;
    let error = client(&server)
        .revoke(&SecretString::new("canary-token"), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
    assert_no_secrets(&error);
}
