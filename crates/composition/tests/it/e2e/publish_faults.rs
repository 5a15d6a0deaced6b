//! Publishing when things go wrong, end to end against the simulator's fault knobs: a worker
//! stopped anywhere, answers lost after the post was made, rate limits, revoked grants and a
//! storm of all of them. Whatever happens, no post is made twice.

use std::time::Duration as StdDuration;

use serde_json::{Value, json};
use socialpub_domain::Platform;
use socialpub_ports::Clock;

use super::publish_world::{Backend, World, on_both_backends, text_job};

/// Long enough that a hung request is surely what stopped the worker.
const HANG_MS: u64 = 30_000;
/// How long a worker runs before the test drops it in its hung request.
const CUT_AFTER: StdDuration = StdDuration::from_millis(700);

/// Runs the engine until a request to `endpoint` hangs, then drops the worker's future in
/// the middle of it, as a killed process would stop. The hang is consumed; the job is left
/// `processing` under a lease nobody renews.
async fn cut_in(world: &World, endpoint: &str) {
    world
        .faults(
            Platform::X,
            json!({"endpoint": endpoint, "timeout_next": 1, "hang_ms": HANG_MS}),
        )
        .await;
    for _ in 0..50 {
        if tokio::time::timeout(CUT_AFTER, world.engine.run_once())
            .await
            .is_err()
        {
            return;
        }
        // Not there yet: a parked step (video processing) waits for its time.
        world.advance(5).await;
    }
    panic!("the job never reached {endpoint}");
}

async fn a_worker_stopped_after_each_step_resumes_without_a_second_post(backend: Backend) {
    let world = World::start_with(backend, |raw| {
        raw.job_lease_seconds = Some("10".into());
        raw.job_max_attempts = Some("10".into());
    })
    .await;
    let x = world.connect(Platform::X).await;
    let job = world
        .publish(json!({
            "connection_id": x,
            "text_content": "Survives three dead workers",
            "assets": [{"url": world.sample("sample.mp4"), "type": "video"}],
        }))
        .await;
    let id = job["job_id"].as_str().unwrap().to_owned();

    for endpoint in ["x_media_upload", "x_media_status", "x_create_post"] {
        cut_in(&world, endpoint).await;
        let job = world.job(&id).await;
        assert_eq!(job["status"], "processing", "{endpoint}: {job}");
        // The lease runs out; the next pass recovers the job and resumes it.
        world.advance(11).await;
    }
    let job = world.settle_one(&id).await;
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(None).await;
    assert_eq!(posts["count"], 1, "{posts}");
    assert_eq!(job["external_post_id"], posts["posts"][0]["id"]);
}

async fn a_lost_commit_answer_is_found_not_repeated(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let page = world.connect(Platform::Facebook).await;
    world
        .faults(
            Platform::X,
            json!({"endpoint": "x_create_post", "ambiguous_next": 1, "ambiguous_mode": "drop"}),
        )
        .await;
    world
        .faults(
            Platform::Facebook,
            json!({"endpoint": "facebook_feed", "ambiguous_next": 1, "ambiguous_mode": "server_error"}),
        )
        .await;
    let on_x = world.publish(text_job(&x, "Answer lost on X")).await;
    let on_facebook = world
        .publish(text_job(&page, "Answer lost on Facebook"))
        .await;
    let ids = [&on_x, &on_facebook].map(|j| j["job_id"].as_str().unwrap().to_owned());
    let jobs = world.settle(&ids).await;
    let posts = world.sim_posts(None).await;
    assert_eq!(posts["count"], 2, "{posts}");
    for job in &jobs {
        assert_eq!(job["status"], "published", "{job}");
        assert!(
            posts["posts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == job["external_post_id"] && p["url"] == job["post_url"]),
            "{job}"
        );
    }
}

async fn retry_after_is_honoured(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    world
        .faults(
            Platform::X,
            json!({"endpoint": "x_create_post", "rate_limit_next": 1, "retry_after_seconds": 120}),
        )
        .await;
    let job = world.publish(text_job(&x, "Patience")).await;
    let id = job["job_id"].as_str().unwrap();
    world.drain().await;
    let job = world.job(id).await;
    assert_eq!(job["status"], "pending", "{job}");
    let next: time::OffsetDateTime = time::OffsetDateTime::parse(
        job["next_attempt_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(
        next >= world.clock.now() + time::Duration::seconds(119),
        "{job}"
    );
    world.advance(60).await;
    assert_eq!(world.drain().await, 0, "not before Retry-After");
    world.advance(61).await;
    world.drain().await;
    let job = world.job(id).await;
    assert_eq!(job["status"], "published", "{job}");
    assert_eq!(job["attempts"], 2);
}

async fn a_revoked_grant_needs_reauth(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    world
        .server
        .knobs(json!({"platform": "x", "revoke_all": true}))
        .await;
    let job = world.publish(text_job(&x, "Nobody is listening")).await;
    let job = world.settle_one(job["job_id"].as_str().unwrap()).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["user_action"], "reconnect", "{job}");
    let (_, connection) = world.get(&format!("/connections/{x}")).await;
    assert_eq!(connection["status"], "needs_reauth", "{connection}");
    assert_eq!(world.sim_posts(None).await["count"], 0);
}

/// 500 jobs through 30 % 5xx, 10 % 429, 5 % timeouts and 2 % lost answers on every
/// publishing endpoint of X and Facebook.
async fn a_storm_posts_nothing_twice(backend: Backend) {
    const JOBS: usize = 500;
    const USERS: usize = 8;
    let world = World::start_with(backend, |raw| {
        raw.worker_concurrency = Some("32".into());
    })
    .await;
    // Each process runs one job per account at a time: many users' connections (all to the
    // simulator's one X user and two Pages) let the storm run in parallel.
    let mut targets = Vec::new();
    for n in 0..USERS {
        let bearer = world.user(n);
        for platform in [Platform::X, Platform::Facebook] {
            for connection in world.server.connect_as(&bearer, platform).await {
                targets.push((
                    bearer.clone(),
                    connection["id"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    for (platform, seed) in [(Platform::X, 7), (Platform::Facebook, 11)] {
        world
            .faults(
                platform,
                json!({
                    "hang_ms": 100,
                    "retry_after_seconds": 1,
                    "storm": {
                        "seed": seed,
                        "server_error_percent": 30.0,
                        "rate_limit_percent": 10.0,
                        "timeout_percent": 5.0,
                        "ambiguous_percent": 2.0,
                    },
                }),
            )
            .await;
    }
    // Spread over 50 minutes, about three posts a minute per account, as a busy account
    // would post. (The adapters page through every post of a reconciliation window, so a
    // burst is safe too: `just chaos` posts thousands within minutes.)
    let start = world.clock.now();
    let mut ids = Vec::with_capacity(JOBS);
    let world = &world;
    for chunk in (0..JOBS).collect::<Vec<_>>().chunks(25) {
        let creating = chunk.iter().map(|&n| {
            let (bearer, connection) = &targets[n % targets.len()];
            let at = start + time::Duration::seconds(6 * i64::try_from(n).unwrap());
            async move {
                let (status, _, job) = world
                    .send_as(
                        bearer,
                        reqwest::Method::POST,
                        "/schedule",
                        None,
                        Some(&json!({
                            "connection_id": connection,
                            "text_content": format!("Storm post {n}"),
                            "schedule_time": at.format(&time::format_description::well_known::Rfc3339).unwrap(),
                        })),
                    )
                    .await;
                assert_eq!(status, 202, "{job}");
                (bearer.clone(), job["job_id"].as_str().unwrap().to_owned())
            }
        });
        ids.extend(futures_util::future::join_all(creating).await);
    }

    let jobs = &world.jobs;
    for round in 0.. {
        assert!(round < 3000, "the storm's jobs never settled");
        world.drain().await;
        let counts = jobs.count_by_status().await.unwrap();
        let open = counts
            .iter()
            .filter(|(status, _)| !super::publish_world::SETTLED.contains(&status.as_str()))
            .map(|(_, n)| *n)
            .sum::<u64>();
        if open == 0 {
            break;
        }
        if round % 200 == 0 {
            eprintln!("round {round}: {counts:?}");
        }
        world.skip_to_next_due(1).await;
    }

    let posts = world.sim_posts(None).await;
    assert_eq!(posts["duplicates"], 0, "{}", posts["duplicates"]);
    let sim_posts = posts["posts"].as_array().unwrap();
    let (mut published, mut failed, mut unknown) = (0, 0, 0);
    for (bearer, id) in &ids {
        let job = world.job_as(bearer, id).await;
        match job["status"].as_str().unwrap() {
            "published" => {
                published += 1;
                let made: Vec<&Value> = sim_posts
                    .iter()
                    .filter(|p| p["text"] == job["text_content"])
                    .collect();

                assert_eq!(made.len(), 1, "{job}");
                assert_eq!(made[0]["id"], job["external_post_id"], "{job}");
            }
            "failed" => {
                failed += 1;
                assert!(job["error_code"].is_string(), "{job}");
            }
            "outcome_unknown" => unknown += 1,
            other => panic!("a storm job ended {other}: {job}"),
        }
    }
    eprintln!(
        "storm: {published} published, {failed} failed, {unknown} outcome_unknown; {} posts",
        sim_posts.len()
    );
    assert_eq!(published + failed + unknown, JOBS);
    assert!(
        sim_posts.len() >= published && sim_posts.len() <= published + unknown,
        "{} posts for {published} published and {unknown} unknown",
        sim_posts.len()
    );
    assert!(
        published > JOBS / 2,
        "{published} published, {failed} failed, {unknown} unknown"
    );
}

on_both_backends!(
    a_worker_stopped_after_each_step_resumes_without_a_second_post,
    a_lost_commit_answer_is_found_not_repeated,
    retry_after_is_honoured,
    a_revoked_grant_needs_reauth,
);

mod a_storm_posts_nothing_twice {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_storm_posts_nothing_twice(crate::e2e::publish_world::Backend::Postgres).await;
    }
}
