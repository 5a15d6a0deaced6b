//! Business Login for Instagram: consent URL, code exchange + long-lived exchange, refresh,
//! revoke.

use serde_json::{Value, json};
use socialpub_domain::{Platform, SecretString};
use socialpub_instagram::{DEFAULT_SCOPES, InstagramClient, PRODUCTION};
use socialpub_ports::{AuthorizationRequest, PlatformClient, PlatformErrorKind};
use time::Duration;
use url::Url;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

async fn mount_short_lived(server: &MockServer, body: Value) {
    Mock::given(method("POST"))
        .and(path("/api/oauth/access_token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains(format!("client_id={APP_ID}").as_str()))
        .and(body_string_contains(format!("client_secret={APP_SECRET}").as_str()))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains(format!("code={CODE}").as_str()))
        .and(body_string_contains("redirect_uri=https%3A%2F%2Fapp.creativeflow.test%2Fapi%2Fv1%2Fconnections%2Finstagram%2Fcallback"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_long_lived(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/graph/access_token"))
        .and(query_param("grant_type", "ig_exchange_token"))
        .and(query_param("client_secret", APP_SECRET))
        .and(query_param("access_token", SHORT_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": LONG_TOKEN, "token_type": "bearer", "expires_in": 5_183_944}),
        ))
        .expect(1)
        .mount(server)
        .await;
}

#[test]
fn authorization_url_carries_the_documented_parameters() {
    let client = InstagramClient::new(PRODUCTION.config(APP_ID, secret(APP_SECRET)), http());
    let state = SecretString::new("state-0123456789abcdef");
    let url = client.authorization_url(&AuthorizationRequest {
        state: &state,
        redirect_uri: &redirect_uri(),
        code_challenge: None,
    });
    assert_eq!(url.host_str(), Some("www.instagram.com"));
    assert_eq!(url.path(), "/oauth/authorize");
    assert_eq!(param(&url, "client_id").as_deref(), Some(APP_ID));
    assert_eq!(
        param(&url, "redirect_uri").as_deref(),
        Some(redirect_uri().as_str())
    );
    assert_eq!(param(&url, "response_type").as_deref(), Some("code"));
    assert_eq!(
        param(&url, "state").as_deref(),
        Some("state-0123456789abcdef")
    );
    assert_eq!(
        param(&url, "scope").as_deref(),
        Some(
            "instagram_business_basic,instagram_business_content_publish,instagram_business_manage_insights"
        )
    );
    assert_eq!(DEFAULT_SCOPES.len(), 3);
    assert!(!url.as_str().contains(APP_SECRET));
    assert!(!client.uses_pkce());
    assert_eq!(client.platform(), Platform::Instagram);
    let config = client.config();
    assert_eq!(config.api_base_url.host_str(), Some("graph.instagram.com"));
    assert_eq!(
        config.token_base_url().host_str(),
        Some("api.instagram.com")
    );
    assert_eq!(config.api_version.as_deref(), Some("v25.0"));
}

#[tokio::test]
async fn code_exchange_reads_the_documented_data_wrapper_then_goes_long_lived() {
    let server = MockServer::start().await;
    mount_short_lived(
        &server,
        json!({"data": [{"access_token": SHORT_TOKEN, "user_id": "17841400000000001",
            "permissions": "instagram_business_basic,instagram_business_content_publish"}]}),
    )
    .await;
    mount_long_lived(&server).await;

    let grant = client(&server)
        .exchange_code(&secret(CODE), &redirect_uri(), None)
        .await
        .unwrap();
    assert_eq!(grant.access_token.expose(), LONG_TOKEN);
    assert_eq!(
        grant.refresh_token.as_ref().map(SecretString::expose),
        Some(LONG_TOKEN)
    );
    assert_eq!(grant.expires_in, Some(Duration::seconds(5_183_944)));
    assert_eq!(grant.refresh_expires_in, Some(Duration::seconds(5_183_944)));
    assert_eq!(
        grant.scopes,
        [
            "instagram_business_basic",
            "instagram_business_content_publish"
        ]
    );
    assert_eq!(grant.subject.as_deref(), Some("17841400000000001"));
    let shown = format!("{grant:?}");
    assert!(CANARIES.iter().all(|c| !shown.contains(c)));
}

#[tokio::test]
async fn code_exchange_reads_the_flat_shape_with_a_numeric_user_id() {
    let server = MockServer::start().await;
    mount_short_lived(
        &server,
        json!({"access_token": SHORT_TOKEN, "user_id": 1020, "permissions": "instagram_business_basic"}),
    )
    .await;
    mount_long_lived(&server).await;
    let grant = client(&server)
        .exchange_code(&secret(CODE), &redirect_uri(), None)
        .await
        .unwrap();
    assert_eq!(grant.subject.as_deref(), Some("1020"));
    assert_eq!(grant.scopes, ["instagram_business_basic"]);
}

#[tokio::test]
async fn the_callback_suffix_is_stripped_from_the_code() {
    let server = MockServer::start().await;
    mount_short_lived(
        &server,
        json!({"access_token": SHORT_TOKEN, "user_id": "1"}),
    )
    .await;
    let short = client(&server)
        .exchange_code_short_lived(&secret(&format!("{CODE}#_")), &redirect_uri())
        .await
        .unwrap();
    assert_eq!(short.access_token.expose(), SHORT_TOKEN);
    assert!(short.permissions.is_empty());
}

#[tokio::test]
async fn an_invalid_code_is_an_auth_error_in_either_error_shape() {
    let server = MockServer::start().await;
    let bodies = [
        json!({"error_type": "OAuthException", "code": 400, "error_message": "Invalid authorization code"}),
        json!({"error": {"message": "This authorization code has been used", "type": "OAuthException", "code": 100, "fbtrace_id": "x"}}),
        json!({"error": "invalid_grant", "error_description": "Invalid authorization code"}),
    ];
    for body in bodies {
        server.reset().await;
        Mock::given(method("POST"))
            .and(path("/api/oauth/access_token"))
            .respond_with(ResponseTemplate::new(400).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let error = client(&server)
            .exchange_code(&secret(CODE), &redirect_uri(), None)
            .await
            .unwrap_err();
        assert_eq!(error.kind, PlatformErrorKind::Auth, "{body}");
        assert!(!error.retryable());
        assert_no_secrets(&error);
    }
}

#[tokio::test]
async fn an_empty_data_list_is_an_invalid_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth/access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let error = client(&server)
        .exchange_code(&secret(CODE), &redirect_uri(), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
}

#[tokio::test]
async fn refresh_extends_the_long_lived_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/refresh_access_token"))
        .and(query_param("grant_type", "ig_refresh_token"))
        .and(query_param("access_token", LONG_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": NEW_LONG_TOKEN, "token_type": "bearer", "expires_in": 5_183_944}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let grant = client(&server).refresh(&secret(LONG_TOKEN)).await.unwrap();
    assert_eq!(grant.access_token.expose(), NEW_LONG_TOKEN);
    assert_eq!(
        grant.refresh_token.as_ref().map(SecretString::expose),
        Some(NEW_LONG_TOKEN)
    );
    assert_eq!(grant.expires_in, Some(Duration::seconds(5_183_944)));
}

#[tokio::test]
async fn refresh_of_an_expired_token_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/refresh_access_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Error validating access token: Session has expired.",
            "type": "OAuthException", "code": 190, "fbtrace_id": "Aa"}})))
        .mount(&server)
        .await;
    let error = client(&server)
        .refresh(&secret(LONG_TOKEN))
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.code.as_deref(), Some("190"));
    assert_no_secrets(&error);
}

#[tokio::test]
async fn refreshing_a_token_under_24_hours_old_is_too_early_not_a_dead_grant() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/refresh_access_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "(#100) The access token must be at least 24 hours old to be refreshed",
            "type": "OAuthException", "code": 100, "fbtrace_id": "Ab"}})))
        .mount(&server)
        .await;
    let error = client(&server)
        .refresh(&secret(LONG_TOKEN))
        .await
        .unwrap_err();
    assert_ne!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(
        error.code.as_deref(),
        Some(socialpub_ports::REFRESH_TOO_EARLY)
    );
}

#[tokio::test]
async fn revoke_is_a_documented_no_op() {
    let server = MockServer::start().await;
    client(&server)
        .revoke(&secret(LONG_TOKEN), None)
        .await
        .unwrap();
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn config_and_client_debug_redact_the_secret() {
    let config = PRODUCTION.config(APP_ID, secret(APP_SECRET));
    assert!(!format!("{config:?}").contains(APP_SECRET));
    let client = InstagramClient::new(config, http());
    assert!(!format!("{client:?}").contains(APP_SECRET));
}
