use actix_web::test::TestRequest;
use socialpub_domain::{ConnectionId, JobId, NewPublishJob, Platform, PublishJob};
use time::Duration;

use crate::harness::*;

async fn seeded() -> (World, PublishJob) {
    let world = World::default();
    let job = PublishJob::new(
        NewPublishJob {
            id: JobId::new(),
            post_id: None,
            user_id: alice(),
            social_connection_id: ConnectionId::new(),
            platform: Platform::Linkedin,
            content_text: "launch day".into(),
            assets: vec![],
            platform_specific_options: Default::default(),
            scheduled_at: Some(NOW + Duration::days(1)),
            time_zone: None,
            metadata: Default::default(),
            max_attempts: 3,
        },
        NOW,
    );
    world
        .jobs
        .create(None, std::slice::from_ref(&job))
        .await
        .unwrap();
    (world, job)
}

#[actix_web::test]
async fn the_owner_sees_the_job_and_others_get_404() {
    let (world, job) = seeded().await;
    let app = world.app().await;
    let uri = format!("/api/v1/jobs/{}", job.id);
    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "scheduled");
    assert_eq!(body["platform"], "linkedin");
    assert_eq!(body["text_content"], "launch day");

    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri(&uri)
            .insert_header(bearer(BOB_TOKEN)),
    )
    .await;
    assert_eq!(status, 404);
    envelope(&body, "not_found");

    let (_, _, list) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/jobs")
            .insert_header(bearer(BOB_TOKEN)),
    )
    .await;
    assert_eq!(list["total"], 0);
    let (_, _, list) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/jobs?status=scheduled")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["job_id"], job.id.to_string());
}

#[actix_web::test]
async fn rescheduling_into_the_past_is_422_and_changes_nothing() {
    let (world, job) = seeded().await;
    let app = world.app().await;
    let uri = format!("/api/v1/jobs/{}", job.id);
    let req = TestRequest::patch()
        .uri(&uri)
        .insert_header(bearer(ALICE_TOKEN))
        .set_json(serde_json::json!({"scheduled_at": "2020-01-01T00:00:00Z"}));
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, 422);
    assert_eq!(
        envelope(&body, "schedule_in_past").field.as_deref(),
        Some("schedule_time")
    );
    let stored = world.jobs.get(&alice(), job.id).await.unwrap().unwrap();
    assert_eq!(stored, job);
}

#[actix_web::test]
async fn cancelling_twice_is_a_409_conflict() {
    let (world, job) = seeded().await;
    let app = world.app().await;
    let uri = format!("/api/v1/jobs/{}/cancel", job.id);
    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("cancelled")));
    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 409);
    envelope(&body, "invalid_job_state");
}

#[actix_web::test]
async fn a_job_has_an_attempt_history() {
    let (world, job) = seeded().await;
    let app = world.app().await;
    let uri = format!("/api/v1/jobs/{}/attempts", job.id);
    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["items"], serde_json::json!([]));
}

#[actix_web::test]
async fn a_published_job_shows_its_newest_metrics_and_when_they_were_read() {
    use socialpub_domain::WorkerId;
    use socialpub_domain::insights::PostMetrics;
    use socialpub_ports::{MetricsReadOutcome, PostMetricsRepository};

    let (world, mut job) = seeded().await;
    let worker = WorkerId::new("w");
    job.claim(
        worker.clone(),
        NOW + Duration::days(1),
        Duration::minutes(5),
    )
    .unwrap();
    job.mark_published(
        &worker,
        "urn:li:share:1".into(),
        None,
        NOW + Duration::days(1),
    )
    .unwrap();
    world.post_metrics.schedule(&job).await.unwrap();
    let app = world.app().await;
    let uri = format!("/api/v1/jobs/{}", job.id);
    let get = || {
        TestRequest::get()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN))
    };
    let (status, _, body) = send(&app, get()).await;
    assert_eq!(status, 200);
    assert!(body.get("metrics").is_none(), "not read yet: {body}");

    let read_at = NOW + Duration::days(2);
    world
        .post_metrics
        .claim_due(read_at, 10, Duration::minutes(2))
        .await
        .unwrap();
    // The 1 h read ended without a reading; the 24 h one it parked is what the job shows.
    world
        .post_metrics
        .finish(
            job.id,
            socialpub_domain::insights::MetricsCheckpoint::OneHour,
            &MetricsReadOutcome::Unavailable {
                reason: "not yet counted".to_owned(),
            },
        )
        .await
        .unwrap();
    world
        .post_metrics
        .finish(
            job.id,
            socialpub_domain::insights::MetricsCheckpoint::OneDay,
            &MetricsReadOutcome::Read {
                at: read_at,
                metrics: PostMetrics {
                    likes: Some(41),
                    comments: Some(3),
                    shares: Some(2),
                    saves: None,
                    views: Some(1200),
                },
            },
        )
        .await
        .unwrap();
    let (status, _, body) = send(&app, get()).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["metrics"],
        serde_json::json!({
            "checkpoint": "24h",
            "read_at": "2026-05-03T12:00:00Z",
            "metrics": {"likes": 41, "comments": 3, "shares": 2, "saves": null, "views": 1200}
        })
    );
    // Another user's request still finds nothing.
    let (status, _, _) = send(
        &app,
        TestRequest::get()
            .uri(&uri)
            .insert_header(bearer(BOB_TOKEN)),
    )
    .await;
    assert_eq!(status, 404);
}
