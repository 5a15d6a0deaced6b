//! Which database engine a [`crate::Database`] talks to.

use std::fmt;

/// The database engine behind a [`crate::Database`], picked by its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// PostgreSQL: the production store; any number of processes can share it.
    Postgres,
    /// SQLite: the embedded default, one file, for a single process.
    Sqlite,
}

impl Backend {
    pub const fn as_str(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Postgres => "PostgreSQL",
            Backend::Sqlite => "SQLite",
        })
    }
}
