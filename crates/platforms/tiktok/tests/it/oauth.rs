use std::collections::HashMap;

use serde_json::json;
use socialpub_domain::SecretString;
use socialpub_platform_http::Pkce;
use socialpub_ports::{AuthorizationRequest, PlatformClient};
use socialpub_tiktok::PRODUCTION;
use time::Duration;
use url::Url;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{CLIENT_KEY, CLIENT_SECRET, client, last_form};

#[tokio::test]
async fn authorization_url_uses_client_key_and_hex_challenge() {
    let server = MockServer::start().await;
    let tiktok = client(&server);
    assert!(tiktok.uses_pkce());
    let state = SecretString::new("state-1");
    let redirect = Url::parse("https://app.example/callback/tiktok").unwrap();
    // RFC 7636 appendix B verifier; TikTok wants the hex digest of it.
    let pkce = Pkce::from_verifier(SecretString::new(
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    ));
    let url = tiktok.authorization_url(&AuthorizationRequest {
        state: &state,
        redirect_uri: &redirect,
        code_challenge: Some(pkce.challenge()),
    });
    assert_eq!(url.host_str(), Some("www.tiktok.com"));
    assert_eq!(url.path(), "/v2/auth/authorize/");
    let params: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(params["client_key"], CLIENT_KEY);
    assert!(!params.contains_key("client_id"));
    assert_eq!(params["response_type"], "code");
    assert_eq!(
        params["redirect_uri"],
        "https://app.example/callback/tiktok"
    );
    assert_eq!(params["state"], "state-1");
    assert_eq!(
        params["scope"],
        "user.info.basic,user.info.profile,user.info.stats,video.publish,video.upload,video.list"
    );
    assert_eq!(
        params["code_challenge"],
        "13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3"
    );
    assert_eq!(params["code_challenge_method"], "S256");
}

#[tokio::test]
async fn code_exchange_sends_credentials_in_the_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth/token/"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "act.canary",
            "expires_in": 86400,
            "open_id": "afd97af1-b87b-48b9-ac98-410aghda5344",
            "refresh_expires_in": 31_536_000,
            "refresh_token": "rft.canary",
            "scope": "user.info.basic,video.publish",
            "token_type": "Bearer"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let pkce = Pkce::new_random();
    let redirect = Url::parse("https://app.example/callback/tiktok").unwrap();
    let grant = client(&server)
        .exchange_code(
            &SecretString::new("code-1"),
            &redirect,
            Some(pkce.verifier()),
        )
        .await
        .unwrap();
    assert_eq!(grant.access_token.expose(), "act.canary");
    assert_eq!(
        grant.subject.as_deref(),
        Some("afd97af1-b87b-48b9-ac98-410aghda5344")
    );
    assert_eq!(grant.expires_in, Some(Duration::days(1)));
    assert_eq!(grant.refresh_expires_in, Some(Duration::days(365)));
    assert_eq!(grant.scopes, ["user.info.basic", "video.publish"]);

    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
    let form = last_form(&server).await;
    assert_eq!(form["client_key"], CLIENT_KEY);
    assert_eq!(form["client_secret"], CLIENT_SECRET);
    assert_eq!(form["code"], "code-1");
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["redirect_uri"], "https://app.example/callback/tiktok");
    assert_eq!(form["code_verifier"], pkce.verifier().expose());
}

#[tokio::test]
async fn refresh_returns_a_new_refresh_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth/token/"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "act.2",
            "expires_in": 7200,
            "open_id": "open-1",
            "refresh_expires_in": 15_552_000,
            "refresh_token": "rft.2",
            "scope": "user.info.basic,video.publish",
            "token_type": "Bearer"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let grant = client(&server)
        .refresh(&SecretString::new("rft.1"))
        .await
        .unwrap();
    assert_eq!(
        grant.refresh_token.as_ref().map(SecretString::expose),
        Some("rft.2")
    );
    assert_eq!(grant.expires_in, Some(Duration::hours(2)));
    let form = last_form(&server).await;
    assert_eq!(form["client_key"], CLIENT_KEY);
    assert_eq!(form["client_secret"], CLIENT_SECRET);
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "rft.1");
}

#[tokio::test]
async fn revoke_posts_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth/revoke/"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .revoke(&SecretString::new("act.1"), None)
        .await
        .unwrap();
    let form = last_form(&server).await;
    assert_eq!(form["client_key"], CLIENT_KEY);
    assert_eq!(form["client_secret"], CLIENT_SECRET);
    assert_eq!(form["token"], "act.1");
}

#[tokio::test]
async fn config_debug_redacts_the_secret() {
    let config = PRODUCTION.config("key", SecretString::new("canary-secret"));
    assert!(!format!("{config:?}").contains("canary"));
}
