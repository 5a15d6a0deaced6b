//! The documented Instagram error bodies to the right `PlatformErrorKind`, and no secret in
//! any error.

use serde_json::{Value, json};
use socialpub_instagram::InstagramClient;
use socialpub_ports::{PlatformClient, PlatformError, PlatformErrorKind};
use time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

use PlatformErrorKind::{
    Auth, Content, InvalidRequest, Media, Permission, PlatformDown, Quota, Transient,
};

fn envelope(code: i64, subcode: Option<i64>, message: &str) -> Value {
    let mut error = json!({"message": message, "type": "OAuthException", "code": code,
                           "fbtrace_id": "AbC123"});
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    json!({ "error": error })
}

async fn fail_with(server: &MockServer, response: ResponseTemplate) -> PlatformError {
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/me"))
        .respond_with(response)
        .mount(server)
        .await;
    let error = client(server).me(&secret(LONG_TOKEN)).await.unwrap_err();
    assert_no_secrets(&error);
    error
}

#[tokio::test]
async fn the_instagram_error_table_is_classified() {
    let cases: &[(i64, Option<i64>, PlatformErrorKind)] = &[
        (-2, Some(2_207_003), Transient),
        (-2, Some(2_207_020), Media),
        (-1, Some(2_207_001), Transient),
        (-1, Some(2_207_032), Transient),
        (-1, Some(2_207_053), Media),
        (1, Some(2_207_057), InvalidRequest),
        (9004, Some(2_207_052), Media),
        (9007, Some(2_207_027), Transient),
        (9, Some(2_207_042), Quota),
        (24, Some(2_207_008), Media),
        (36_000, Some(2_207_004), Media),
        (36_001, Some(2_207_005), Media),
        (36_003, Some(2_207_009), Media),
        (36_004, Some(2_207_010), Content),
        (352, Some(2_207_026), Media),
        (100, Some(2_207_028), Content),
        (100, Some(2_207_040), Content),
        (10, Some(2_207_050), Permission),
        (10, Some(2_207_051), Content),
        (190, None, Auth),
        (190, Some(463), Auth),
        // The cross-Meta codes.
        (1, None, Transient),
        (2, None, Transient),
        (4, None, Quota),
        (10, None, Permission),
        (17, None, Quota),
        (100, None, InvalidRequest),
        (200, None, Permission),
        (368, None, Content),
        (613, None, Quota),
        (80_002, None, Quota),
        (3001, Some(1_504_028), InvalidRequest),
    ];
    let server = MockServer::start().await;
    for &(code, subcode, expected) in cases {
        let error = fail_with(
            &server,
            ResponseTemplate::new(400).set_body_json(envelope(code, subcode, "Instagram said no")),
        )
        .await;
        assert_eq!(error.kind, expected, "code {code} subcode {subcode:?}");
        assert_eq!(error.retryable(), expected.is_retryable());
        assert_eq!(error.http_status, Some(400));
        assert!(error.message.contains("Instagram said no"));
    }
}

#[tokio::test]
async fn a_revoked_access_token_type_is_auth() {
    let server = MockServer::start().await;
    let body = json!({"error": {"message": "Access token has been revoked",
        "type": "REVOKED_ACCESS_TOKEN", "code": 99_999}});
    let error = fail_with(&server, ResponseTemplate::new(400).set_body_json(body)).await;
    assert_eq!(error.kind, Auth);
}

#[tokio::test]
async fn buc_rate_limit_waits_the_estimated_time() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(400)
            .insert_header(
                "x-business-use-case-usage",
                r#"{"17841400000000001":[{"type":"instagram","call_count":100,"total_cputime":3,"total_time":4,"estimated_time_to_regain_access":12}]}"#,
            )
            .set_body_json(envelope(80_002, None, "There have been too many calls to this Instagram account.")),
    )
    .await;
    assert_eq!(error.kind, Quota);
    assert_eq!(error.retry_after, Some(Duration::minutes(12)));
    assert!(
        error.message.contains("instagram usage"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_quota() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "60")
            .insert_header(
                "x-app-usage",
                r#"{"call_count":100,"total_cputime":1,"total_time":1}"#,
            ),
    )
    .await;
    assert_eq!(error.kind, Quota);
    assert_eq!(error.retry_after, Some(Duration::seconds(60)));
}

#[tokio::test]
async fn server_failures_and_garbage_fall_back_on_the_status() {
    let server = MockServer::start().await;
    for (status, body, expected) in [
        (500_u16, "", Transient),
        (503, "<html>down</html>", PlatformDown),
        (502, "{truncated", Transient),
        (401, "", Auth),
    ] {
        let error = fail_with(&server, ResponseTemplate::new(status).set_body_string(body)).await;
        assert_eq!(error.kind, expected, "HTTP {status}");
    }
    let error = fail_with(
        &server,
        ResponseTemplate::new(200).set_body_raw("{\"user_id\": ", "application/json"),
    )
    .await;
    assert_eq!(error.kind, InvalidRequest);
}

#[tokio::test]
async fn secrets_echoed_on_token_calls_are_scrubbed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth/access_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error_type": "OAuthException", "code": 400,
            "error_message": format!("Invalid code {CODE} for secret {APP_SECRET}")})))
        .mount(&server)
        .await;
    let error = client(&server)
        .exchange_code(&secret(CODE), &redirect_uri(), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, Auth);
    assert_no_secrets(&error);

    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/graph/refresh_access_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(envelope(
            190,
            None,
            &format!("Cannot parse access token {LONG_TOKEN}"),
        )))
        .mount(&server)
        .await;
    let error = client(&server)
        .refresh(&secret(LONG_TOKEN))
        .await
        .unwrap_err();
    assert_no_secrets(&error);
}

#[tokio::test]
async fn connection_failures_are_transient_and_hide_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let base = url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let config = socialpub_instagram::PRODUCTION
        .config(APP_ID, secret(APP_SECRET))
        .with_base_urls(base.clone(), base.clone())
        .with_token_base_url(base);
    let client = InstagramClient::new(config, http());
    let error = client.refresh(&secret(LONG_TOKEN)).await.unwrap_err();
    assert_eq!(error.kind, Transient);
    assert_no_secrets(&error);
}

#[tokio::test]
async fn a_retired_version_refused_by_graph_is_counted_as_a_deprecation() {
    use socialpub_domain::Platform;
    use socialpub_platform_http::deprecation_signals;

    let server = MockServer::start().await;
    let before = deprecation_signals(Platform::Instagram);
    let error = fail_with(
        &server,
        ResponseTemplate::new(400).set_body_json(envelope(
            2635,
            None,
            "(#2635) You are calling a deprecated version of the Ads API.",
        )),
    )
    .await;
    assert_eq!(error.code.as_deref(), Some("2635"));
    assert!(deprecation_signals(Platform::Instagram) > before);
}
