//! TikTok: client_key, hex PKCE, rotating refresh tokens, revoke, /v2/user/info/.

use reqwest::StatusCode;
use serde_json::Value;
use socialpub_platform_sim::{Platform, seed};

use crate::common::{
    REDIRECT, Sim, authorize_redirect, authorize_url, connect, consent, exchange, pkce, probe,
    start,
};

const T: Platform = Platform::Tiktok;

async fn token(sim: &Sim, form: &[(&str, &str)]) -> reqwest::Response {
    sim.http
        .post(sim.api(T, "v2/oauth/token/"))
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_requires_hex_pkce() {
    let sim = start(true);
    let params = authorize_redirect(&sim, authorize_url(&sim, T, "tt")).await;
    assert_eq!(params["state"], "tt");
    assert!(params.contains_key("code"));
    assert!(params["scopes"].contains("user.info.basic"));

    // An RFC 7636 base64url challenge is not TikTok's hex form.
    let (_, b64, hex) = pkce();
    let url = authorize_url(&sim, T, "tt2");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "code_challenge" {
                b64.clone()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut bad = url.clone();
    bad.query_pairs_mut().clear().extend_pairs(pairs);
    let params = authorize_redirect(&sim, bad).await;
    assert_eq!(params["error"], "invalid_request");
    assert_eq!(hex.len(), 64);
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_and_deny() {
    let sim = start(false);
    let approved = consent(
        &sim,
        authorize_url(&sim, T, "a"),
        "approve",
        seed::tiktok::DISPLAY_NAME,
    )
    .await;
    assert!(approved.contains_key("code"));
    let denied = consent(&sim, authorize_url(&sim, T, "d"), "deny", "video.publish").await;
    assert_eq!(denied["error"], "access_denied");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_exchange_errors_and_token_shape() {
    let sim = start(true);
    let (key, secret) = sim.creds(T);
    let params = authorize_redirect(&sim, authorize_url(&sim, T, "s")).await;
    let code = params["code"].clone();
    let (verifier, _, _) = pkce();

    let response = token(
        &sim,
        &[
            ("client_key", &key),
            ("client_secret", &secret),
            ("code", &code),
            ("grant_type", "authorization_code"),
            ("redirect_uri", REDIRECT),
            (
                "code_verifier",
                "0000000000000000000000000000000000000000000000000",
            ),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["log_id"].is_string());

    let response = token(
        &sim,
        &[
            ("client_key", &key),
            ("client_secret", "wrong"),
            ("code", &code),
            ("grant_type", "authorization_code"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");

    let response = exchange(&sim, T, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert!(body["access_token"].as_str().unwrap().starts_with("act."));
    assert!(body["refresh_token"].as_str().unwrap().starts_with("rft."));
    assert_eq!(body["open_id"], seed::tiktok::OPEN_ID);
    assert_eq!(body["expires_in"], 7200);
    assert_eq!(body["refresh_expires_in"], 15_552_000);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(
        body["scope"],
        "user.info.basic,user.info.profile,video.publish,video.upload"
    );

    let response = exchange(&sim, T, &code).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_info_fields_and_scopes() {
    let sim = start(true);
    let tokens = connect(&sim, T).await;
    let response = probe(&sim, T, &tokens.access).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["user"]["open_id"], seed::tiktok::OPEN_ID);
    assert_eq!(
        body["data"]["user"]["display_name"],
        seed::tiktok::DISPLAY_NAME
    );
    assert_eq!(body["error"]["code"], "ok");

    // Stats need user.info.stats, which was not granted.
    let response = sim
        .http
        .get(sim.api(T, "v2/user/info/?fields=open_id,follower_count"))
        .bearer_auth(&tokens.access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "scope_not_authorized");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rotates_then_revoke() {
    let sim = start(true);
    let (key, secret) = sim.creds(T);
    let tokens = connect(&sim, T).await;
    let old = tokens.refresh.unwrap();
    let form = |r: &str| {
        vec![
            ("client_key".to_owned(), key.clone()),
            ("client_secret".to_owned(), secret.clone()),
            ("grant_type".to_owned(), "refresh_token".to_owned()),
            ("refresh_token".to_owned(), r.to_owned()),
        ]
    };
    let response = sim
        .http
        .post(sim.api(T, "v2/oauth/token/"))
        .form(&form(&old))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let access = body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(body["refresh_token"].as_str().unwrap(), old);
    assert_eq!(body["open_id"], seed::tiktok::OPEN_ID);

    let response = sim
        .http
        .post(sim.api(T, "v2/oauth/token/"))
        .form(&form(&old))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");

    let response = sim
        .http
        .post(sim.api(T, "v2/oauth/revoke/"))
        .form(&[
            ("client_key", key.as_str()),
            ("client_secret", &secret),
            ("token", &access),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = probe(&sim, T, &access).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "access_token_invalid");
    assert!(body["error"]["log_id"].is_string());
    sim.handle.stop().await;
}
