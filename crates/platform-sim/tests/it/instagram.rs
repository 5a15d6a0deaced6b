//! Instagram (Business Login): short-lived token from api.instagram.com, ig_exchange_token,
//! ig_refresh_token, /me.

use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_platform_sim::{Platform, SimulatorConfig, seed};

use crate::common::{
    REDIRECT, Sim, authorize_redirect, authorize_url, connect, consent, exchange, location, probe,
    start, start_with,
};

const I: Platform = Platform::Instagram;

async fn exchange_long(sim: &Sim, short: &str) -> (StatusCode, Value) {
    let (_, secret) = sim.creds(I);
    let response = sim
        .http
        .get(sim.api(I, "access_token"))
        .query(&[
            ("grant_type", "ig_exchange_token"),
            ("client_secret", &secret),
            ("access_token", short),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn refresh(sim: &Sim, long: &str) -> (StatusCode, Value) {
    let response = sim
        .http
        .get(sim.api(I, "refresh_access_token"))
        .query(&[("grant_type", "ig_refresh_token"), ("access_token", long)])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_appends_fragment_consent_and_deny() {
    let sim = start(true);
    let response = sim
        .http
        .get(authorize_url(&sim, I, "ig"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let loc = location(&response);
    assert_eq!(loc.fragment(), Some("_"));
    sim.handle.stop().await;

    let sim = start(false);
    let approved = consent(
        &sim,
        authorize_url(&sim, I, "a"),
        "approve",
        seed::instagram::USERNAME,
    )
    .await;
    assert!(approved.contains_key("code"));
    let denied = consent(
        &sim,
        authorize_url(&sim, I, "d"),
        "deny",
        "instagram_business_basic",
    )
    .await;
    assert_eq!(denied["error"], "access_denied");
    assert_eq!(denied["error_reason"], "user_denied");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_scope_names_are_refused() {
    let sim = start(true);
    let (client_id, _) = sim.creds(I);
    let mut url = sim.oauth(I, "oauth/authorize");
    url.query_pairs_mut()
        .append_pair("client_id", &client_id)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("response_type", "code")
        .append_pair("scope", "business_basic")
        .append_pair("state", "s");
    let params = authorize_redirect(&sim, url).await;
    assert_eq!(params["error"], "invalid_scope");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_exchange_shapes_and_errors() {
    let sim = start(true);
    let params = authorize_redirect(&sim, authorize_url(&sim, I, "s")).await;
    let code = params["code"].clone();
    let (client_id, _) = sim.creds(I);
    let token_url = sim
        .handle
        .urls(I)
        .token_base
        .unwrap()
        .join("oauth/access_token")
        .unwrap();
    let response = sim
        .http
        .post(token_url.clone())
        .form(&[
            ("client_id", client_id.as_str()),
            ("client_secret", "wrong"),
            ("grant_type", "authorization_code"),
            ("redirect_uri", REDIRECT),
            ("code", &code),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_type"], "OAuthException");
    assert_eq!(body["code"], 400);

    let response = exchange(&sim, I, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"][0]["user_id"], seed::instagram::APP_SCOPED_ID);
    assert_eq!(
        body["data"][0]["permissions"],
        "instagram_business_basic,instagram_business_content_publish"
    );
    let response = exchange(&sim, I, &code).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    sim.handle.stop().await;

    // The flat shape, when configured.
    let sim = start_with(SimulatorConfig {
        instagram_flat_token_response: true,
        ..SimulatorConfig::default().with_auto_approve(true)
    });
    let params = authorize_redirect(&sim, authorize_url(&sim, I, "s")).await;
    let body: Value = exchange(&sim, I, &params["code"])
        .await
        .json()
        .await
        .unwrap();
    assert!(body["access_token"].is_string());
    assert!(body["user_id"].is_u64());
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_lived_refresh_and_me() {
    let sim = start(true);
    let short = connect(&sim, I).await.access;
    let (status, long) = exchange_long(&sim, &short).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(long["token_type"], "bearer");
    assert_eq!(long["expires_in"], 5_183_944);
    let long = long["access_token"].as_str().unwrap().to_owned();

    let response = probe(&sim, I, &long).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["user_id"], seed::instagram::IG_USER_ID);
    assert_eq!(me["username"], seed::instagram::USERNAME);
    let response = sim
        .http
        .get(sim.api(I, "v25.0/me"))
        .query(&[
            ("fields", "user_id,username,account_type,name"),
            ("access_token", long.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["account_type"], "BUSINESS");

    // Too young to refresh; a day later it works.
    let (status, body) = refresh(&sim, &long).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["type"], "OAuthException");
    sim.knobs(json!({"advance_clock_seconds": 90_000})).await;
    let (status, body) = refresh(&sim, &long).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["expires_in"], 5_183_944);
    // A short-lived token cannot be refreshed.
    let short2 = connect(&sim, I).await.access;
    let (status, _) = refresh(&sim, &short2).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // No revoke API: the revoke_all knob plays the user removing the app.
    sim.knobs(json!({"platform": "instagram", "revoke_all": true}))
        .await;
    let response = probe(&sim, I, &long).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 190);
    sim.handle.stop().await;
}
