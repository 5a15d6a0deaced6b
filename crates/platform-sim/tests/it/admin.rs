//! The admin API, the runtime entry points and the public handle.

use std::net::TcpListener;

use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_platform_sim::{AppCredentials, Platform, Simulator, SimulatorConfig};

use crate::common::{
    REDIRECT, Sim, authorize_redirect, authorize_url, client, connect, probe, start, start_with,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_counts_and_reset() {
    let sim = start(true);
    let tokens = connect(&sim, Platform::X).await;
    let state = sim.state().await;
    let x = &state["platforms"]["x"];
    assert_eq!(x["codes_issued"], 1);
    assert_eq!(x["codes_redeemed"], 1);
    assert_eq!(x["access_tokens_issued"], 1);
    assert_eq!(x["refresh_tokens_issued"], 1);
    assert_eq!(x["active_access_tokens"], 1);
    assert_eq!(x["knobs"]["fail_status"], 503);
    assert_eq!(state["auto_approve"], true);

    let response = sim.http.post(sim.admin("_sim/reset")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let state: Value = response.json().await.unwrap();
    assert_eq!(state["platforms"]["x"]["access_tokens_issued"], 0);
    assert_eq!(
        probe(&sim, Platform::X, &tokens.access).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(sim.handle.state().platforms[&Platform::X].stats.requests, 1);
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_knobs_are_400() {
    let sim = start(true);
    for body in [
        json!({"platform": "myspace"}),
        json!({"fail_next": 1, "status": 200}),
        json!({"unknown_knob": true}),
    ] {
        let response = sim
            .http
            .post(sim.admin("_sim/knobs"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    let response = sim
        .http
        .post(sim.admin("_sim/knobs"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // `twitter` is accepted for x; auto_approve can be flipped at runtime.
    let state = sim
        .knobs(json!({"platform": "twitter", "latency_ms": 1, "auto_approve": false}))
        .await;
    assert_eq!(state["platforms"]["x"]["knobs"]["latency_ms"], 1);
    assert_eq!(state["auto_approve"], false);
    let response = sim
        .http
        .get(authorize_url(&sim, Platform::X, "s"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urls_credentials_and_index() {
    let config = SimulatorConfig::default().with_auto_approve(true).with_app(
        Platform::Linkedin,
        AppCredentials {
            client_id: "my-li-app".into(),
            client_secret: "my-li-secret".into(),
            redirect_uris: vec![REDIRECT.into()],
        },
    );
    let sim = start_with(config);
    let base = sim.handle.base_url();
    assert_eq!(base.path(), "/");
    let x = sim.handle.urls(Platform::X);
    assert_eq!(x.api_base.path(), "/x/api/");
    assert_eq!(x.oauth_base.path(), "/x/oauth/");
    assert!(x.token_base.is_none());
    let ig = sim.handle.urls(Platform::Instagram);
    assert_eq!(ig.token_base.unwrap().path(), "/instagram/token/");
    assert_eq!(
        sim.handle.client_credentials(Platform::Tiktok),
        (
            "sim-tiktok-client".to_owned(),
            "sim-tiktok-secret".to_owned()
        )
    );
    assert_eq!(
        sim.handle.client_credentials(Platform::Linkedin).0,
        "my-li-app"
    );
    // The configured app works end to end; an unregistered redirect URI is refused.
    connect(&sim, Platform::Linkedin).await;
    let url = authorize_url(&sim, Platform::Linkedin, "s");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "redirect_uri" {
                "https://app.example/other".into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut bad = url.clone();
    bad.query_pairs_mut().clear().extend_pairs(pairs);
    let response = sim.http.get(bad).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // `format!("{base}/path")` style (double slash) reaches the same route.
    let tokens = connect(&sim, Platform::X).await;
    let doubled = format!("{}/2/users/me", x.api_base);
    let response = sim
        .http
        .get(doubled)
        .bearer_auth(&tokens.access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let index: Value = sim
        .http
        .get(sim.admin("_sim/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        index["platforms"]["pinterest"]["client_id"],
        "sim-pinterest-client"
    );
    sim.handle.stop().await;
}

#[actix_web::test]
async fn starts_inside_an_actix_runtime() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let handle =
        Simulator::start(SimulatorConfig::default().with_auto_approve(true), listener).unwrap();
    let sim = Sim {
        handle,
        http: client(),
    };
    let params = authorize_redirect(&sim, authorize_url(&sim, Platform::Pinterest, "actix")).await;
    assert_eq!(params["state"], "actix");
    let tokens = connect(&sim, Platform::Pinterest).await;
    assert_eq!(
        probe(&sim, Platform::Pinterest, &tokens.access)
            .await
            .status(),
        StatusCode::OK
    );
    sim.handle.stop().await;
}

#[test]
fn start_outside_a_runtime_is_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    assert!(Simulator::start(SimulatorConfig::default(), listener).is_err());
}
