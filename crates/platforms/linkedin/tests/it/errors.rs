//! LinkedIn's documented error shapes to the right `PlatformErrorKind`, and no secret in any
//! error.

use serde_json::json;
use socialpub_linkedin::{LinkedinClient, PRODUCTION};
use socialpub_ports::{PlatformError, PlatformErrorKind};
use time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

use PlatformErrorKind::{
    Auth, Content, InvalidRequest, Media, Permission, PlatformDown, Quota, Transient,
};

async fn fail_with(server: &MockServer, response: ResponseTemplate) -> PlatformError {
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/api/rest/organizationAcls"))
        .respond_with(response)
        .mount(server)
        .await;
    let error = client(server)
        .administered_organizations(&secret(ACCESS_TOKEN))
        .await
        .unwrap_err();
    assert_no_secrets(&error);
    error
}

#[tokio::test]
async fn the_documented_error_table_is_classified() {
    let body = |status: u16, code: &str, message: &str| json!({"status": status, "serviceErrorCode": 100, "code": code, "message": message});
    let cases = [
        (
            400,
            body(400, "VERSION_MISSING", "A version must be present"),
            InvalidRequest,
        ),
        (
            426,
            body(
                426,
                "NONEXISTENT_VERSION",
                "Requested version 202409 is not active",
            ),
            InvalidRequest,
        ),
        (400, body(400, "INVALID_URN_ID", "bad urn"), InvalidRequest),
        (
            400,
            body(400, "INVALID_URN_TYPE", "bad urn type"),
            InvalidRequest,
        ),
        (
            400,
            body(400, "MISSING_FIELD", "commentary missing"),
            InvalidRequest,
        ),
        (
            400,
            body(400, "INVALID_VALUE_FOR_FIELD", "bad value"),
            InvalidRequest,
        ),
        (
            400,
            body(400, "FIELD_LENGTH_TOO_LONG", "commentary too long"),
            Content,
        ),
        (
            400,
            body(400, "INVALID_VALUE_BLANK_FIELD", "commentary blank"),
            Content,
        ),
        (400, body(400, "INVALID_IMAGE_ID", "bad image"), Media),
        (
            400,
            body(400, "MEDIA_ASSET_WAITING_UPLOAD", "waiting"),
            Media,
        ),
        (
            400,
            body(400, "MEDIA_ASSET_PROCESSING_FAILED", "failed"),
            Media,
        ),
        (400, body(400, "EXPIRED_UPLOAD_URL", "expired"), Media),
        (
            401,
            json!({"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access token"}),
            Auth,
        ),
        (
            401,
            json!({"status": 401, "serviceErrorCode": 65601, "message": "Expired access token"}),
            Auth,
        ),
        (
            401,
            json!({"status": 401, "message": "The token has been revoked"}),
            Auth,
        ),
        (
            401,
            json!({"status": 401, "message": "Empty oauth2 access token"}),
            Auth,
        ),
        (
            403,
            body(
                403,
                "ACCESS_DENIED",
                "Not enough permissions to access: organizationAcls",
            ),
            Permission,
        ),
        (404, body(404, "NOT_FOUND", "Not found"), InvalidRequest),
        (409, body(409, "CONFLICT", "conflict"), Transient),
        (
            413,
            json!({"status": 413, "message": "Request entity too large"}),
            Media,
        ),
        (
            415,
            json!({"status": 415, "message": "Unsupported media type"}),
            Media,
        ),
        (
            422,
            json!({"status": 422, "message": "Content is a duplicate of urn:li:share:7123456789012345678"}),
            Content,
        ),
        (
            429,
            json!({"status": 429, "message": "Too many requests"}),
            Quota,
        ),
        (
            500,
            json!({"status": 500, "message": "Internal Server Error"}),
            Transient,
        ),
        (
            503,
            json!({"status": 503, "message": "Maintenance"}),
            PlatformDown,
        ),
        (
            504,
            json!({"status": 504, "message": "Gateway Timeout"}),
            Transient,
        ),
    ];
    let server = MockServer::start().await;
    for (status, body, expected) in cases {
        let error = fail_with(
            &server,
            ResponseTemplate::new(status).set_body_json(body.clone()),
        )
        .await;
        assert_eq!(error.kind, expected, "{body}");
        assert_eq!(error.retryable(), expected.is_retryable());
        assert_eq!(error.http_status, Some(status));
        assert!(
            error.message.contains(body["message"].as_str().unwrap()),
            "{}",
            error.message
        );
        if let Some(code) = body["code"].as_str() {
            assert_eq!(error.code.as_deref(), Some(code));
        } else {
            assert_eq!(
                error.code,
                body["serviceErrorCode"].as_i64().map(|c| c.to_string())
            );
        }
    }
}

#[tokio::test]
async fn version_errors_say_what_to_fix() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(400).set_body_json(json!({"status": 400, "code": "VERSION_MISSING", "message": "A version must be present"})),
    )
    .await;
    assert!(
        error
            .message
            .contains("LinkedIn-Version header is missing or no longer active")
    );
    assert!(error.message.contains("YYYYMM"));
}

#[tokio::test]
async fn the_daily_throttle_waits_until_utc_midnight() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(429).set_body_json(json!({"status": 429,
            "message": "Resource level throttle limit for calls to this resource is reached."})),
    )
    .await;
    assert_eq!(error.kind, Quota);
    let wait = error.retry_after.unwrap();
    assert!(wait > Duration::ZERO && wait <= Duration::days(1), "{wait}");
}

#[tokio::test]
async fn retry_after_is_honoured_when_sent() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "5")
            .set_body_json(json!({"status": 429, "message": "Resource level throttle limit for calls to this resource is reached."})),
    )
    .await;
    assert_eq!(error.retry_after, Some(Duration::seconds(5)));

    let error = fail_with(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", "30"),
    )
    .await;
    assert_eq!(error.kind, PlatformDown);
    assert_eq!(error.retry_after, Some(Duration::seconds(30)));

    let error = fail_with(&server, ResponseTemplate::new(429).set_body_string("")).await;
    assert_eq!(error.kind, Quota);
    assert!(
        error.retry_after.is_none(),
        "infrastructure throttling: caller's backoff"
    );
}

#[tokio::test]
async fn bodies_that_are_not_linkedin_json() {
    let server = MockServer::start().await;
    for (status, body, expected) in [
        (500_u16, "", Transient),
        (502, "<html>Bad Gateway</html>", Transient),
        (401, "not json", Auth),
    ] {
        let error = fail_with(&server, ResponseTemplate::new(status).set_body_string(body)).await;
        assert_eq!(error.kind, expected, "HTTP {status}");
        assert!(!error.message.contains("<html>"));
    }
    let error = fail_with(
        &server,
        ResponseTemplate::new(200).set_body_raw("{\"elements\": [", "application/json"),
    )
    .await;
    assert_eq!(error.kind, InvalidRequest);
}

#[tokio::test]
async fn the_request_id_is_kept_for_support() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(500)
            .insert_header("x-li-uuid", "AAYF1234abcd")
            .set_body_json(json!({"status": 500, "message": "Internal Server Error"})),
    )
    .await;
    assert!(error.message.contains("AAYF1234abcd"));
}

#[tokio::test]
async fn echoed_tokens_are_scrubbed() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(401).set_body_json(json!({"status": 401,
            "message": format!("Invalid access token {ACCESS_TOKEN}")})),
    )
    .await;
    assert!(error.message.contains("[redacted]"));
}

#[tokio::test]
async fn connection_failures_are_transient_and_hide_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let base = url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let config = PRODUCTION
        .config(CLIENT_ID, secret(CLIENT_SECRET))
        .with_base_urls(base.clone(), base);
    let client = LinkedinClient::new(config, http());
    let error = client
        .refresh_access_token(&secret(REFRESH_TOKEN))
        .await
        .unwrap_err();
    assert_eq!(error.kind, Transient);
    assert_no_secrets(&error);
}
