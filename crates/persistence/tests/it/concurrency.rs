//! Concurrent workers share one queue: every due job is claimed exactly once, a user's change
//! and a worker's claim never both win, and of concurrent copies of one request (one
//! idempotency key) exactly one runs.

use std::collections::HashSet;

use socialpub_domain::{JobId, JobStatus};
use socialpub_persistence::PoolSettings;
use socialpub_ports::{IdempotencyClaim, JobFilter, PageRequest};

use crate::contract::fixtures::{T0, due_job, key, minutes, user, worker};
use crate::harness::Repos;
use crate::harness::postgres::PostgresBackend;
use crate::harness::sqlite::SqliteBackend;

/// Creates `count` due jobs, lets `claimers` workers claim `limit` at a time until the queue is
/// empty, and checks that each job went to exactly one of them, once.
async fn every_job_is_claimed_exactly_once(
    repos: Repos,
    count: usize,
    claimers: usize,
    limit: u32,
) {
    let alice = user("alice");
    let mut created = HashSet::new();
    for i in 0..count {
        let job = due_job(&alice, T0 - minutes(i as i64 % 7));
        repos
            .jobs
            .create(None, std::slice::from_ref(&job))
            .await
            .unwrap();
        created.insert(job.id);
    }

    let tasks: Vec<_> = (0..claimers)
        .map(|i| {
            let jobs = repos.jobs.clone();
            tokio::spawn(async move {
                let me = worker(&format!("worker-{i}"));
                let mut mine = Vec::new();
                loop {
                    let claimed = jobs.claim_due(&me, T0, limit, minutes(5)).await.unwrap();
                    if claimed.is_empty() {
                        return mine;
                    }
                    assert!(claimed.len() <= limit as usize);
                    for job in claimed {
                        assert_eq!(job.locked_by.as_ref(), Some(&me));
                        mine.push(job.id);
                    }
                }
            })
        })
        .collect();
    let mut claimed: Vec<JobId> = Vec::new();
    for task in tasks {
        claimed.extend(task.await.unwrap());
    }

    let unique: HashSet<JobId> = claimed.iter().copied().collect();
    assert_eq!(claimed.len(), unique.len(), "a job was claimed twice");
    assert_eq!(unique, created, "every job is claimed");

    let processing = JobFilter {
        status: Some(JobStatus::Processing),
        ..JobFilter::default()
    };
    let stored = repos
        .jobs
        .list(&alice, &processing, PageRequest::new(100, 0))
        .await
        .unwrap();
    assert_eq!(stored.total, count as u64);
    assert!(stored.items.iter().all(|job| job.attempts == 1));
}

/// Several copies of one request race to claim its idempotency key; they start together.
async fn concurrent_copies_of_a_request_run_once(repos: Repos, copies: usize) {
    let alice = user("alice");
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(copies));
    let tasks: Vec<_> = (0..copies)
        .map(|_| {
            let store = repos.idempotency.clone();
            let (alice, start) = (alice.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                store
                    .claim(
                        &alice,
                        &key("same-request"),
                        "POST /publish 1",
                        T0,
                        minutes(1),
                    )
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut claims = Vec::new();
    for task in tasks {
        claims.push(task.await.unwrap());
    }
    let proceeding = claims
        .iter()
        .filter(|c| **c == IdempotencyClaim::Proceed)
        .count();
    assert_eq!(proceeding, 1, "exactly one copy runs: {claims:?}");
    assert!(
        claims
            .iter()
            .all(|c| matches!(c, IdempotencyClaim::Proceed | IdempotencyClaim::InProgress)),
        "{claims:?}"
    );
}

/// Once the first holder died, copies racing to take its claim over: one wins.
async fn concurrent_takeovers_of_a_dead_claim_run_once(repos: Repos, copies: usize) {
    let alice = user("alice");
    let first = repos
        .idempotency
        .claim(&alice, &key("dead"), "POST /publish 1", T0, minutes(1))
        .await
        .unwrap();
    assert_eq!(first, IdempotencyClaim::Proceed);
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(copies));
    let tasks: Vec<_> = (0..copies)
        .map(|_| {
            let store = repos.idempotency.clone();
            let (alice, start) = (alice.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let later = T0 + minutes(2);
                store
                    .claim(&alice, &key("dead"), "POST /publish 1", later, minutes(1))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut proceeding = 0;
    for task in tasks {
        if task.await.unwrap() == IdempotencyClaim::Proceed {
            proceeding += 1;
        }
    }
    assert_eq!(proceeding, 1, "exactly one copy takes the claim over");
}

/// A user cancels `count` due jobs one by one while a worker claims them in batches: each job
/// ends either cancelled and never claimed, or claimed with the user told of the conflict.
async fn a_user_change_and_a_claim_never_both_win(repos: Repos, count: usize) {
    let alice = user("alice");
    let jobs: Vec<_> = (0..count).map(|_| due_job(&alice, T0)).collect();
    repos.jobs.create(None, &jobs).await.unwrap();

    let claimer = tokio::spawn({
        let repo = repos.jobs.clone();
        async move {
            let mut claimed = HashSet::new();
            loop {
                let batch = repo
                    .claim_due(&worker("w"), T0, 3, minutes(5))
                    .await
                    .unwrap();
                if batch.is_empty() {
                    return claimed;
                }
                claimed.extend(batch.into_iter().map(|job| job.id));
            }
        }
    });
    let mut cancelled = HashSet::new();
    for job in &jobs {
        let mut change = job.clone();
        change.cancel(T0 + minutes(1)).unwrap();
        match repos
            .jobs
            .save_user_change(&change, JobStatus::Pending)
            .await
        {
            Ok(()) => {
                cancelled.insert(job.id);
            }
            Err(socialpub_ports::RepositoryError::Conflict(_)) => {}
            Err(error) => panic!("{error:?}"),
        }
    }
    let claimed = claimer.await.unwrap();

    assert!(
        cancelled.is_disjoint(&claimed),
        "a job was cancelled and claimed"
    );
    assert_eq!(cancelled.len() + claimed.len(), count);
    for job in &jobs {
        let stored = repos.jobs.get(&alice, job.id).await.unwrap().unwrap();
        let expected = if cancelled.contains(&job.id) {
            JobStatus::Cancelled
        } else {
            JobStatus::Processing
        };
        assert_eq!(stored.status, expected);
    }
}

fn pool_of(max_size: usize) -> PoolSettings {
    PoolSettings {
        max_size,
        ..PoolSettings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_claimers_never_share_a_job() {
    let env = PostgresBackend::with_settings(pool_of(8)).await;
    every_job_is_claimed_exactly_once(crate::harness::Repos::of(env.database()), 100, 6, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_claimers_never_share_a_job() {
    let env = SqliteBackend::with_settings(pool_of(4)).await;
    every_job_is_claimed_exactly_once(crate::harness::Repos::of(env.database()), 40, 3, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_a_user_change_and_a_claim_never_both_win() {
    let env = PostgresBackend::with_settings(pool_of(4)).await;
    a_user_change_and_a_claim_never_both_win(crate::harness::Repos::of(env.database()), 60).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_a_user_change_and_a_claim_never_both_win() {
    let env = SqliteBackend::with_settings(pool_of(4)).await;
    a_user_change_and_a_claim_never_both_win(crate::harness::Repos::of(env.database()), 30).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_concurrent_copies_of_a_request_run_once() {
    let env = PostgresBackend::with_settings(pool_of(8)).await;
    let repos = crate::harness::Repos::of(env.database());
    concurrent_copies_of_a_request_run_once(repos.clone(), 8).await;
    concurrent_takeovers_of_a_dead_claim_run_once(repos, 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_copies_of_a_request_run_once() {
    let env = SqliteBackend::with_settings(pool_of(4)).await;
    let repos = crate::harness::Repos::of(env.database());
    concurrent_copies_of_a_request_run_once(repos.clone(), 4).await;
    concurrent_takeovers_of_a_dead_claim_run_once(repos, 4).await;
}
