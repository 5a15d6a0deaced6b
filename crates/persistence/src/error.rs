//! Errors of this crate. [`PersistenceError`] is what setting the store up can fail with;
//! `DbError` is the private error of a query, turned into the ports' [`RepositoryError`] before
//! it leaves a repository, so no diesel or deadpool type crosses the crate boundary.

use std::path::PathBuf;

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::deadpool::PoolError;
use socialpub_ports::{BoxError, RepositoryError};

use crate::Backend;

/// Why the store could not be set up, reached or migrated. Every variant names the database by
/// its URL with any password replaced by `***`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PersistenceError {
    /// The URL names no backend this crate supports.
    #[error(
        "unsupported database URL `{url}`: expected postgres://, postgresql://, sqlite:, or a \
         file path ending in .db or .sqlite"
    )]
    UnsupportedUrl { url: String },

    /// The URL names a supported backend but cannot be used as written (an unknown `sslmode`,
    /// a parameter the PostgreSQL driver does not know...).
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },

    /// TLS for the database cannot be set up (the `sslrootcert` file cannot be read...).
    #[error("cannot set up TLS for the {backend} database at `{url}`")]
    Tls {
        backend: Backend,
        url: String,
        #[source]
        source: BoxError,
    },

    /// The directory that should hold the SQLite file could not be created.
    #[error("cannot create the directory `{}` for the SQLite database", path.display())]
    CreateDirectory {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The SQLite file could not be created owner-only.
    #[error("cannot create the SQLite database file `{}`", path.display())]
    CreateFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The connection pool refused its configuration.
    #[error("cannot set up the {backend} connection pool for `{url}`")]
    Pool {
        backend: Backend,
        url: String,
        #[source]
        source: BoxError,
    },

    /// No connection could be made or used (server down, wrong credentials, pool exhausted).
    #[error("the {backend} database at `{url}` is unavailable")]
    Unavailable {
        backend: Backend,
        url: String,
        #[source]
        source: BoxError,
    },

    /// Applying or reverting migrations failed; the failing migration is in the source.
    #[error("migrating the {backend} database at `{url}` failed")]
    Migration {
        backend: Backend,
        url: String,
        #[source]
        source: BoxError,
    },
}

/// What a query inside this crate can fail with, before it is given a meaning.
#[derive(Debug)]
pub(crate) enum DbError {
    Pool(PoolError),
    Query(DieselError),
    /// Already decided (a row that does not parse, a lease that is not held...).
    Repository(RepositoryError),
}

impl DbError {
    /// Whether the database refused the statement for breaking a constraint of this kind.
    pub(crate) fn violates(&self, kind: DatabaseErrorKind) -> bool {
        matches!(self, DbError::Query(DieselError::DatabaseError(found, _)) if *found == kind)
    }

    /// Gives a violation of a `kind` constraint the caller's wording as a
    /// [`RepositoryError::Conflict`], leaving other errors alone.
    pub(crate) fn conflict_if(
        self,
        kind: DatabaseErrorKind,
        message: impl FnOnce() -> String,
    ) -> DbError {
        if self.violates(kind) {
            DbError::Repository(RepositoryError::Conflict(message()))
        } else {
            self
        }
    }

    /// [`DbError::conflict_if`] for unique constraints.
    pub(crate) fn unique_violation_means(self, message: impl FnOnce() -> String) -> DbError {
        self.conflict_if(DatabaseErrorKind::UniqueViolation, message)
    }
}

impl From<PoolError> for DbError {
    fn from(error: PoolError) -> Self {
        DbError::Pool(error)
    }
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        DbError::Query(error)
    }
}

impl From<RepositoryError> for DbError {
    fn from(error: RepositoryError) -> Self {
        DbError::Repository(error)
    }
}

impl From<DbError> for RepositoryError {
    fn from(error: DbError) -> Self {
        match error {
            // Timeouts, refused connections and a closed pool all mean "try again later".
            DbError::Pool(error) => RepositoryError::Unavailable(Box::new(error)),
            DbError::Query(error) => from_query_error(error),
            DbError::Repository(error) => error,
        }
    }
}

fn from_query_error(error: DieselError) -> RepositoryError {
    match error {
        DieselError::DatabaseError(kind, info) => match kind {
            DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation => {
                RepositoryError::Conflict(info.message().to_owned())
            }
            DatabaseErrorKind::ClosedConnection
            | DatabaseErrorKind::UnableToSendCommand
            | DatabaseErrorKind::SerializationFailure => {
                RepositoryError::Unavailable(Box::new(DieselError::DatabaseError(kind, info)))
            }
            // SQLite's busy timeout ran out while another connection held the write lock.
            _ if is_sqlite_busy(info.message()) => {
                RepositoryError::Unavailable(Box::new(DieselError::DatabaseError(kind, info)))
            }
            _ => RepositoryError::Other(Box::new(DieselError::DatabaseError(kind, info))),
        },
        DieselError::DeserializationError(error) => {
            RepositoryError::Corrupt(format!("a stored value cannot be read: {error}"))
        }
        other => RepositoryError::Other(Box::new(other)),
    }
}

fn is_sqlite_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database table is locked")
}
