//! Idle workers wake when a job becomes claimable: through LISTEN/NOTIFY across processes on
//! PostgreSQL, inside the process on SQLite.

use diesel::QueryableByName;
use diesel::sql_types::Bool;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use socialpub_persistence::{Database, PoolSettings};
use socialpub_ports::QueueWakeups;
use time::Duration;

use crate::contract::fixtures::{T0, due_job, minutes, user, worker};
use crate::harness::TestBackend as _;
use crate::harness::postgres::PostgresBackend;
use crate::harness::sqlite::SqliteBackend;

/// Longer than any wake-up should take, so that a failure shows as a failed test, not a hang.
const PROMPTLY: std::time::Duration = std::time::Duration::from_secs(10);

/// Nobody wakes the waiter: its wait runs on. (Checking for an absence takes some time.)
async fn assert_quiet(wakeups: &dyn QueueWakeups) {
    let woken = tokio::time::timeout(
        std::time::Duration::from_millis(200),
        wakeups.wait(Duration::hours(1)),
    )
    .await;
    assert!(woken.is_err(), "woken with nothing to do");
}

async fn assert_woken(wakeups: &dyn QueueWakeups) {
    tokio::time::timeout(PROMPTLY, wakeups.wait(Duration::hours(1)))
        .await
        .expect("the waiting worker was not woken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_job_stored_by_another_process_wakes_waiting_workers() {
    let env = PostgresBackend::start().await;
    let wakeups = env.database().queue_wakeups().await;
    tokio::time::timeout(PROMPTLY, wakeups.wait(Duration::milliseconds(20)))
        .await
        .expect("a wait ends with its timeout");
    assert_quiet(&*wakeups).await;

    // Another process: its own pool, and its own in-process waiters.
    let other = Database::connect(env.url(), PoolSettings::default()).unwrap();
    let job = due_job(&user("alice"), T0);
    let waiter = tokio::spawn({
        let wakeups = wakeups.clone();
        async move { assert_woken(&*wakeups).await }
    });
    other
        .jobs()
        .create(None, std::slice::from_ref(&job))
        .await
        .unwrap();
    waiter.await.unwrap();
    wakeups.wait(Duration::ZERO).await;

    // A write that fails is rolled back with its notification.
    other.jobs().create(None, &[job]).await.unwrap_err();
    assert_quiet(&*wakeups).await;

    // A job failing wakes nobody; taken back to the queue by its user, it does.
    let jobs = other.jobs();
    let mut failed = jobs
        .claim_due(&worker("w"), T0, 1, minutes(5))
        .await
        .unwrap()
        .remove(0);
    failed
        .fail(&worker("w"), "boom", "boom", None, T0 + minutes(1))
        .unwrap();
    jobs.save_leased(&failed, &worker("w")).await.unwrap();
    assert_quiet(&*wakeups).await;
    failed.retry_by_user(T0 + minutes(2)).unwrap();
    jobs.save_user_change(&failed, socialpub_domain::JobStatus::Failed)
        .await
        .unwrap();
    assert_woken(&*wakeups).await;
    other.close();
}

#[derive(QueryableByName)]
struct Terminated {
    #[diesel(sql_type = Bool)]
    terminated: bool,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_listener_comes_back_after_losing_its_connection() {
    let env = PostgresBackend::start().await;
    let wakeups = env.database().queue_wakeups().await;

    let mut admin = AsyncPgConnection::establish(env.url()).await.unwrap();
    let killed: Vec<Terminated> = diesel::sql_query(
        "SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = 'socialpub-listener'",
    )
    .load(&mut admin)
    .await
    .unwrap();
    assert_eq!(killed.len(), 1, "one listening session");
    assert!(killed[0].terminated);

    // Back on its feet, the listener wakes the waiters: news may have been lost meanwhile.
    assert_woken(&*wakeups).await;
    wakeups.wait(Duration::ZERO).await;
    assert_quiet(&*wakeups).await;

    // And it hears other processes again.
    let other = Database::connect(env.url(), PoolSettings::default()).unwrap();
    other
        .jobs()
        .create(None, &[due_job(&user("alice"), T0)])
        .await
        .unwrap();
    assert_woken(&*wakeups).await;
    other.close();
}

#[tokio::test]
async fn sqlite_a_job_stored_in_the_process_wakes_waiting_workers() {
    let env = SqliteBackend::start().await;
    let wakeups = env.database().queue_wakeups().await;
    assert_quiet(&*wakeups).await;

    let waiter = tokio::spawn({
        let wakeups = wakeups.clone();
        async move { assert_woken(&*wakeups).await }
    });
    env.database()
        .jobs()
        .create(None, &[due_job(&user("alice"), T0)])
        .await
        .unwrap();
    waiter.await.unwrap();
    wakeups.wait(Duration::ZERO).await;

    // A wake-up sent while no worker waits is kept for the next one to wait.
    env.database()
        .jobs()
        .create(None, &[due_job(&user("alice"), T0)])
        .await
        .unwrap();
    assert_woken(&*wakeups).await;
}
