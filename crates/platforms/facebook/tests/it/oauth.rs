//! Facebook Login: dialog URL, code exchange with the long-lived exchange, refresh, revoke.

use serde_json::json;
use socialpub_domain::{Platform, SecretString};
use socialpub_facebook::{DEFAULT_SCOPES, FacebookClient, PRODUCTION};
use socialpub_ports::{AuthorizationRequest, PlatformClient, PlatformErrorKind};
use time::Duration;
use url::Url;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

fn query(url: &Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

pub async fn mount_short_lived(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v25.0/oauth/access_token"))
        .and(query_param("client_id", APP_ID))
        .and(query_param("client_secret", APP_SECRET))
        .and(query_param("code", CODE))
        .and(query_param("redirect_uri", redirect_uri().as_str()))
        .and(query_param_is_missing("grant_type"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": SHORT_TOKEN, "token_type": "bearer", "expires_in": 5400}),
        ))
        .expect(1)
        .mount(server)
        .await;
}

pub async fn mount_long_lived(server: &MockServer, from: &str, to: &str) {
    Mock::given(method("GET"))
        .and(path("/v25.0/oauth/access_token"))
        .and(query_param("grant_type", "fb_exchange_token"))
        .and(query_param("client_id", APP_ID))
        .and(query_param("client_secret", APP_SECRET))
        .and(query_param("fb_exchange_token", from))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": to, "token_type": "bearer", "expires_in": 5_183_944}),
        ))
        .expect(1)
        .mount(server)
        .await;
}

pub async fn mount_permissions(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path("/v25.0/me/permissions"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"permission": "pages_show_list", "status": "granted"},
            {"permission": "pages_manage_posts", "status": "granted"},
            {"permission": "read_insights", "status": "declined"},
            {"permission": "public_profile", "status": "granted"},
            {"permission": "future_thing", "status": "something_new"}
        ]})))
        .expect(1)
        .mount(server)
        .await;
}

#[test]
fn authorization_url_carries_the_documented_parameters() {
    let client = FacebookClient::new(PRODUCTION.config(APP_ID, secret(APP_SECRET)), http());
    let state = SecretString::new("state-0123456789abcdef");
    let url = client.authorization_url(&AuthorizationRequest {
        state: &state,
        redirect_uri: &redirect_uri(),
        code_challenge: None,
    });
    assert_eq!(url.scheme(), "https");
    assert_eq!(url.host_str(), Some("www.facebook.com"));
    assert_eq!(url.path(), "/v25.0/dialog/oauth");
    assert_eq!(param(&url, "client_id").as_deref(), Some(APP_ID));
    assert_eq!(
        param(&url, "redirect_uri").as_deref(),
        Some(redirect_uri().as_str())
    );
    assert_eq!(
        param(&url, "state").as_deref(),
        Some("state-0123456789abcdef")
    );
    assert_eq!(param(&url, "response_type").as_deref(), Some("code"));
    assert_eq!(param(&url, "scope"), Some(DEFAULT_SCOPES.join(",")));
    for needed in [
        "pages_show_list",
        "pages_manage_posts",
        "pages_read_engagement",
        "read_insights",
    ] {
        assert!(DEFAULT_SCOPES.contains(&needed), "{needed}");
    }
    assert!(param(&url, "code_challenge").is_none());
    assert!(!url.as_str().contains(APP_SECRET));
    assert_eq!(query(&url).len(), 5);
    assert!(!client.uses_pkce());
    assert_eq!(client.platform(), Platform::Facebook);
}

#[test]
fn authorization_url_follows_configured_version_scopes_and_base_path() {
    let config = PRODUCTION
        .config(APP_ID, secret(APP_SECRET))
        .with_base_urls(
            Url::parse("https://graph.sim.test/facebook/").unwrap(),
            Url::parse("https://sim.test/facebook/").unwrap(),
        )
        .with_api_version("v26.0")
        .with_scopes(["pages_show_list", "pages_manage_posts"]);
    let client = FacebookClient::new(config, http());
    let state = SecretString::new("s");
    let url = client.authorization_url(&AuthorizationRequest {
        state: &state,
        redirect_uri: &redirect_uri(),
        code_challenge: Some("ignored"),
    });
    assert_eq!(url.host_str(), Some("sim.test"));
    assert_eq!(url.path(), "/facebook/v26.0/dialog/oauth");
    assert_eq!(
        param(&url, "scope").as_deref(),
        Some("pages_show_list,pages_manage_posts")
    );
    assert!(param(&url, "code_challenge").is_none());
}

#[tokio::test]
async fn code_exchange_chains_into_the_long_lived_token() {
    let server = MockServer::start().await;
    mount_short_lived(&server).await;
    mount_long_lived(&server, SHORT_TOKEN, LONG_TOKEN).await;
    mount_permissions(&server, LONG_TOKEN).await;

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
        vec!["pages_show_list", "pages_manage_posts", "public_profile"]
    );
    assert!(grant.subject.is_none());
    let shown = format!("{grant:?}");
    for canary in CANARIES {
        assert!(!shown.contains(canary));
    }
}

#[tokio::test]
async fn typed_steps_are_usable_alone() {
    let server = MockServer::start().await;
    mount_short_lived(&server).await;
    mount_long_lived(&server, SHORT_TOKEN, LONG_TOKEN).await;
    let client = client(&server);

    let short = client
        .exchange_code_short_lived(&secret(CODE), &redirect_uri())
        .await
        .unwrap();
    assert_eq!(short.access_token.expose(), SHORT_TOKEN);
    assert_eq!(short.expires_in, Some(Duration::seconds(5400)));
    let long = client
        .exchange_for_long_lived(&short.access_token)
        .await
        .unwrap();
    assert_eq!(long.access_token.expose(), LONG_TOKEN);
}

#[tokio::test]
async fn long_lived_token_without_expiry_has_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/oauth/access_token"))
        .and(query_param("grant_type", "fb_exchange_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": LONG_TOKEN, "token_type": "bearer"})),
        )
        .mount(&server)
        .await;
    let long = client(&server)
        .exchange_for_long_lived(&secret(SHORT_TOKEN))
        .await
        .unwrap();
    assert!(long.expires_in.is_none());
}

#[tokio::test]
async fn a_used_code_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/oauth/access_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "This authorization code has been used.",
            "type": "OAuthException", "code": 100, "error_subcode": 36009,
            "fbtrace_id": "AbCdEf"}})))
        .mount(&server)
        .await;
    let error = client(&server)
        .exchange_code(&secret(CODE), &redirect_uri(), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.code.as_deref(), Some("100/36009"));
    assert_eq!(error.http_status, Some(400));
    assert!(!error.retryable());
    assert!(error.message.contains("has been used"));
    assert_no_secrets(&error);
}

#[tokio::test]
async fn refresh_exchanges_the_stored_long_lived_token_again() {
    let server = MockServer::start().await;
    mount_long_lived(&server, LONG_TOKEN, "canary-long-EAAB-23").await;
    mount_permissions(&server, "canary-long-EAAB-23").await;
    let grant = client(&server).refresh(&secret(LONG_TOKEN)).await.unwrap();
    assert_eq!(grant.access_token.expose(), "canary-long-EAAB-23");
    assert_eq!(
        grant.refresh_token.as_ref().map(SecretString::expose),
        Some("canary-long-EAAB-23")
    );
    assert_eq!(grant.expires_in, Some(Duration::seconds(5_183_944)));
}

#[tokio::test]
async fn refresh_of_an_expired_token_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/oauth/access_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Error validating access token: Session has expired on Tuesday, 01-Sep-26.",
            "type": "OAuthException", "code": 190, "error_subcode": 463,
            "fbtrace_id": "Xyz"}})))
        .mount(&server)
        .await;
    let error = client(&server)
        .refresh(&secret(LONG_TOKEN))
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.code.as_deref(), Some("190/463"));
    assert_no_secrets(&error);
}

#[tokio::test]
async fn revoke_deletes_the_app_grant() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v25.0/me/permissions"))
        .and(header(
            "authorization",
            format!("Bearer {LONG_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .revoke(&secret(LONG_TOKEN), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_page_connection_is_revoked_with_the_user_token_it_keeps() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v25.0/me/permissions"))
        .and(header(
            "authorization",
            format!("Bearer {LONG_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .revoke(
            &secret("page-token-not-accepted-here"),
            Some(&secret(LONG_TOKEN)),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn revoke_accepts_a_bare_true() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v25.0/me/permissions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("true", "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .revoke(&secret(LONG_TOKEN), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn revoke_with_a_dead_token_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v25.0/me/permissions"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Error validating access token: The user has not authorized application 1234567890.",
            "type": "OAuthException", "code": 190, "error_subcode": 458}})))
        .mount(&server)
        .await;
    let error = client(&server)
        .revoke(&secret(LONG_TOKEN), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_no_secrets(&error);
}

#[test]
fn config_and_client_debug_redact_the_secret() {
    let config = PRODUCTION.config(APP_ID, secret(APP_SECRET));
    let shown = format!("{config:?}");
    assert!(shown.contains(APP_ID));
    assert!(!shown.contains(APP_SECRET));
    let client = FacebookClient::new(config, http());
    assert!(!format!("{client:?}").contains(APP_SECRET));
}
