//! Every documented Graph error body to the right `PlatformErrorKind`, and no secret in any
//! error.

use serde_json::{Value, json};
use socialpub_domain::SecretString;
use socialpub_facebook::{FacebookClient, GraphUsage};
use socialpub_ports::{PlatformClient, PlatformError, PlatformErrorKind};
use time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

use PlatformErrorKind::{Auth, Content, InvalidRequest, Media, Permission, Quota, Transient};

fn envelope(code: i64, subcode: Option<i64>, message: &str) -> Value {
    let mut error = json!({"message": message, "type": "OAuthException", "code": code,
                           "fbtrace_id": "A6LJylpZRKw2xKLFsAP-cJh"});
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    json!({ "error": error })
}

/// Answers the permissions call with `response` and returns the classified error.
async fn fail_with(server: &MockServer, response: ResponseTemplate) -> PlatformError {
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/me/permissions"))
        .respond_with(response)
        .mount(server)
        .await;
    let error = client(server)
        .granted_permissions(&secret(LONG_TOKEN))
        .await
        .unwrap_err();
    assert_no_secrets(&error);
    error
}

#[tokio::test]
async fn the_graph_code_table_is_classified() {
    let cases: &[(u16, i64, Option<i64>, PlatformErrorKind)] = &[
        (500, 1, None, Transient),
        (500, 2, None, Transient),
        (400, 4, None, Quota),
        (403, 10, None, Permission),
        (400, 17, None, Quota),
        (400, 32, None, Quota),
        (400, 100, None, InvalidRequest),
        (400, 100, Some(33), InvalidRequest),
        (400, 101, None, InvalidRequest),
        (400, 102, None, Auth),
        (400, 190, None, Auth),
        (400, 190, Some(458), Auth),
        (400, 190, Some(459), Auth),
        (400, 190, Some(460), Auth),
        (400, 190, Some(463), Auth),
        (400, 190, Some(464), Auth),
        (400, 190, Some(467), Auth),
        (400, 190, Some(492), Auth),
        (403, 200, None, Permission),
        (403, 230, None, Permission),
        (403, 299, None, Permission),
        (400, 341, None, Quota),
        (400, 368, None, Content),
        (400, 368, Some(1_390_008), Quota),
        (400, 368, Some(1_346_003), Content),
        (400, 368, Some(1_404_102), Content),
        (400, 200, Some(1_404_078), Permission),
        (400, 100, Some(1_366_046), Media),
        (400, 100, Some(1_366_051), Content),
        (400, 100, Some(1_609_008), Content),
        (400, 100, Some(2_061_006), Content),
        (400, 368, Some(4_854_002), Permission),
        (400, 506, None, Content),
        (400, 613, None, Quota),
        (400, 80_001, None, Quota),
        (400, 80_002, None, Quota),
        (400, 3001, Some(1_504_028), InvalidRequest),
        (400, 389, None, Media),
        (400, 382, None, Media),
        (400, 6000, None, Media),
        (400, 6001, None, Media),
        // Instagram codes that also reach Graph on graph.facebook.com.
        (400, 9004, Some(2_207_052), Media),
        (400, 9, Some(2_207_042), Quota),
        (400, 9007, Some(2_207_027), Transient),
        (400, 36_000, Some(2_207_004), Media),
        (400, 36_004, Some(2_207_010), Content),
        (400, -2, Some(2_207_003), Transient),
        (400, -1, Some(2_207_001), Transient),
        (400, 100, Some(2_207_028), Content),
        (400, 1, Some(2_207_057), InvalidRequest),
        (400, 24, Some(2_207_008), Media),
        (400, 99_999, None, InvalidRequest),
    ];
    let server = MockServer::start().await;
    for &(status, code, subcode, expected) in cases {
        let error = fail_with(
            &server,
            ResponseTemplate::new(status).set_body_json(envelope(code, subcode, "Graph said no")),
        )
        .await;
        assert_eq!(error.kind, expected, "code {code} subcode {subcode:?}");
        assert_eq!(error.retryable(), expected.is_retryable());
        assert_eq!(error.http_status, Some(status));
        let expected_code = match subcode {
            Some(subcode) => format!("{code}/{subcode}"),
            None => code.to_string(),
        };
        assert_eq!(error.code.as_deref(), Some(expected_code.as_str()));
        assert!(error.message.contains("Graph said no"));
        assert!(
            error.message.contains("A6LJylpZRKw2xKLFsAP-cJh"),
            "fbtrace_id kept"
        );
    }
}

#[tokio::test]
async fn an_unknown_code_marked_transient_is_transient() {
    let server = MockServer::start().await;
    let mut body = envelope(12_345, None, "Please retry");
    body["error"]["is_transient"] = json!(true);
    let error = fail_with(&server, ResponseTemplate::new(400).set_body_json(body)).await;
    assert_eq!(error.kind, Transient);
    assert!(error.retryable());
}

#[tokio::test]
async fn user_facing_text_is_kept() {
    let server = MockServer::start().await;
    let body = json!({"error":{"message":"The image size is too large.","type":"OAuthException",
        "code":36000,"error_subcode":2207004,"is_transient":false,
        "error_user_title":"Image size too large",
        "error_user_msg":"The image is too large to download. It should be less than 8 MiB.",
        "fbtrace_id":"A6LJylpZRKw2xKLFsAP-cJh"}});
    let error = fail_with(&server, ResponseTemplate::new(400).set_body_json(body)).await;
    assert_eq!(error.kind, Media);
    assert!(error.message.starts_with("The image size is too large."));
    assert!(
        error
            .message
            .contains("Image size too large: The image is too large to download")
    );
}

#[tokio::test]
async fn app_rate_limit_reports_usage() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(400)
            .insert_header(
                "x-app-usage",
                r#"{"call_count":100,"total_cputime":15,"total_time":12}"#,
            )
            .set_body_json(envelope(4, None, "(#4) Application request limit reached")),
    )
    .await;
    assert_eq!(error.kind, Quota);
    assert!(error.retryable());
    assert!(
        error.message.contains("call_count 100%"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn business_use_case_limit_waits_the_estimated_time() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(400)
            .insert_header(
                "x-business-use-case-usage",
                r#"{"1122":[{"type":"pages","call_count":100,"total_cputime":10,"total_time":12,"estimated_time_to_regain_access":7}]}"#,
            )
            .set_body_json(envelope(80_001, None, "There have been too many calls to this Page account.")),
    )
    .await;
    assert_eq!(error.kind, Quota);
    assert_eq!(error.retry_after, Some(Duration::minutes(7)));
}

#[tokio::test]
async fn retry_after_wins_when_sent() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "120")
            .set_body_json(envelope(17, None, "(#17) User request limit reached")),
    )
    .await;
    assert_eq!(error.kind, Quota);
    assert_eq!(error.retry_after, Some(Duration::seconds(120)));

    let error = fail_with(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "30"),
    )
    .await;
    assert_eq!(error.kind, Quota);
    assert_eq!(error.retry_after, Some(Duration::seconds(30)));
    assert!(error.code.is_none());
}

#[tokio::test]
async fn non_retryable_errors_carry_no_retry_after() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(400)
            .insert_header("retry-after", "120")
            .set_body_json(envelope(190, None, "Invalid OAuth access token.")),
    )
    .await;
    assert_eq!(error.kind, Auth);
    assert!(error.retry_after.is_none());
}

#[tokio::test]
async fn bodies_without_an_envelope_fall_back_on_the_status() {
    let server = MockServer::start().await;
    let cases: &[(u16, &str, PlatformErrorKind)] = &[
        (500, "", Transient),
        (502, "<html>Bad Gateway</html>", Transient),
        (503, "Service Unavailable", PlatformErrorKind::PlatformDown),
        (504, "{not json", Transient),
        (401, "", Auth),
        (403, "{}", Permission),
        (404, "{\"error\":null}", InvalidRequest),
    ];
    for &(status, body, expected) in cases {
        let error = fail_with(&server, ResponseTemplate::new(status).set_body_string(body)).await;
        assert_eq!(error.kind, expected, "HTTP {status}");
        assert_eq!(error.http_status, Some(status));
        assert!(!error.message.contains("Bad Gateway</html>"));
    }
}

#[tokio::test]
async fn a_malformed_success_body_is_an_invalid_request() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(200)
            .set_body_raw(format!("{{\"data\": [\"{LONG_TOKEN}\""), "application/json"),
    )
    .await;
    assert_eq!(error.kind, InvalidRequest);
    assert!(!error.retryable());
}

#[tokio::test]
async fn an_error_envelope_in_a_200_is_still_an_error() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(200).set_body_json(envelope(190, Some(467), "Invalid access token")),
    )
    .await;
    assert_eq!(error.kind, Auth);
}

#[tokio::test]
async fn echoed_secrets_are_scrubbed() {
    let server = MockServer::start().await;
    let error = fail_with(
        &server,
        ResponseTemplate::new(400).set_body_json(envelope(
            190,
            None,
            &format!("Malformed access token {LONG_TOKEN}"),
        )),
    )
    .await;
    assert!(error.message.contains("[redacted]"));

    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/oauth/access_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(envelope(
            1,
            None,
            &format!("Error validating client secret {APP_SECRET} for code {CODE}"),
        )))
        .mount(&server)
        .await;
    let error = client(&server)
        .exchange_code(&secret(CODE), &redirect_uri(), None)
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
    let config = socialpub_facebook::PRODUCTION
        .config(APP_ID, secret(APP_SECRET))
        .with_base_urls(base.clone(), base);
    let client = FacebookClient::new(config, http());
    let error = client
        .exchange_code(&SecretString::new(CODE), &redirect_uri(), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, Transient);
    assert!(error.retryable());
    assert_no_secrets(&error);
    assert!(!error.message.contains("client_secret"));
}

#[test]
fn usage_headers_are_typed() {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-app-usage",
        r#"{"call_count":91,"total_cputime":15,"total_time":12}"#
            .parse()
            .unwrap(),
    );
    headers.insert(
        "x-business-use-case-usage",
        r#"{"1122":[{"type":"pages","call_count":95,"total_cputime":10,"total_time":12,"estimated_time_to_regain_access":0}]}"#
            .parse()
            .unwrap(),
    );
    let usage = GraphUsage::from_headers(&headers);
    assert_eq!(usage.app.map(|a| a.call_count), Some(91.0));
    assert_eq!(usage.business_use_case.len(), 1);
    assert_eq!(usage.business_use_case[0].0, "1122");
    assert_eq!(usage.business_use_case[0].1.kind, "pages");
    assert!(usage.regain_access_in().is_none());
    assert_eq!(
        GraphUsage::from_headers(&reqwest::header::HeaderMap::new()),
        GraphUsage::default()
    );
}

#[tokio::test]
async fn an_answer_in_another_version_or_with_a_version_warning_is_counted_as_a_deprecation() {
    use socialpub_domain::Platform;
    use socialpub_platform_http::deprecation_signals;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("facebook-api-version", "v26.0")
                .set_body_json(json!({"id": "1"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v25.0/2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "x-ad-api-version-warning",
                    "v25.0 will expire on 2028-07-29",
                )
                .set_body_json(json!({"id": "2"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v25.0/3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "3"})))
        .mount(&server)
        .await;
    let fb = client(&server);
    let token = secret(PAGE_TOKEN_1);
    let before = deprecation_signals(Platform::Facebook);
    fb.permalink(&token, "3").await.unwrap();
    assert_eq!(
        deprecation_signals(Platform::Facebook),
        before,
        "a current answer"
    );
    for id in ["1", "1", "2"] {
        fb.permalink(&token, id).await.unwrap();
    }
    // Every occurrence counts (the warning is logged once per signal).
    assert!(deprecation_signals(Platform::Facebook) >= before + 3);
}
