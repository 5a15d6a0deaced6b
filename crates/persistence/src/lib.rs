//! Socialpub's storage: the repository ports of `socialpub-ports` on PostgreSQL (production,
//! shared by any number of processes) and SQLite (the embedded default), through diesel,
//! diesel-async and a deadpool connection pool.
//!
//! ```no_run
//! # async fn demo() -> Result<(), socialpub_persistence::PersistenceError> {
//! use socialpub_persistence::{Database, PoolSettings};
//!
//! let database = Database::connect("sqlite://data/socialpub.db", PoolSettings::default())?;
//! database.run_migrations().await?;
//! let jobs = database.jobs(); // Arc<dyn JobRepository>
//! let idempotency = database.idempotency(); // Arc<dyn IdempotencyStore>
//! let wakeups = database.queue_wakeups().await; // Arc<dyn QueueWakeups>, one per process
//! # Ok(()) }
//! ```
//!
//! Both backends share one schema (the `schema` module uses portable SQL types), one
//! copy of every query and one contract test suite; the backend differences (SQLite stores
//! ids, instants and JSON as text; PostgreSQL claims jobs with `FOR UPDATE SKIP LOCKED` and
//! wakes idle workers with `LISTEN`/`NOTIFY`) stay inside this crate. No diesel, deadpool or
//! driver type appears in the public API.

mod backend;
mod connection_repository;
mod database;
mod database_url;
mod error;
mod group_commit;
mod idempotency_store;
mod job_repository;
mod leased_saves;
mod migrations;
mod oauth_state_store;
mod outbox;
mod page;
mod pool;
mod post_metrics;
mod postgres_tls;
mod rows;
mod schema;
mod sql_types;
mod store;
mod values;
mod wakeups;
mod webhook_repository;

pub use backend::Backend;
pub use database::Database;
pub use error::PersistenceError;
pub use pool::{PoolSettings, PoolStatus};
