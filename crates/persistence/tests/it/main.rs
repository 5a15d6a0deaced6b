//! The persistence crate's one integration test binary.
//!
//! - `contract`: the repository contract suite, written once and run against PostgreSQL,
//!   SQLite and the in-memory fakes of `socialpub-ports`.
//! - `claims`: a claim brings each job's own connection, on PostgreSQL and SQLite.
//! - `concurrency`: concurrent claimers never share a job, and concurrent copies of a request
//!   make one claim of its idempotency key (PostgreSQL and SQLite).
//! - `connection_events`: connection changes and their webhook events are one write
//!   (`connection.expiring` once per end across workers), and webhook secrets are stored
//!   sealed (PostgreSQL and SQLite).
//! - `migrations`: up, revert all, up again, on both backends.
//! - `pool`: an exhausted pool answers `Unavailable`.
//! - `database`: URL handling and readiness.
//! - `wakeups`: idle workers wake when a job becomes claimable (LISTEN/NOTIFY across processes
//!   on PostgreSQL, in-process on SQLite), and the listener survives losing its connection.
//! - `tls`: `sslmode` and `sslrootcert` against the server's own certificate; these need a
//!   server with `ssl = on` whose certificate file this process can read.
//!
//! PostgreSQL tests need a server: `TEST_DATABASE_URL`, else a postgres `DATABASE_URL`, else
//! `postgres://postgres@127.0.0.1:5432/postgres`. Each test creates and drops its own database;
//! an unreachable server fails the tests, it never skips them.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]

mod claims;
mod concurrency;
mod connection_events;
mod contract;
mod database;
mod harness;
mod metrics_scheduling;
mod migrations;
mod pool;
mod tls;
mod wakeups;
