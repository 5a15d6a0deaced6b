use reqwest::Method;
use serde_json::json;
use socialpub_domain::Platform;

use super::harness::{JWT_SECRET_CANARY, Server, ids, json_knobs, start, start_with};
use super::logs;
use super::postgres::TestDatabase;

/// connect → list → refresh → disconnect for one platform, through the API, against the
/// simulator; then proves the tokens are encrypted at rest and absent from every log line.
async fn full_lifecycle(platform: Platform, expected_accounts: usize) {
    full_lifecycle_on(platform, expected_accounts, None).await;
}

async fn full_lifecycle_on(
    platform: Platform,
    expected_accounts: usize,
    database_url: Option<String>,
) {
    let server = start_with(database_url, |_| {}).await;
    let connections = server.connect(platform).await;
    assert_eq!(
        connections.len(),
        expected_accounts,
        "{platform}: {connections:?}"
    );
    for c in &connections {
        assert_eq!(c["platform"], platform.as_str());
        assert_eq!(c["status"], "active");
        assert!(c.get("access_token").is_none() && c.get("access_token_encrypted").is_none());
    }

    let (status, list) = server.api(Method::GET, "/connections").await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], expected_accounts);

    let id = ids(&connections)[0].clone();
    let (ciphertext, token) = server.stored_tokens(&id).await;
    assert!(
        !ciphertext
            .windows(token.expose().len())
            .any(|w| w == token.expose().as_bytes()),
        "the database holds ciphertext, not the token"
    );

    if platform == Platform::Instagram {
        // Instagram refreshes only tokens at least a day old.
        server.knobs(json!({"advance_clock_seconds": 90_000})).await;
    }
    let before = server.sim_stats(platform).await;
    let (status, refreshed) = server
        .api(Method::POST, &format!("/connections/{id}/refresh"))
        .await;
    assert_eq!(status, 200, "{platform}: {refreshed}");
    assert_eq!(refreshed["status"], "active");
    let (_, new_token) = server.stored_tokens(&id).await;
    let after = server.sim_stats(platform).await;
    if platform == Platform::Facebook {
        // A Page token is renewed through a new long-lived user token; the Page token itself
        // may come back unchanged.
        assert!(after["access_tokens_issued"].as_u64() > before["access_tokens_issued"].as_u64());
    } else {
        assert!(
            after["refreshes"].as_u64() > before["refreshes"].as_u64(),
            "{platform}: {after}"
        );
        assert_ne!(
            new_token, token,
            "{platform}: refreshing stored a new token"
        );
    }

    let revoked_before = server.sim_stats(platform).await["tokens_revoked"]
        .as_u64()
        .unwrap_or(0);
    let mut revoked_somewhere = false;
    for id in ids(&connections) {
        let (status, body) = server
            .api(Method::DELETE, &format!("/connections/{id}"))
            .await;
        assert_eq!(status, 200, "{platform}: {body}");
        assert_eq!(body["disconnected"], true);
        revoked_somewhere |= body["revoked_at_platform"] == true;
        let (status, _) = server.api(Method::GET, &format!("/connections/{id}")).await;
        assert_eq!(status, 404);
    }
    assert!(
        revoked_somewhere,
        "{platform}: the last disconnect revokes the grant"
    );
    if platform != Platform::Instagram {
        let revoked_after = server.sim_stats(platform).await["tokens_revoked"]
            .as_u64()
            .unwrap_or(0);
        assert!(
            revoked_after > revoked_before,
            "{platform}: the simulator saw the revocation"
        );
    }

    assert_secrets_absent(
        &server,
        &[
            ("access token", token.expose()),
            ("refreshed access token", new_token.expose()),
        ],
    );
}

fn assert_secrets_absent(server: &Server, tokens: &[(&str, &str)]) {
    let mut secrets = vec![
        ("user bearer token", server.bearer.as_str()),
        ("JWT secret", JWT_SECRET_CANARY),
        ("encryption key", server.encryption_key.expose()),
    ];
    secrets.extend_from_slice(tokens);
    logs::assert_absent(&secrets);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_connects_lists_refreshes_and_disconnects() {
    full_lifecycle(Platform::X, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkedin_connects_the_member_and_the_organization() {
    full_lifecycle(Platform::Linkedin, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facebook_connects_each_page() {
    full_lifecycle(Platform::Facebook, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instagram_connects_the_professional_account() {
    full_lifecycle(Platform::Instagram, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pinterest_connects_lists_refreshes_and_disconnects() {
    full_lifecycle(Platform::Pinterest, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiktok_connects_lists_refreshes_and_disconnects() {
    full_lifecycle(Platform::Tiktok, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_consent_comes_back_as_authorization_denied() {
    let server = start().await;
    server.knobs(json!({"auto_approve": false})).await;
    let (_, body) = server.api(Method::GET, "/connect/x").await;
    let authorize = body["authorization_url"].as_str().unwrap();
    let page = server.http.get(authorize).send().await.unwrap();
    assert_eq!(page.status(), 200, "the consent page is shown");
    // The simulator's deny redirect, as the browser would follow it.
    let url = url::Url::parse(authorize).unwrap();
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let callback = format!(
        "{}/api/v1/connect/x/callback?error=access_denied&error_description=The+user+denied&state={state}",
        server.base
    );
    let res = server.http.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "authorization_denied");
    assert!(
        !body.to_string().contains("The user denied"),
        "our words, not the platform's: {body}"
    );
    let _ = json_knobs(Platform::X, json!({}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_completed_by_another_user_is_refused() {
    let server = start().await;
    let authorized = server.authorize(Platform::X).await;

    let (status, body) = server
        .complete(&server.other_bearer, Platform::X, &authorized)
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "invalid_state");

    let (status, body) = server
        .complete(&server.bearer, Platform::X, &authorized)
        .await;
    assert_eq!(status, 200, "the user who started still can: {body}");
    let (status, body) = server
        .complete(&server.bearer, Platform::X, &authorized)
        .await;
    assert_eq!(status, 400, "a replayed state is refused: {body}");
    assert_eq!(body["code"], "invalid_state");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_x_connects_lists_refreshes_and_disconnects() {
    let database = TestDatabase::create().await;
    full_lifecycle_on(Platform::X, 1, Some(database.url.clone())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_facebook_connects_each_page() {
    let database = TestDatabase::create().await;
    full_lifecycle_on(Platform::Facebook, 2, Some(database.url.clone())).await;
}

/// `just run` and `just demo`: nothing configured, so the callback completes on its own and
/// `curl -L` through the simulator connects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_development_mode_the_callback_completes_on_its_own() {
    // Development mode is zero configuration: no database URL, no keys, no secrets.
    let server = start_with(None, |raw| {
        raw.database_url = None;
        raw.aes_encryption_keys = None;
        raw.auth_jwt_secret = None;
    })
    .await;
    let (_, body) = server.api(Method::GET, "/connect/x").await;
    let authorize = body["authorization_url"].as_str().unwrap();
    let consent = server.http.get(authorize).send().await.unwrap();
    let callback = consent.headers()["location"].to_str().unwrap().to_owned();
    let done = server.http.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let body: serde_json::Value = done.json().await.unwrap();
    assert_eq!(body["platform"], "x", "{body}");
    assert_eq!(
        body["connections"].as_array().map(Vec::len),
        Some(1),
        "{body}"
    );
}
