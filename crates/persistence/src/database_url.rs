//! Reading a database URL: which backend it names, where the data lives, and how to print it
//! without its password.

use std::path::{Path, PathBuf};

use url::Url;

use crate::Backend;

/// Where the data lives, as read from a database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A `postgres://` or `postgresql://` URL, passed to the driver as given.
    Postgres(String),
    /// An SQLite database file.
    SqliteFile(PathBuf),
    /// A private in-memory SQLite database (`sqlite::memory:`), gone when the pool closes.
    SqliteMemory,
}

impl Target {
    /// Picks the backend from the URL's scheme: `postgres://`/`postgresql://` for PostgreSQL;
    /// `sqlite://path`, `sqlite:path`, `sqlite::memory:` or a bare path ending in `.db` or
    /// `.sqlite` for SQLite. `None` for anything else.
    pub(crate) fn parse(url: &str) -> Option<Self> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Some(Target::Postgres(url.to_owned()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            if rest == ":memory:" || rest == "//:memory:" {
                return Some(Target::SqliteMemory);
            }
            let path = rest.strip_prefix("//").unwrap_or(rest);
            return (!path.is_empty()).then(|| Target::SqliteFile(PathBuf::from(path)));
        }
        let is_sqlite_file = Path::new(url)
            .extension()
            .is_some_and(|ext| ext == "db" || ext == "sqlite");
        (is_sqlite_file && !url.contains("://")).then(|| Target::SqliteFile(PathBuf::from(url)))
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Target::Postgres(_) => Backend::Postgres,
            Target::SqliteFile(_) | Target::SqliteMemory => Backend::Sqlite,
        }
    }
}

/// The URL fit for an error message or a log line: a password in the user-info part or in a
/// `password=` query parameter becomes `***`.
pub(crate) fn redact(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url.trim()) else {
        // Not a URL (a bare SQLite path): nothing in it is secret.
        return url.trim().to_owned();
    };
    if parsed.password().is_some() && parsed.set_password(Some("***")).is_err() {
        return format!("{}://***", parsed.scheme());
    }
    let has_secret_param = parsed.query_pairs().any(|(key, _)| key == "password");
    if has_secret_param {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if key == "password" {
                    "***".into()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_backend() {
        assert_eq!(
            Target::parse("postgres://u@h/db"),
            Some(Target::Postgres("postgres://u@h/db".into()))
        );
        assert!(matches!(
            Target::parse("postgresql://h/db"),
            Some(Target::Postgres(_))
        ));
        assert_eq!(
            Target::parse("sqlite://data/socialpub.db"),
            Some(Target::SqliteFile("data/socialpub.db".into()))
        );
        assert_eq!(
            Target::parse("sqlite:///var/lib/sp.db"),
            Some(Target::SqliteFile("/var/lib/sp.db".into()))
        );
        assert_eq!(
            Target::parse("sqlite:x.sqlite"),
            Some(Target::SqliteFile("x.sqlite".into()))
        );
        assert_eq!(Target::parse("sqlite::memory:"), Some(Target::SqliteMemory));
        assert_eq!(
            Target::parse("./data/a.db"),
            Some(Target::SqliteFile("./data/a.db".into()))
        );
        assert_eq!(Target::parse("mysql://h/db"), None);
        assert_eq!(Target::parse("data/a.txt"), None);
        assert_eq!(Target::parse("sqlite:"), None);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/sp"),
            "postgres://app:***@db:5432/sp"
        );
        let redacted = redact("postgres://db/sp?user=app&password=s3cret");
        assert!(!redacted.contains("s3cret"), "{redacted}");
        assert_eq!(redact("data/socialpub.db"), "data/socialpub.db");
    }
}
