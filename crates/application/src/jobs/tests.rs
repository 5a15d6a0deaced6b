use std::sync::Arc;

use socialpub_domain::{
    ConnectionId, JobStatus, NewPublishJob, Platform, PublishJob, UserId, WorkerId,
};
use socialpub_ports::fakes::{InMemoryJobRepository, ManualClock};
use time::Duration;
use time::macros::datetime;

use super::*;

fn user(name: &str) -> UserId {
    UserId::parse(name).unwrap()
}

async fn setup() -> (JobService, Arc<InMemoryJobRepository>, PublishJob) {
    let now = datetime!(2026-03-01 10:00 UTC);
    let repo = Arc::new(InMemoryJobRepository::default());
    let clock = Arc::new(ManualClock::new(now));
    let job = PublishJob::new(
        NewPublishJob {
            id: JobId::new(),
            post_id: None,
            user_id: user("alice"),
            social_connection_id: ConnectionId::new(),
            platform: Platform::X,
            content_text: "hi".into(),
            assets: vec![],
            platform_specific_options: Default::default(),
            scheduled_at: Some(now + Duration::hours(1)),
            time_zone: None,
            metadata: Default::default(),
            max_attempts: 3,
        },
        now,
    );
    repo.create(None, std::slice::from_ref(&job)).await.unwrap();
    (JobService::new(repo.clone(), clock), repo, job)
}

#[tokio::test]
async fn another_users_job_is_not_found() {
    let (service, _, job) = setup().await;
    let err = service.get(&user("mallory"), job.id).await.unwrap_err();
    assert!(matches!(err, JobServiceError::NotFound(id) if id == job.id));
    assert!(matches!(
        service.cancel(&user("mallory"), job.id).await,
        Err(JobServiceError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_scheduled_job_can_be_cancelled_once() {
    let (service, _, job) = setup().await;
    let cancelled = service.cancel(&user("alice"), job.id).await.unwrap();
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert_eq!(
        service.get(&user("alice"), job.id).await.unwrap().status,
        JobStatus::Cancelled
    );
    assert!(matches!(
        service.cancel(&user("alice"), job.id).await,
        Err(JobServiceError::Refused(_))
    ));
}

#[tokio::test]
async fn a_claimed_job_can_no_longer_be_rescheduled() {
    let (service, repo, job) = setup().await;
    let later = datetime!(2026-03-01 12:00 UTC);
    repo.claim_due(&WorkerId::new("w"), later, 10, Duration::minutes(5))
        .await
        .unwrap();
    let err = service
        .reschedule(&user("alice"), job.id, later + Duration::hours(1))
        .await
        .unwrap_err();
    assert!(matches!(err, JobServiceError::Refused(_)), "{err:?}");
}

#[tokio::test]
async fn rescheduling_moves_the_due_time() {
    let (service, _, job) = setup().await;
    let at = datetime!(2026-03-02 09:00 UTC);
    let moved = service
        .reschedule(&user("alice"), job.id, at)
        .await
        .unwrap();
    assert_eq!(moved.scheduled_at, Some(at));
    assert_eq!(moved.next_attempt_at, Some(at));
}
