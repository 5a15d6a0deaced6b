//! Connection pools: how many connections, how long to wait for one, and what every new
//! connection is told before its first query.

use std::sync::Arc;
use std::time::Duration;

use deadpool::Runtime;
use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::{BuildError, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

use crate::postgres_tls::Connector;
use crate::store::SqliteConnection;

/// How the connection pool behaves. `Default` suits one `serve` process; see the fields for
/// how to size it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSettings {
    /// Most connections open at once. Count HTTP concurrency plus workers plus headroom, and
    /// keep the sum over all processes under PostgreSQL's `max_connections` (100 by default).
    /// A task never holds two connections, so 1 cannot deadlock, but 2 or more avoids
    /// needless queueing. An in-memory SQLite database always uses exactly 1.
    pub max_size: usize,
    /// How long a query waits for a free connection before failing as unavailable (HTTP 503)
    /// rather than queueing forever.
    pub wait_timeout: Duration,
    /// How long opening a new connection may take.
    pub connect_timeout: Duration,
    /// How long checking an idle connection before reuse may take.
    pub recycle_timeout: Duration,
    /// PostgreSQL only: the server cancels a statement that runs longer, so a runaway query
    /// cannot pin a connection. `None` keeps the server's setting.
    pub statement_timeout: Option<Duration>,
    /// SQLite only: how long a writer waits for another connection's write lock to clear.
    pub busy_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_size: 10,
            wait_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            recycle_timeout: Duration::from_secs(5),
            statement_timeout: Some(Duration::from_secs(30)),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// A snapshot of the pool, for metrics and for telling "slow" from "starved".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    pub max_size: usize,
    /// Connections open now.
    pub size: usize,
    /// Open connections not in use.
    pub available: usize,
    /// Tasks waiting for a connection.
    pub waiting: usize,
}

impl From<deadpool::Status> for PoolStatus {
    fn from(status: deadpool::Status) -> Self {
        Self {
            max_size: status.max_size,
            size: status.size,
            available: status.available,
            waiting: status.waiting,
        }
    }
}

/// A pool of PostgreSQL connections, each opened by `connector` (so with the URL's TLS
/// settings), tagged `application_name = socialpub` (so operators can tell our sessions in
/// `pg_stat_activity`) and given the statement timeout. `url` only names the pool; the
/// connector holds the parsed settings.
pub(crate) fn postgres(
    url: &str,
    connector: Arc<Connector>,
    settings: &PoolSettings,
) -> Result<Pool<AsyncPgConnection>, BuildError> {
    let mut setup = String::from("SET application_name = 'socialpub';");
    if let Some(timeout) = settings.statement_timeout {
        setup.push_str(&format!(
            " SET statement_timeout = {};",
            timeout.as_millis()
        ));
    }
    let mut config = ManagerConfig::<AsyncPgConnection>::default();
    // A connection taken from the pool is not pinged first: that would double the round trips
    // of the workers' one-statement queue operations. A connection that died is reported by
    // its driver task, which the pool checks for free, and otherwise fails its next query as
    // unavailable, which callers retry.
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |_url| {
        let setup = setup.clone();
        let connector = Arc::clone(&connector);
        Box::pin(async move {
            let mut connection = connector.connect().await?;
            connection
                .batch_execute(&setup)
                .await
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(connection)
        })
    });
    let manager = AsyncDieselConnectionManager::new_with_config(url, config);
    build(Pool::builder(manager), settings, settings.max_size)
}

/// A pool of SQLite connections. Every connection waits up to `busy_timeout` for the write
/// lock instead of failing at once, uses the write-ahead log (readers never block the writer),
/// and enforces foreign keys, which SQLite leaves off unless asked, per connection.
pub(crate) fn sqlite(
    path: &str,
    settings: &PoolSettings,
    max_size: usize,
) -> Result<Pool<SqliteConnection>, BuildError> {
    // busy_timeout comes first so that switching to WAL waits for a concurrent opener.
    let setup = format!(
        "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
         PRAGMA foreign_keys = ON;",
        settings.busy_timeout.as_millis()
    );
    let mut config = ManagerConfig::<SqliteConnection>::default();
    config.custom_setup = Box::new(move |path| {
        let setup = setup.clone();
        Box::pin(async move {
            let mut connection = SyncConnectionWrapper::establish(path).await?;
            connection
                .batch_execute(&setup)
                .await
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(connection)
        })
    });
    let manager = AsyncDieselConnectionManager::new_with_config(path, config);
    build(Pool::builder(manager), settings, max_size)
}

fn build<C>(
    builder: diesel_async::pooled_connection::deadpool::PoolBuilder<C>,
    settings: &PoolSettings,
    max_size: usize,
) -> Result<Pool<C>, BuildError>
where
    C: diesel_async::pooled_connection::PoolableConnection + Send + 'static,
    AsyncDieselConnectionManager<C>: deadpool::managed::Manager,
{
    builder
        .max_size(max_size.max(1))
        .wait_timeout(Some(settings.wait_timeout))
        .create_timeout(Some(settings.connect_timeout))
        .recycle_timeout(Some(settings.recycle_timeout))
        .runtime(Runtime::Tokio1)
        .build()
}
