use std::sync::Arc;

use socialpub_domain::webhook::EventType;
use socialpub_domain::{AttemptOutcome, ConnectionStatus, JobStatus, Platform, UserAction};
use socialpub_ports::fakes::{FIND_PUBLISHED, FakeLookup, FakePublisher, FakeStep, MetricEvent};
use socialpub_ports::{
    Clock, ConnectionRepository, JobRepository, PlatformError, PlatformErrorKind,
    VOLUME_CAP_REACHED,
};
use time::Duration;

use crate::test_support::{NOW, World, alice};
use crate::{CONNECTION_NEEDS_REAUTH, PublishSettings};

fn error(kind: PlatformErrorKind, status: u16, code: &str) -> PlatformError {
    PlatformError {
        platform: Platform::X,
        kind,
        code: Some(code.into()),
        message: format!("the platform said {code}"),
        http_status: Some(status),
        retry_after: None,
    }
}

fn unavailable() -> PlatformError {
    error(PlatformErrorKind::Transient, 503, "service_unavailable")
}

#[tokio::test]
async fn a_due_job_is_published_and_its_attempt_recorded() {
    let world = World::new().await;
    let job = world.job_at(None).await;
    let claimed = world.engine().drain().await.unwrap();
    assert_eq!(claimed, 1);
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Published);
    assert_eq!(stored.external_post_id.as_deref(), Some("x-post-1"));
    assert!(stored.post_url.unwrap().ends_with("/x-post-1"));
    assert_eq!(stored.locked_by, None);
    assert_eq!(world.publisher.posts_for(job.id), 1);
    let attempts = world.jobs.attempts_of(job.id);
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].outcome, AttemptOutcome::Published);
    assert_eq!(attempts[0].step.as_deref(), Some("create_post"));
    assert!(attempts[0].finished_at.is_some());
}

#[tokio::test]
async fn a_scheduled_job_waits_for_its_time() {
    let world = World::new().await;
    let job = world.job_at(Some(NOW + Duration::minutes(10))).await;
    let engine = world.engine();
    assert_eq!(engine.drain().await.unwrap(), 0);
    assert_eq!(world.stored(job.id).status, JobStatus::Scheduled);
    world.clock.advance(Duration::minutes(10));
    assert_eq!(engine.drain().await.unwrap(), 1);
    assert_eq!(world.stored(job.id).status, JobStatus::Published);
}

#[tokio::test]
async fn a_transient_error_retries_with_backoff_then_publishes() {
    let world = World::new().await;
    world
        .publisher
        .script("upload_media", FakeStep::Fail(unavailable()))
        .script("upload_media", FakeStep::Fail(unavailable()));
    let job = world.job_at(None).await;
    let engine = world.engine();

    engine.run_once().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Pending);
    assert_eq!(stored.attempts, 1);
    // Ceiling jitter: the first retry waits the base delay.
    assert_eq!(stored.next_attempt_at, Some(NOW + Duration::seconds(10)));
    assert_eq!(stored.error_code.as_deref(), Some("service_unavailable"));
    assert_eq!(engine.run_once().await.unwrap().claimed, 0, "not due yet");

    world.clock.advance(Duration::seconds(10));
    engine.run_once().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.attempts, 2);
    assert_eq!(
        stored.next_attempt_at,
        Some(NOW + Duration::seconds(10) + Duration::seconds(20)),
        "the delay doubles"
    );

    world.clock.advance(Duration::seconds(20));
    engine.run_once().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Published);
    assert_eq!(stored.error_code, None);
    let outcomes: Vec<_> = world
        .jobs
        .attempts_of(job.id)
        .into_iter()
        .map(|a| (a.outcome, a.http_status))
        .collect();
    assert_eq!(
        outcomes,
        [
            (AttemptOutcome::Retrying, Some(503)),
            (AttemptOutcome::Retrying, Some(503)),
            (AttemptOutcome::Published, None)
        ]
    );
}

#[tokio::test]
async fn retry_after_of_a_429_is_honoured() {
    let world = World::new().await;
    let mut limited = error(PlatformErrorKind::Quota, 429, "too_many_requests");
    limited.retry_after = Some(Duration::minutes(15));
    world
        .publisher
        .script("create_post", FakeStep::Fail(limited));
    let job = world.job_at(None).await;
    world.engine().run_once().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Pending);
    assert_eq!(stored.next_attempt_at, Some(NOW + Duration::minutes(15)));
    assert!(
        !stored.progress.needs_reconciliation(),
        "a 429 is a refusal, not an unknown outcome"
    );
    assert_eq!(world.publisher.posts_for(job.id), 0);
}

#[tokio::test]
async fn a_job_out_of_attempts_fails_and_can_be_retried_by_its_user() {
    let world = World::new().await;
    for _ in 0..3 {
        world
            .publisher
            .script("upload_media", FakeStep::Fail(unavailable()));
    }
    let job = world.job_at(None).await;
    let engine = world.engine();
    for _ in 0..3 {
        engine.run_once().await.unwrap();
        world.clock.advance(Duration::minutes(5));
    }
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Failed);
    assert_eq!(stored.attempts, 3);
    assert_eq!(stored.user_action, Some(UserAction::Retry));
    assert_eq!(stored.next_attempt_at, None);
    assert_eq!(engine.drain().await.unwrap(), 0);
}

#[tokio::test]
async fn a_permanent_error_fails_at_once_with_the_platforms_code() {
    let world = World::new().await;
    world.publisher.script(
        "create_post",
        FakeStep::Fail(error(PlatformErrorKind::Content, 403, "duplicate_content")),
    );
    let job = world.job_at(None).await;
    world.engine().drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Failed);
    assert_eq!(stored.attempts, 1);
    assert_eq!(stored.error_code.as_deref(), Some("duplicate_content"));
    assert_eq!(
        stored.error_message.as_deref(),
        Some("the platform said duplicate_content")
    );
    assert_eq!(stored.user_action, Some(UserAction::EditContent));
    assert!(!stored.progress.needs_reconciliation());
    let attempt = &world.jobs.attempts_of(job.id)[0];
    assert_eq!(attempt.outcome, AttemptOutcome::Failed);
    assert_eq!(
        attempt.platform_error_code.as_deref(),
        Some("duplicate_content")
    );
    assert_eq!(attempt.http_status, Some(403));
    assert_eq!(attempt.step.as_deref(), Some("create_post"));
}

#[tokio::test]
async fn an_auth_error_marks_the_connection_and_fails_its_jobs() {
    let world = World::new().await;
    world.publisher.script(
        "upload_media",
        FakeStep::Fail(error(PlatformErrorKind::Auth, 401, "invalid_token")),
    );
    let first = world.job_at(None).await;
    world.engine().run_once().await.unwrap();
    let stored = world.stored(first.id);
    assert_eq!(stored.status, JobStatus::Failed);
    assert_eq!(stored.error_code.as_deref(), Some(CONNECTION_NEEDS_REAUTH));
    assert_eq!(stored.user_action, Some(UserAction::Reconnect));
    let connection = world
        .connections
        .get(&alice(), world.connection.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(connection.status, ConnectionStatus::NeedsReauth);

    let second = world.job_at(None).await;
    world.engine().run_once().await.unwrap();
    let stored = world.stored(second.id);
    assert_eq!(stored.status, JobStatus::Failed);
    assert_eq!(stored.error_code.as_deref(), Some(CONNECTION_NEEDS_REAUTH));
    assert_eq!(
        world.publisher.calls_of(second.id, "upload_media"),
        0,
        "no platform call with a refused token"
    );
}

#[tokio::test]
async fn a_token_near_expiry_is_refreshed_before_publishing() {
    let world = World::new().await;
    let connection = world
        .connect(alice(), Platform::X, Some(NOW + Duration::minutes(1)))
        .await;
    let job = world.job_for(&connection, None).await;
    world.engine().drain().await.unwrap();
    assert_eq!(world.x.refresh_count(), 1);
    assert_eq!(world.stored(job.id).status, JobStatus::Published);
}

#[tokio::test]
async fn a_lost_commit_response_is_found_and_never_posted_twice() {
    let world = World::new().await;
    world
        .publisher
        .script("create_post", FakeStep::LoseResponse);
    let job = world.job_at(None).await;
    world.engine().drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Published);
    assert_eq!(stored.external_post_id.as_deref(), Some("x-post-1"));
    assert_eq!(world.publisher.posts_for(job.id), 1);
    assert_eq!(world.publisher.calls_of(job.id, FIND_PUBLISHED), 1);
    assert_eq!(world.publisher.calls_of(job.id, "create_post"), 1);
}

#[tokio::test]
async fn a_one_call_post_still_says_publishing_began_before_it_was_published() {
    let publisher = FakePublisher::with_steps(Platform::X, &["create_post"], "create_post");
    let world = World::with_publisher(publisher).await;
    let job = world.job_at(None).await;
    world.engine().drain().await.unwrap();
    assert_eq!(world.stored(job.id).status, JobStatus::Published);
    let told: Vec<(EventType, String)> = world
        .jobs
        .events()
        .iter()
        .filter(|event| event.payload.contains(&job.id.to_string()))
        .map(|event| {
            let payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap();
            let status = payload["data"]["job"]["status"]
                .as_str()
                .unwrap_or("?")
                .to_owned();
            (event.event_type, status)
        })
        .collect();
    assert_eq!(
        told,
        vec![
            (EventType::JobPublishing, "processing".to_owned()),
            (EventType::JobPublished, "published".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_lost_commit_found_as_part_of_the_job_goes_on_from_it() {
    let publisher = FakePublisher::with_steps(
        Platform::X,
        &["upload_media", "create_post", "reply"],
        "create_post",
    );
    publisher.script("create_post", FakeStep::LoseResponse);
    publisher.script_lookup(FakeLookup::SearchAndGoOn);
    let world = World::with_publisher(publisher).await;
    let job = world.job_at(None).await;
    world.engine().drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Published);
    assert_eq!(stored.external_post_id.as_deref(), Some("x-post-1"));
    assert_eq!(world.publisher.posts_for(job.id), 1, "never posted twice");
    assert_eq!(world.publisher.calls_of(job.id, FIND_PUBLISHED), 1);
    assert_eq!(world.publisher.calls_of(job.id, "create_post"), 1);
    assert_eq!(
        world.publisher.calls_of(job.id, "reply"),
        1,
        "the steps after the found part ran"
    );
}

#[tokio::test]
async fn an_unanswered_commit_that_made_nothing_is_retried() {
    let world = World::new().await;
    world
        .publisher
        .script("create_post", FakeStep::Fail(unavailable()));
    let job = world.job_at(None).await;
    let engine = world.engine();
    engine.run_once().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Pending);
    assert!(!stored.progress.needs_reconciliation(), "surely absent");
    world.clock.advance(Duration::minutes(1));
    engine.drain().await.unwrap();
    assert_eq!(world.stored(job.id).status, JobStatus::Published);
    assert_eq!(world.publisher.posts_for(job.id), 1);
}

#[tokio::test]
async fn an_unanswered_commit_the_platform_cannot_check_is_left_to_the_user() {
    let world = World::new().await;
    world
        .publisher
        .script("create_post", FakeStep::LoseResponse);
    world.publisher.script_lookup(FakeLookup::Unknown);
    let job = world.job_at(None).await;
    world.engine().drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::OutcomeUnknown);
    assert_eq!(stored.user_action, Some(UserAction::CheckAccount));
    assert_eq!(world.publisher.posts_for(job.id), 1);
    assert_eq!(
        world.jobs.attempts_of(job.id)[0].outcome,
        AttemptOutcome::OutcomeUnknown
    );
}

#[tokio::test]
async fn a_failed_lookup_keeps_the_marker_and_looks_again_before_anything_else() {
    let world = World::new().await;
    world
        .publisher
        .script("create_post", FakeStep::LoseResponse);
    world
        .publisher
        .script_lookup(FakeLookup::Fail(unavailable()));
    let job = world.job_at(None).await;
    let engine = world.engine();
    engine.run_once().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Pending);
    assert!(stored.progress.needs_reconciliation());

    world.clock.advance(Duration::minutes(1));
    engine.drain().await.unwrap();
    assert_eq!(world.stored(job.id).status, JobStatus::Published);
    assert_eq!(world.publisher.posts_for(job.id), 1);
    assert_eq!(world.publisher.calls_of(job.id, "create_post"), 1);
    assert_eq!(world.publisher.calls_of(job.id, FIND_PUBLISHED), 2);
}

#[tokio::test]
async fn lookups_failing_for_the_whole_window_end_as_outcome_unknown_without_spending_attempts() {
    let world = World::new().await;
    world
        .publisher
        .script("create_post", FakeStep::LoseResponse);
    for _ in 0..40 {
        world
            .publisher
            .script_lookup(FakeLookup::Fail(unavailable()));
    }
    let job = world.job_at(None).await;
    let engine = world.engine();
    let mut passes = 0;
    while world.stored(job.id).status != JobStatus::OutcomeUnknown {
        passes += 1;
        assert!(passes < 40, "still looking after {passes} passes");
        engine.run_once().await.unwrap();
        let stored = world.stored(job.id);
        assert_eq!(stored.attempts, 1, "look-ups spend no attempt");
        assert!(
            stored.progress.needs_reconciliation() || stored.status == JobStatus::OutcomeUnknown,
            "the marker stays until the end"
        );
        world.clock.advance(Duration::minutes(10));
    }
    assert!(
        passes > world.settings.job_max_attempts as usize,
        "looked {passes} times, more than the job's attempts"
    );
    assert!(
        world.clock.now() - NOW >= world.settings.reconcile_window,
        "gave up before the window ended"
    );
    assert_eq!(world.publisher.calls_of(job.id, "create_post"), 1);
}

#[tokio::test]
async fn a_post_found_after_more_failed_lookups_than_attempts_is_published() {
    let world = World::new().await;
    world
        .publisher
        .script("create_post", FakeStep::LoseResponse);
    let failures = world.settings.job_max_attempts as usize + 2;
    for _ in 0..failures {
        world.publisher.script_lookup(FakeLookup::Fail(error(
            PlatformErrorKind::Transient,
            429,
            "too_many_requests",
        )));
    }
    let job = world.job_at(None).await;
    let engine = world.engine();
    for _ in 0..=failures {
        engine.run_once().await.unwrap();
        world.clock.advance(Duration::minutes(5));
    }
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Published, "{stored:?}");
    assert_eq!(world.publisher.posts_for(job.id), 1);
    assert_eq!(world.publisher.calls_of(job.id, "create_post"), 1);
}

/// Kills the worker (drops its future) while `step` hangs, lets the lease expire, and runs
/// another pass: the job must end published with exactly one post.
async fn killed_during(step: &'static str, behaviour: FakeStep) {
    let publisher = FakePublisher::with_steps(
        Platform::X,
        &["upload_media", "create_post", "confirm"],
        "create_post",
    );
    let world = World::with_publisher(publisher).await;
    world.publisher.script(step, behaviour);
    let job = world.job_at(None).await;
    let engine = world.engine();
    {
        let run = engine.run_once();
        tokio::select! {
            _ = run => panic!("the run should hang at {step}"),
            () = world.publisher.hung() => {}
        }
    }
    assert_eq!(world.stored(job.id).status, JobStatus::Processing);
    world
        .clock
        .advance(world.settings.job_lease + Duration::seconds(1));
    let report = engine.run_once().await.unwrap();
    assert_eq!(report.recovered, 1, "{step}");
    engine.drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Published, "{step}");
    assert_eq!(world.publisher.posts_for(job.id), 1, "{step}");
}

#[tokio::test]
async fn a_worker_killed_after_any_step_resumes_without_a_second_post() {
    killed_during("upload_media", FakeStep::Hang).await;
    killed_during("create_post", FakeStep::Hang).await;
    killed_during("create_post", FakeStep::PostThenHang).await;
    killed_during("confirm", FakeStep::Hang).await;
}

#[tokio::test]
async fn a_resumed_job_does_not_redo_completed_steps() {
    let world = World::new().await;
    world.publisher.script("create_post", FakeStep::Hang);
    let job = world.job_at(None).await;
    let engine = world.engine();
    tokio::select! {
        _ = engine.run_once() => panic!("should hang"),
        () = world.publisher.hung() => {}
    }
    world
        .clock
        .advance(world.settings.job_lease + Duration::seconds(1));
    engine.drain().await.unwrap();
    assert_eq!(world.publisher.calls_of(job.id, "upload_media"), 1);
    // Looked first (nothing there), then committed once.
    let calls: Vec<_> = world
        .publisher
        .calls()
        .into_iter()
        .map(|(_, step)| step)
        .collect();
    assert_eq!(
        calls,
        ["upload_media", "create_post", FIND_PUBLISHED, "create_post"]
    );
    assert_eq!(world.publisher.posts_for(job.id), 1);
}

#[tokio::test]
async fn a_lease_of_a_dead_worker_is_recovered() {
    let world = World::new().await;
    let job = world.job_at(None).await;
    world
        .jobs
        .claim_due(
            &socialpub_domain::WorkerId::new("dead"),
            NOW,
            10,
            world.settings.job_lease,
        )
        .await
        .unwrap();
    let engine = world.engine();
    assert_eq!(engine.run_once().await.unwrap(), Default::default());
    world.clock.advance(world.settings.job_lease);
    let report = engine.run_once().await.unwrap();
    assert_eq!(report.recovered, 1);
    assert_eq!(report.claimed, 1);
    assert_eq!(world.stored(job.id).status, JobStatus::Published);
}

#[tokio::test]
async fn waiting_for_the_platform_parks_without_spending_attempts() {
    let world = World::new().await;
    world
        .publisher
        .script("upload_media", FakeStep::Wait(Duration::minutes(2)))
        .script("upload_media", FakeStep::Wait(Duration::minutes(2)));
    let job = world.job_at(None).await;
    let engine = world.engine();
    engine.drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Pending);
    assert!(stored.progress.parked);
    assert_eq!(stored.locked_by, None, "no worker is held");
    assert_eq!(stored.next_attempt_at, Some(NOW + Duration::minutes(2)));

    world.clock.advance(Duration::minutes(2));
    engine.drain().await.unwrap();
    world.clock.advance(Duration::minutes(2));
    engine.drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Published);
    assert_eq!(stored.attempts, 1);
    let outcomes: Vec<_> = world
        .jobs
        .attempts_of(job.id)
        .into_iter()
        .map(|a| a.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            AttemptOutcome::Parked,
            AttemptOutcome::Parked,
            AttemptOutcome::Published
        ]
    );
}

#[tokio::test]
async fn a_volume_cap_defers_without_spending_an_attempt() {
    let world = World::new().await;
    let mut capped = error(PlatformErrorKind::Quota, 429, VOLUME_CAP_REACHED);
    capped.retry_after = Some(Duration::hours(3));
    world
        .publisher
        .script("create_post", FakeStep::Fail(capped));
    let job = world.job_at(None).await;
    let engine = world.engine();
    engine.drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Pending);
    assert_eq!(stored.next_attempt_at, Some(NOW + Duration::hours(3)));
    world.clock.advance(Duration::hours(3));
    engine.drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Published);
    assert_eq!(stored.attempts, 1);
}

#[tokio::test]
async fn a_job_picked_up_too_late_is_missed_not_posted() {
    let world = World::new().await;
    let late = world.job_at(Some(NOW + Duration::minutes(1))).await;
    let on_time = world.job_at(Some(NOW + Duration::minutes(62))).await;
    // The service was down for two hours.
    world
        .clock
        .advance(Duration::minutes(62) + Duration::seconds(30));
    world.engine().drain().await.unwrap();
    let stored = world.stored(late.id);
    assert_eq!(stored.status, JobStatus::Missed);
    assert_eq!(stored.user_action, Some(UserAction::Retry));
    assert_eq!(world.publisher.posts_for(late.id), 0);
    assert_eq!(world.stored(on_time.id).status, JobStatus::Published);
    assert_eq!(
        world.jobs.attempts_of(late.id)[0].outcome,
        AttemptOutcome::Missed
    );
}

#[tokio::test]
async fn one_account_runs_one_job_at_a_time() {
    let world = World::new().await;
    world.publisher.script("upload_media", FakeStep::Hang);
    let first = world.job_at(None).await;
    let second = world.job_at(None).await;
    let engine = world.engine();
    tokio::select! {
        _ = engine.run_once() => panic!("the first job should hang"),
        () = world.publisher.hung() => {}
    }
    // Whichever was claimed first holds the account; the other went back to the queue.
    let called = [first.id, second.id].map(|id| world.publisher.calls_of(id, "upload_media"));
    assert_eq!(called.iter().sum::<usize>(), 1, "{called:?}");
    let waiting = world.stored(if called[0] == 1 { second.id } else { first.id });
    assert_eq!(waiting.status, JobStatus::Pending);
    assert_eq!(
        waiting.next_attempt_at,
        Some(NOW + world.settings.busy_retry)
    );
}

#[tokio::test]
async fn attempts_calls_and_lateness_are_counted_for_metrics() {
    let world = World::new().await;
    world.job_at(None).await;
    let metrics = Arc::new(socialpub_ports::fakes::RecordingMetrics::default());
    let engine = world.engine().with_metrics(metrics.clone());
    engine.drain().await.unwrap();
    let events = metrics.events();
    assert!(
        events.contains(&MetricEvent::PlatformCall {
            platform: Platform::X,
            step: "create_post",
            outcome: socialpub_ports::CallOutcome::Ok,
        }),
        "{events:?}"
    );
    assert!(events.contains(&MetricEvent::Attempt {
        platform: Platform::X,
        outcome: AttemptOutcome::Published,
    }));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, MetricEvent::Lateness { platform: Platform::X, seconds } if *seconds >= 0.0)),
        "{events:?}"
    );
}

#[tokio::test]
async fn the_worker_loop_wakes_for_new_work_and_stops_on_shutdown() {
    let world = World::new().await;
    let engine = world.engine_with(
        PublishSettings {
            idle_poll: Duration::hours(1),
            ..world.settings.clone()
        },
        "loop-worker",
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn({
        let engine = engine.clone();
        async move {
            engine
                .run(async {
                    let _ = stopped.await;
                })
                .await;
        }
    });
    let job = world.job_at(None).await;
    // Woken by the creation, not by the (one hour) poll.
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while world.stored(job.id).status != JobStatus::Published {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("published without waiting for the poll");
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), worker)
        .await
        .expect("the worker stops")
        .unwrap();
}

#[tokio::test]
async fn on_shutdown_a_job_cut_short_goes_back_to_the_queue_unless_committing() {
    for (step, behaviour, expected) in [
        ("upload_media", FakeStep::Hang, JobStatus::Pending),
        ("create_post", FakeStep::PostThenHang, JobStatus::Processing),
    ] {
        let world = World::new().await;
        world.publisher.script(step, behaviour);
        let engine = world.engine_with(
            PublishSettings {
                shutdown_grace: Duration::milliseconds(50),
                ..world.settings.clone()
            },
            "stopping-worker",
        );
        let job = world.job_at(None).await;
        let hung = Arc::clone(&world.publisher);
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            engine.run(async move { hung.hung().await }),
        )
        .await
        .expect("the worker stops within its grace");
        let stored = world.stored(job.id);
        assert_eq!(stored.status, expected, "{step}");
        if expected == JobStatus::Processing {
            // Left to lease recovery, which marks it interrupted: the next worker looks for
            // the post (the commit did make it) instead of sending it again.
            world
                .clock
                .advance(world.settings.job_lease + Duration::seconds(1));
            world.engine().drain().await.unwrap();
            let stored = world.stored(job.id);
            assert_eq!(stored.status, JobStatus::Published, "{stored:?}");
            assert_eq!(world.publisher.posts_for(job.id), 1);
            assert_eq!(world.publisher.calls_of(job.id, "create_post"), 1);
        } else {
            assert_eq!(stored.locked_by, None);
        }
    }
}

#[tokio::test]
async fn on_shutdown_a_step_in_flight_finishes_and_the_job_goes_back_to_the_queue() {
    let world = World::new().await;
    world.publisher.script(
        "upload_media",
        FakeStep::Slow(std::time::Duration::from_millis(100)),
    );
    let engine = world.engine_with(
        PublishSettings {
            shutdown_grace: Duration::seconds(10),
            ..world.settings.clone()
        },
        "draining-worker",
    );
    let job = world.job_at(None).await;
    let slow = Arc::clone(&world.publisher);
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        engine.run(async move { slow.hung().await }),
    )
    .await
    .expect("the worker stops once the step is done");
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Pending);
    assert_eq!(stored.locked_by, None);
    assert!(
        stored.progress.step("upload_media").is_some(),
        "the finished step is kept"
    );
    assert_eq!(world.publisher.calls_of(job.id, "create_post"), 0);
    assert_eq!(
        world.jobs.attempts_of(job.id)[0].outcome,
        AttemptOutcome::Released
    );
}

#[tokio::test]
async fn a_job_whose_connection_was_removed_fails() {
    let world = World::new().await;
    let job = world.job_at(None).await;
    world
        .connections
        .delete(&alice(), world.connection.id)
        .await
        .unwrap();
    world.engine().drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Failed);
    assert_eq!(
        stored.error_code.as_deref(),
        Some(crate::CONNECTION_NOT_FOUND)
    );
    assert_eq!(world.publisher.calls().len(), 0);
}

#[tokio::test]
async fn a_platform_without_a_publisher_fails_its_jobs() {
    let world = World::new().await;
    let linkedin = world.connect(alice(), Platform::Linkedin, None).await;
    let job = world.job_for(&linkedin, None).await;
    world.engine().drain().await.unwrap();
    let stored = world.stored(job.id);
    assert_eq!(stored.status, JobStatus::Failed);
    assert_eq!(
        stored.error_code.as_deref(),
        Some(crate::PLATFORM_NOT_PUBLISHABLE)
    );
}

#[tokio::test]
async fn one_platform_runs_at_most_its_limit_at_once() {
    let world = World::new().await;
    world.publisher.script("upload_media", FakeStep::Hang);
    let other = world.connect(alice(), Platform::X, None).await;
    let first = world.job_at(None).await;
    let second = world.job_for(&other, None).await;
    let engine = world.engine_with(
        PublishSettings {
            per_platform_concurrency: 1,
            ..world.settings.clone()
        },
        "limited-worker",
    );
    tokio::select! {
        _ = engine.run_once() => panic!("the first job should hang"),
        () = world.publisher.hung() => {}
    }
    // Whichever was claimed first holds the platform; the other went back to the queue.
    let called = [first.id, second.id].map(|id| world.publisher.calls_of(id, "upload_media"));
    assert_eq!(called.iter().sum::<usize>(), 1, "{called:?}");
    let waiting = if called[0] == 1 { second.id } else { first.id };
    assert_eq!(world.stored(waiting).status, JobStatus::Pending);
}

#[tokio::test]
async fn a_missed_job_retried_by_its_user_is_published() {
    let world = World::new().await;
    let job = world.job_at(Some(NOW + Duration::minutes(1))).await;
    world.clock.advance(Duration::hours(3));
    let engine = world.engine();
    engine.drain().await.unwrap();
    assert_eq!(world.stored(job.id).status, JobStatus::Missed);
    world.job_service().retry(&alice(), job.id).await.unwrap();
    engine.drain().await.unwrap();
    assert_eq!(world.stored(job.id).status, JobStatus::Published);
    assert_eq!(world.publisher.posts_for(job.id), 1);
}

#[tokio::test(start_paused = true)]
async fn with_room_left_after_a_full_claim_the_worker_claims_again_at_once() {
    let world = World::new().await;
    let mut jobs = Vec::new();
    for _ in 0..3 {
        // One job per connection: one account runs one job at a time.
        let connection = world.connect(alice(), Platform::X, None).await;
        jobs.push(world.job_for(&connection, None).await.id);
        world.publisher.script("upload_media", FakeStep::Hang);
    }
    let engine = world.engine_with(
        PublishSettings {
            claim_batch: 1,
            worker_concurrency: 3,
            idle_poll: Duration::hours(1),
            ..world.settings.clone()
        },
        "one-at-a-time-claimer",
    );
    tokio::spawn(async move { engine.run(std::future::pending()).await });
    let started = tokio::time::Instant::now();
    while jobs
        .iter()
        .map(|id| world.publisher.calls_of(*id, "upload_media"))
        .sum::<usize>()
        < 3
    {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    // Claims of one fill the three slots without waiting for the idle sleep between them.
    assert!(
        started.elapsed() < std::time::Duration::from_millis(10),
        "took {:?}",
        started.elapsed()
    );
}
