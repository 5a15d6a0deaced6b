use serde_json::json;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{ClientAuth, generic_classify, request_token};
use socialpub_ports::PlatformErrorKind;
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, only_form};

#[tokio::test]
async fn basic_auth_token_request() {
    let server = MockServer::start().await;
    // base64("id:secret")
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("authorization", "Basic aWQ6c2VjcmV0"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "AT", "expires_in": "3600", "scope": ["a", "b"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let url = Url::parse(&format!("{}/token", server.uri())).unwrap();
    let secret = SecretString::new("secret");
    let grant = request_token(
        &client(),
        Platform::X,
        &url,
        &[("grant_type", "authorization_code"), ("code", "c")],
        Some(("id", &secret, ClientAuth::Basic)),
        generic_classify,
    )
    .await
    .unwrap();
    assert_eq!(grant.access_token.expose(), "AT");
    assert_eq!(grant.expires_in, Some(time::Duration::hours(1)));
    assert_eq!(grant.scopes, ["a", "b"]);
    let form = only_form(&server).await;
    assert_eq!(form["grant_type"], "authorization_code");
    assert!(!form.contains_key("client_secret"));
}

#[tokio::test]
async fn form_body_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "AT"})))
        .mount(&server)
        .await;
    let url = Url::parse(&format!("{}/token", server.uri())).unwrap();
    let secret = SecretString::new("s3cret");
    request_token(
        &client(),
        Platform::Linkedin,
        &url,
        &[("grant_type", "refresh_token")],
        Some(("id", &secret, ClientAuth::FormBody)),
        generic_classify,
    )
    .await
    .unwrap();
    let form = only_form(&server).await;
    assert_eq!(form["client_id"], "id");
    assert_eq!(form["client_secret"], "s3cret");
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn error_bodies_with_200_and_400_are_classified() {
    let server = MockServer::start().await;
    Mock::given(path("/ok-but-error"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "error": "invalid_grant", "error_description": "Authorization code expired"
        })))
        .mount(&server)
        .await;
    Mock::given(path("/bad"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant"
        })))
        .mount(&server)
        .await;
    for route in ["/ok-but-error", "/bad"] {
        let url = Url::parse(&format!("{}{route}", server.uri())).unwrap();
        let error = request_token(
            &client(),
            Platform::Tiktok,
            &url,
            &[("code", "canary-code")],
            None,
            generic_classify,
        )
        .await
        .unwrap_err();
        assert_eq!(error.kind, PlatformErrorKind::Auth, "{route}");
        assert_eq!(error.code.as_deref(), Some("invalid_grant"));
        assert!(!format!("{error} {error:?}").contains("canary"));
    }
}

#[tokio::test]
async fn transport_errors_are_transient_and_hide_the_url() {
    // Nothing listens on port 9 of localhost.
    let url = Url::parse("http://127.0.0.1:9/token?access_token=canary-token").unwrap();
    let error = request_token(&client(), Platform::X, &url, &[], None, generic_classify)
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert!(error.retryable());
    assert!(!format!("{error} {error:?}").contains("canary"));
    assert_eq!(error.http_status, None);
}
