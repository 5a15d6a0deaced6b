//! The publishing API's promises end to end: a user's hand on a job (cancel, reschedule,
//! retry, resolve), `Idempotency-Key`, refusals that create nothing, and one user's jobs out
//! of another's reach.

use reqwest::Method;
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::format_description::well_known::Rfc3339;

use super::publish_world::{Backend, World, on_both_backends, text_job};

fn in_hours(world: &World, hours: i64) -> String {
    (world.clock_now() + time::Duration::hours(hours))
        .format(&Rfc3339)
        .unwrap()
}

async fn schedule(world: &World, connection: &str, text: &str, at: &str) -> String {
    let (status, job) = world
        .post(
            "/schedule",
            json!({"connection_id": connection, "text_content": text, "schedule_time": at}),
        )
        .await;
    assert_eq!(status, 202, "{job}");
    job["job_id"].as_str().unwrap().to_owned()
}

async fn job_count(world: &World) -> usize {
    let (status, page) = world.get("/jobs").await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().len()
}

async fn cancel_and_reschedule(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let cancelled = schedule(&world, &x, "Never", &in_hours(&world, 1)).await;
    let moved = schedule(&world, &x, "Moved", &in_hours(&world, 1)).await;

    let (status, job) = world
        .post(&format!("/jobs/{cancelled}/cancel"), json!({}))
        .await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["status"], "cancelled");
    let later = in_hours(&world, 2);
    let (status, _, job) = world
        .send(
            Method::PATCH,
            &format!("/jobs/{moved}"),
            None,
            Some(&json!({"schedule_time": later})),
        )
        .await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["status"], "scheduled");

    world.advance(3600).await;
    assert_eq!(
        world.drain().await,
        0,
        "the cancelled job is not run, the moved one not yet due"
    );
    world.advance(3600).await;
    let jobs = world.settle(&[cancelled, moved]).await;
    assert_eq!(jobs[0]["status"], "cancelled");
    assert_eq!(jobs[1]["status"], "published");
    let posts = world.sim_posts(None).await;
    assert_eq!(posts["count"], 1, "{posts}");
    assert_eq!(posts["posts"][0]["text"], "Moved");
}

async fn retry_failed_and_missed(backend: Backend) {
    let world = World::start_with(backend, |raw| {
        raw.job_max_attempts = Some("1".into());
    })
    .await;
    let x = world.connect(Platform::X).await;

    // Refused with a rate limit: surely not posted, so failed (a 5xx could have posted).
    world
        .faults(
            Platform::X,
            json!({"endpoint": "x_create_post", "rate_limit_next": 1, "retry_after_seconds": 1}),
        )
        .await;
    let failed = world.publish(text_job(&x, "Second time lucky")).await;
    let failed = failed["job_id"].as_str().unwrap().to_owned();
    let job = world.settle_one(&failed).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert!(job["error_code"].is_string(), "{job}");

    let late = schedule(&world, &x, "Too late", &in_hours(&world, 1)).await;
    world.advance(2 * 3600 + 60).await;
    let job = world.settle_one(&late).await;
    assert_eq!(job["status"], "missed", "{job}");
    assert_eq!(world.sim_posts(None).await["count"], 0);

    for id in [&failed, &late] {
        let (status, job) = world.post(&format!("/jobs/{id}/retry"), json!({})).await;
        assert_eq!(status, 200, "{job}");
        assert_eq!(job["status"], "pending", "{job}");
    }
    let jobs = world.settle(&[failed.clone(), late]).await;
    assert!(jobs.iter().all(|j| j["status"] == "published"), "{jobs:?}");
    assert_eq!(world.sim_posts(None).await["count"], 2);

    let (status, body) = world
        .post(&format!("/jobs/{failed}/retry"), json!({}))
        .await;
    assert_eq!(status, 409, "a published job is not retried: {body}");
}

async fn unknown_outcome_is_resolved_by_its_user(backend: Backend) {
    // Look-ups spend no attempt: the platform stays unable to answer for the whole
    // reconciliation window.
    let world = World::start_with(backend, |raw| {
        raw.job_max_attempts = Some("2".into());
        raw.reconcile_window_seconds = Some("600".into());
    })
    .await;
    let x = world.connect(Platform::X).await;
    world
        .faults(
            Platform::X,
            json!({"endpoint": "x_create_post", "ambiguous_next": 1}),
        )
        .await;
    world
        .faults(
            Platform::X,
            json!({"endpoint": "x_user_posts", "fail_next": 10000}),
        )
        .await;
    let job = world.publish(text_job(&x, "Did it go out?")).await;
    let id = job["job_id"].as_str().unwrap().to_owned();
    let job = world.settle_one(&id).await;
    assert_eq!(job["status"], "outcome_unknown", "{job}");
    let posts = world.sim_posts(None).await;
    assert_eq!(
        posts["count"], 1,
        "the lost answer's post, and no second: {posts}"
    );

    let (status, body) = world.post(&format!("/jobs/{id}/retry"), json!({})).await;
    assert_eq!(
        status, 409,
        "an unknown outcome is resolved, not retried: {body}"
    );
    let url = posts["posts"][0]["url"].as_str().unwrap();
    let (status, job) = world
        .post(
            &format!("/jobs/{id}/resolve"),
            json!({"published": true, "post_url": url}),
        )
        .await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["status"], "published");
    assert_eq!(job["post_url"], url);
}

async fn idempotency_key_replays_refuses_and_races(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let body = text_job(&x, "Once only");

    let (status, headers, first) = world
        .send(Method::POST, "/publish", Some("key-1"), Some(&body))
        .await;
    assert_eq!(status, 202, "{first}");
    assert!(!headers.contains_key("idempotent-replayed"));
    let (status, headers, again) = world
        .send(Method::POST, "/publish", Some("key-1"), Some(&body))
        .await;
    assert_eq!(status, 202, "{again}");
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(again["job_id"], first["job_id"]);

    let other = text_job(&x, "Something else");
    let (status, _, refused) = world
        .send(Method::POST, "/publish", Some("key-1"), Some(&other))
        .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["code"], "idempotency_key_reused");

    let racing = text_job(&x, "Raced");
    let requests =
        (0..8).map(|_| world.send(Method::POST, "/publish", Some("key-2"), Some(&racing)));
    let answers = futures_util::future::join_all(requests).await;
    let created: Vec<&Value> = answers
        .iter()
        .filter(|(status, _, _)| *status == 202)
        .map(|(_, _, body)| body)
        .collect();
    assert!(!created.is_empty(), "{answers:?}");
    assert!(
        created.iter().all(|b| b["job_id"] == created[0]["job_id"]),
        "{answers:?}"
    );
    for (status, _, body) in &answers {
        assert!(
            *status == 202 || (*status == 409 && body["code"] == "idempotency_request_in_progress"),
            "{status}: {body}"
        );
    }
    assert_eq!(job_count(&world).await, 2, "one job per key");
    let ids = [&first, created[0]].map(|b| b["job_id"].as_str().unwrap().to_owned());
    world.settle(&ids).await;
    assert_eq!(world.sim_posts(None).await["count"], 2);
}

async fn refusals_create_nothing(backend: Backend) {
    let world = World::start_with(backend, |raw| {
        raw.schedule_horizon_days = Some("3650".into());
    })
    .await;
    let x = world.connect(Platform::X).await;
    let page = world.connect(Platform::Facebook).await;

    let (status, body) = world.post("/publish", text_job(&x, &"a".repeat(300))).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = world
        .post(
            "/posts",
            json!({
                "text_content": "Fine for Facebook",
                "targets": [
                    {"connection_id": page},
                    {"connection_id": x, "text_content": "b".repeat(300)},
                ],
            }),
        )
        .await;
    assert_eq!(status, 422, "all or nothing: {body}");

    // Only the simulator's own origin is trusted among private addresses, not the loopback.
    let (status, body) = world
        .post(
            "/publish",
            json!({
                "connection_id": x,
                "text_content": "A picture from elsewhere on this host",
                "assets": [{"url": format!("{}/media/sample.jpg", world.server.base), "type": "image"}],
            }),
        )
        .await;
    assert_eq!(status, 422, "{body}");

    let refusals = [
        (
            json!({"schedule_time": "2030-01-10T09:00:00"}),
            "schedule_time",
        ),
        (
            json!({"schedule_time": "2030-03-31T02:30:00", "time_zone": "Europe/Paris"}),
            "schedule_time",
        ),
        (
            json!({"schedule_time": "2030-01-10T09:00:00", "time_zone": "Mars/Olympus_Mons"}),
            "time_zone",
        ),
        (
            json!({"schedule_time": "2020-01-10T09:00:00Z"}),
            "schedule_time",
        ),
    ];
    for (mut body, field) in refusals {
        body["connection_id"] = json!(x);
        body["text_content"] = json!("When?");
        let (status, answer) = world.post("/schedule", body.clone()).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["field"], field, "{body}: {answer}");
    }
    let (status, job) = world
        .post(
            "/schedule",
            json!({
                "connection_id": x,
                "text_content": "Local time, ambiguous in the fall-back hour",
                "schedule_time": "2030-10-27T02:30:00",
                "time_zone": "Europe/Paris",
            }),
        )
        .await;
    assert_eq!(status, 202, "{job}");
    assert_eq!(
        job["scheduled_at"], "2030-10-27T00:30:00Z",
        "the earlier of the two instants"
    );
    assert_eq!(job_count(&world).await, 1);
}

async fn another_users_job_is_not_found(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let job = world.publish(text_job(&x, "Mine")).await;
    let id = job["job_id"].as_str().unwrap();
    let as_other = |method: Method, path: String, body: Option<Value>| {
        let mut request = world
            .server
            .http
            .request(method, format!("{}/api/v1{path}", world.server.base))
            .bearer_auth(&world.server.other_bearer);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    for (method, path, body) in [
        (Method::GET, format!("/jobs/{id}"), None),
        (Method::GET, format!("/jobs/{id}/attempts"), None),
        (Method::POST, format!("/jobs/{id}/cancel"), Some(json!({}))),
        (Method::POST, format!("/jobs/{id}/retry"), Some(json!({}))),
        (
            Method::POST,
            "/publish".to_owned(),
            Some(text_job(&x, "Theirs")),
        ),
    ] {
        let answer = as_other(method.clone(), path.clone(), body).await.unwrap();
        assert_eq!(answer.status(), 404, "{method} {path}");
    }
    assert_eq!(job_count(&world).await, 1);
}

on_both_backends!(
    cancel_and_reschedule,
    retry_failed_and_missed,
    unknown_outcome_is_resolved_by_its_user,
    idempotency_key_replays_refuses_and_races,
    refusals_create_nothing,
    another_users_job_is_not_found,
);
