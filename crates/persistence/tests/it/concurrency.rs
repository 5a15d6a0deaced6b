//! Concurrent workers share one queue: every due job is claimed exactly once, and concurrent
//! retries of one request create one job.

use std::collections::HashSet;

use socialpub_domain::{JobId, JobStatus};
use socialpub_persistence::PoolSettings;
use socialpub_ports::{CreatedJob, JobFilter, PageRequest};

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
        repos.jobs.create(&job).await.unwrap();
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

/// Several copies of one request race to create a job with the same idempotency key.
async fn concurrent_retries_create_one_job(repos: Repos, copies: usize) {
    let alice = user("alice");
    let tasks: Vec<_> = (0..copies)
        .map(|_| {
            let jobs = repos.jobs.clone();
            let mut job = due_job(&alice, T0);
            job.idempotency_key = Some(key("same-request"));
            tokio::spawn(async move { jobs.create(&job).await.unwrap() })
        })
        .collect();
    let mut created = Vec::new();
    let mut existing = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            CreatedJob::Created(job) => created.push(job.id),
            CreatedJob::Existing(job) => existing.push(job.id),
        }
    }
    assert_eq!(created.len(), 1, "exactly one request creates the job");
    assert!(existing.iter().all(|id| *id == created[0]));
    let all = repos
        .jobs
        .list(&alice, &JobFilter::default(), PageRequest::default())
        .await;
    assert_eq!(all.unwrap().total, 1);
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
async fn postgres_concurrent_retries_create_one_job() {
    let env = PostgresBackend::with_settings(pool_of(8)).await;
    concurrent_retries_create_one_job(crate::harness::Repos::of(env.database()), 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_retries_create_one_job() {
    let env = SqliteBackend::with_settings(pool_of(4)).await;
    concurrent_retries_create_one_job(crate::harness::Repos::of(env.database()), 4).await;
}
