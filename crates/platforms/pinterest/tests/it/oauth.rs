use std::collections::HashMap;

use serde_json::json;
use socialpub_domain::SecretString;
use socialpub_pinterest::PRODUCTION;
use socialpub_ports::{AuthorizationRequest, PlatformClient};
use time::Duration;
use url::Url;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{BASIC, CLIENT_ID, client, last_form};

#[tokio::test]
async fn authorization_url_has_comma_separated_scopes() {
    let server = MockServer::start().await;
    let pinterest = client(&server);
    assert!(!pinterest.uses_pkce());
    let state = SecretString::new("state-1");
    let redirect = Url::parse("https://app.example/callback/pinterest").unwrap();
    let url = pinterest.authorization_url(&AuthorizationRequest {
        state: &state,
        redirect_uri: &redirect,
        code_challenge: None,
    });
    assert_eq!(url.host_str(), Some("www.pinterest.com"));
    assert_eq!(url.path(), "/oauth/");
    let params: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(params["client_id"], CLIENT_ID);
    assert_eq!(
        params["redirect_uri"],
        "https://app.example/callback/pinterest"
    );
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["state"], "state-1");
    assert_eq!(
        params["scope"],
        "boards:read,boards:write,pins:read,pins:write,user_accounts:read"
    );
    assert!(!params.contains_key("code_challenge"));
}

#[tokio::test]
async fn code_exchange_uses_basic_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v5/oauth/token"))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "pina_canary",
            "refresh_token": "pinr_canary",
            "response_type": "authorization_code",
            "token_type": "bearer",
            "expires_in": 2_592_000,
            "scope": "boards:read,boards:write,pins:read,pins:write,user_accounts:read",
            "refresh_token_expires_in": 5_184_000,
            "refresh_token_expires_at": 1_777_000_000
        })))
        .expect(1)
        .mount(&server)
        .await;
    let redirect = Url::parse("https://app.example/callback/pinterest").unwrap();
    let grant = client(&server)
        .exchange_code(&SecretString::new("code-1"), &redirect, None)
        .await
        .unwrap();
    assert_eq!(grant.access_token.expose(), "pina_canary");
    assert_eq!(grant.expires_in, Some(Duration::days(30)));
    assert_eq!(grant.refresh_expires_in, Some(Duration::days(60)));
    assert_eq!(grant.scopes.len(), 5);
    let form = last_form(&server).await;
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "code-1");
    assert_eq!(
        form["redirect_uri"],
        "https://app.example/callback/pinterest"
    );
    assert!(!form.contains_key("client_secret"));
}

#[tokio::test]
async fn continuous_refresh_returns_a_new_refresh_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v5/oauth/token"))
        .and(header("authorization", BASIC))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "pina_2",
            "refresh_token": "pinr_2",
            "response_type": "refresh_token",
            "token_type": "bearer",
            "expires_in": 2_592_000,
            "scope": "boards:read,pins:read",
            "refresh_token_expires_in": 5_184_000,
            "refresh_token_expires_at": 1_777_000_000
        })))
        .expect(1)
        .mount(&server)
        .await;
    let grant = client(&server)
        .refresh(&SecretString::new("pinr_1"))
        .await
        .unwrap();
    assert_eq!(
        grant.refresh_token.as_ref().map(SecretString::expose),
        Some("pinr_2")
    );
    let form = last_form(&server).await;
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "pinr_1");
    assert_eq!(form["continuous_refresh"], "true");
}

#[tokio::test]
async fn revoke_posts_token_and_tolerates_user_token_refusal() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v5/oauth/token/revoke"))
        .and(header("authorization", BASIC))
        .and(body_string_contains("token=pina_system"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v5/oauth/token/revoke"))
        .and(body_string_contains("token=pina_user"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "code": 29, "message": "You are not permitted to access that resource."
        })))
        .expect(1)
        .mount(&server)
        .await;
    let pinterest = client(&server);
    pinterest
        .revoke(&SecretString::new("pina_system"), None)
        .await
        .unwrap();
    let form = last_form(&server).await;
    assert_eq!(form["token_type_hint"], "access_token");
    pinterest
        .revoke(&SecretString::new("pina_user"), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn config_debug_redacts_the_secret() {
    let config = PRODUCTION.config("id", SecretString::new("canary-secret"));
    assert!(!format!("{config:?}").contains("canary"));
}
