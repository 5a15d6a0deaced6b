//! The [`socialpub_ports::JobRepository`] contract: storage, the work queue and attempts.

use socialpub_domain::{
    AttemptId, AttemptOutcome, ConnectionId, JobAttempt, JobId, JobStatus, OUTCOME_UNKNOWN,
    Platform, PublishJob,
};
use socialpub_ports::{CreatedJob, JobFilter, PageRequest, RepositoryError};

use super::fixtures::{T0, due_job, job, key, minutes, user, worker};
use crate::harness::Repos;

pub async fn create_then_get_returns_the_job_to_its_owner_only(repos: Repos) {
    let jobs = repos.jobs;
    let (alice, mallory) = (user("alice"), user("mallory"));
    let scheduled = job(
        &alice,
        ConnectionId::new(),
        Platform::Tiktok,
        T0,
        Some(T0 + minutes(30)),
    );
    assert_eq!(scheduled.status, JobStatus::Scheduled);

    let created = jobs.create(&scheduled).await.unwrap();
    assert_eq!(created, CreatedJob::Created(scheduled.clone()));
    assert_eq!(
        jobs.get(&alice, scheduled.id).await.unwrap(),
        Some(scheduled.clone())
    );
    assert_eq!(jobs.get(&mallory, scheduled.id).await.unwrap(), None);
    assert_eq!(jobs.get(&alice, JobId::new()).await.unwrap(), None);
}

pub async fn creating_the_same_job_twice_is_a_conflict(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let first = due_job(&alice, T0);
    jobs.create(&first).await.unwrap();

    let error = jobs.create(&first).await.unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
}

pub async fn an_idempotency_key_returns_the_first_job(repos: Repos) {
    let jobs = repos.jobs;
    let (alice, bob) = (user("alice"), user("bob"));
    let mut first = due_job(&alice, T0);
    first.idempotency_key = Some(key("req-1"));
    assert_eq!(
        jobs.create(&first).await.unwrap(),
        CreatedJob::Created(first.clone())
    );

    let mut retry = due_job(&alice, T0 + minutes(1));
    retry.idempotency_key = Some(key("req-1"));
    let answer = jobs.create(&retry).await.unwrap();
    assert_eq!(answer, CreatedJob::Existing(first.clone()));
    assert_eq!(jobs.get(&alice, retry.id).await.unwrap(), None);

    // Keys are per user, and a different key is a different request.
    let mut bobs = due_job(&bob, T0);
    bobs.idempotency_key = Some(key("req-1"));
    assert!(matches!(
        jobs.create(&bobs).await.unwrap(),
        CreatedJob::Created(_)
    ));
    let mut other = due_job(&alice, T0);
    other.idempotency_key = Some(key("req-2"));
    assert!(matches!(
        jobs.create(&other).await.unwrap(),
        CreatedJob::Created(_)
    ));

    let all = jobs
        .list(&alice, &JobFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(all.total, 2);
}

pub async fn list_filters_orders_newest_first_and_pages(repos: Repos) {
    let jobs = repos.jobs;
    let (alice, bob) = (user("alice"), user("bob"));
    let (conn_a, conn_b) = (ConnectionId::new(), ConnectionId::new());
    let mut created = Vec::new();
    for i in 0..5_i64 {
        let platform = if i % 2 == 0 {
            Platform::X
        } else {
            Platform::Linkedin
        };
        let connection = if i < 3 { conn_a } else { conn_b };
        let scheduled_at = (i == 4).then(|| T0 + minutes(60));
        created.push(job(
            &alice,
            connection,
            platform,
            T0 + minutes(i),
            scheduled_at,
        ));
    }
    for j in &created {
        jobs.create(j).await.unwrap();
    }
    jobs.create(&due_job(&bob, T0 + minutes(10))).await.unwrap();
    let newest_first: Vec<PublishJob> = created.iter().rev().cloned().collect();

    let all = jobs
        .list(&alice, &JobFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(all.total, 5);
    assert_eq!(all.items, newest_first);

    let page = jobs
        .list(&alice, &JobFilter::default(), PageRequest::new(2, 1))
        .await
        .unwrap();
    assert_eq!((page.total, page.limit, page.offset), (5, 2, 1));
    assert_eq!(page.items, newest_first[1..3].to_vec());

    let by_platform = JobFilter {
        platform: Some(Platform::Linkedin),
        ..JobFilter::default()
    };
    let linkedin = jobs
        .list(&alice, &by_platform, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(linkedin.items, vec![created[3].clone(), created[1].clone()]);

    let by_status = JobFilter {
        status: Some(JobStatus::Scheduled),
        ..JobFilter::default()
    };
    let scheduled = jobs
        .list(&alice, &by_status, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(scheduled.items, vec![created[4].clone()]);

    let by_connection = JobFilter {
        connection_id: Some(conn_a),
        ..JobFilter::default()
    };
    let on_a = jobs
        .list(&alice, &by_connection, PageRequest::new(2, 0))
        .await
        .unwrap();
    assert_eq!(on_a.total, 3);
    assert_eq!(on_a.items, vec![created[2].clone(), created[1].clone()]);

    let none = JobFilter {
        platform: Some(Platform::X),
        status: Some(JobStatus::Pending),
        connection_id: Some(conn_b),
    };
    let empty = jobs
        .list(&alice, &none, PageRequest::default())
        .await
        .unwrap();
    assert_eq!((empty.total, empty.items.len()), (0, 0));
}

pub async fn claim_due_takes_only_due_jobs_earliest_first(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let w = worker("worker-1");
    // Pending since T0-3m, scheduled for T0-1m (created earlier), scheduled for later,
    // cancelled, and pending but created after "now".
    let pending = due_job(&alice, T0 - minutes(3));
    let scheduled = job(
        &alice,
        ConnectionId::new(),
        Platform::Pinterest,
        T0 - minutes(60),
        Some(T0 - minutes(1)),
    );
    let future = job(
        &alice,
        ConnectionId::new(),
        Platform::X,
        T0 - minutes(60),
        Some(T0 + minutes(1)),
    );
    let mut cancelled = due_job(&alice, T0 - minutes(10));
    cancelled.cancel(T0 - minutes(9)).unwrap();
    let not_yet = due_job(&alice, T0 + minutes(2));
    for j in [&future, &scheduled, &cancelled, &not_yet, &pending] {
        jobs.create(j).await.unwrap();
    }

    let lease = minutes(5);
    let claimed = jobs.claim_due(&w, T0, 10, lease).await.unwrap();
    let ids: Vec<JobId> = claimed.iter().map(|j| j.id).collect();
    assert_eq!(ids, vec![pending.id, scheduled.id]);
    for (claimed, original) in claimed.iter().zip([&pending, &scheduled]) {
        let mut expected = (*original).clone();
        expected.claim(w.clone(), T0, lease).unwrap();
        assert_eq!(claimed, &expected);
        assert_eq!(claimed.status, JobStatus::Processing);
        assert_eq!(claimed.attempts, 1);
        assert_eq!(claimed.locked_by.as_ref(), Some(&w));
        assert_eq!(claimed.locked_until, Some(T0 + lease));
        assert_eq!(
            jobs.get(&alice, claimed.id).await.unwrap().as_ref(),
            Some(claimed)
        );
    }

    assert_eq!(jobs.claim_due(&w, T0, 10, lease).await.unwrap(), vec![]);
    assert_eq!(
        jobs.get(&alice, future.id).await.unwrap(),
        Some(future.clone())
    );
    let later = jobs
        .claim_due(&w, T0 + minutes(2), 10, lease)
        .await
        .unwrap();
    let ids: Vec<JobId> = later.iter().map(|j| j.id).collect();
    assert_eq!(ids, vec![future.id, not_yet.id]);
}

pub async fn claim_due_takes_at_most_limit_jobs(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let created: Vec<PublishJob> = (0..3)
        .map(|i| due_job(&alice, T0 - minutes(3 - i)))
        .collect();
    for j in created.iter().rev() {
        jobs.create(j).await.unwrap();
    }

    let first = jobs
        .claim_due(&worker("a"), T0, 2, minutes(5))
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![created[0].id, created[1].id]
    );
    let second = jobs
        .claim_due(&worker("b"), T0, 2, minutes(5))
        .await
        .unwrap();
    assert_eq!(
        second.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![created[2].id]
    );
    assert_eq!(second[0].locked_by, Some(worker("b")));
}

pub async fn renew_lease_and_save_leased_need_the_lease(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let (holder, other) = (worker("holder"), worker("other"));
    let created = due_job(&alice, T0);
    jobs.create(&created).await.unwrap();
    let mut claimed = jobs
        .claim_due(&holder, T0, 1, minutes(5))
        .await
        .unwrap()
        .remove(0);

    let renewed_until = T0 + minutes(10);
    let error = jobs
        .renew_lease(claimed.id, &other, renewed_until)
        .await
        .unwrap_err();
    assert!(
        matches!(error, RepositoryError::LeaseNotHeld(id) if id == claimed.id),
        "{error:?}"
    );
    jobs.renew_lease(claimed.id, &holder, renewed_until)
        .await
        .unwrap();
    claimed.renew_lease(&holder, renewed_until).unwrap();
    assert_eq!(
        jobs.get(&alice, claimed.id).await.unwrap(),
        Some(claimed.clone())
    );

    // A step of progress, stored by the holder only.
    claimed
        .record_step(&holder, "upload", "upload-123", T0 + minutes(1))
        .unwrap();
    let error = jobs.save_leased(&claimed, &other).await.unwrap_err();
    assert!(
        matches!(error, RepositoryError::LeaseNotHeld(_)),
        "{error:?}"
    );
    jobs.save_leased(&claimed, &holder).await.unwrap();
    assert_eq!(
        jobs.get(&alice, claimed.id).await.unwrap(),
        Some(claimed.clone())
    );

    // Completion drops the lease; after it nobody holds the job.
    claimed
        .mark_published(
            &holder,
            "post-1".into(),
            Some("https://x.com/p/1".into()),
            T0 + minutes(2),
        )
        .unwrap();
    jobs.save_leased(&claimed, &holder).await.unwrap();
    let stored = jobs.get(&alice, claimed.id).await.unwrap().unwrap();
    assert_eq!(stored, claimed);
    assert_eq!(
        (stored.status, stored.locked_by.clone()),
        (JobStatus::Published, None)
    );

    let error = jobs.save_leased(&claimed, &holder).await.unwrap_err();
    assert!(
        matches!(error, RepositoryError::LeaseNotHeld(_)),
        "{error:?}"
    );
    let error = jobs
        .renew_lease(claimed.id, &holder, renewed_until)
        .await
        .unwrap_err();
    assert!(
        matches!(error, RepositoryError::LeaseNotHeld(_)),
        "{error:?}"
    );
    let error = jobs
        .renew_lease(JobId::new(), &holder, renewed_until)
        .await
        .unwrap_err();
    assert!(
        matches!(error, RepositoryError::LeaseNotHeld(_)),
        "{error:?}"
    );
}

pub async fn save_unclaimed_works_until_a_worker_claims_the_job(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let mut scheduled = job(
        &alice,
        ConnectionId::new(),
        Platform::X,
        T0,
        Some(T0 + minutes(30)),
    );
    jobs.create(&scheduled).await.unwrap();

    scheduled
        .reschedule(T0 + minutes(90), T0 + minutes(1))
        .unwrap();
    jobs.save_unclaimed(&scheduled).await.unwrap();
    assert_eq!(
        jobs.get(&alice, scheduled.id).await.unwrap(),
        Some(scheduled.clone())
    );

    // A worker claims it; the user's stale copy can no longer be saved.
    let claimed = jobs
        .claim_due(&worker("w"), T0 + minutes(90), 1, minutes(5))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    let mut stale = scheduled.clone();
    stale.cancel(T0 + minutes(91)).unwrap();
    let error = jobs.save_unclaimed(&stale).await.unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
    assert_eq!(
        jobs.get(&alice, scheduled.id).await.unwrap(),
        Some(claimed[0].clone())
    );

    let error = jobs.save_unclaimed(&due_job(&alice, T0)).await.unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
}

pub async fn cancelled_jobs_are_final_for_save_unclaimed(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let mut pending = due_job(&alice, T0);
    jobs.create(&pending).await.unwrap();
    pending.cancel(T0 + minutes(1)).unwrap();
    jobs.save_unclaimed(&pending).await.unwrap();
    assert_eq!(
        jobs.get(&alice, pending.id).await.unwrap(),
        Some(pending.clone())
    );
    assert_eq!(
        jobs.claim_due(&worker("w"), T0 + minutes(5), 10, minutes(5))
            .await
            .unwrap(),
        vec![]
    );

    let error = jobs.save_unclaimed(&pending).await.unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
}

pub async fn recover_expired_leases_requeues_jobs_whose_worker_died(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let lease = minutes(5);
    jobs.create(&due_job(&alice, T0)).await.unwrap();
    let claimed = jobs
        .claim_due(&worker("dead"), T0, 1, lease)
        .await
        .unwrap()
        .remove(0);

    assert_eq!(
        jobs.recover_expired_leases(T0 + minutes(1), 10)
            .await
            .unwrap(),
        vec![]
    );

    let now = T0 + minutes(10);
    let recovered = jobs.recover_expired_leases(now, 10).await.unwrap();
    let mut expected = claimed.clone();
    assert_eq!(
        expected.recover_expired_lease(now).unwrap(),
        JobStatus::Pending
    );
    assert_eq!(recovered, vec![expected.clone()]);
    assert_eq!(recovered[0].next_attempt_at, Some(now));
    assert_eq!(recovered[0].locked_by, None);
    assert_eq!(jobs.get(&alice, claimed.id).await.unwrap(), Some(expected));
    assert_eq!(jobs.recover_expired_leases(now, 10).await.unwrap(), vec![]);

    // The old holder lost the job; a new claim takes it with one more attempt.
    let error = jobs
        .save_leased(&claimed, &worker("dead"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, RepositoryError::LeaseNotHeld(_)),
        "{error:?}"
    );
    let again = jobs
        .claim_due(&worker("alive"), now, 10, lease)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
}

pub async fn recover_expired_leases_fails_jobs_that_were_in_the_final_call(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let w = worker("dead");
    jobs.create(&due_job(&alice, T0)).await.unwrap();
    let older = due_job(&alice, T0 - minutes(1));
    jobs.create(&older).await.unwrap();
    let mut claimed = jobs.claim_due(&w, T0, 2, minutes(5)).await.unwrap();
    let mut in_final_call = claimed.remove(1);
    in_final_call.begin_final_call(&w, T0 + minutes(1)).unwrap();
    jobs.save_leased(&in_final_call, &w).await.unwrap();
    jobs.renew_lease(claimed[0].id, &w, T0 + minutes(20))
        .await
        .unwrap();

    let now = T0 + minutes(10);
    let recovered = jobs.recover_expired_leases(now, 10).await.unwrap();
    assert_eq!(recovered.len(), 1, "the other job's lease was renewed");
    let failed = &recovered[0];
    assert_eq!(failed.id, in_final_call.id);
    assert_eq!(failed.status, JobStatus::Failed);
    assert_eq!(failed.error_code.as_deref(), Some(OUTCOME_UNKNOWN));
    assert_eq!(failed.next_attempt_at, None);
    assert_eq!(
        jobs.get(&alice, failed.id).await.unwrap().as_ref(),
        Some(failed)
    );
    assert_eq!(
        jobs.claim_due(&worker("alive"), now + minutes(60), 10, minutes(5))
            .await
            .unwrap(),
        vec![]
    );
}

fn attempt(job: JobId, number: u32, outcome: AttemptOutcome) -> JobAttempt {
    JobAttempt {
        id: AttemptId::new(),
        job_id: job,
        attempt_number: number,
        worker: worker("w"),
        started_at: T0 + minutes(i64::from(number)),
        finished_at: None,
        outcome,
        http_status: None,
        platform_error_code: None,
        message: None,
    }
}

pub async fn attempts_are_recorded_updated_and_listed_for_the_owner(repos: Repos) {
    let jobs = repos.jobs;
    let (alice, mallory) = (user("alice"), user("mallory"));
    let created = due_job(&alice, T0);
    jobs.create(&created).await.unwrap();
    let other_job = due_job(&alice, T0);
    jobs.create(&other_job).await.unwrap();

    let second = attempt(created.id, 2, AttemptOutcome::Running);
    let mut first = attempt(created.id, 1, AttemptOutcome::Running);
    jobs.record_attempt(&second).await.unwrap();
    jobs.record_attempt(&first).await.unwrap();
    jobs.record_attempt(&attempt(other_job.id, 1, AttemptOutcome::Published))
        .await
        .unwrap();

    // Recording the same attempt again records its end.
    first.finished_at = Some(T0 + minutes(2));
    first.outcome = AttemptOutcome::Retrying;
    first.http_status = Some(503);
    first.platform_error_code = Some("server_error".into());
    first.message = Some("try later".into());
    jobs.record_attempt(&first).await.unwrap();

    assert_eq!(
        jobs.list_attempts(&alice, created.id).await.unwrap(),
        vec![first, second]
    );
    assert_eq!(
        jobs.list_attempts(&mallory, created.id).await.unwrap(),
        vec![]
    );
    assert_eq!(
        jobs.list_attempts(&alice, JobId::new()).await.unwrap(),
        vec![]
    );

    let orphan = attempt(JobId::new(), 1, AttemptOutcome::Running);
    let error = jobs.record_attempt(&orphan).await.unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
}
