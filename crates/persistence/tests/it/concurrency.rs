//! Concurrent workers share one queue: every due job is claimed exactly once, and of concurrent
//! copies of one request (one idempotency key) exactly one runs.

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
