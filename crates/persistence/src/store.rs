//! The one place where the two backends meet: a pool of either kind, and the macro that runs
//! the same diesel code on whichever one a [`Store`] holds.
//!
//! Queries are written once against the portable schema ([`crate::schema`]); the macro
//! expands each body once per backend, so each copy is type-checked against its own backend
//! and nothing is boxed or dispatched at run time. The few places where the backends really
//! differ (`FOR UPDATE SKIP LOCKED`, SQLite's `BEGIN IMMEDIATE`) use the macro's two-arm form.

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;

/// SQLite through diesel-async: every query runs on tokio's blocking pool, never on the
/// async workers.
pub(crate) type SqliteConnection = SyncConnectionWrapper<diesel::SqliteConnection>;

/// A connection pool for one of the two backends. Cheap to clone (the pools are shared).
#[derive(Clone)]
pub(crate) enum Store {
    Postgres(Pool<AsyncPgConnection>),
    Sqlite(Pool<SqliteConnection>),
}

impl Store {
    pub(crate) fn status(&self) -> deadpool::Status {
        match self {
            Store::Postgres(pool) => pool.status(),
            Store::Sqlite(pool) => pool.status(),
        }
    }

    /// Closes the pool: waiting and future `get`s fail, idle connections are dropped.
    pub(crate) fn close(&self) {
        match self {
            Store::Postgres(pool) => pool.close(),
            Store::Sqlite(pool) => pool.close(),
        }
    }
}

/// Takes a connection from the store's pool and evaluates the body with `$conn` bound to it
/// (`&mut AsyncPgConnection` or `&mut SqliteConnection`). The body evaluates to
/// `Result<T, DbError>`, and so does the macro; `?` inside the body returns from the macro,
/// not from the enclosing function.
///
/// ```text
/// let row = with_connection!(&self.store, |conn| {
///     Ok(table.find(id).first(conn).await.optional()?)
/// })?;
/// // or, where the backends differ:
/// with_connection!(&self.store, |conn| postgres => { ... }, sqlite => { ... })
/// ```
macro_rules! with_connection {
    ($store:expr, |$conn:ident| postgres => $postgres:expr, sqlite => $sqlite:expr $(,)?) => {{
        let outcome: ::core::result::Result<_, $crate::error::DbError> = async {
            match $store {
                $crate::store::Store::Postgres(pool) => {
                    let mut pooled = pool.get().await?;
                    let $conn: &mut ::diesel_async::AsyncPgConnection = &mut pooled;
                    $postgres
                }
                $crate::store::Store::Sqlite(pool) => {
                    let mut pooled = pool.get().await?;
                    let $conn: &mut $crate::store::SqliteConnection = &mut pooled;
                    $sqlite
                }
            }
        }
        .await;
        outcome
    }};
    ($store:expr, |$conn:ident| $body:expr) => {
        $crate::store::with_connection!($store, |$conn| postgres => $body, sqlite => $body)
    };
}

pub(crate) use with_connection;
