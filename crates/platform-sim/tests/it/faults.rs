//! Publishing fault knobs: 5xx and 429 that do nothing, timeouts, ambiguous answers that lose
//! the answer after storing the post, latency, and seeded storms.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_platform_sim::{
    AmbiguousMode, FaultSettings, KnobSettings, Platform, PublishEndpoint, Storm,
};

use crate::common::{Sim, start, x_publishing_token};
use crate::x_publish::post_json;

fn faults(sim: &Sim, settings: FaultSettings) {
    sim.handle
        .set_knobs(&KnobSettings {
            faults: Some(settings),
            ..KnobSettings::default()
        })
        .unwrap();
}

fn on_create_post(settings: FaultSettings) -> FaultSettings {
    FaultSettings {
        endpoint: Some(PublishEndpoint::XCreatePost),
        ..settings
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_and_rate_limits_store_nothing() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    faults(
        &sim,
        on_create_post(FaultSettings {
            fail_next: Some(1),
            rate_limit_next: Some(1),
            retry_after_seconds: Some(42),
            ..FaultSettings::default()
        }),
    );
    let (code, body) = post_json(&sim, &token, "2/tweets", json!({"text": "a"})).await;
    assert_eq!(code, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], 503);

    let response = sim
        .http
        .post(sim.api(Platform::X, "2/tweets"))
        .bearer_auth(&token)
        .json(&json!({"text": "a"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "42");
    assert!(response.headers().contains_key("x-rate-limit-reset"));
    assert!(sim.handle.posts(None).is_empty());

    // Counters are used up: the next one goes through. Other endpoints were never touched.
    let (code, _) = post_json(&sim, &token, "2/tweets", json!({"text": "a"})).await;
    assert_eq!(code, StatusCode::CREATED);
    let state = sim.state().await;
    assert_eq!(state["platforms"]["x"]["injected_failures"], 1);
    assert_eq!(state["platforms"]["x"]["injected_rate_limits"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ambiguous_answer_loses_the_answer_but_keeps_the_post() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    faults(
        &sim,
        on_create_post(FaultSettings {
            ambiguous_next: Some(1),
            ambiguous_mode: Some(AmbiguousMode::ServerError),
            ..FaultSettings::default()
        }),
    );
    let (code, _) = post_json(&sim, &token, "2/tweets", json!({"text": "first"})).await;
    assert_eq!(code, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(sim.handle.posts(None).len(), 1, "stored despite the 503");

    faults(
        &sim,
        on_create_post(FaultSettings {
            ambiguous_next: Some(1),
            ambiguous_mode: Some(AmbiguousMode::Drop),
            ..FaultSettings::default()
        }),
    );
    let result = async {
        let response = sim
            .http
            .post(sim.api(Platform::X, "2/tweets"))
            .bearer_auth(&token)
            .json(&json!({"text": "second"}))
            .send()
            .await?;
        response.bytes().await
    }
    .await;
    assert!(result.is_err(), "the answer must not arrive whole");
    assert_eq!(sim.handle.posts(None).len(), 2);
    assert_eq!(sim.state().await["platforms"]["x"]["injected_ambiguous"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_hangs_then_breaks_without_doing_anything() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    faults(
        &sim,
        on_create_post(FaultSettings {
            timeout_next: Some(2),
            hang_ms: Some(300),
            ..FaultSettings::default()
        }),
    );
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let result = impatient
        .post(sim.api(Platform::X, "2/tweets"))
        .bearer_auth(&token)
        .json(&json!({"text": "late"}))
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());

    let started = Instant::now();
    let patient = async {
        sim.http
            .post(sim.api(Platform::X, "2/tweets"))
            .bearer_auth(&token)
            .json(&json!({"text": "late"}))
            .send()
            .await?
            .bytes()
            .await
    }
    .await;
    assert!(patient.is_err());
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(sim.handle.posts(None).is_empty());
    assert_eq!(sim.state().await["platforms"]["x"]["injected_timeouts"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_applies_to_the_chosen_endpoint_only() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    faults(
        &sim,
        FaultSettings {
            endpoint: Some(PublishEndpoint::XUserPosts),
            latency_ms: Some(250),
            ..FaultSettings::default()
        },
    );
    let started = Instant::now();
    let (code, _) = post_json(&sim, &token, "2/tweets", json!({"text": "quick"})).await;
    assert_eq!(code, StatusCode::CREATED);
    assert!(started.elapsed() < Duration::from_millis(250));
    let started = Instant::now();
    let response = sim
        .http
        .get(sim.api(Platform::X, "2/users/1/tweets"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(250));
}

/// The statuses of `n` timeline reads under a storm with `seed`.
async fn storm_run(seed: u64, n: usize) -> Vec<u16> {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    faults(
        &sim,
        FaultSettings {
            endpoint: Some(PublishEndpoint::XUserPosts),
            hang_ms: Some(1),
            storm: Some(Storm {
                seed,
                server_error_percent: 30.0,
                rate_limit_percent: 10.0,
                timeout_percent: 5.0,
                ambiguous_percent: 2.0,
            }),
            ..FaultSettings::default()
        },
    );
    let mut statuses = Vec::with_capacity(n);
    for _ in 0..n {
        let outcome = async {
            let response = sim
                .http
                .get(sim.api(Platform::X, "2/users/1/tweets"))
                .bearer_auth(&token)
                .send()
                .await?;
            let status = response.status().as_u16();
            response.bytes().await.map(|_| status)
        }
        .await;
        statuses.push(outcome.unwrap_or(0));
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_is_random_but_repeatable_by_seed() {
    let first = storm_run(7, 200).await;
    assert_eq!(storm_run(7, 200).await, first);
    assert_ne!(storm_run(8, 200).await, first);
    let count = |code: u16| first.iter().filter(|s| **s == code).count();
    // 30 % 5xx, 10 % 429, 7 % broken (timeouts and dropped answers), the rest fine.
    assert!((35..=85).contains(&count(503)), "{first:?}");
    assert!((5..=40).contains(&count(429)), "{first:?}");
    assert!(count(200) >= 80, "{first:?}");
    assert!(count(200) + count(503) + count(429) + count(0) == 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_over_the_whole_platform_and_its_end() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    let storm = |percent: f64| FaultSettings {
        storm: Some(Storm {
            seed: 1,
            server_error_percent: percent,
            ..Storm::default()
        }),
        ..FaultSettings::default()
    };
    sim.handle
        .set_knobs(&KnobSettings {
            platform: Some(Platform::X),
            faults: Some(storm(100.0)),
            ..KnobSettings::default()
        })
        .unwrap();
    let (code, _) = post_json(&sim, &token, "2/tweets", json!({"text": "x"})).await;
    assert_eq!(code, StatusCode::SERVICE_UNAVAILABLE);
    let (code, _) = post_json(
        &sim,
        &token,
        "2/media/upload/initialize",
        json!({"media_type": "image/png", "total_bytes": 1}),
    )
    .await;
    assert_eq!(code, StatusCode::SERVICE_UNAVAILABLE);
    let listed: Value = sim
        .http
        .get(sim.admin("_sim/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["x_create_post"]["storm"]["server_error_percent"],
        100.0
    );
    assert!(listed.get("facebook_feed").is_none(), "only X was targeted");

    sim.handle
        .set_knobs(&KnobSettings {
            platform: Some(Platform::X),
            faults: Some(storm(0.0)),
            ..KnobSettings::default()
        })
        .unwrap();
    let (code, _) = post_json(&sim, &token, "2/tweets", json!({"text": "x"})).await;
    assert_eq!(code, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn impossible_faults_are_refused() {
    let sim = start(true);
    for body in [
        json!({"faults": {"fail_status": 404}}),
        json!({"faults": {"storm": {"seed": 1, "server_error_percent": 80.0, "rate_limit_percent": 30.0}}}),
        json!({"faults": {"endpoint": "x_nothing"}}),
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
    // Over HTTP, the same knobs as the handle.
    sim.knobs(
        json!({"platform": "facebook", "faults": {"endpoint": "facebook_feed", "fail_next": 1}}),
    )
    .await;
}
