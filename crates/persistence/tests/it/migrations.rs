//! Every migration's down undoes its up: up, revert all, nothing of ours is left, up again;
//! and both backends end up with the same tables and columns.

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use socialpub_persistence::{Database, PoolSettings};

use crate::contract::fixtures::{T0, connection, user};
use crate::harness::postgres::PostgresBackend;
use crate::harness::sqlite::SqliteBackend;

const TABLES: [&str; 6] = [
    "idempotency_keys",
    "job_attempts",
    "oauth_states",
    "posts",
    "publish_jobs",
    "social_connections",
];

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Our tables and indexes (not diesel's own bookkeeping table).
const POSTGRES_OBJECTS: &str = "SELECT c.relname::text AS name FROM pg_class c \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 'S', 'v') \
     AND c.relname NOT LIKE '\\_\\_diesel%' ORDER BY 1";
const SQLITE_OBJECTS: &str = "SELECT name FROM sqlite_master \
     WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_\\_diesel%' ESCAPE '\\' \
     ORDER BY 1";

async fn postgres_objects(url: &str) -> Vec<String> {
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    let names: Vec<Name> = diesel::sql_query(POSTGRES_OBJECTS)
        .load(&mut conn)
        .await
        .unwrap();
    names.into_iter().map(|n| n.name).collect()
}

async fn sqlite_objects(file: &std::path::Path) -> Vec<String> {
    let mut conn =
        SyncConnectionWrapper::<diesel::SqliteConnection>::establish(&file.to_string_lossy())
            .await
            .unwrap();
    let names: Vec<Name> = diesel::sql_query(SQLITE_OBJECTS)
        .load(&mut conn)
        .await
        .unwrap();
    names.into_iter().map(|n| n.name).collect()
}

/// Runs the round trip; `objects` lists the schema objects of ours that exist.
async fn up_down_up<F, Fut>(database: &Database, objects: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Vec<String>>,
{
    let applied = database.run_migrations().await.unwrap();
    assert!(!applied.is_empty());
    let schema = objects().await;
    for table in TABLES {
        assert!(
            schema.iter().any(|name| name == table),
            "{table} missing from {schema:?}"
        );
    }
    assert_eq!(
        database.run_migrations().await.unwrap(),
        Vec::<String>::new()
    );

    let mut reverted = database.revert_all_migrations().await.unwrap();
    reverted.reverse();
    assert_eq!(reverted, applied);
    assert_eq!(
        objects().await,
        Vec::<String>::new(),
        "down left objects behind"
    );

    assert_eq!(database.run_migrations().await.unwrap(), applied);
    assert_eq!(
        objects().await,
        schema,
        "up after down builds the same schema"
    );
    let alice = user("alice");
    let saved = connection(&alice, socialpub_domain::Platform::X, "42", T0);
    database.connections().save(&saved).await.unwrap();
    assert_eq!(
        database.connections().get(&alice, saved.id).await.unwrap(),
        Some(saved)
    );
}

#[tokio::test]
async fn postgres_migrations_go_up_down_and_up_again() {
    let env = PostgresBackend::empty(PoolSettings::default()).await;
    assert_eq!(postgres_objects(env.url()).await, Vec::<String>::new());
    up_down_up(env.database(), || postgres_objects(env.url())).await;
}

#[tokio::test]
async fn sqlite_migrations_go_up_down_and_up_again() {
    let env = SqliteBackend::with_settings(PoolSettings::default()).await;
    // The harness migrated it already; start from nothing.
    env.database().revert_all_migrations().await.unwrap();
    assert_eq!(sqlite_objects(&env.file()).await, Vec::<String>::new());
    let file = env.file();
    up_down_up(env.database(), || sqlite_objects(&file)).await;
}

/// Every table's columns, as `table.column`.
const POSTGRES_COLUMNS: &str = "SELECT (table_name || '.' || column_name)::text AS name \
     FROM information_schema.columns WHERE table_schema = 'public' \
     AND table_name NOT LIKE '\\_\\_diesel%' ORDER BY 1";
const SQLITE_COLUMNS: &str = "SELECT m.name || '.' || c.name AS name \
     FROM sqlite_master m JOIN pragma_table_info(m.name) c \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
     AND m.name NOT LIKE '\\_\\_diesel%' ESCAPE '\\' ORDER BY 1";

/// The two migration sets are twins: one schema module and one copy of every query serve both.
#[tokio::test]
async fn both_backends_have_the_same_tables_and_columns() {
    let postgres = PostgresBackend::with_settings(PoolSettings::default()).await;
    let sqlite = SqliteBackend::with_settings(PoolSettings::default()).await;

    let mut conn = AsyncPgConnection::establish(postgres.url()).await.unwrap();
    let on_postgres: Vec<Name> = diesel::sql_query(POSTGRES_COLUMNS)
        .load(&mut conn)
        .await
        .unwrap();
    let mut conn = SyncConnectionWrapper::<diesel::SqliteConnection>::establish(
        &sqlite.file().to_string_lossy(),
    )
    .await
    .unwrap();
    let on_sqlite: Vec<Name> = diesel::sql_query(SQLITE_COLUMNS)
        .load(&mut conn)
        .await
        .unwrap();

    // Sorted here: the two databases collate text differently.
    let names = |rows: Vec<Name>| {
        let mut names: Vec<String> = rows.into_iter().map(|n| n.name).collect();
        names.sort();
        names
    };
    let on_postgres = names(on_postgres);
    assert!(on_postgres.contains(&"publish_jobs.user_action".to_owned()));
    assert_eq!(on_postgres, names(on_sqlite));
}
