//! A pool with no free connection answers `Unavailable` once `wait_timeout` has passed,
//! instead of queueing forever.

use std::time::Duration;

use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use socialpub_domain::{LoginPath, Platform};
use socialpub_persistence::{Database, PersistenceError, PoolSettings};
use socialpub_ports::{OAuthState, RepositoryError};

use crate::contract::fixtures::{T0, digest, minutes, user};
use crate::harness::postgres::PostgresBackend;
use crate::harness::sqlite::SqliteBackend;

fn one_connection() -> PoolSettings {
    PoolSettings {
        max_size: 1,
        wait_timeout: Duration::from_millis(200),
        // Long enough that the blocked writer outlives the test's second request.
        busy_timeout: Duration::from_secs(30),
        ..PoolSettings::default()
    }
}

fn state(value: &str) -> OAuthState {
    OAuthState {
        digest: digest(value),
        user_id: user("alice"),
        platform: Platform::Linkedin,
        login: LoginPath::Native,
        code_verifier: None,
        created_at: T0,
        expires_at: T0 + minutes(10),
    }
}

/// With the pool's one connection stuck behind `blocked` (a write that waits for a lock held
/// elsewhere), other requests fail as unavailable; once the lock goes, the stuck one finishes.
async fn exhausted_pool_is_unavailable(database: &Database, release: impl AsyncFnOnce()) {
    database.ping().await.unwrap();
    let states = database.oauth_states();
    let stuck = tokio::spawn({
        let states = states.clone();
        async move { states.put(&state("stuck"), 20).await }
    });
    wait_until_in_use(database).await;

    let error = states.take(&digest("other"), None).await.unwrap_err();
    assert!(
        matches!(error, RepositoryError::Unavailable(_)),
        "{error:?}"
    );
    let error = database.ping().await.unwrap_err();
    assert!(
        matches!(error, PersistenceError::Unavailable { .. }),
        "{error:?}"
    );

    release().await;
    stuck.await.unwrap().unwrap();
    assert!(states.take(&digest("stuck"), None).await.unwrap().is_some());
}

/// Waits (bounded) until the spawned request holds the pool's only connection.
async fn wait_until_in_use(database: &Database) {
    for _ in 0..1000 {
        let status = database.pool_status();
        if status.size == 1 && status.available == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!(
        "the request never took the connection: {:?}",
        database.pool_status()
    );
}

#[tokio::test]
async fn postgres_pool_exhaustion_is_unavailable() {
    let env = PostgresBackend::with_settings(one_connection()).await;
    let mut locker = AsyncPgConnection::establish(env.url()).await.unwrap();
    locker
        .batch_execute("BEGIN; LOCK TABLE oauth_states IN ACCESS EXCLUSIVE MODE;")
        .await
        .unwrap();
    exhausted_pool_is_unavailable(env.database(), async || {
        locker.batch_execute("COMMIT").await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn sqlite_pool_exhaustion_is_unavailable() {
    let env = SqliteBackend::with_settings(one_connection()).await;
    let mut locker =
        SyncConnectionWrapper::<diesel::SqliteConnection>::establish(&env.file().to_string_lossy())
            .await
            .unwrap();
    locker.batch_execute("BEGIN EXCLUSIVE").await.unwrap();
    exhausted_pool_is_unavailable(env.database(), async || {
        locker.batch_execute("COMMIT").await.unwrap();
    })
    .await;
}
