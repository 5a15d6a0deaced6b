//! Facebook: dialog, code exchange, long-lived exchange, /me, /me/accounts with Page tokens and
//! cursor paging, DELETE /me/permissions.

use reqwest::StatusCode;
use serde_json::Value;
use socialpub_platform_sim::{Platform, seed};

use crate::common::{
    REDIRECT, Sim, authorize_redirect, authorize_url, connect, consent, exchange, probe, start,
};

const F: Platform = Platform::Facebook;

async fn long_lived(sim: &Sim, short: &str) -> Value {
    let (client_id, secret) = sim.creds(F);
    let response = sim
        .http
        .get(sim.api(F, "v24.0/oauth/access_token"))
        .query(&[
            ("grant_type", "fb_exchange_token"),
            ("client_id", client_id.as_str()),
            ("client_secret", &secret),
            ("fb_exchange_token", short),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn graph_get(sim: &Sim, path: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = sim
        .http
        .get(sim.api(F, path))
        .query(query)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dialog_consent_and_deny() {
    let sim = start(false);
    let approved = consent(
        &sim,
        authorize_url(&sim, F, "fb"),
        "approve",
        seed::facebook::PAGES[1].1,
    )
    .await;
    assert_eq!(approved["state"], "fb");
    let denied = consent(
        &sim,
        authorize_url(&sim, F, "fb2"),
        "deny",
        "pages_manage_posts",
    )
    .await;
    assert_eq!(denied["error"], "access_denied");
    assert_eq!(denied["error_reason"], "user_denied");
    assert_eq!(denied["state"], "fb2");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_exchange_errors() {
    let sim = start(true);
    let (client_id, _) = sim.creds(F);
    let params = authorize_redirect(&sim, authorize_url(&sim, F, "s")).await;
    let code = params["code"].clone();

    let (status, body) = graph_get(
        &sim,
        "v25.0/oauth/access_token",
        &[
            ("client_id", &client_id),
            ("redirect_uri", REDIRECT),
            ("client_secret", "bad"),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["type"], "OAuthException");
    assert_eq!(body["error"]["code"], 1);

    let (_, body) = graph_get(
        &sim,
        "v25.0/oauth/access_token",
        &[
            ("client_id", "123"),
            ("redirect_uri", REDIRECT),
            ("client_secret", "bad"),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(body["error"]["code"], 101);

    let (_, secret) = sim.creds(F);
    let (status, body) = graph_get(
        &sim,
        "v25.0/oauth/access_token",
        &[
            ("client_id", &client_id),
            ("redirect_uri", "https://app.example/other"),
            ("client_secret", &secret),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], 100);
    assert_eq!(body["error"]["error_subcode"], 36008);

    let response = exchange(&sim, F, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);

    let response = exchange(&sim, F, &code).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 100);
    assert_eq!(body["error"]["error_subcode"], 36009);
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_lived_pages_and_paging() {
    let sim = start(true);
    let short = connect(&sim, F).await.access;
    let long = long_lived(&sim, &short).await;
    assert_eq!(long["expires_in"], 5_183_944);
    let long = long["access_token"].as_str().unwrap().to_owned();

    let response = probe(&sim, F, &long).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("x-app-usage").is_some());
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["id"], seed::facebook::USER_ID);
    assert_eq!(me["name"], seed::facebook::USER_NAME);

    // Page one of /me/accounts, then follow paging.next.
    let (status, page1) = graph_get(
        &sim,
        "v25.0/me/accounts",
        &[
            (
                "fields",
                "id,name,access_token,tasks,instagram_business_account",
            ),
            ("limit", "1"),
            ("access_token", &long),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page1["data"].as_array().unwrap().len(), 1);
    assert_eq!(page1["data"][0]["id"], seed::facebook::PAGES[0].0);
    assert_eq!(
        page1["data"][0]["instagram_business_account"]["id"],
        seed::instagram::IG_USER_ID
    );
    assert!(
        page1["data"][0]["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "CREATE_CONTENT")
    );
    assert!(page1["paging"]["cursors"]["after"].is_string());
    let next = page1["paging"]["next"].as_str().unwrap();
    let page2: Value = sim
        .http
        .get(next)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page2["data"].as_array().unwrap().len(), 1);
    assert_eq!(page2["data"][0]["id"], seed::facebook::PAGES[1].0);
    assert!(page2["paging"].get("next").is_none());
    assert!(page2["paging"]["previous"].is_string());

    let token1 = page1["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let token2 = page2["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(token1, token2);

    // A Page token reads as the Page and never expires.
    let (_, page) = graph_get(&sim, "v25.0/me", &[("access_token", &token2)]).await;
    assert_eq!(page["id"], seed::facebook::PAGES[1].0);
    assert_eq!(page["name"], seed::facebook::PAGES[1].1);
    let (client_id, secret) = sim.creds(F);
    let app_token = format!("{client_id}|{secret}");
    let (_, debug) = graph_get(
        &sim,
        "v25.0/debug_token",
        &[("input_token", &token1), ("access_token", &app_token)],
    )
    .await;
    assert_eq!(debug["data"]["is_valid"], true);
    assert_eq!(debug["data"]["type"], "PAGE");
    assert_eq!(debug["data"]["expires_at"], 0);

    // Same grant, same Page: the same token comes back.
    let (_, again) = graph_get(&sim, "v25.0/me/accounts", &[("access_token", &long)]).await;
    assert_eq!(again["data"][0]["access_token"], token1.as_str());
    assert_eq!(again["data"].as_array().unwrap().len(), 2);

    // DELETE /me/permissions kills the user token and its Page tokens.
    let response = sim
        .http
        .delete(sim.api(F, "v25.0/me/permissions"))
        .query(&[("access_token", &long)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], true);
    for token in [&long, &token1] {
        let (status, body) = graph_get(&sim, "v25.0/me", &[("access_token", token)]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], 190);
        assert_eq!(body["error"]["error_subcode"], 458);
        assert!(body["error"]["fbtrace_id"].is_string());
    }
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_header_and_unversioned_paths_work() {
    let sim = start(true);
    let short = connect(&sim, F).await.access;
    let response = sim
        .http
        .get(sim.api(F, "me"))
        .bearer_auth(&short)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (status, body) = graph_get(&sim, "v25.0/me", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], 2500);
    let (_, body) = graph_get(&sim, "v25.0/me", &[("access_token", "garbage")]).await;
    assert_eq!(body["error"]["code"], 190);
    sim.handle.stop().await;
}
