//! [`Database`]: the entry point. It opens the pool a URL names and hands out the repositories.

use std::path::Path;
use std::sync::Arc;

use diesel_async::RunQueryDsl;
use socialpub_ports::{
    ConnectionRepository, IdempotencyStore, JobRepository, OAuthStateStore, QueueWakeups,
    RepositoryError,
};

use crate::connection_repository::DieselConnectionRepository;
use crate::database_url::{Target, redact};
use crate::group_commit::GroupCommit;
use crate::idempotency_store::DieselIdempotencyStore;
use crate::job_repository::DieselJobRepository;
use crate::migrations::{self, Direction};
use crate::oauth_state_store::DieselOAuthStateStore;
use crate::pool::{self, PoolSettings, PoolStatus};
use crate::postgres_tls::{Connector, ConnectorError, PostgresUrl};
use crate::store::{Store, with_connection};
use crate::wakeups::{LocalWakeups, PostgresWakeups, Wake};
use crate::{Backend, PersistenceError};

/// A pooled connection to PostgreSQL or SQLite, and the repositories that use it.
///
/// Cloning is cheap and shares the pool. Build one per process in the composition root.
#[derive(Clone)]
pub struct Database {
    store: Store,
    backend: Backend,
    /// The URL with its password masked, for error messages.
    url: String,
    /// This process's idle workers, shared by every repository and wake-up source of this
    /// database (and its clones).
    wake: Arc<Wake>,
    /// Workers' saves, grouped into shared commits (PostgreSQL only), shared like `wake`.
    group_commit: Option<Arc<GroupCommit>>,
    /// Opens the dedicated `LISTEN` connection (PostgreSQL only).
    listener: Option<Arc<Connector>>,
    connect_timeout: std::time::Duration,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Sets up a pool for the database `url` names; connections open lazily, on first use.
    ///
    /// `postgres://` and `postgresql://` URLs pick PostgreSQL. `sqlite://path`, `sqlite:path`
    /// and bare paths ending in `.db` or `.sqlite` pick an SQLite file, whose parent
    /// directories are created; `sqlite::memory:` is a private in-memory database with a
    /// single connection, gone when the pool closes.
    ///
    /// A PostgreSQL URL's `sslmode` (`disable`, `prefer` (the default), `require`, `verify-ca`,
    /// `verify-full`) and `sslrootcert` (a PEM file of trusted CAs; the Mozilla roots
    /// otherwise) choose TLS as in libpq; see the `postgres_tls` module for the details.
    ///
    /// # Errors
    /// [`PersistenceError::UnsupportedUrl`] for any other URL,
    /// [`PersistenceError::InvalidUrl`] for a PostgreSQL URL the driver refuses or an unknown
    /// `sslmode`, [`PersistenceError::Tls`] when the `sslrootcert` file cannot be read,
    /// [`PersistenceError::CreateDirectory`] when the SQLite file's directory cannot be
    /// created, and [`PersistenceError::Pool`] when the pool refuses the settings.
    pub fn connect(url: &str, settings: PoolSettings) -> Result<Self, PersistenceError> {
        let redacted = redact(url);
        let target = Target::parse(url).ok_or_else(|| PersistenceError::UnsupportedUrl {
            url: redacted.clone(),
        })?;
        let backend = target.backend();
        let pool_error = |source: diesel_async::pooled_connection::deadpool::BuildError| {
            PersistenceError::Pool {
                backend,
                url: redacted.clone(),
                source: Box::new(source),
            }
        };
        let mut listener = None;
        let store = match target {
            Target::Postgres(url) => {
                let url =
                    PostgresUrl::parse(&url).map_err(|reason| PersistenceError::InvalidUrl {
                        url: redacted.clone(),
                        reason,
                    })?;
                let connector = Connector::new(&url).map_err(|error| match error {
                    ConnectorError::Url(error) => PersistenceError::InvalidUrl {
                        url: redacted.clone(),
                        reason: error.to_string(),
                    },
                    ConnectorError::RootCert(reason) => PersistenceError::Tls {
                        backend,
                        url: redacted.clone(),
                        source: reason.into(),
                    },
                    ConnectorError::Tls(error) => PersistenceError::Tls {
                        backend,
                        url: redacted.clone(),
                        source: Box::new(error),
                    },
                })?;
                let connector = Arc::new(connector);
                listener = Some(Arc::clone(&connector));
                Store::Postgres(pool::postgres(&url.url, connector, &settings).map_err(pool_error)?)
            }
            Target::SqliteFile(path) => {
                create_parent_directory(&path)?;
                create_private_file(&path)?;
                let path = path.to_string_lossy();
                Store::Sqlite(
                    pool::sqlite(&path, &settings, settings.max_size).map_err(pool_error)?,
                )
            }
            // Every connection to ":memory:" is its own database, so there must be only one.
            Target::SqliteMemory => {
                Store::Sqlite(pool::sqlite(":memory:", &settings, 1).map_err(pool_error)?)
            }
        };
        let group_commit = match &store {
            Store::Postgres(pool) => Some(Arc::new(GroupCommit::new(pool.clone()))),
            Store::Sqlite(_) => None,
        };
        Ok(Self {
            store,
            backend,
            url: redacted,
            wake: Arc::default(),
            group_commit,
            listener,
            connect_timeout: settings.connect_timeout,
        })
    }

    /// Which engine this database runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every pending migration; returns the versions applied (none when up to date).
    /// Safe to call from several processes at once on PostgreSQL (they take turns).
    ///
    /// # Errors
    /// [`PersistenceError::Migration`] naming the failing step; the failed migration is rolled
    /// back.
    pub async fn run_migrations(&self) -> Result<Vec<String>, PersistenceError> {
        migrations::run(&self.store, Direction::Up)
            .await
            .map_err(|source| self.migration_error(source))
    }

    /// Reverts every applied migration, newest first: all of Socialpub's tables and their data
    /// are dropped. For tests and for removing Socialpub from a shared database.
    ///
    /// # Errors
    /// [`PersistenceError::Migration`] naming the failing step.
    pub async fn revert_all_migrations(&self) -> Result<Vec<String>, PersistenceError> {
        migrations::run(&self.store, Direction::RevertAll)
            .await
            .map_err(|source| self.migration_error(source))
    }

    /// Runs a trivial query, for readiness probes.
    ///
    /// # Errors
    /// [`PersistenceError::Unavailable`] when no connection can be had or used in time.
    pub async fn ping(&self) -> Result<(), PersistenceError> {
        with_connection!(&self.store, |conn| {
            diesel::sql_query("SELECT 1").execute(conn).await?;
            Ok(())
        })
        .map_err(|error| PersistenceError::Unavailable {
            backend: self.backend,
            url: self.url.clone(),
            source: Box::new(RepositoryError::from(error)),
        })
    }

    /// How busy the pool is, for metrics.
    pub fn pool_status(&self) -> PoolStatus {
        self.store.status().into()
    }

    /// Closes the pool for graceful shutdown: idle connections close now, in-use ones when
    /// given back, and every later query fails as unavailable.
    pub fn close(&self) {
        self.store.close();
    }

    /// The connection repository on this database.
    pub fn connections(&self) -> Arc<dyn ConnectionRepository> {
        Arc::new(DieselConnectionRepository::new(self.store.clone()))
    }

    /// The job repository (and work queue) on this database.
    pub fn jobs(&self) -> Arc<dyn JobRepository> {
        Arc::new(DieselJobRepository::new(
            self.store.clone(),
            Arc::clone(&self.wake),
            self.group_commit.clone(),
        ))
    }

    /// Webhook endpoints, the events outbox and its deliveries on this database; endpoints'
    /// signing secrets are stored sealed by `cipher` (the token cipher, in production).
    pub fn webhooks(
        &self,
        cipher: Arc<dyn socialpub_ports::WebhookSecretCipher>,
    ) -> Arc<dyn socialpub_ports::WebhookRepository> {
        Arc::new(crate::webhook_repository::DieselWebhookRepository::new(
            self.store.clone(),
            cipher,
        ))
    }

    /// Post metrics on this database: the parked reads of published jobs and their readings.
    pub fn post_metrics(&self) -> Arc<dyn socialpub_ports::PostMetricsRepository> {
        Arc::new(crate::post_metrics::DieselPostMetricsRepository::new(
            self.store.clone(),
        ))
    }

    /// The store of requests made with an `Idempotency-Key` on this database.
    pub fn idempotency(&self) -> Arc<dyn IdempotencyStore> {
        Arc::new(DieselIdempotencyStore::new(self.store.clone()))
    }

    /// What idle workers wait on, woken when a job becomes claimable: through `LISTEN`/`NOTIFY`
    /// on PostgreSQL, so a job stored by any process wakes the workers of all of them; on
    /// SQLite, in-process, by jobs stored through this `Database` or its clones. Build one per
    /// process and share it; dropping it stops listening.
    ///
    /// On PostgreSQL this opens one more connection (outside the pool) and returns once it
    /// listens, or after the connect timeout if the server cannot be reached: the listener
    /// keeps reconnecting in the background, and waiters wait for their timeout meanwhile.
    /// Must be called inside a tokio runtime.
    pub async fn queue_wakeups(&self) -> Arc<dyn QueueWakeups> {
        match &self.listener {
            Some(connector) => Arc::new(
                PostgresWakeups::start(
                    Arc::clone(connector),
                    Arc::clone(&self.wake),
                    self.connect_timeout,
                )
                .await,
            ),
            None => Arc::new(LocalWakeups::new(Arc::clone(&self.wake))),
        }
    }

    /// The OAuth state store on this database.
    pub fn oauth_states(&self) -> Arc<dyn OAuthStateStore> {
        Arc::new(DieselOAuthStateStore::new(self.store.clone()))
    }

    fn migration_error(&self, source: socialpub_ports::BoxError) -> PersistenceError {
        PersistenceError::Migration {
            backend: self.backend,
            url: self.url.clone(),
            source,
        }
    }
}

/// So that a fresh checkout can start with `DATABASE_URL=sqlite://data/socialpub.db`. The
/// directories made are the owner's alone: the database holds OAuth states and sealed tokens.
fn create_parent_directory(path: &Path) -> Result<(), PersistenceError> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder
                .create(parent)
                .map_err(|source| PersistenceError::CreateDirectory {
                    path: parent.to_owned(),
                    source,
                })
        }
        _ => Ok(()),
    }
}

/// Creates a missing SQLite file owner-only (0600) before SQLite would create it with the
/// umask's 0644; SQLite gives its `-wal` and `-shm` files the database file's mode. An
/// existing file is left as it is.
fn create_private_file(path: &Path) -> Result<(), PersistenceError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(PersistenceError::CreateFile {
            path: path.to_owned(),
            source,
        }),
    }
}
