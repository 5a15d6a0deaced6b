//! Knobs on every platform: injected 5xx, rate limits with Retry-After and the platform's
//! headers, latency, expired tokens, short-lived tokens.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_platform_sim::{KnobSettings, Platform};

use crate::common::{connect, header, probe, start};

/// The platform's error body carries what a client branches on.
fn assert_failure_shape(platform: Platform, body: &Value) {
    match platform {
        Platform::X => assert_eq!(body["status"], 503),
        Platform::Pinterest => assert_eq!(body["code"], 503),
        Platform::Tiktok => assert_eq!(body["error"]["code"], "internal_error"),
        Platform::Facebook | Platform::Instagram => {
            assert_eq!(body["error"]["code"], 2);
            assert_eq!(body["error"]["is_transient"], true);
        }
        Platform::Linkedin => assert_eq!(body["status"], 503),
    }
}

fn assert_expired_shape(platform: Platform, status: StatusCode, body: &Value) {
    match platform {
        Platform::X => {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert_eq!(body["title"], "Unauthorized");
        }
        Platform::Pinterest => {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert_eq!(body["code"], 2);
        }
        Platform::Tiktok => {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert_eq!(body["error"]["code"], "access_token_invalid");
        }
        Platform::Facebook | Platform::Instagram => {
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert_eq!(body["error"]["code"], 190);
            assert_eq!(body["error"]["error_subcode"], 463);
        }
        Platform::Linkedin => {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert_eq!(body["code"], "EXPIRED_ACCESS_TOKEN");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_rate_limit_and_expire_on_every_platform() {
    let sim = start(true);
    for platform in Platform::ALL {
        let token = connect(&sim, platform).await.access;
        assert_eq!(
            probe(&sim, platform, &token).await.status(),
            StatusCode::OK,
            "{platform}"
        );

        // Two injected 503s, then normal again.
        sim.knobs(json!({"platform": platform, "fail_next": 2, "status": 503}))
            .await;
        for _ in 0..2 {
            let response = probe(&sim, platform, &token).await;
            assert_eq!(
                response.status(),
                StatusCode::SERVICE_UNAVAILABLE,
                "{platform}"
            );
            let body: Value = response.json().await.unwrap();
            assert_failure_shape(platform, &body);
        }
        assert_eq!(
            probe(&sim, platform, &token).await.status(),
            StatusCode::OK,
            "{platform}"
        );

        // One rate limit with Retry-After and the platform's own signal.
        sim.knobs(json!({"platform": platform, "rate_limit_next": 1, "retry_after_seconds": 7}))
            .await;
        let response = probe(&sim, platform, &token).await;
        assert_eq!(
            header(&response, "retry-after").as_deref(),
            Some("7"),
            "{platform}"
        );
        let status = response.status();
        match platform {
            Platform::X => {
                assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
                assert_eq!(
                    header(&response, "x-rate-limit-remaining").as_deref(),
                    Some("0")
                );
                let reset: i64 = header(&response, "x-rate-limit-reset")
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(reset > 1_700_000_000);
            }
            Platform::Pinterest => {
                assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
                assert_eq!(
                    header(&response, "x-ratelimit-remaining").as_deref(),
                    Some("0")
                );
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["code"], 8);
            }
            Platform::Tiktok => {
                assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["error"]["code"], "rate_limit_exceeded");
            }
            Platform::Facebook => {
                assert_eq!(status, StatusCode::BAD_REQUEST);
                assert!(header(&response, "x-app-usage").unwrap().contains("100"));
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["error"]["code"], 4);
            }
            Platform::Instagram => {
                assert_eq!(status, StatusCode::BAD_REQUEST);
                let usage = header(&response, "x-business-use-case-usage").unwrap();
                assert!(usage.contains("estimated_time_to_regain_access"));
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["error"]["code"], 80002);
            }
            Platform::Linkedin => {
                assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["status"], 429);
            }
        }
        assert_eq!(
            probe(&sim, platform, &token).await.status(),
            StatusCode::OK,
            "{platform}"
        );

        // Expire everything issued so far.
        sim.knobs(json!({"platform": platform, "expire_all_tokens": true}))
            .await;
        let response = probe(&sim, platform, &token).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_expired_shape(platform, status, &body);
    }
    let state = sim.state().await;
    for platform in Platform::ALL {
        let p = &state["platforms"][platform.as_str()];
        assert_eq!(p["injected_failures"], 2, "{platform}");
        assert_eq!(p["injected_rate_limits"], 1, "{platform}");
        assert_eq!(p["active_access_tokens"], 0, "{platform}");
    }
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facebook_page_token_rate_limit_is_buc() {
    let sim = start(true);
    let token = connect(&sim, Platform::Facebook).await.access;
    let accounts: Value = sim
        .http
        .get(sim.api(Platform::Facebook, "v25.0/me/accounts"))
        .query(&[("access_token", token.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page_token = accounts["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    sim.knobs(json!({"platform": "facebook", "rate_limit_next": 1, "retry_after_seconds": 120, "rate_limit_status": 429}))
        .await;
    let response = probe(&sim, Platform::Facebook, &page_token).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let usage: Value =
        serde_json::from_str(&header(&response, "x-business-use-case-usage").unwrap()).unwrap();
    let page_id = accounts["data"][0]["id"].as_str().unwrap();
    assert_eq!(usage[page_id][0]["type"], "pages");
    assert_eq!(usage[page_id][0]["estimated_time_to_regain_access"], 2);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 80001);
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_and_born_expired_tokens() {
    let sim = start(true);
    let token = connect(&sim, Platform::X).await.access;
    sim.handle
        .set_knobs(&KnobSettings {
            platform: Some(Platform::X),
            latency_ms: Some(150),
            ..KnobSettings::default()
        })
        .unwrap();
    let started = Instant::now();
    assert_eq!(
        probe(&sim, Platform::X, &token).await.status(),
        StatusCode::OK
    );
    assert!(started.elapsed() >= Duration::from_millis(150));
    sim.knobs(json!({"platform": "x", "latency_ms": 0, "access_token_ttl_seconds": 0}))
        .await;

    // Tokens issued now are already expired (expires_in 0).
    let tokens = connect(&sim, Platform::X).await;
    assert_eq!(
        probe(&sim, Platform::X, &tokens.access).await.status(),
        StatusCode::UNAUTHORIZED
    );
    sim.knobs(json!({"platform": "x", "clear_token_ttls": true}))
        .await;
    let fresh = connect(&sim, Platform::X).await;
    assert_eq!(
        probe(&sim, Platform::X, &fresh.access).await.status(),
        StatusCode::OK
    );
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_endpoints_are_gated_too() {
    let sim = start(true);
    let tokens = connect(&sim, Platform::Tiktok).await;
    sim.knobs(json!({"platform": "tiktok", "fail_next": 1, "status": 500}))
        .await;
    let (key, secret) = sim.creds(Platform::Tiktok);
    let response = sim
        .http
        .post(sim.api(Platform::Tiktok, "v2/oauth/token/"))
        .form(&[
            ("client_key", key.as_str()),
            ("client_secret", &secret),
            ("grant_type", "refresh_token"),
            ("refresh_token", &tokens.refresh.clone().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    // The refresh token was not consumed by the failed call.
    let response = sim
        .http
        .post(sim.api(Platform::Tiktok, "v2/oauth/token/"))
        .form(&[
            ("client_key", key.as_str()),
            ("client_secret", &secret),
            ("grant_type", "refresh_token"),
            ("refresh_token", &tokens.refresh.unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    sim.handle.stop().await;
}
