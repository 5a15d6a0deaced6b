//! Pinterest: Basic auth at the token endpoint, continuous refresh, user_account, boards paging.

use reqwest::StatusCode;
use serde_json::Value;
use socialpub_platform_sim::{Platform, seed};

use crate::common::{
    REDIRECT, Sim, authorize_redirect, authorize_url, connect, consent, exchange, probe, start,
};

const P: Platform = Platform::Pinterest;

async fn token_request(
    sim: &Sim,
    form: &[(&str, &str)],
    secret: Option<&str>,
) -> reqwest::Response {
    let (client_id, real_secret) = sim.creds(P);
    let mut request = sim.http.post(sim.api(P, "v5/oauth/token")).form(form);
    if let Some(secret) = secret {
        let secret = if secret.is_empty() {
            real_secret.as_str()
        } else {
            secret
        };
        request = request.basic_auth(&client_id, Some(secret));
    }
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_flow_and_errors() {
    let sim = start(true);
    let params = authorize_redirect(&sim, authorize_url(&sim, P, "pin-state")).await;
    assert_eq!(params["state"], "pin-state");
    let code = params["code"].clone();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];

    // No Basic header / wrong secret: 401 code 2.
    for secret in [None, Some("wrong")] {
        let response = token_request(&sim, &form, secret).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], 2);
        assert_eq!(body["message"], "Authentication failed.");
    }
    // Wrong redirect.
    let response = token_request(
        &sim,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "https://other.example/cb"),
        ],
        Some(""),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(body["code"].is_number() && body["message"].is_string());

    let response = exchange(&sim, P, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert!(body["access_token"].as_str().unwrap().starts_with("pina_"));
    assert!(body["refresh_token"].as_str().unwrap().starts_with("pinr_"));
    assert_eq!(body["response_type"], "authorization_code");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 2_592_000);
    assert_eq!(body["refresh_token_expires_in"], 5_184_000);
    assert!(body["refresh_token_expires_at"].is_number());
    assert_eq!(
        body["scope"],
        "boards:read,boards:read_secret,pins:read,pins:write,user_accounts:read"
    );

    // Reuse refused.
    assert_eq!(
        exchange(&sim, P, &code).await.status(),
        StatusCode::BAD_REQUEST
    );
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_and_deny() {
    let sim = start(false);
    let approved = consent(
        &sim,
        authorize_url(&sim, P, "a"),
        "approve",
        seed::pinterest::BUSINESS_NAME,
    )
    .await;
    assert!(approved.contains_key("code"));
    let denied = consent(&sim, authorize_url(&sim, P, "d"), "deny", "boards:read").await;
    assert_eq!(denied["error"], "access_denied");
    assert_eq!(denied["state"], "d");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_account_and_paginated_boards() {
    let sim = start(true);
    let tokens = connect(&sim, P).await;
    let response = probe(&sim, P, &tokens.access).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], seed::pinterest::USER_ID);
    assert_eq!(body["username"], seed::pinterest::USERNAME);
    assert_eq!(body["account_type"], "BUSINESS");

    let response = sim
        .http
        .get(sim.api(P, "v5/boards?page_size=2"))
        .bearer_auth(&tokens.access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page1: Value = response.json().await.unwrap();
    assert_eq!(page1["items"].as_array().unwrap().len(), 2);
    assert_eq!(page1["items"][0]["id"], seed::pinterest::BOARDS[0].0);
    assert_eq!(
        page1["items"][0]["owner"]["username"],
        seed::pinterest::USERNAME
    );
    let bookmark = page1["bookmark"].as_str().unwrap();
    let response = sim
        .http
        .get(sim.api(P, "v5/boards"))
        .query(&[("page_size", "2"), ("bookmark", bookmark)])
        .bearer_auth(&tokens.access)
        .send()
        .await
        .unwrap();
    let page2: Value = response.json().await.unwrap();
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert_eq!(page2["items"][0]["id"], seed::pinterest::BOARDS[2].0);
    assert!(page2["bookmark"].is_null());

    let response = sim
        .http
        .get(sim.api(P, "v5/boards?bookmark=garbage!!"))
        .bearer_auth(&tokens.access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continuous_refresh_then_revoke() {
    let sim = start(true);
    let tokens = connect(&sim, P).await;
    let refresh = tokens.refresh.unwrap();
    let response = token_request(
        &sim,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ],
        Some(""),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["response_type"], "refresh_token");
    let new_access = body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(body["refresh_token"].as_str().unwrap(), refresh);
    assert!(body["refresh_token_expires_at"].is_number());
    assert_eq!(probe(&sim, P, &new_access).await.status(), StatusCode::OK);

    let (client_id, secret) = sim.creds(P);
    let response = sim
        .http
        .post(sim.api(P, "v5/oauth/token/revoke"))
        .basic_auth(&client_id, Some(&secret))
        .form(&[
            ("token", new_access.as_str()),
            ("token_type_hint", "access_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = probe(&sim, P, &new_access).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], 2);
    assert_eq!(body["message"], "Authentication failed.");
    sim.handle.stop().await;
}
