//! A claim reads each job's connection in the same round trip (the worker needs its token
//! next), and only the job's own: same id, same user.

use socialpub_domain::{ConnectionId, JobId, Platform};
use socialpub_ports::ClaimedJob;

use crate::contract::fixtures::{T0, connection, job, minutes, user, worker};
use crate::harness::postgres::PostgresBackend;
use crate::harness::sqlite::SqliteBackend;
use crate::harness::{Repos, TestBackend};

async fn a_claim_brings_each_jobs_own_connection(repos: Repos) {
    let (alice, bob) = (user("alice"), user("bob"));
    let alices = connection(&alice, Platform::X, "1", T0);
    let bobs = connection(&bob, Platform::X, "2", T0);
    let removed = connection(&alice, Platform::X, "3", T0);
    for c in [&alices, &bobs, &removed] {
        repos.connections.save(c).await.unwrap();
    }
    repos.connections.delete(&alice, removed.id).await.unwrap();
    let on_alices = job(&alice, alices.id, Platform::X, T0 - minutes(4), None);
    let again_on_alices = job(&alice, alices.id, Platform::X, T0 - minutes(3), None);
    // A job naming Bob's connection under Alice must not be handed Bob's token.
    let on_bobs = job(&alice, bobs.id, Platform::X, T0 - minutes(2), None);
    let on_removed = job(&alice, removed.id, Platform::X, T0 - minutes(1), None);
    let on_unknown = job(&alice, ConnectionId::new(), Platform::X, T0, None);
    for j in [
        &on_alices,
        &again_on_alices,
        &on_bobs,
        &on_removed,
        &on_unknown,
    ] {
        repos
            .jobs
            .create(None, std::slice::from_ref(j))
            .await
            .unwrap();
    }

    let claimed = repos
        .jobs
        .claim_due_with_connections(&worker("w"), T0, 10, minutes(5))
        .await
        .unwrap();

    let seen: Vec<(JobId, Option<ConnectionId>)> = claimed
        .iter()
        .map(|ClaimedJob { job, connection }| (job.id, connection.as_ref().map(|c| c.id)))
        .collect();
    assert_eq!(
        seen,
        vec![
            (on_alices.id, Some(alices.id)),
            (again_on_alices.id, Some(alices.id)),
            (on_bobs.id, None),
            (on_removed.id, None),
            (on_unknown.id, None),
        ]
    );
    assert_eq!(claimed[0].connection.as_ref(), Some(&alices));
    for c in &claimed {
        assert_eq!(
            repos.jobs.get(&alice, c.job.id).await.unwrap().as_ref(),
            Some(&c.job),
            "the claimed job is returned as stored"
        );
    }
}

#[tokio::test]
async fn postgres_a_claim_brings_each_jobs_own_connection() {
    let env = PostgresBackend::start().await;
    a_claim_brings_each_jobs_own_connection(env.repos()).await;
}

#[tokio::test]
async fn sqlite_a_claim_brings_each_jobs_own_connection() {
    let env = SqliteBackend::start().await;
    a_claim_brings_each_jobs_own_connection(env.repos()).await;
}
