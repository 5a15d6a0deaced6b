//! LinkedIn OAuth: consent URL, code exchange, refresh, revoke, token errors.

use serde_json::json;
use socialpub_domain::{Platform, SecretString};
use socialpub_linkedin::{LinkedinClient, MEMBER_SCOPES, ORGANIZATION_SCOPES, PRODUCTION};
use socialpub_ports::{AuthorizationRequest, PlatformClient, PlatformErrorKind};
use time::Duration;
use url::Url;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn consent(client: &LinkedinClient) -> Url {
    let state = SecretString::new("state-0123456789abcdef");
    client.authorization_url(&AuthorizationRequest {
        state: &state,
        redirect_uri: &redirect_uri(),
        code_challenge: None,
    })
}

#[test]
fn authorization_url_carries_space_delimited_scopes() {
    let client = LinkedinClient::new(PRODUCTION.config(CLIENT_ID, secret(CLIENT_SECRET)), http());
    let url = consent(&client);
    assert_eq!(url.host_str(), Some("www.linkedin.com"));
    assert_eq!(url.path(), "/oauth/v2/authorization");
    assert_eq!(param(&url, "response_type").as_deref(), Some("code"));
    assert_eq!(param(&url, "client_id").as_deref(), Some(CLIENT_ID));
    assert_eq!(
        param(&url, "redirect_uri").as_deref(),
        Some(redirect_uri().as_str())
    );
    assert_eq!(
        param(&url, "state").as_deref(),
        Some("state-0123456789abcdef")
    );
    let scope = param(&url, "scope").unwrap();
    let expected: Vec<&str> = MEMBER_SCOPES
        .iter()
        .chain(ORGANIZATION_SCOPES)
        .copied()
        .collect();
    assert_eq!(scope, expected.join(" "));
    assert!(scope.starts_with("openid profile email w_member_social "));
    assert!(scope.contains("rw_organization_admin") && scope.contains("w_organization_social"));
    assert!(
        url.as_str().contains("scope=openid+profile")
            || url.as_str().contains("scope=openid%20profile")
    );
    assert!(!url.as_str().contains(CLIENT_SECRET));
    assert!(!client.uses_pkce());
    assert_eq!(client.platform(), Platform::Linkedin);
    assert_eq!(client.config().api_version.as_deref(), Some("202609"));
}

#[test]
fn organization_scopes_can_be_turned_off() {
    let config = PRODUCTION
        .config(CLIENT_ID, secret(CLIENT_SECRET))
        .with_scopes(["openid", "profile", "w_member_social", "openid"]);
    let url = consent(&LinkedinClient::new(config, http()));
    assert_eq!(
        param(&url, "scope").as_deref(),
        Some("openid profile w_member_social")
    );
}

#[tokio::test]
async fn code_exchange_posts_the_form_and_reads_refresh_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/www/oauth/v2/accessToken"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains(format!("code={CODE}").as_str()))
        .and(body_string_contains(format!("client_id={CLIENT_ID}").as_str()))
        .and(body_string_contains(format!("client_secret={CLIENT_SECRET}").as_str()))
        .and(body_string_contains("redirect_uri=https%3A%2F%2Fapp.creativeflow.test%2Fapi%2Fv1%2Fconnections%2Flinkedin%2Fcallback"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": ACCESS_TOKEN, "expires_in": 5_184_000,
            "refresh_token": REFRESH_TOKEN, "refresh_token_expires_in": 31_536_000,
            "scope": "openid,profile,w_member_social", "id_token": "eyJ.x.y"})))
        .expect(1)
        .mount(&server)
        .await;
    let grant = client(&server)
        .exchange_code(&secret(CODE), &redirect_uri(), None)
        .await
        .unwrap();
    assert_eq!(grant.access_token.expose(), ACCESS_TOKEN);
    assert_eq!(
        grant.refresh_token.as_ref().map(SecretString::expose),
        Some(REFRESH_TOKEN)
    );
    assert_eq!(grant.expires_in, Some(Duration::seconds(5_184_000)));
    assert_eq!(
        grant.refresh_expires_in,
        Some(Duration::seconds(31_536_000))
    );
    assert_eq!(grant.scopes, ["openid", "profile", "w_member_social"]);
}

#[tokio::test]
async fn code_exchange_without_refresh_tokens() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/www/oauth/v2/accessToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": ACCESS_TOKEN, "expires_in": 5_184_000,
            "scope": "openid,profile,w_member_social"})))
        .mount(&server)
        .await;
    let grant = client(&server)
        .exchange_code(&secret(CODE), &redirect_uri(), None)
        .await
        .unwrap();
    assert!(grant.refresh_token.is_none());
    assert!(grant.refresh_expires_in.is_none());
}

#[tokio::test]
async fn refresh_uses_the_refresh_grant_and_keeps_a_missing_refresh_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/www/oauth/v2/accessToken"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains(
            format!("refresh_token={REFRESH_TOKEN}").as_str(),
        ))
        .and(body_string_contains(
            format!("client_secret={CLIENT_SECRET}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": NEW_ACCESS_TOKEN, "expires_in": 5_184_000})))
        .expect(1)
        .mount(&server)
        .await;
    let grant = client(&server)
        .refresh(&secret(REFRESH_TOKEN))
        .await
        .unwrap();
    assert_eq!(grant.access_token.expose(), NEW_ACCESS_TOKEN);
    assert_eq!(
        grant.refresh_token.as_ref().map(SecretString::expose),
        Some(REFRESH_TOKEN)
    );
}

#[tokio::test]
async fn token_endpoint_errors_are_classified() {
    let server = MockServer::start().await;
    let cases = [
        (
            400,
            json!({"error": "invalid_request", "error_description": "The provided authorization grant or refresh token is invalid, expired or revoked"}),
            PlatformErrorKind::Auth,
        ),
        (
            400,
            json!({"error": "invalid_grant", "error_description": "Authorization code expired"}),
            PlatformErrorKind::Auth,
        ),
        (
            400,
            json!({"error": "invalid_redirect_uri", "error_description": "appid/redirect uri/code verifier does not match authorization code"}),
            PlatformErrorKind::InvalidRequest,
        ),
        (
            401,
            json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
            PlatformErrorKind::InvalidRequest,
        ),
        (
            400,
            json!({"error": "unauthorized_scope_error", "error_description": "Scope \"r_organization_admin\" is not authorized for your application"}),
            PlatformErrorKind::Permission,
        ),
        (
            400,
            json!({"error": "invalid_request", "error_description": "A required parameter \"redirect_uri\" is missing"}),
            PlatformErrorKind::InvalidRequest,
        ),
        (
            503,
            json!({"error": "temporarily_unavailable"}),
            PlatformErrorKind::PlatformDown,
        ),
    ];
    for (status, body, expected) in cases {
        server.reset().await;
        Mock::given(method("POST"))
            .and(path("/www/oauth/v2/accessToken"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let client = client(&server);
        let error = client.refresh(&secret(REFRESH_TOKEN)).await.unwrap_err();
        assert_eq!(error.kind, expected, "{body}");
        assert_eq!(error.code.as_deref(), body["error"].as_str());
        assert_no_secrets(&error);
        let error = client
            .exchange_code(&secret(CODE), &redirect_uri(), None)
            .await
            .unwrap_err();
        assert_eq!(error.kind, expected, "{body}");
        assert_no_secrets(&error);
    }
}

#[tokio::test]
async fn revoke_posts_token_and_client_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/www/oauth/v2/revoke"))
        .and(body_string_contains(
            format!("token={ACCESS_TOKEN}").as_str(),
        ))
        .and(body_string_contains(
            format!("client_id={CLIENT_ID}").as_str(),
        ))
        .and(body_string_contains(
            format!("client_secret={CLIENT_SECRET}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .revoke(&secret(ACCESS_TOKEN), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn revoke_failures_are_classified_without_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/www/oauth/v2/revoke"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_request", "error_description": format!("token {ACCESS_TOKEN} is revoked")})))
        .mount(&server)
        .await;
    let error = client(&server)
        .revoke(&secret(ACCESS_TOKEN), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_no_secrets(&error);
}

#[test]
fn config_and_client_debug_redact_the_secret() {
    let config = PRODUCTION.config(CLIENT_ID, secret(CLIENT_SECRET));
    assert!(!format!("{config:?}").contains(CLIENT_SECRET));
    assert!(!format!("{:?}", LinkedinClient::new(config, http())).contains(CLIENT_SECRET));
}
