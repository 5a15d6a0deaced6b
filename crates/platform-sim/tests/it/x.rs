//! X: authorize + PKCE, Basic client auth, rotating refresh tokens, revoke, /2/users/me.

use reqwest::StatusCode;
use serde_json::Value;
use socialpub_platform_sim::{Platform, seed};

use crate::common::{
    REDIRECT, authorize_redirect, authorize_url, connect, consent, exchange, pkce, probe, start,
};

const X: Platform = Platform::X;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_redirects_with_code_and_state() {
    let sim = start(true);
    let params = authorize_redirect(&sim, authorize_url(&sim, X, "state-123")).await;
    assert_eq!(params["state"], "state-123");
    assert!(!params["code"].is_empty());
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_page_approve_and_deny() {
    let sim = start(false);
    let approved = consent(
        &sim,
        authorize_url(&sim, X, "s-ok"),
        "approve",
        seed::x::USERNAME,
    )
    .await;
    assert_eq!(approved["state"], "s-ok");
    let response = exchange(&sim, X, &approved["code"]).await;
    assert_eq!(response.status(), StatusCode::OK);

    let denied = consent(&sim, authorize_url(&sim, X, "s-no"), "deny", "tweet.write").await;
    assert_eq!(denied["error"], "access_denied");
    assert_eq!(denied["state"], "s-no");
    assert!(!denied.contains_key("code"));
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_validates_its_parameters() {
    let sim = start(true);
    // Unknown client: an error page, no redirect.
    let mut url = authorize_url(&sim, X, "s");
    let bad: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "client_id" {
                "nope".into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(bad);
    let response = sim.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());

    // Missing PKCE: redirected with invalid_request.
    let (client_id, _) = sim.creds(X);
    let mut url = sim.oauth(X, "i/oauth2/authorize");
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &client_id)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("scope", "tweet.read users.read")
        .append_pair("state", "s2");
    let params = authorize_redirect(&sim, url.clone()).await;
    assert_eq!(params["error"], "invalid_request");
    assert_eq!(params["state"], "s2");

    // Unknown scope: invalid_scope.
    let mut url = authorize_url(&sim, X, "s3");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "scope" {
                "tweet.read bogus.scope".into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let params = authorize_redirect(&sim, url).await;
    assert_eq!(params["error"], "invalid_scope");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_exchange_errors_and_single_use() {
    let sim = start(true);
    let (client_id, secret) = sim.creds(X);
    let params = authorize_redirect(&sim, authorize_url(&sim, X, "s")).await;
    let code = params["code"].clone();
    let token_url = sim.api(X, "2/oauth2/token");
    let (verifier, _, _) = pkce();

    // Wrong verifier.
    let response = sim
        .http
        .post(token_url.clone())
        .basic_auth(&client_id, Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            (
                "code_verifier",
                "wrong-verifier-wrong-verifier-wrong-verifier-0000",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("authorization code")
    );

    // Wrong secret.
    let response = sim
        .http
        .post(token_url.clone())
        .basic_auth(&client_id, Some("not-the-secret"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized_client");

    // Wrong redirect URI.
    let response = sim
        .http
        .post(token_url.clone())
        .basic_auth(&client_id, Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "https://evil.example/cb"),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // Right: the documented token JSON.
    let response = exchange(&sim, X, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 7200);
    assert_eq!(
        body["scope"],
        "tweet.read tweet.write users.read offline.access"
    );
    assert!(body["access_token"].as_str().is_some());
    assert!(body["refresh_token"].as_str().is_some());

    // Reuse refused.
    let response = exchange(&sim, X, &code).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_me_returns_the_seeded_user() {
    let sim = start(true);
    let tokens = connect(&sim, X).await;
    let response = probe(&sim, X, &tokens.access).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("x-rate-limit-remaining").is_some());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["id"], seed::x::USER_ID);
    assert_eq!(body["data"]["username"], seed::x::USERNAME);
    assert_eq!(body["data"]["name"], seed::x::NAME);

    let response = sim
        .http
        .get(sim.api(X, "2/users/me?user.fields=profile_image_url,public_metrics"))
        .bearer_auth(&tokens.access)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert!(body["data"]["public_metrics"]["followers_count"].is_number());
    assert!(body["data"]["profile_image_url"].is_string());

    let response = probe(&sim, X, "not-a-token").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["title"], "Unauthorized");
    assert_eq!(body["status"], 401);
    sim.handle.stop().await;
}

async fn refresh(sim: &crate::common::Sim, token: &str) -> reqwest::Response {
    let (client_id, secret) = sim.creds(X);
    sim.http
        .post(sim.api(X, "2/oauth2/token"))
        .basic_auth(&client_id, Some(&secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token)])
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rotates_and_reuse_kills_the_grant() {
    let sim = start(true);
    let tokens = connect(&sim, X).await;
    let first_refresh = tokens.refresh.unwrap();
    let response = refresh(&sim, &first_refresh).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let new_access = body["access_token"].as_str().unwrap().to_owned();
    let new_refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new_refresh, first_refresh);
    assert_eq!(probe(&sim, X, &new_access).await.status(), StatusCode::OK);

    // The rotated token is dead; presenting it revokes the whole grant.
    let response = refresh(&sim, &first_refresh).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(
        probe(&sim, X, &new_access).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(&sim, &new_refresh).await.status(),
        StatusCode::BAD_REQUEST
    );
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_then_users_me_is_401() {
    let sim = start(true);
    let tokens = connect(&sim, X).await;
    let (client_id, secret) = sim.creds(X);
    let response = sim
        .http
        .post(sim.api(X, "2/oauth2/revoke"))
        .basic_auth(&client_id, Some(&secret))
        .form(&[
            ("token", tokens.access.as_str()),
            ("token_type_hint", "access_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["revoked"], true);
    let response = probe(&sim, X, &tokens.access).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        refresh(&sim, &tokens.refresh.unwrap()).await.status(),
        StatusCode::BAD_REQUEST
    );
    let state = sim.state().await;
    assert!(state["platforms"]["x"]["tokens_revoked"].as_u64().unwrap() >= 2);
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_offline_access_no_refresh_token() {
    let sim = start(true);
    let mut url = authorize_url(&sim, X, "s");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "scope" {
                "tweet.read users.read".into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let params = authorize_redirect(&sim, url).await;
    let body: Value = exchange(&sim, X, &params["code"])
        .await
        .json()
        .await
        .unwrap();
    assert!(body.get("refresh_token").is_none());
    assert_eq!(body["scope"], "tweet.read users.read");
    sim.handle.stop().await;
}
