use time::macros::datetime;

use super::*;
use crate::{ConnectionId, JobId, Platform, UserId};

const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

fn worker() -> WorkerId {
    WorkerId::new("worker-a")
}

fn new_job(scheduled_at: Option<OffsetDateTime>) -> PublishJob {
    PublishJob::new(
        NewPublishJob {
            id: JobId::new(),
            user_id: UserId::parse("user-1").unwrap(),
            social_connection_id: ConnectionId::new(),
            platform: Platform::Linkedin,
            content_text: "hello".into(),
            assets: vec![],
            platform_specific_options: serde_json::Map::new(),
            scheduled_at,
            max_attempts: 3,
            post_id: None,
            time_zone: None,
            metadata: serde_json::Map::new(),
        },
        NOW,
    )
}

/// A job sitting in `status`, leased by `worker()` when it is Processing.
fn job_in(status: JobStatus) -> PublishJob {
    let mut job = new_job(None);
    job.status = status;
    if status == JobStatus::Processing {
        job.attempts = 1;
        job.locked_by = Some(worker());
        job.locked_until = Some(NOW - Duration::minutes(1));
    }
    job
}

type Action = fn(&mut PublishJob) -> Result<(), JobError>;

/// Every action, with the states it may start from. Anything else must be refused.
fn actions() -> Vec<(&'static str, Action, Vec<JobStatus>)> {
    use JobStatus::*;
    vec![
        (
            "claim",
            |j| j.claim(worker(), NOW, Duration::minutes(5)),
            vec![Scheduled, Pending],
        ),
        (
            "renew_lease",
            |j| j.renew_lease(&worker(), NOW + Duration::minutes(9)),
            vec![Processing],
        ),
        (
            "record_step",
            |j| j.record_step(&worker(), "upload", "media-1", NOW),
            vec![Processing],
        ),
        (
            "begin_final_call",
            |j| j.begin_final_call(&worker(), NOW),
            vec![Processing],
        ),
        (
            "mark_published",
            |j| j.mark_published(&worker(), "p1".into(), None, NOW),
            vec![Processing],
        ),
        (
            "retry_later",
            |j| {
                j.retry_later(&worker(), "rate_limited", "429", NOW, NOW)
                    .map(drop)
            },
            vec![Processing],
        ),
        (
            "fail",
            |j| j.fail(&worker(), "permission", "no", None, NOW),
            vec![Processing],
        ),
        (
            "reject_content",
            |j| j.reject_content("text_too_long", "long", NOW),
            vec![Scheduled, Pending, Processing],
        ),
        ("cancel", |j| j.cancel(NOW), vec![Scheduled, Pending]),
        (
            "reschedule",
            |j| j.reschedule(NOW + Duration::hours(1), NOW),
            vec![Scheduled, Pending],
        ),
        (
            "release",
            |j| j.release(&worker(), NOW).map(drop),
            vec![Processing],
        ),
        (
            "recover_expired_lease",
            |j| j.recover_expired_lease(NOW).map(drop),
            vec![Processing],
        ),
        (
            "look_again_later",
            |j| j.look_again_later(&worker(), "busy", "busy", NOW, NOW),
            vec![Processing],
        ),
    ]
}

#[test]
fn every_action_is_allowed_exactly_from_its_source_states() {
    for (name, action, allowed) in actions() {
        for status in JobStatus::ALL {
            let mut job = job_in(status);
            let before = job.clone();
            let result = action(&mut job);
            if allowed.contains(&status) {
                assert!(
                    result.is_ok(),
                    "{name} from {status} should be allowed: {result:?}"
                );
            } else {
                match result {
                    Err(JobError::Transition(e)) => assert_eq!(e.from, status, "{name}"),
                    other => panic!("{name} from {status} should be refused, got {other:?}"),
                }
                assert_eq!(
                    job, before,
                    "a refused {name} from {status} must change nothing"
                );
            }
        }
    }
}

#[test]
fn final_states_refuse_every_action() {
    for status in JobStatus::ALL.into_iter().filter(|s| s.is_final()) {
        for (name, action, _) in actions() {
            let mut job = job_in(status);
            assert!(
                action(&mut job).is_err(),
                "{name} must not move a {status} job"
            );
        }
    }
}

#[test]
fn a_future_schedule_starts_scheduled_and_now_starts_pending() {
    let later = NOW + Duration::hours(2);
    let scheduled = new_job(Some(later));
    assert_eq!(scheduled.status, JobStatus::Scheduled);
    assert_eq!(scheduled.next_attempt_at, Some(later));

    let immediate = new_job(None);
    assert_eq!(immediate.status, JobStatus::Pending);
    assert_eq!(immediate.next_attempt_at, Some(NOW));

    let past = new_job(Some(NOW - Duration::hours(1)));
    assert_eq!(past.status, JobStatus::Pending);
}

#[test]
fn claiming_counts_an_attempt_and_takes_the_lease() {
    let mut job = new_job(None);
    job.claim(worker(), NOW, Duration::minutes(5)).unwrap();
    assert_eq!(job.status, JobStatus::Processing);
    assert_eq!(job.attempts, 1);
    assert_eq!(job.locked_by, Some(worker()));
    assert_eq!(job.locked_until, Some(NOW + Duration::minutes(5)));
}

#[test]
fn another_worker_cannot_finish_a_job_it_does_not_hold() {
    let mut job = job_in(JobStatus::Processing);
    let intruder = WorkerId::new("worker-b");
    let expected = Err(JobError::LeaseNotHeld {
        worker: intruder.clone(),
    });
    assert_eq!(
        job.mark_published(&intruder, "p".into(), None, NOW),
        expected
    );
    assert_eq!(job.fail(&intruder, "x", "y", None, NOW), expected);
    assert_eq!(
        job.release(&intruder, NOW),
        expected.clone().map(|()| JobStatus::Pending)
    );
    assert_eq!(job.status, JobStatus::Processing);
}

#[test]
fn publishing_records_the_post_and_drops_the_lease() {
    let mut job = job_in(JobStatus::Processing);
    job.error_code = Some("transient".into());
    job.mark_published(
        &worker(),
        "123".into(),
        Some("https://x.com/i/web/status/123".into()),
        NOW,
    )
    .unwrap();
    assert_eq!(job.status, JobStatus::Published);
    assert_eq!(job.external_post_id.as_deref(), Some("123"));
    assert_eq!(job.published_at, Some(NOW));
    assert_eq!(job.error_code, None);
    assert_eq!(job.locked_by, None);
    assert_eq!(job.next_attempt_at, None);
}

#[test]
fn retries_go_back_to_pending_until_attempts_run_out() {
    let mut job = job_in(JobStatus::Processing);
    let retry_at = NOW + Duration::seconds(30);
    assert_eq!(
        job.retry_later(&worker(), "platform_down", "503", retry_at, NOW),
        Ok(JobStatus::Pending)
    );
    assert_eq!(job.next_attempt_at, Some(retry_at));
    assert_eq!(job.error_code.as_deref(), Some("platform_down"));

    job.attempts = job.max_attempts;
    job.status = JobStatus::Processing;
    job.locked_by = Some(worker());
    assert_eq!(
        job.retry_later(&worker(), "platform_down", "503", retry_at, NOW),
        Ok(JobStatus::Failed)
    );
    assert_eq!(job.next_attempt_at, None);
}

#[test]
fn a_release_before_the_final_call_requeues_the_job() {
    let mut job = job_in(JobStatus::Processing);
    job.record_step(&worker(), "container", "c-1", NOW).unwrap();
    assert_eq!(job.release(&worker(), NOW), Ok(JobStatus::Pending));
    assert_eq!(
        job.progress.step("container"),
        Some("c-1"),
        "completed steps survive for the retry"
    );
    assert_eq!(job.locked_by, None);
}

#[test]
fn editing_a_retrying_job_starts_its_steps_over_from_the_new_content() {
    let mut job = job_in(JobStatus::Processing);
    job.record_step(&worker(), "media", "m-1", NOW).unwrap();
    job.release(&worker(), NOW).unwrap();
    job.edit_content("new text".into(), Vec::new(), serde_json::Map::new(), NOW)
        .unwrap();
    assert_eq!(job.content_text, "new text");
    assert_eq!(
        job.progress,
        PublishProgress::default(),
        "media uploaded for the old content is not reused"
    );
}

#[test]
fn a_job_whose_post_may_exist_cannot_be_edited() {
    let mut unanswered = job_in(JobStatus::Processing);
    unanswered.begin_final_call(&worker(), NOW).unwrap();
    unanswered.recover_expired_lease(NOW).unwrap();
    let mut interrupted = job_in(JobStatus::Processing);
    interrupted.recover_expired_lease(NOW).unwrap();
    for mut job in [unanswered, interrupted] {
        assert_eq!(job.status, JobStatus::Pending);
        let before = job.clone();
        assert_eq!(
            job.edit_content("other".into(), Vec::new(), serde_json::Map::new(), NOW),
            Err(JobError::PostMayExist)
        );
        assert_eq!(job, before, "nothing changed");
    }
}

#[test]
fn a_worker_lost_during_the_final_call_requeues_the_job_to_be_reconciled_first() {
    let mut job = job_in(JobStatus::Processing);
    job.begin_final_call(&worker(), NOW).unwrap();
    assert_eq!(job.recover_expired_lease(NOW), Ok(JobStatus::Pending));
    assert!(
        job.progress.needs_reconciliation(),
        "the commit marker survives, so the next claim looks for the post before anything else"
    );
}

#[test]
fn a_worker_lost_mid_run_leaves_the_job_interrupted_and_its_commit_is_looked_for_first() {
    let mut job = job_in(JobStatus::Processing);
    job.updated_at = NOW - Duration::minutes(3);
    job.recover_expired_lease(NOW).unwrap();
    assert_eq!(
        job.progress.interrupted_at,
        Some(NOW - Duration::minutes(3))
    );
    assert!(
        !job.progress.needs_reconciliation(),
        "not until the next step is known"
    );
    let mut commit_next = job.clone();
    commit_next.resume_interrupted(true);
    assert_eq!(
        commit_next.progress.final_call_started_at,
        Some(NOW - Duration::minutes(3)),
        "the commit may have been sent since the last stored change"
    );
    assert_eq!(commit_next.progress.interrupted_at, None);
    job.resume_interrupted(false);
    assert!(
        !job.progress.needs_reconciliation(),
        "only redoable steps were cut short"
    );
    assert_eq!(job.progress.interrupted_at, None);
}

#[test]
fn a_worker_lost_after_the_commit_answered_leaves_nothing_to_look_for() {
    let mut job = job_in(JobStatus::Processing);
    job.mark_committed(&worker(), NOW - Duration::minutes(1))
        .unwrap();
    job.recover_expired_lease(NOW).unwrap();
    job.resume_interrupted(true);
    assert!(!job.progress.needs_reconciliation());
    assert_eq!(job.progress.interrupted_at, None);
}

#[test]
fn a_failed_lookup_keeps_the_marker_and_the_attempt() {
    let mut job = job_in(JobStatus::Processing);
    job.begin_final_call(&worker(), NOW).unwrap();
    job.look_again_later(
        &worker(),
        "rate_limited",
        "busy",
        NOW + Duration::minutes(1),
        NOW,
    )
    .unwrap();
    assert_eq!(job.status, JobStatus::Pending);
    assert!(job.progress.needs_reconciliation());
    job.claim(worker(), NOW + Duration::minutes(1), Duration::minutes(2))
        .unwrap();
    assert_eq!(job.attempts, 1, "a look-up spends no attempt");
}

#[test]
fn a_parked_job_continues_the_same_attempt() {
    let mut job = job_in(JobStatus::Processing);
    job.park(&worker(), NOW + Duration::seconds(30), NOW)
        .unwrap();
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(job.next_attempt_at, Some(NOW + Duration::seconds(30)));
    job.claim(worker(), NOW + Duration::seconds(30), Duration::minutes(5))
        .unwrap();
    assert_eq!(
        job.attempts, 1,
        "waiting for the platform spends no attempt"
    );
}

#[test]
fn an_unknown_outcome_is_final_until_the_user_resolves_it() {
    let mut job = job_in(JobStatus::Processing);
    job.begin_final_call(&worker(), NOW).unwrap();
    job.mark_outcome_unknown(&worker(), "timed out", NOW)
        .unwrap();
    assert_eq!(job.status, JobStatus::OutcomeUnknown);
    assert_eq!(job.next_attempt_at, None, "never retried by itself");
    assert_eq!(job.user_action, Some(UserAction::CheckAccount));
    assert!(job.retry_by_user(NOW).is_err(), "resolve first");
    job.resolve(false, None, NOW).unwrap();
    assert_eq!(job.status, JobStatus::Failed);
    assert!(!job.progress.needs_reconciliation());
    job.retry_by_user(NOW).unwrap();
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(job.attempts, 0);
}

#[test]
fn resolving_as_published_keeps_the_url_the_user_gave() {
    let mut job = job_in(JobStatus::Processing);
    job.mark_outcome_unknown(&worker(), "timed out", NOW)
        .unwrap();
    job.resolve(true, Some("https://x.com/a/status/1".into()), NOW)
        .unwrap();
    assert_eq!(job.status, JobStatus::Published);
    assert_eq!(job.post_url.as_deref(), Some("https://x.com/a/status/1"));
}

#[test]
fn a_committed_job_is_not_sent_again() {
    let mut job = job_in(JobStatus::Processing);
    job.begin_final_call(&worker(), NOW).unwrap();
    job.mark_committed(&worker(), NOW).unwrap();
    assert!(!job.progress.needs_reconciliation());
    assert_eq!(job.progress.committed_at, Some(NOW));
}

#[test]
fn a_missed_job_can_be_retried_by_the_user() {
    let mut job = job_in(JobStatus::Processing);
    job.mark_missed(&worker(), "picked up 2 hours late", NOW)
        .unwrap();
    assert_eq!(job.status, JobStatus::Missed);
    assert!(job.status.is_final());
    job.retry_by_user(NOW).unwrap();
    assert_eq!(job.status, JobStatus::Pending);
}

#[test]
fn a_live_lease_cannot_be_recovered() {
    let mut job = job_in(JobStatus::Processing);
    job.locked_until = Some(NOW + Duration::minutes(1));
    assert!(job.recover_expired_lease(NOW).is_err());
    assert_eq!(job.status, JobStatus::Processing);
}

#[test]
fn rescheduling_into_the_past_is_refused() {
    let mut job = new_job(Some(NOW + Duration::hours(1)));
    assert_eq!(
        job.reschedule(NOW - Duration::minutes(1), NOW),
        Err(JobError::ScheduleInPast)
    );
    assert_eq!(job.reschedule(NOW, NOW), Err(JobError::ScheduleInPast));
}

#[test]
fn status_names_round_trip() {
    for status in JobStatus::ALL {
        assert_eq!(JobStatus::parse(status.as_str()), Some(status));
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            format!("\"{status}\"")
        );
    }
    assert_eq!(JobStatus::parse("done"), None);
}

#[test]
fn idempotency_keys_are_short_visible_ascii() {
    assert!(IdempotencyKey::parse("order-42").is_ok());
    assert!(IdempotencyKey::parse("").is_err());
    assert!(IdempotencyKey::parse("has space").is_err());
    assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
}
