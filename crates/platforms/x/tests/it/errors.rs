use serde_json::{Value, json};
use socialpub_domain::SecretString;
use socialpub_ports::{PlatformClient, PlatformError, PlatformErrorKind};
use time::{Duration, OffsetDateTime};
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::accounts::grant;
use crate::{assert_no_secrets, client};

async fn users_me_error(response: ResponseTemplate) -> PlatformError {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
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
        .and(path("/2/oauth2/token"))
        .respond_with(response)
        .mount(&server)
        .await;
    let error = client(&server)
        .refresh(&SecretString::new("canary-refresh"))
        .await
        .unwrap_err();
    assert_no_secrets(&error);
    error
}

fn problem(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/problem+json")
}

#[tokio::test]
async fn invalid_grant_and_invalid_refresh_token_are_auth() {
    let error = token_error(ResponseTemplate::new(400).set_body_json(json!({
        "error": "invalid_grant", "error_description": "Refresh token has been revoked"
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.code.as_deref(), Some("invalid_grant"));
    assert!(!error.retryable());

    let error = token_error(ResponseTemplate::new(400).set_body_json(json!({
        "error": "invalid_request", "error_description": "Value passed for the token was invalid."
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Auth);

    // Our own client credentials are wrong: reconnecting will not help.
    let error = token_error(ResponseTemplate::new(401).set_body_json(json!({
        "error": "unauthorized_client", "error_description": "Missing valid authorization header"
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
}

#[tokio::test]
async fn expired_token_is_auth() {
    let error = users_me_error(problem(
        401,
        json!({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}),
    ))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.http_status, Some(401));

    let error = users_me_error(problem(
        403,
        json!({
            "title": "Unsupported Authentication",
            "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.",
            "type": "https://api.twitter.com/2/problems/unsupported-authentication",
            "status": 403
        }),
    ))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.code.as_deref(), Some("unsupported-authentication"));

    let error = users_me_error(ResponseTemplate::new(401).set_body_json(json!({
        "errors": [{"code": 89, "message": "Invalid or expired token."}]
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.message, "Invalid or expired token.");
}

#[tokio::test]
async fn rate_limited_with_reset_header() {
    let reset = OffsetDateTime::now_utc().unix_timestamp() + 600;
    let error = users_me_error(
        problem(
            429,
            json!({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}),
        )
        .insert_header("x-rate-limit-limit", "75")
        .insert_header("x-rate-limit-remaining", "0")
        .insert_header("x-rate-limit-reset", reset.to_string().as_str()),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Quota);
    assert!(error.retryable());
    let wait = error.retry_after.unwrap();
    assert!(
        wait > Duration::seconds(590) && wait <= Duration::seconds(600),
        "{wait}"
    );

    let error = users_me_error(ResponseTemplate::new(429).set_body_json(json!({
        "errors": [{"code": 88, "message": "Rate limit exceeded"}]
    })))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Quota);
    assert_eq!(error.retry_after, None);

    let error = users_me_error(problem(
        429,
        json!({
            "title": "UsageCapExceeded",
            "detail": "Usage cap exceeded: Monthly product cap",
            "type": "https://api.twitter.com/2/problems/usage-capped",
            "status": 429
        }),
    ))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Quota);
    assert_eq!(error.code.as_deref(), Some("usage-capped"));

    // Out of pay-per-use credits.
    let error = users_me_error(ResponseTemplate::new(402).set_body_string("")).await;
    assert_eq!(error.kind, PlatformErrorKind::Quota);
}

/// X sends its 15-minute window on every answer: a 503 while calls are left retries after
/// the engine's own backoff (no `retry_after`), not at the window's reset.
#[tokio::test]
async fn a_server_error_with_calls_left_does_not_wait_for_the_window_reset() {
    let reset = OffsetDateTime::now_utc().unix_timestamp() + 900;
    let unavailable = || {
        problem(
            503,
            json!({"title": "Service Unavailable", "type": "about:blank", "status": 503, "detail": "Service Unavailable"}),
        )
        .insert_header("x-rate-limit-limit", "75")
        .insert_header("x-rate-limit-reset", reset.to_string().as_str())
    };
    let error = users_me_error(unavailable().insert_header("x-rate-limit-remaining", "74")).await;
    assert_eq!(error.kind, PlatformErrorKind::PlatformDown);
    assert_eq!(error.retry_after, None);

    let error = users_me_error(
        unavailable()
            .insert_header("x-rate-limit-remaining", "74")
            .insert_header("retry-after", "2"),
    )
    .await;
    assert_eq!(error.retry_after, Some(Duration::seconds(2)));

    // The same 503 when the window is used up waits for it.
    let error = users_me_error(unavailable().insert_header("x-rate-limit-remaining", "0")).await;
    let wait = error.retry_after.unwrap();
    assert!(wait > Duration::seconds(890), "{wait}");

    // A 429 honours the reset even when the 15-minute count says calls are left (another
    // window ran out).
    let error = users_me_error(
        problem(
            429,
            json!({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}),
        )
        .insert_header("x-rate-limit-remaining", "3")
        .insert_header("x-rate-limit-reset", reset.to_string().as_str()),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Quota);
    let wait = error.retry_after.unwrap();
    assert!(wait > Duration::seconds(890), "{wait}");
}

#[tokio::test]
async fn forbidden_client_is_permission() {
    let error = users_me_error(problem(
        403,
        json!({
            "client_id": "123",
            "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.",
            "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
            "title": "Client Forbidden",
            "required_enrollment": "Appropriate Level of API Access",
            "reason": "client-not-enrolled",
            "type": "https://api.twitter.com/2/problems/client-forbidden"
        }),
    ))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Permission);
    assert!(!error.retryable());
}

#[tokio::test]
async fn server_errors_are_retryable() {
    let error = users_me_error(problem(
        503,
        json!({"title": "Service Unavailable", "type": "about:blank", "status": 503, "detail": "Service Unavailable"}),
    ))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::PlatformDown);
    assert!(error.retryable());

    let error = users_me_error(problem(
        500,
        json!({"title": "Internal Error", "type": "https://api.x.com/2/problems/internal-error", "detail": "Internal error"}),
    ))
    .await;
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert!(error.retryable());

    let error =
        users_me_error(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
            .await;
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert_eq!(error.message, "HTTP 502 Bad Gateway");
}

#[tokio::test]
async fn malformed_bodies() {
    let error = users_me_error(
        ResponseTemplate::new(200).set_body_raw("{\"data\": {\"id\": canary", "application/json"),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
    assert_eq!(error.code.as_deref(), Some("malformed_response"));

    let error = token_error(
        ResponseTemplate::new(200)
            .set_body_raw("{\"access_token\": \"canary-access", "application/json"),
    )
    .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);

    let error =
        token_error(ResponseTemplate::new(200).set_body_json(json!({"token_type": "bearer"})))
            .await;
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
}

#[tokio::test]
async fn transport_failure_is_transient() {
    let mut config = socialpub_x::PRODUCTION.config("id", SecretString::new("canary-secret"));
    config.api_base_url = Url::parse("http://127.0.0.1:9").unwrap();
    let http = socialpub_platform_http::build_http_client(&Default::default()).unwrap();
    let error = socialpub_x::XClient::new(config, http)
        .refresh(&SecretString::new("canary-refresh"))
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert_no_secrets(&error);
}
