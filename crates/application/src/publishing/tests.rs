use socialpub_domain::{
    ConnectionStatus, JobStatus, Platform, PostState, ScheduleError, UserAction,
    parse_schedule_time,
};
use socialpub_ports::fakes::FakePublisher;
use socialpub_ports::{ConnectionRepository, JobRepository};
use time::Duration;

use super::*;
use crate::test_support::{NOW, World, alice};

fn request(world: &World, text: &str) -> PublishRequest {
    PublishRequest {
        connection_id: world.connection.id,
        text: text.into(),
        assets: vec![],
        options: Options::new(),
        metadata: Options::new(),
        schedule: None,
    }
}

fn at(offset: Duration) -> ScheduleTime {
    ScheduleTime {
        at: NOW + offset,
        time_zone: None,
        note: None,
    }
}

fn bob() -> UserId {
    UserId::parse("bob").unwrap()
}

#[tokio::test]
async fn publishing_now_makes_a_pending_job_the_engine_publishes() {
    let world = World::new().await;
    let mut req = request(&world, "hello world");
    req.metadata.insert("campaign".into(), "spring".into());
    let created = world.publishing().publish(&alice(), req).await.unwrap();
    assert!(created.post.is_none());
    assert!(created.warnings.is_empty());
    let job = &created.jobs[0];
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(job.platform, Platform::X);
    assert_eq!(job.max_attempts, world.settings.job_max_attempts);
    assert_eq!(job.metadata["campaign"], "spring");
    assert_eq!(world.wakeups.sent(), 1, "idle workers are woken");
    world.engine().drain().await.unwrap();
    assert_eq!(world.stored(job.id).status, JobStatus::Published);
}

#[tokio::test]
async fn a_scheduled_job_keeps_its_zone_and_a_fold_is_announced() {
    let world = World::new().await;
    world
        .clock
        .set(time::macros::datetime!(2026-10-20 09:00 UTC));
    let mut req = request(&world, "autumn");
    req.schedule = Some(parse_schedule_time("2026-10-25T02:30:00", Some("Europe/Paris")).unwrap());
    let created = world.publishing().publish(&alice(), req).await.unwrap();
    let job = &created.jobs[0];
    assert_eq!(job.status, JobStatus::Scheduled);
    assert_eq!(job.time_zone.as_deref(), Some("Europe/Paris"));
    assert_eq!(
        job.scheduled_at,
        Some(time::macros::datetime!(2026-10-25 00:30 UTC))
    );
    assert_eq!(created.warnings.len(), 1);
    assert_eq!(created.warnings[0].code, AMBIGUOUS_LOCAL_TIME_WARNING);
}

#[tokio::test]
async fn a_time_in_the_past_or_beyond_the_horizon_is_refused() {
    let world = World::new().await;
    let service = world.publishing();
    for (offset, expected) in [
        (-Duration::minutes(5), ScheduleError::InPast),
        (
            Duration::days(366),
            ScheduleError::BeyondHorizon { days: 365 },
        ),
    ] {
        let mut req = request(&world, "hi");
        req.schedule = Some(at(offset));
        let err = service.publish(&alice(), req).await.unwrap_err();
        assert!(
            matches!(&err, PublishError::Schedule(e) if *e == expected),
            "{err:?}"
        );
    }
    // A few seconds late is fine: the job is simply due now.
    let mut req = request(&world, "hi");
    req.schedule = Some(at(-Duration::seconds(10)));
    let created = service.publish(&alice(), req).await.unwrap();
    assert_eq!(created.jobs[0].status, JobStatus::Pending);
    assert_eq!(world.jobs.all().len(), 1);
}

#[tokio::test]
async fn another_users_connection_is_not_found() {
    let world = World::new().await;
    let err = world
        .publishing()
        .publish(&bob(), request(&world, "hi"))
        .await
        .unwrap_err();
    assert!(matches!(err, PublishError::ConnectionNotFound(id) if id == world.connection.id));
    assert!(world.jobs.all().is_empty());
}

#[tokio::test]
async fn a_connection_that_needs_reauth_cannot_publish() {
    let world = World::new().await;
    let mut connection = world.connection.clone();
    connection.status = ConnectionStatus::NeedsReauth;
    world.connections.save(&connection).await.unwrap();
    let err = world
        .publishing()
        .publish(&alice(), request(&world, "hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, PublishError::ConnectionNeedsReauth(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_linkedin_member_is_refused_when_personal_publishing_is_off() {
    let mut world = World::with_publisher(FakePublisher::new(Platform::Linkedin)).await;
    let mut member = world.connect(alice(), Platform::Linkedin, None).await;
    member.external_user_id = "urn:li:person:782bbtaQ".into();
    world.connections.save(&member).await.unwrap();
    let mut organization = world.connect(alice(), Platform::Linkedin, None).await;
    organization.external_user_id = "urn:li:organization:2414183".into();
    world.connections.save(&organization).await.unwrap();
    let mut req = request(&world, "hi");

    req.connection_id = member.id;
    let allowed = world.publishing().publish(&alice(), req.clone()).await;
    assert!(allowed.is_ok(), "{allowed:?}");

    world.settings.linkedin_personal_publishing = false;
    let service = world.publishing();
    let refused = service.publish(&alice(), req.clone()).await.unwrap_err();
    assert!(
        matches!(refused, PublishError::LinkedinPersonalPublishingDisabled(id) if id == member.id),
        "{refused:?}"
    );
    req.connection_id = organization.id;
    assert!(service.publish(&alice(), req).await.is_ok());
}

#[tokio::test]
async fn a_platform_without_a_publisher_or_not_enabled_is_refused() {
    let world = World::new().await;
    let linkedin = world.connect(alice(), Platform::Linkedin, None).await;
    let tiktok = world.connect(alice(), Platform::Tiktok, None).await;
    let service = world.publishing();
    let mut req = request(&world, "hi");
    req.connection_id = linkedin.id;
    assert!(matches!(
        service.publish(&alice(), req.clone()).await.unwrap_err(),
        PublishError::PlatformNotPublishable(Platform::Linkedin)
    ));
    req.connection_id = tiktok.id;
    assert!(matches!(
        service.publish(&alice(), req).await.unwrap_err(),
        PublishError::PlatformNotEnabled(Platform::Tiktok)
    ));
}

#[tokio::test]
async fn a_platform_whose_publishing_is_switched_off_is_refused_before_anything_is_made() {
    let world = World::new().await;
    let service = world
        .publishing()
        .with_publishing_switched_off(vec![Platform::X]);
    let err = service
        .publish(&alice(), request(&world, "hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, PublishError::PublishingSwitchedOff(Platform::X)),
        "{err:?}"
    );
    assert!(world.jobs.all().is_empty());
}

#[tokio::test]
async fn content_that_breaks_the_rules_creates_nothing() {
    let world = World::new().await;
    let err = world
        .publishing()
        .publish(&alice(), request(&world, &"a".repeat(300)))
        .await
        .unwrap_err();
    let PublishError::ContentRejected(targets) = err else {
        panic!("{err:?}")
    };
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0].violations[0].code, "text_too_long");
    assert!(world.jobs.all().is_empty());
}

#[tokio::test]
async fn a_post_is_all_or_nothing_with_every_targets_violations() {
    let world = World::new().await;
    let second = world.connect(alice(), Platform::X, None).await;
    let third = world.connect(alice(), Platform::X, None).await;
    let post = |long_for: Option<usize>| NewPost {
        text: "shared text".into(),
        assets: vec![],
        options: Options::new(),
        metadata: Options::new(),
        schedule: Some(at(Duration::hours(1))),
        targets: [world.connection.id, second.id, third.id]
            .into_iter()
            .enumerate()
            .map(|(i, connection_id)| PostTarget {
                connection_id,
                text: (Some(i) == long_for).then(|| "b".repeat(400)),
                ..Default::default()
            })
            .collect(),
    };
    let err = world
        .publishing()
        .create_post(&alice(), post(Some(1)))
        .await
        .unwrap_err();
    let PublishError::ContentRejected(targets) = err else {
        panic!("{err:?}")
    };
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0].index, Some(1));
    assert_eq!(targets[0].connection_id, second.id);
    assert!(world.jobs.all().is_empty());

    let created = world
        .publishing()
        .create_post(&alice(), post(None))
        .await
        .unwrap();
    let post_id = created.post.unwrap().id;
    assert_eq!(created.jobs.len(), 3);
    assert!(created.jobs.iter().all(|j| j.post_id == Some(post_id)));
    let view = world
        .publishing()
        .get_post(&alice(), post_id)
        .await
        .unwrap();
    assert_eq!(view.state, PostState::Scheduled);
    assert_eq!(view.jobs.len(), 3);
    assert!(matches!(
        world.publishing().get_post(&bob(), post_id).await,
        Err(PublishError::PostNotFound(_))
    ));
}

#[tokio::test]
async fn a_target_named_twice_is_refused() {
    let world = World::new().await;
    let target = PostTarget {
        connection_id: world.connection.id,
        ..Default::default()
    };
    let err = world
        .publishing()
        .create_post(
            &alice(),
            NewPost {
                text: "hi".into(),
                assets: vec![],
                options: Options::new(),
                metadata: Options::new(),
                schedule: None,
                targets: vec![target.clone(), target],
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, PublishError::DuplicateTarget { index: 1, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn retrying_a_post_retries_only_its_failed_targets() {
    let world = World::new().await;
    let second = world.connect(alice(), Platform::X, None).await;
    world.publisher.script(
        "create_post",
        socialpub_ports::fakes::FakeStep::Fail(socialpub_ports::PlatformError {
            platform: Platform::X,
            kind: socialpub_ports::PlatformErrorKind::Content,
            code: Some("duplicate_content".into()),
            message: "duplicate".into(),
            http_status: Some(403),
            retry_after: None,
        }),
    );
    let created = world
        .publishing()
        .create_post(
            &alice(),
            NewPost {
                text: "hi".into(),
                assets: vec![],
                options: Options::new(),
                metadata: Options::new(),
                schedule: None,
                targets: vec![
                    PostTarget {
                        connection_id: world.connection.id,
                        ..Default::default()
                    },
                    PostTarget {
                        connection_id: second.id,
                        ..Default::default()
                    },
                ],
            },
        )
        .await
        .unwrap();
    world.engine().drain().await.unwrap();
    let post_id = created.post.unwrap().id;
    let view = world
        .publishing()
        .get_post(&alice(), post_id)
        .await
        .unwrap();
    assert_eq!(view.state, PostState::PartiallyPublished);

    let view = world
        .publishing()
        .retry_post(&alice(), post_id)
        .await
        .unwrap();
    let statuses: Vec<_> = view.jobs.iter().map(|j| j.status).collect();
    assert!(statuses.contains(&JobStatus::Published));
    assert!(statuses.contains(&JobStatus::Pending));
    assert_eq!(view.state, PostState::Publishing);
    world.engine().drain().await.unwrap();
    let view = world
        .publishing()
        .get_post(&alice(), post_id)
        .await
        .unwrap();
    assert_eq!(view.state, PostState::Published);
    assert_eq!(
        world.publisher.posts().len(),
        2,
        "the published target was not redone"
    );
    assert!(matches!(
        world.publishing().retry_post(&alice(), post_id).await,
        Err(PublishError::NothingToRetry(_))
    ));
}

#[tokio::test]
async fn an_edit_is_checked_again_and_refused_once_claimed() {
    let world = World::new().await;
    let job = world.job_at(Some(NOW + Duration::hours(2))).await;
    let service = world.publishing();
    let err = service
        .edit_job(
            &alice(),
            job.id,
            JobEdit {
                text: Some("c".repeat(300)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, PublishError::ContentRejected(_)), "{err:?}");
    assert_eq!(world.stored(job.id).content_text, "hello");

    let edited = service
        .edit_job(
            &alice(),
            job.id,
            JobEdit {
                text: Some("better".into()),
                schedule: Some(ScheduleTime {
                    at: NOW + Duration::hours(3),
                    time_zone: Some("Europe/Paris".into()),
                    note: None,
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.content_text, "better");
    assert_eq!(edited.scheduled_at, Some(NOW + Duration::hours(3)));
    assert_eq!(
        world.stored(job.id).time_zone.as_deref(),
        Some("Europe/Paris")
    );

    world.clock.advance(Duration::hours(3));
    world
        .jobs
        .claim_due(
            &socialpub_domain::WorkerId::new("w"),
            NOW + Duration::hours(3),
            1,
            Duration::minutes(1),
        )
        .await
        .unwrap();
    let err = service
        .edit_job(
            &alice(),
            job.id,
            JobEdit {
                text: Some("too late".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, PublishError::Job(JobServiceError::Refused(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn scheduling_past_a_known_cap_warns_but_accepts() {
    let world = World::new().await;
    for _ in 0..50 {
        world.job_at(Some(NOW + Duration::hours(1))).await;
    }
    let mut req = request(&world, "one too many");
    req.schedule = Some(at(Duration::hours(2)));
    let created = world.publishing().publish(&alice(), req).await.unwrap();
    assert_eq!(created.warnings.len(), 1);
    assert_eq!(created.warnings[0].code, VOLUME_CAP_WARNING);
    assert_eq!(created.jobs[0].status, JobStatus::Scheduled);
}

#[tokio::test]
async fn an_unknown_outcome_is_resolved_by_its_user() {
    let world = World::new().await;
    world.publisher.script(
        "create_post",
        socialpub_ports::fakes::FakeStep::LoseResponse,
    );
    world
        .publisher
        .script_lookup(socialpub_ports::fakes::FakeLookup::Unknown);
    let job = world.job_at(None).await;
    world.engine().drain().await.unwrap();
    let jobs = world.job_service();
    assert!(matches!(
        jobs.retry(&alice(), job.id).await,
        Err(JobServiceError::Refused(_))
    ));
    let resolved = jobs.resolve(&alice(), job.id, false, None).await.unwrap();
    assert_eq!(resolved.status, JobStatus::Failed);
    assert_eq!(resolved.user_action, Some(UserAction::Retry));
    let retried = jobs.retry(&alice(), job.id).await.unwrap();
    assert_eq!(retried.status, JobStatus::Pending);
    assert_eq!(retried.attempts, 0);
}
