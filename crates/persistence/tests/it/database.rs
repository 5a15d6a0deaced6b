//! `Database` itself: picking the backend, readiness, and errors that never show a password.

use std::time::Duration;

use socialpub_domain::Platform;
use socialpub_persistence::{Backend, Database, PersistenceError, PoolSettings};
use socialpub_ports::RepositoryError;

use crate::contract::fixtures::{T0, connection, user};
use crate::harness::postgres::PostgresBackend;
use crate::harness::sqlite::SqliteBackend;

#[test]
fn an_unsupported_url_is_refused_without_its_password() {
    let error = Database::connect("mysql://root:hunter2@db/socialpub", PoolSettings::default())
        .unwrap_err();
    assert!(
        matches!(error, PersistenceError::UnsupportedUrl { .. }),
        "{error:?}"
    );
    let message = format!("{error} {error:?}");
    assert!(!message.contains("hunter2"), "{message}");
    assert!(
        message.contains("mysql://root:***@db/socialpub"),
        "{message}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_and_its_password_stays_hidden() {
    // Nothing listens on port 1.
    let url = "postgres://socialpub:hunter2@127.0.0.1:1/socialpub";
    let settings = PoolSettings {
        connect_timeout: Duration::from_secs(2),
        ..PoolSettings::default()
    };
    let database = Database::connect(url, settings).unwrap();
    assert_eq!(database.backend(), Backend::Postgres);

    let error = database.ping().await.unwrap_err();
    assert!(
        matches!(error, PersistenceError::Unavailable { .. }),
        "{error:?}"
    );
    let mut message = format!("{error} {error:?}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(&format!(" {cause}"));
        source = cause.source();
    }
    assert!(!message.contains("hunter2"), "{message}");

    let error = database
        .jobs()
        .get(&user("alice"), socialpub_domain::JobId::new())
        .await;
    assert!(
        matches!(error, Err(RepositoryError::Unavailable(_))),
        "{error:?}"
    );
}

#[tokio::test]
async fn ping_answers_on_both_backends() {
    let postgres = PostgresBackend::with_settings(PoolSettings::default()).await;
    postgres.database().ping().await.unwrap();
    assert_eq!(postgres.database().backend(), Backend::Postgres);

    let sqlite = SqliteBackend::with_settings(PoolSettings::default()).await;
    sqlite.database().ping().await.unwrap();
    assert_eq!(sqlite.database().backend(), Backend::Sqlite);
    assert!(
        sqlite.file().exists(),
        "connect creates the file's directory"
    );
}

#[tokio::test]
async fn an_in_memory_sqlite_database_keeps_its_data_while_open() {
    let database = Database::connect("sqlite::memory:", PoolSettings::default()).unwrap();
    assert_eq!(database.backend(), Backend::Sqlite);
    assert_eq!(database.pool_status().max_size, 1);
    database.run_migrations().await.unwrap();

    let alice = user("alice");
    let saved = connection(&alice, Platform::X, "42", T0);
    database.connections().save(&saved).await.unwrap();
    assert_eq!(
        database.connections().get(&alice, saved.id).await.unwrap(),
        Some(saved)
    );
}

/// The file holds OAuth states, PKCE verifiers and sealed tokens: nobody but the owner may
/// read it, its write-ahead log or the directory it was created in.
#[cfg(unix)]
#[tokio::test]
async fn a_new_sqlite_database_and_its_directory_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let sqlite = SqliteBackend::with_settings(PoolSettings::default()).await;
    let alice = user("alice");
    let saved = connection(&alice, Platform::X, "42", T0);
    sqlite.database().connections().save(&saved).await.unwrap();
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let file = sqlite.file();
    assert_eq!(mode(file.parent().unwrap()), 0o700, "the data directory");
    assert_eq!(mode(&file), 0o600, "the database file");
    let wal = file.with_extension("db-wal");
    assert!(wal.exists(), "WAL mode keeps a -wal file while open");
    assert_eq!(mode(&wal), 0o600, "the write-ahead log");
}
