use actix_web::test::TestRequest;
use socialpub_domain::{Platform, SocialConnection};
use socialpub_ports::fakes::{FakeLookup, FakeStep};
use socialpub_ports::{IdempotencyStore, JobFilter, PageRequest};
use time::Duration;

use crate::harness::*;

async fn connected() -> (World, SocialConnection) {
    let world = World::default();
    let connection = world.connect(alice(), Platform::X).await;
    (world, connection)
}

fn post(uri: &str, token: &str, body: serde_json::Value) -> TestRequest {
    TestRequest::post()
        .uri(uri)
        .insert_header(bearer(token))
        .set_json(body)
}

fn get(uri: &str) -> TestRequest {
    TestRequest::get()
        .uri(uri)
        .insert_header(bearer(ALICE_TOKEN))
}

async fn job_count(world: &World) -> u64 {
    world
        .jobs
        .list(&alice(), &JobFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .total
}

#[actix_web::test]
async fn publishing_now_answers_202_with_the_job_and_a_worker_publishes_it() {
    let (world, connection) = connected().await;
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        post(
            "/api/v1/publish",
            ALICE_TOKEN,
            serde_json::json!({
                "connection_id": connection.id,
                "text_content": "hello from the API",
                "assets": [],
                "platform_specific_options": {},
                "metadata": {"campaign": "launch"}
            }),
        ),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    for field in [
        "job_id",
        "post_id",
        "status",
        "platform",
        "connection_id",
        "created_at",
        "scheduled_at",
        "time_zone",
        "published_at",
        "attempts",
        "max_attempts",
        "next_attempt_at",
        "error_code",
        "error_message",
        "user_action",
        "post_url",
        "external_post_id",
        "metadata",
        "warnings",
    ] {
        assert!(body.get(field).is_some(), "{field} missing from {body}");
    }
    assert_eq!(body["status"], "pending");
    assert_eq!(body["platform"], "x");
    assert_eq!(body["metadata"]["campaign"], "launch");
    let id = body["job_id"].as_str().unwrap().to_owned();

    world.engine().drain().await.unwrap();
    let (status, _, body) = send(&app, get(&format!("/api/v1/jobs/{id}/status"))).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "published");
    assert!(body["post_url"].as_str().unwrap().starts_with("https://"));
    let (_, _, attempts) = send(&app, get(&format!("/api/v1/jobs/{id}/attempts"))).await;
    assert_eq!(attempts["items"][0]["outcome"], "published");
    assert_eq!(attempts["items"][0]["step"], "create_post");
}

#[actix_web::test]
async fn scheduling_reads_local_times_in_their_zone_and_refuses_bad_ones_by_field() {
    let (world, connection) = connected().await;
    let app = world.app().await;
    let schedule = |time: &str, zone: Option<&str>| {
        post(
            "/api/v1/schedule",
            ALICE_TOKEN,
            serde_json::json!({
                "connection_id": connection.id,
                "text_content": "later",
                "schedule_time": time,
                "time_zone": zone,
            }),
        )
    };
    let (status, _, body) = send(&app, schedule("2026-05-03T09:00:00", Some("Europe/Paris"))).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "scheduled");
    assert_eq!(body["scheduled_at"], "2026-05-03T07:00:00Z");
    assert_eq!(body["time_zone"], "Europe/Paris");

    for (time, zone, code, field) in [
        (
            "2027-03-28T02:30:00",
            Some("Europe/Paris"),
            "nonexistent_local_time",
            "schedule_time",
        ),
        (
            "2026-05-03T09:00:00",
            None,
            "schedule_time_without_zone",
            "schedule_time",
        ),
        (
            "2026-05-03T09:00:00",
            Some("Europe/Atlantis"),
            "unknown_time_zone",
            "time_zone",
        ),
        (
            "2026-04-01T09:00:00Z",
            None,
            "schedule_in_past",
            "schedule_time",
        ),
        (
            "2030-01-01T09:00:00Z",
            None,
            "schedule_beyond_horizon",
            "schedule_time",
        ),
        (
            "next tuesday",
            None,
            "invalid_schedule_time",
            "schedule_time",
        ),
    ] {
        let (status, _, body) = send(&app, schedule(time, zone)).await;
        assert_eq!(status, 422, "{time}: {body}");
        assert_eq!(
            envelope(&body, code).field.as_deref(),
            Some(field),
            "{time}"
        );
    }
    assert_eq!(job_count(&world).await, 1);
}

#[actix_web::test]
async fn content_that_breaks_the_rules_is_422_with_every_violation_and_no_job() {
    let (world, connection) = connected().await;
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        post(
            "/api/v1/publish",
            ALICE_TOKEN,
            serde_json::json!({"connection_id": connection.id, "text_content": "x".repeat(300)}),
        ),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["code"], "content_rejected");
    assert_eq!(body["targets"][0]["platform"], "x");
    assert_eq!(body["targets"][0]["violations"][0]["code"], "text_too_long");
    assert_eq!(job_count(&world).await, 0);
}

#[actix_web::test]
async fn another_users_connection_is_404() {
    let (world, connection) = connected().await;
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        post(
            "/api/v1/publish",
            BOB_TOKEN,
            serde_json::json!({"connection_id": connection.id, "text_content": "hi"}),
        ),
    )
    .await;
    assert_eq!(status, 404);
    envelope(&body, "not_found");
}

#[actix_web::test]
async fn a_post_goes_to_several_connections_all_or_nothing() {
    let (world, first) = connected().await;
    let second = world.connect(alice(), Platform::X).await;
    let app = world.app().await;
    let body = |second_text: &str| {
        serde_json::json!({
            "text_content": "shared",
            "schedule_time": "2026-05-01T15:00:00+02:00",
            "time_zone": "Europe/Paris",
            "targets": [
                {"connection_id": first.id},
                {"connection_id": second.id, "text_content": second_text}
            ]
        })
    };
    let (status, _, refused) = send(
        &app,
        post("/api/v1/posts", ALICE_TOKEN, body(&"y".repeat(400))),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["targets"].as_array().unwrap().len(), 1);
    assert_eq!(refused["targets"][0]["index"], 1);
    assert_eq!(job_count(&world).await, 0);

    let (status, _, created) =
        send(&app, post("/api/v1/posts", ALICE_TOKEN, body("own text"))).await;
    assert_eq!(status, 202, "{created}");
    assert_eq!(created["state"], "scheduled");
    assert_eq!(created["jobs"][1]["text_content"], "own text");
    let id = created["post_id"].as_str().unwrap();

    world.clock.advance(Duration::hours(1));
    world.engine().drain().await.unwrap();
    let (status, _, view) = send(&app, get(&format!("/api/v1/posts/{id}"))).await;
    assert_eq!(status, 200);
    assert_eq!(view["state"], "published");
    let (_, _, listed) = send(&app, get(&format!("/api/v1/jobs?post_id={id}"))).await;
    assert_eq!(listed["total"], 2);

    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri(&format!("/api/v1/posts/{id}"))
            .insert_header(bearer(BOB_TOKEN)),
    )
    .await;
    assert_eq!(status, 404);
    envelope(&body, "not_found");
    let (status, _, body) = send(
        &app,
        post(
            &format!("/api/v1/posts/{id}/retry"),
            ALICE_TOKEN,
            serde_json::json!({}),
        ),
    )
    .await;
    assert_eq!(status, 409);
    envelope(&body, "nothing_to_retry");
}

#[actix_web::test]
async fn an_idempotency_key_replays_the_first_answer_and_refuses_another_body() {
    let (world, connection) = connected().await;
    let app = world.app().await;
    let request = |text: &str| {
        post(
            "/api/v1/publish",
            ALICE_TOKEN,
            serde_json::json!({"connection_id": connection.id, "text_content": text}),
        )
        .insert_header(("Idempotency-Key", "order-42"))
    };
    let (status, headers, first) = send(&app, request("once")).await;
    assert_eq!(status, 202);
    assert!(headers.get("idempotent-replayed").is_none());
    let (status, headers, again) = send(&app, request("once")).await;
    assert_eq!(status, 202);
    assert_eq!(headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(again, first);
    assert_eq!(job_count(&world).await, 1);

    let (status, _, body) = send(&app, request("twice")).await;
    assert_eq!(status, 409);
    envelope(&body, "idempotency_key_reused");
    // Another user's identical key is theirs alone.
    let (status, _, body) = send(
        &app,
        post(
            "/api/v1/publish",
            BOB_TOKEN,
            serde_json::json!({"connection_id": connection.id, "text_content": "once"}),
        )
        .insert_header(("Idempotency-Key", "order-42")),
    )
    .await;
    assert_eq!(status, 404, "{body}");
}

#[actix_web::test]
async fn a_key_held_by_a_running_request_is_409_in_progress() {
    let (world, connection) = connected().await;
    let app = world.app().await;
    let body = serde_json::json!({"connection_id": connection.id, "text_content": "racing"});
    let raw = serde_json::to_vec(&body).unwrap();
    let digest = ring::digest::digest(&ring::digest::SHA256, &raw);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let key = socialpub_domain::IdempotencyKey::parse("race-1").unwrap();
    world
        .idempotency
        .claim(
            &alice(),
            &key,
            &format!("POST /api/v1/publish {hex}"),
            NOW,
            Duration::minutes(5),
        )
        .await
        .unwrap();
    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/publish")
            .insert_header(bearer(ALICE_TOKEN))
            .insert_header(("content-type", "application/json"))
            .insert_header(("Idempotency-Key", "race-1"))
            .set_payload(raw),
    )
    .await;
    assert_eq!(status, 409);
    envelope(&body, "idempotency_request_in_progress");
    assert_eq!(job_count(&world).await, 0);
}

#[actix_web::test]
async fn concurrent_requests_with_one_key_make_one_job() {
    let (world, connection) = connected().await;
    let app = world.app().await;
    let request = || {
        post(
            "/api/v1/publish",
            ALICE_TOKEN,
            serde_json::json!({"connection_id": connection.id, "text_content": "same"}),
        )
        .insert_header(("Idempotency-Key", "double-click"))
        .to_request()
    };
    let (a, b) = futures_util::future::join(
        actix_web::test::call_service(&app, request()),
        actix_web::test::call_service(&app, request()),
    )
    .await;
    let statuses = [a.status().as_u16(), b.status().as_u16()];
    assert!(statuses.contains(&202), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [202, 409].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(job_count(&world).await, 1);
}

#[actix_web::test]
async fn an_unknown_outcome_is_resolved_and_a_failed_job_retried() {
    let (world, connection) = connected().await;
    world
        .publisher
        .script("create_post", FakeStep::LoseResponse);
    world.publisher.script_lookup(FakeLookup::Unknown);
    let app = world.app().await;
    let (_, _, body) = send(
        &app,
        post(
            "/api/v1/publish",
            ALICE_TOKEN,
            serde_json::json!({"connection_id": connection.id, "text_content": "maybe"}),
        ),
    )
    .await;
    let id = body["job_id"].as_str().unwrap().to_owned();
    world.engine().drain().await.unwrap();
    let (_, _, job) = send(&app, get(&format!("/api/v1/jobs/{id}"))).await;
    assert_eq!(job["status"], "outcome_unknown");
    assert_eq!(job["user_action"], "check_account");

    let (status, _, body) = send(
        &app,
        post(
            &format!("/api/v1/jobs/{id}/retry"),
            ALICE_TOKEN,
            serde_json::json!({}),
        ),
    )
    .await;
    assert_eq!(status, 409);
    envelope(&body, "invalid_job_state");

    let (status, _, job) = send(
        &app,
        post(
            &format!("/api/v1/jobs/{id}/resolve"),
            ALICE_TOKEN,
            serde_json::json!({"published": false}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["status"], "failed");
    let (status, _, job) = send(
        &app,
        post(
            &format!("/api/v1/jobs/{id}/retry"),
            ALICE_TOKEN,
            serde_json::json!({}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["status"], "pending");
    assert_eq!(job["attempts"], 0);
}

#[actix_web::test]
async fn resolving_as_published_keeps_the_given_url() {
    let (world, connection) = connected().await;
    world
        .publisher
        .script("create_post", FakeStep::LoseResponse);
    world.publisher.script_lookup(FakeLookup::Unknown);
    let app = world.app().await;
    let (_, _, body) = send(
        &app,
        post(
            "/api/v1/publish",
            ALICE_TOKEN,
            serde_json::json!({"connection_id": connection.id, "text_content": "maybe"}),
        ),
    )
    .await;
    let id = body["job_id"].as_str().unwrap().to_owned();
    world.engine().drain().await.unwrap();
    let (status, _, job) = send(
        &app,
        post(
            &format!("/api/v1/jobs/{id}/resolve"),
            ALICE_TOKEN,
            serde_json::json!({"published": true, "post_url": "https://x.com/someone/status/1"}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["status"], "published");
    assert_eq!(job["post_url"], "https://x.com/someone/status/1");
}

#[actix_web::test]
async fn an_edit_is_checked_against_the_rules_again() {
    let (world, connection) = connected().await;
    let app = world.app().await;
    let (_, _, body) = send(
        &app,
        post(
            "/api/v1/schedule",
            ALICE_TOKEN,
            serde_json::json!({
                "connection_id": connection.id,
                "text_content": "draft",
                "schedule_time": "2026-05-02T10:00:00Z"
            }),
        ),
    )
    .await;
    let uri = format!("/api/v1/jobs/{}", body["job_id"].as_str().unwrap());
    let patch = |body: serde_json::Value| {
        TestRequest::patch()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(body)
    };
    let (status, _, body) = send(
        &app,
        patch(serde_json::json!({"text_content": "z".repeat(300)})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["code"], "content_rejected");
    let (status, _, body) = send(
        &app,
        patch(serde_json::json!({
            "text_content": "final",
            "schedule_time": "2026-05-02T12:00:00",
            "time_zone": "America/New_York"
        })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["text_content"], "final");
    assert_eq!(body["scheduled_at"], "2026-05-02T16:00:00Z");
    assert_eq!(body["time_zone"], "America/New_York");
}

#[actix_web::test]
async fn jobs_are_listed_by_time_range() {
    let (world, connection) = connected().await;
    let app = world.app().await;
    for time in ["2026-05-02T10:00:00Z", "2026-05-03T10:00:00Z"] {
        let (status, _, _) = send(
            &app,
            post(
                "/api/v1/schedule",
                ALICE_TOKEN,
                serde_json::json!({
                    "connection_id": connection.id,
                    "text_content": "ranged",
                    "schedule_time": time
                }),
            ),
        )
        .await;
        assert_eq!(status, 202);
    }
    let (status, _, page) = send(
        &app,
        get("/api/v1/jobs?from=2026-05-02T00:00:00Z&until=2026-05-03T00:00:00Z"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["scheduled_at"], "2026-05-02T10:00:00Z");
    let (status, _, body) = send(&app, get("/api/v1/jobs?from=yesterday")).await;
    assert_eq!(status, 400);
    assert_eq!(
        envelope(&body, "invalid_parameter").field.as_deref(),
        Some("from")
    );
}
