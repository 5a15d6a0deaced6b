//! The schema migrations, embedded in the binary (one set per backend, same schema), and how
//! to run them without blocking the async runtime.
//!
//! diesel's migration harness is synchronous. It runs here on tokio's blocking pool, on a
//! pooled connection wrapped in diesel-async's `AsyncConnectionWrapper`, which drives the async
//! connection from that blocking thread. (diesel-async's `AsyncMigrationHarness` would use
//! `block_in_place`, which panics on a current-thread runtime such as `#[tokio::test]`'s.)

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationVersion;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use socialpub_ports::BoxError;

use crate::store::Store;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Serializes migration runs of several processes starting at once against one PostgreSQL
/// (a session-level advisory lock; the number is arbitrary but fixed: "socialpub").
const POSTGRES_LOCK: &str = "SELECT pg_advisory_lock(7336625128763413);";
const POSTGRES_UNLOCK: &str = "SELECT pg_advisory_unlock(7336625128763413);";

#[derive(Debug, Clone, Copy)]
pub(crate) enum Direction {
    /// Apply every pending migration.
    Up,
    /// Revert every applied migration, newest first.
    RevertAll,
}

/// Runs the migrations in `direction`; returns the versions applied or reverted.
pub(crate) async fn run(store: &Store, direction: Direction) -> Result<Vec<String>, BoxError> {
    /// The same steps for both backends; only the connection type and the migration set
    /// differ. `$lock` and `$unlock` are SQL run around the migrations on that connection.
    macro_rules! migrate {
        ($pool:expr, $connection:ty, $migrations:expr, $lock:expr, $unlock:expr) => {{
            let pooled = $pool.get().await?;
            tokio::task::spawn_blocking(move || -> Result<Vec<String>, BoxError> {
                let mut harness: AsyncConnectionWrapper<_> =
                    AsyncConnectionWrapper::<$connection>::from(pooled);
                harness.batch_execute($lock)?;
                let outcome = match direction {
                    Direction::Up => harness.run_pending_migrations($migrations).map(versions),
                    Direction::RevertAll => {
                        harness.revert_all_migrations($migrations).map(versions)
                    }
                };
                // Unlock whatever happened: the connection goes back to the pool.
                harness.batch_execute($unlock)?;
                outcome
            })
            .await?
        }};
    }

    match store {
        Store::Postgres(pool) => migrate!(
            pool,
            diesel_async::pooled_connection::deadpool::Object<diesel_async::AsyncPgConnection>,
            POSTGRES,
            POSTGRES_LOCK,
            POSTGRES_UNLOCK
        ),
        // SQLite takes its own write lock for each migration's transaction.
        Store::Sqlite(pool) => migrate!(
            pool,
            diesel_async::pooled_connection::deadpool::Object<crate::store::SqliteConnection>,
            SQLITE,
            "",
            ""
        ),
    }
}

fn versions(applied: Vec<MigrationVersion<'_>>) -> Vec<String> {
    applied.iter().map(ToString::to_string).collect()
}
