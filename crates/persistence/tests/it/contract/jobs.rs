//! The [`socialpub_ports::JobRepository`] contract: storage, the work queue and attempts.

use socialpub_domain::{
    AttemptId, AttemptOutcome, ConnectionId, JobAttempt, JobId, JobStatus, MISSED, OUTCOME_UNKNOWN,
    Platform, PostId, PublishJob, UserAction, UserId, WorkerId,
};
use socialpub_ports::{JobFilter, JobRepository, PageRequest, RepositoryError};

use super::fixtures::{T0, due_job, job, minutes, post_with_targets, user, worker};
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

    jobs.create(None, std::slice::from_ref(&scheduled))
        .await
        .unwrap();
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
    jobs.create(None, std::slice::from_ref(&first))
        .await
        .unwrap();

    // All or nothing: the new job of a batch that also repeats one is not stored either.
    let new = due_job(&alice, T0);
    let error = jobs
        .create(None, &[new.clone(), first.clone()])
        .await
        .unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
    assert_eq!(jobs.get(&alice, new.id).await.unwrap(), None);
    assert_eq!(jobs.get(&alice, first.id).await.unwrap(), Some(first));
}

pub async fn a_post_and_its_targets_are_created_together_and_read_back(repos: Repos) {
    let jobs = repos.jobs;
    let (alice, mallory) = (user("alice"), user("mallory"));
    let (post, targets) = post_with_targets(
        &alice,
        T0,
        Some(T0 + minutes(30)),
        &[Platform::X, Platform::Facebook, Platform::Linkedin],
    );
    jobs.create(Some(&post), &targets).await.unwrap();
    jobs.create(None, &[due_job(&alice, T0)]).await.unwrap();

    let (stored, stored_targets) = jobs.get_post(&alice, post.id).await.unwrap().unwrap();
    assert_eq!(stored, post);
    let mut oldest_first = targets.clone();
    oldest_first.sort_by_key(|j| (j.created_at, j.id));
    assert_eq!(stored_targets, oldest_first);
    assert_eq!(jobs.get_post(&mallory, post.id).await.unwrap(), None);
    assert_eq!(jobs.get_post(&alice, PostId::new()).await.unwrap(), None);

    let of_post = JobFilter {
        post_id: Some(post.id),
        ..JobFilter::default()
    };
    let listed = jobs
        .list(&alice, &of_post, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 3);
    assert!(listed.items.iter().all(|j| j.post_id == Some(post.id)));
}

pub async fn creating_a_post_again_creates_none_of_its_targets(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let (post, targets) = post_with_targets(&alice, T0, None, &[Platform::X]);
    jobs.create(Some(&post), &targets).await.unwrap();

    let (_, mut more) = post_with_targets(&alice, T0, None, &[Platform::Facebook]);
    more[0].post_id = Some(post.id);
    let error = jobs.create(Some(&post), &more).await.unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
    assert_eq!(jobs.get(&alice, more[0].id).await.unwrap(), None);
    let (_, stored_targets) = jobs.get_post(&alice, post.id).await.unwrap().unwrap();
    assert_eq!(stored_targets, targets);
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
    jobs.create(None, &created).await.unwrap();
    jobs.create(None, &[due_job(&bob, T0 + minutes(10))])
        .await
        .unwrap();
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
        ..JobFilter::default()
    };
    let empty = jobs
        .list(&alice, &none, PageRequest::default())
        .await
        .unwrap();
    assert_eq!((empty.total, empty.items.len()), (0, 0));
}

pub async fn list_filters_on_the_scheduled_time_or_else_the_creation_time(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let connection = ConnectionId::new();
    // Created early but scheduled late; created late and published at once; scheduled at the
    // upper bound (excluded); created at the lower bound (included).
    let scheduled_late = job(&alice, connection, Platform::X, T0, Some(T0 + minutes(90)));
    let immediate = due_job(&alice, T0 + minutes(50));
    let at_until = job(&alice, connection, Platform::X, T0, Some(T0 + minutes(100)));
    let at_from = due_job(&alice, T0 + minutes(40));
    let before = due_job(&alice, T0 + minutes(39));
    jobs.create(
        None,
        &[
            scheduled_late.clone(),
            immediate.clone(),
            at_until.clone(),
            at_from.clone(),
            before.clone(),
        ],
    )
    .await
    .unwrap();

    let window = JobFilter {
        from: Some(T0 + minutes(40)),
        until: Some(T0 + minutes(100)),
        ..JobFilter::default()
    };
    let listed = jobs
        .list(&alice, &window, PageRequest::default())
        .await
        .unwrap();
    let mut ids: Vec<JobId> = listed.items.iter().map(|j| j.id).collect();
    ids.sort();
    let mut expected = vec![scheduled_late.id, immediate.id, at_from.id];
    expected.sort();
    assert_eq!((listed.total, ids), (3, expected));

    let only_from = JobFilter {
        from: Some(T0 + minutes(95)),
        ..JobFilter::default()
    };
    let listed = jobs
        .list(&alice, &only_from, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items, vec![at_until]);
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
        jobs.create(None, std::slice::from_ref(j)).await.unwrap();
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
        jobs.create(None, std::slice::from_ref(j)).await.unwrap();
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

pub async fn a_parked_job_is_claimed_again_without_spending_an_attempt(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let w = worker("w");
    let lease = minutes(5);
    jobs.create(None, &[due_job(&alice, T0)]).await.unwrap();
    let mut claimed = jobs.claim_due(&w, T0, 1, lease).await.unwrap().remove(0);
    claimed
        .record_step(&w, "container", "c-1", T0 + minutes(1))
        .unwrap();
    claimed.park(&w, T0 + minutes(10), T0 + minutes(1)).unwrap();
    jobs.save_leased(&claimed, &w).await.unwrap();
    assert_eq!(
        jobs.claim_due(&w, T0 + minutes(9), 1, lease).await.unwrap(),
        vec![]
    );

    let now = T0 + minutes(10);
    let again = jobs.claim_due(&w, now, 1, lease).await.unwrap();
    let mut expected = claimed.clone();
    expected.claim(w.clone(), now, lease).unwrap();
    assert_eq!(again, vec![expected]);
    assert_eq!(again[0].attempts, 1);
    assert!(!again[0].progress.parked);
    assert_eq!(again[0].progress.step("container"), Some("c-1"));
}

pub async fn renew_lease_and_save_leased_need_the_lease(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let (holder, other) = (worker("holder"), worker("other"));
    let created = due_job(&alice, T0);
    jobs.create(None, std::slice::from_ref(&created))
        .await
        .unwrap();
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

pub async fn save_user_change_works_until_a_worker_claims_the_job(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let mut scheduled = job(
        &alice,
        ConnectionId::new(),
        Platform::X,
        T0,
        Some(T0 + minutes(30)),
    );
    jobs.create(None, std::slice::from_ref(&scheduled))
        .await
        .unwrap();

    scheduled
        .reschedule(T0 + minutes(90), T0 + minutes(1))
        .unwrap();
    jobs.save_user_change(&scheduled, JobStatus::Scheduled)
        .await
        .unwrap();
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
    let error = jobs
        .save_user_change(&stale, JobStatus::Scheduled)
        .await
        .unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
    assert_eq!(
        jobs.get(&alice, scheduled.id).await.unwrap(),
        Some(claimed[0].clone())
    );

    let error = jobs
        .save_user_change(&due_job(&alice, T0), JobStatus::Pending)
        .await
        .unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
}

pub async fn save_user_change_needs_the_expected_status(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let mut pending = due_job(&alice, T0);
    jobs.create(None, std::slice::from_ref(&pending))
        .await
        .unwrap();
    pending.cancel(T0 + minutes(1)).unwrap();
    let error = jobs
        .save_user_change(&pending, JobStatus::Scheduled)
        .await
        .unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
    jobs.save_user_change(&pending, JobStatus::Pending)
        .await
        .unwrap();
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

    let error = jobs
        .save_user_change(&pending, JobStatus::Pending)
        .await
        .unwrap_err();
    assert!(matches!(error, RepositoryError::Conflict(_)), "{error:?}");
}

pub async fn a_failed_job_retried_by_its_user_is_claimed_again(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let w = worker("w");
    jobs.create(None, &[due_job(&alice, T0)]).await.unwrap();
    let mut failed = jobs
        .claim_due(&w, T0, 1, minutes(5))
        .await
        .unwrap()
        .remove(0);
    failed
        .fail(
            &w,
            "duplicate_content",
            "the platform refused it",
            Some(UserAction::EditContent),
            T0 + minutes(1),
        )
        .unwrap();
    jobs.save_leased(&failed, &w).await.unwrap();
    let stored = jobs.get(&alice, failed.id).await.unwrap().unwrap();
    assert_eq!(stored.user_action, Some(UserAction::EditContent));
    assert_eq!(stored, failed);

    let mut retried = stored.clone();
    retried.retry_by_user(T0 + minutes(2)).unwrap();
    jobs.save_user_change(&retried, JobStatus::Failed)
        .await
        .unwrap();
    assert_eq!(
        jobs.get(&alice, failed.id).await.unwrap(),
        Some(retried.clone())
    );
    let again = jobs
        .claim_due(&w, T0 + minutes(2), 1, minutes(5))
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 1);
}

pub async fn missed_and_unknown_outcomes_are_stored_and_resolved(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let w = worker("w");
    let (late, unsure) = (due_job(&alice, T0), due_job(&alice, T0));
    jobs.create(None, &[late.clone(), unsure.clone()])
        .await
        .unwrap();
    let claimed = jobs.claim_due(&w, T0, 2, minutes(5)).await.unwrap();
    let by_id = |id: JobId| claimed.iter().find(|j| j.id == id).unwrap().clone();
    let (mut late, mut unsure) = (by_id(late.id), by_id(unsure.id));

    late.mark_missed(&w, "picked up 3 hours late", T0 + minutes(1))
        .unwrap();
    jobs.save_leased(&late, &w).await.unwrap();
    unsure.begin_final_call(&w, T0 + minutes(1)).unwrap();
    jobs.save_leased(&unsure, &w).await.unwrap();
    unsure
        .mark_outcome_unknown(&w, "the platform cannot tell", T0 + minutes(2))
        .unwrap();
    jobs.save_leased(&unsure, &w).await.unwrap();

    let stored_late = jobs.get(&alice, late.id).await.unwrap().unwrap();
    assert_eq!(
        (stored_late.status, stored_late.error_code.as_deref()),
        (JobStatus::Missed, Some(MISSED))
    );
    assert_eq!(stored_late, late);
    let stored_unsure = jobs.get(&alice, unsure.id).await.unwrap().unwrap();
    assert_eq!(
        (stored_unsure.status, stored_unsure.error_code.as_deref()),
        (JobStatus::OutcomeUnknown, Some(OUTCOME_UNKNOWN))
    );
    assert_eq!(stored_unsure.user_action, Some(UserAction::CheckAccount));
    assert_eq!(stored_unsure, unsure);

    unsure
        .resolve(true, Some("https://x.com/a/1".into()), T0 + minutes(3))
        .unwrap();
    jobs.save_user_change(&unsure, JobStatus::OutcomeUnknown)
        .await
        .unwrap();
    assert_eq!(jobs.get(&alice, unsure.id).await.unwrap(), Some(unsure));
}

pub async fn next_due_at_is_when_the_earliest_waiting_job_falls_due(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    assert_eq!(jobs.next_due_at().await.unwrap(), None);
    let later = job(
        &alice,
        ConnectionId::new(),
        Platform::X,
        T0,
        Some(T0 + minutes(60)),
    );
    let sooner = job(
        &alice,
        ConnectionId::new(),
        Platform::X,
        T0,
        Some(T0 + minutes(20)),
    );
    let mut cancelled = job(
        &alice,
        ConnectionId::new(),
        Platform::X,
        T0,
        Some(T0 + minutes(5)),
    );
    cancelled.cancel(T0).unwrap();
    jobs.create(None, &[later, sooner, cancelled])
        .await
        .unwrap();
    assert_eq!(jobs.next_due_at().await.unwrap(), Some(T0 + minutes(20)));

    // A job being processed waits for no one.
    jobs.create(None, &[due_job(&user("bob"), T0 - minutes(1))])
        .await
        .unwrap();
    assert_eq!(jobs.next_due_at().await.unwrap(), Some(T0 - minutes(1)));
    jobs.claim_due(&worker("w"), T0, 1, minutes(5))
        .await
        .unwrap();
    assert_eq!(jobs.next_due_at().await.unwrap(), Some(T0 + minutes(20)));
}

pub async fn count_by_status_counts_every_users_jobs(repos: Repos) {
    let jobs = repos.jobs;
    let nonzero = |counts: Vec<(JobStatus, u64)>| {
        let mut counts: Vec<(JobStatus, u64)> =
            counts.into_iter().filter(|(_, n)| *n > 0).collect();
        counts.sort_by_key(|(status, _)| status.as_str());
        counts
    };
    assert_eq!(nonzero(jobs.count_by_status().await.unwrap()), vec![]);

    let (alice, bob) = (user("alice"), user("bob"));
    let mut cancelled = due_job(&bob, T0);
    cancelled.cancel(T0).unwrap();
    let scheduled = job(
        &alice,
        ConnectionId::new(),
        Platform::X,
        T0,
        Some(T0 + minutes(5)),
    );
    jobs.create(
        None,
        &[due_job(&alice, T0), due_job(&bob, T0), cancelled, scheduled],
    )
    .await
    .unwrap();
    jobs.claim_due(&worker("w"), T0, 1, minutes(5))
        .await
        .unwrap();

    let counts = jobs.count_by_status().await.unwrap();
    for status in JobStatus::ALL {
        let listed = counts.iter().filter(|(s, _)| *s == status).count();
        assert!(listed <= 1, "{status} listed {listed} times");
    }
    let mut expected = vec![
        (JobStatus::Cancelled, 1),
        (JobStatus::Pending, 1),
        (JobStatus::Processing, 1),
        (JobStatus::Scheduled, 1),
    ];
    expected.sort_by_key(|(status, _)| status.as_str());
    assert_eq!(nonzero(counts), expected);
}

pub async fn recover_expired_leases_requeues_jobs_whose_worker_died(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let lease = minutes(5);
    jobs.create(None, &[due_job(&alice, T0)]).await.unwrap();
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

pub async fn recover_expired_leases_keeps_the_commit_marker_for_reconciliation(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let w = worker("dead");
    let older = due_job(&alice, T0 - minutes(1));
    jobs.create(None, &[due_job(&alice, T0), older.clone()])
        .await
        .unwrap();
    let mut claimed = jobs.claim_due(&w, T0, 2, minutes(5)).await.unwrap();
    assert_eq!(claimed[0].id, older.id);
    let mut in_final_call = claimed.remove(0);
    in_final_call.begin_final_call(&w, T0 + minutes(1)).unwrap();
    jobs.save_leased(&in_final_call, &w).await.unwrap();
    jobs.renew_lease(claimed[0].id, &w, T0 + minutes(20))
        .await
        .unwrap();

    let now = T0 + minutes(10);
    let recovered = jobs.recover_expired_leases(now, 10).await.unwrap();
    assert_eq!(recovered.len(), 1, "the other job's lease was renewed");
    let requeued = &recovered[0];
    assert_eq!(requeued.id, in_final_call.id);
    assert_eq!(requeued.status, JobStatus::Pending);
    assert!(requeued.progress.needs_reconciliation());
    assert_eq!(
        jobs.get(&alice, requeued.id).await.unwrap().as_ref(),
        Some(requeued)
    );

    // The next claim gets the marker, so that it looks for the post before anything else.
    let again = jobs
        .claim_due(&worker("alive"), now, 10, minutes(5))
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert!(again[0].progress.needs_reconciliation());
    assert_eq!(
        again[0].progress.final_call_started_at,
        Some(T0 + minutes(1))
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
        step: None,
        http_status: None,
        platform_error_code: None,
        message: None,
    }
}

pub async fn attempts_are_recorded_updated_and_listed_for_the_owner(repos: Repos) {
    let jobs = repos.jobs;
    let (alice, mallory) = (user("alice"), user("mallory"));
    let created = due_job(&alice, T0);
    let other_job = due_job(&alice, T0);
    jobs.create(None, &[created.clone(), other_job.clone()])
        .await
        .unwrap();

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
    first.step = Some("upload_media".into());
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

pub async fn a_job_and_its_attempt_are_saved_together_or_not_at_all(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let (holder, other) = (worker("holder"), worker("other"));
    let created = due_job(&alice, T0);
    jobs.create(None, std::slice::from_ref(&created))
        .await
        .unwrap();
    let mut claimed = jobs
        .claim_due(&holder, T0, 1, minutes(5))
        .await
        .unwrap()
        .remove(0);
    claimed
        .record_step(&holder, "upload", "upload-123", T0 + minutes(1))
        .unwrap();
    let mut running = attempt(claimed.id, 1, AttemptOutcome::Running);

    // Without the lease, neither is written.
    let error = jobs
        .save_leased_with_attempt(&claimed, &other, &running)
        .await
        .unwrap_err();
    assert!(
        matches!(error, RepositoryError::LeaseNotHeld(id) if id == claimed.id),
        "{error:?}"
    );
    assert_eq!(
        jobs.list_attempts(&alice, claimed.id).await.unwrap(),
        vec![]
    );
    assert_eq!(
        jobs.get(&alice, claimed.id)
            .await
            .unwrap()
            .unwrap()
            .progress
            .step("upload"),
        None
    );

    // The holder stores both: the step and the attempt's start...
    jobs.save_leased_with_attempt(&claimed, &holder, &running)
        .await
        .unwrap();
    assert_eq!(
        jobs.get(&alice, claimed.id).await.unwrap(),
        Some(claimed.clone())
    );
    assert_eq!(
        jobs.list_attempts(&alice, claimed.id).await.unwrap(),
        vec![running.clone()]
    );

    // ...then the completion and the attempt's end, which replaces its start.
    claimed
        .mark_published(&holder, "post-1".into(), None, T0 + minutes(2))
        .unwrap();
    running.finished_at = Some(T0 + minutes(2));
    running.outcome = AttemptOutcome::Published;
    jobs.save_leased_with_attempt(&claimed, &holder, &running)
        .await
        .unwrap();
    assert_eq!(
        jobs.get(&alice, claimed.id).await.unwrap(),
        Some(claimed.clone())
    );
    assert_eq!(
        jobs.list_attempts(&alice, claimed.id).await.unwrap(),
        vec![running]
    );
}

/// `count` due jobs of `user` claimed by `holder`, each past its upload step (not yet saved),
/// with a running attempt each.
async fn claimed_mid_upload(
    jobs: &dyn JobRepository,
    user: &UserId,
    holder: &WorkerId,
    count: u32,
) -> (Vec<PublishJob>, Vec<JobAttempt>) {
    let created: Vec<PublishJob> = (0..count).map(|_| due_job(user, T0)).collect();
    jobs.create(None, &created).await.unwrap();
    let mut claimed = jobs.claim_due(holder, T0, count, minutes(5)).await.unwrap();
    assert_eq!(claimed.len(), count as usize);
    for (n, job) in claimed.iter_mut().enumerate() {
        job.record_step(holder, "upload", &format!("upload-{n}"), T0 + minutes(1))
            .unwrap();
    }
    let attempts = claimed
        .iter()
        .map(|job| attempt(job.id, 1, AttemptOutcome::Running))
        .collect();
    (claimed, attempts)
}

/// A burst of saves larger than one statement takes (a busy worker's whole batch finishing at
/// once) is stored whole, whichever statement each save rides in.
pub async fn a_burst_of_saves_is_stored_whole(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let holder = worker("holder");
    let (claimed, attempts) = claimed_mid_upload(jobs.as_ref(), &alice, &holder, 300).await;
    let saves = claimed
        .iter()
        .zip(&attempts)
        .map(|(job, attempt)| jobs.save_leased_with_attempt(job, &holder, attempt));
    let answers = futures_util::future::join_all(saves).await;

    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    for (n, job) in claimed.iter().enumerate() {
        let stored = jobs.get(&alice, job.id).await.unwrap().unwrap();
        assert_eq!(
            stored.progress.step("upload"),
            Some(format!("upload-{n}").as_str())
        );
        assert_eq!(jobs.list_attempts(&alice, job.id).await.unwrap().len(), 1);
    }
}

/// Saves from many jobs at once (a worker's in-flight jobs) may share a commit: each still
/// gets its own answer, and one lost lease fails only its own save.
pub async fn concurrent_saves_each_get_their_own_answer(repos: Repos) {
    let jobs = repos.jobs;
    let alice = user("alice");
    let (holder, other) = (worker("holder"), worker("other"));
    let (claimed, attempts) = claimed_mid_upload(jobs.as_ref(), &alice, &holder, 6).await;
    let saves = claimed
        .iter()
        .zip(&attempts)
        .enumerate()
        .map(|(n, (job, attempt))| {
            let jobs = &jobs;
            let (holder, other) = (&holder, &other);
            async move {
                match n {
                    0 => jobs.save_leased(job, other).await,
                    1 => jobs.save_leased_with_attempt(job, other, attempt).await,
                    n if n % 2 == 0 => jobs.save_leased(job, holder).await,
                    _ => jobs.save_leased_with_attempt(job, holder, attempt).await,
                }
            }
        });
    let answers = futures_util::future::join_all(saves).await;

    for (n, (answer, job)) in answers.iter().zip(&claimed).enumerate() {
        let stored = jobs.get(&alice, job.id).await.unwrap().unwrap();
        let recorded = jobs.list_attempts(&alice, job.id).await.unwrap();
        if n < 2 {
            assert!(
                matches!(answer, Err(RepositoryError::LeaseNotHeld(id)) if *id == job.id),
                "{answer:?}"
            );
            assert_eq!(stored.progress.step("upload"), None);
            assert!(recorded.is_empty());
        } else {
            assert!(answer.is_ok(), "{answer:?}");
            assert_eq!(&stored, job);
            assert_eq!(recorded.len(), usize::from(n % 2 == 1));
        }
    }
}
