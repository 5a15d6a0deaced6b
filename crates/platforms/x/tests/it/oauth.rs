use std::collections::HashMap;

use serde_json::json;
use socialpub_domain::SecretString;
use socialpub_platform_http::Pkce;
use socialpub_ports::{AuthorizationRequest, PlatformClient};
use socialpub_x::{DEFAULT_SCOPES, PRODUCTION};
use time::Duration;
use url::Url;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{BASIC, CLIENT_ID, assert_no_secrets, client, last_form};

#[tokio::test]
async fn authorization_url_has_pkce_and_scopes() {
    let server = MockServer::start().await;
    let x = client(&server);
    let state = SecretString::new("state-123");
    let redirect = Url::parse("https://app.example/callback/x").unwrap();
    let pkce = Pkce::new_random();
    assert!(x.uses_pkce());
    let url = x.authorization_url(&AuthorizationRequest {
        state: &state,
        redirect_uri: &redirect,
        code_challenge: Some(pkce.challenge()),
    });
    assert_eq!(url.host_str(), Some("x.com"));
    assert_eq!(url.path(), "/i/oauth2/authorize");
    let params: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], CLIENT_ID);
    assert_eq!(params["redirect_uri"], "https://app.example/callback/x");
    assert_eq!(params["state"], "state-123");
    assert_eq!(params["code_challenge"], pkce.challenge());
    assert_eq!(params["code_challenge_method"], "S256");
    let scopes: Vec<&str> = params["scope"].split(' ').collect();
    for needed in [
        "tweet.read",
        "tweet.write",
        "users.read",
        "media.write",
        "offline.access",
    ] {
        assert!(scopes.contains(&needed), "{needed}");
    }
    assert_eq!(scopes.len(), DEFAULT_SCOPES.len());
}

#[tokio::test]
async fn code_exchange_uses_basic_auth_and_verifier() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": "canary-access",
            "scope": "tweet.read users.read tweet.write media.write offline.access",
            "refresh_token": "canary-refresh"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let x = client(&server);
    let pkce = Pkce::new_random();
    let redirect = Url::parse("https://app.example/callback/x").unwrap();
    let grant = x
        .exchange_code(
            &SecretString::new("auth-code"),
            &redirect,
            Some(pkce.verifier()),
        )
        .await
        .unwrap();
    assert_eq!(grant.access_token.expose(), "canary-access");
    assert_eq!(
        grant.refresh_token.as_ref().map(SecretString::expose),
        Some("canary-refresh")
    );
    assert_eq!(grant.expires_in, Some(Duration::hours(2)));
    assert_eq!(grant.scopes.len(), 5);
    assert!(!format!("{grant:?}").contains("canary"));

    let form = last_form(&server).await;
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "auth-code");
    assert_eq!(form["redirect_uri"], "https://app.example/callback/x");
    assert_eq!(form["code_verifier"], pkce.verifier().expose());
    assert!(!form.contains_key("client_secret"));
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .and(header("authorization", BASIC))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": "access-2",
            "scope": "tweet.read users.read offline.access",
            "refresh_token": "refresh-2"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let x = client(&server);
    let grant = x.refresh(&SecretString::new("refresh-1")).await.unwrap();
    assert_eq!(grant.access_token.expose(), "access-2");
    assert_eq!(
        grant.refresh_token.as_ref().map(SecretString::expose),
        Some("refresh-2")
    );
    let form = last_form(&server).await;
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "refresh-1");
}

#[tokio::test]
async fn revoke_posts_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/revoke"))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"revoked": true})))
        .expect(1)
        .mount(&server)
        .await;
    let x = client(&server);
    x.revoke(&SecretString::new("access-1"), None)
        .await
        .unwrap();
    let form = last_form(&server).await;
    assert_eq!(form["token"], "access-1");
    assert_eq!(form["token_type_hint"], "access_token");
}

#[tokio::test]
async fn config_debug_redacts_the_secret() {
    let config = PRODUCTION.config("id", SecretString::new("canary-secret"));
    let printed = format!("{config:?}");
    assert!(!printed.contains("canary"));
    assert!(printed.contains("https://api.x.com/"));
}

#[tokio::test]
async fn invalid_code_is_auth_without_leaks() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/oauth2/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_request",
            "error_description": "Value passed for the authorization code was invalid."
        })))
        .mount(&server)
        .await;
    let x = client(&server);
    let redirect = Url::parse("https://app.example/callback/x").unwrap();
    let error = x
        .exchange_code(
            &SecretString::new("canary-code"),
            &redirect,
            Some(&SecretString::new("canary-verifier")),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind, socialpub_ports::PlatformErrorKind::Auth);
    assert!(!error.retryable());
    assert_eq!(error.code.as_deref(), Some("invalid_request"));
    assert_no_secrets(&error);
}
