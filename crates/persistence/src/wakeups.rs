//! [`QueueWakeups`]: idle workers learn at once that a job may be due.
//!
//! On PostgreSQL the job repository sends `NOTIFY socialpub_jobs` in the transaction that makes
//! a job claimable, so the notification goes out only if the job is really stored, to every
//! process; each process keeps one dedicated connection that `LISTEN`s and wakes its waiters.
//! When that connection is lost it is opened again (with a growing pause), and waiters fall
//! back to their timeout meanwhile. On SQLite, which only one process uses, the repository
//! wakes the waiters in-process after its commit.

use std::pin::pin;
use std::sync::Arc;

use async_trait::async_trait;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::StreamExt;
use socialpub_ports::{BoxError, QueueWakeups};
use tokio::sync::{Notify, oneshot};
use tokio::task::AbortHandle;

use crate::postgres_tls::Connector;

/// The channel workers listen on.
const CHANNEL: &str = "socialpub_jobs";
/// Sent by the job repository inside the transaction that makes a job claimable.
pub(crate) const CHANNEL_NOTIFY: &str = "NOTIFY socialpub_jobs";
/// How the listening session shows in `pg_stat_activity`.
const LISTENER_SETUP: &str = "SET application_name = 'socialpub-listener'; LISTEN socialpub_jobs;";
/// An idle listening connection is checked this often, so that a connection that died without
/// a word (a dropped network path) is noticed and replaced.
const PING_EVERY: std::time::Duration = std::time::Duration::from_secs(30);
const RECONNECT_FIRST: std::time::Duration = std::time::Duration::from_millis(100);
const RECONNECT_MAX: std::time::Duration = std::time::Duration::from_secs(30);

/// The idle workers of this process.
#[derive(Debug, Default)]
pub(crate) struct Wake {
    notify: Notify,
}

impl Wake {
    /// Wakes every waiter, and the next one to come if none is waiting now: a worker between
    /// an empty claim and its wait must not miss the news.
    pub(crate) fn wake(&self) {
        self.notify.notify_waiters();
        self.notify.notify_one();
    }

    async fn wait(&self, timeout: time::Duration) {
        let timeout = std::time::Duration::try_from(timeout).unwrap_or_default();
        // Elapsing is the expected outcome when no work arrives.
        let _elapsed = tokio::time::timeout(timeout, self.notify.notified()).await;
    }
}

/// Wakes on the repository's in-process signal (SQLite).
pub(crate) struct LocalWakeups {
    wake: Arc<Wake>,
}

impl LocalWakeups {
    pub(crate) fn new(wake: Arc<Wake>) -> Self {
        Self { wake }
    }
}

#[async_trait]
impl QueueWakeups for LocalWakeups {
    async fn wait(&self, timeout: time::Duration) {
        self.wake.wait(timeout).await;
    }
}

/// Wakes on `NOTIFY socialpub_jobs` from any process (PostgreSQL). Dropping it stops listening.
pub(crate) struct PostgresWakeups {
    wake: Arc<Wake>,
    listener: AbortHandle,
}

impl PostgresWakeups {
    /// Starts listening on a connection of its own; returns once the first `LISTEN` is in
    /// place or `ready_within` has passed (the listener keeps trying in the background).
    pub(crate) async fn start(
        connector: Arc<Connector>,
        wake: Arc<Wake>,
        connect_timeout: std::time::Duration,
    ) -> Self {
        let (ready, listening) = oneshot::channel();
        let listener = tokio::spawn(listen(connector, Arc::clone(&wake), connect_timeout, ready))
            .abort_handle();
        // Either outcome is fine: not listening yet only means waiting for the timeout.
        let _ready = tokio::time::timeout(connect_timeout, listening).await;
        Self { wake, listener }
    }
}

impl Drop for PostgresWakeups {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

#[async_trait]
impl QueueWakeups for PostgresWakeups {
    async fn wait(&self, timeout: time::Duration) {
        self.wake.wait(timeout).await;
    }
}

/// Listens until aborted, reconnecting whenever the connection is lost.
async fn listen(
    connector: Arc<Connector>,
    wake: Arc<Wake>,
    connect_timeout: std::time::Duration,
    ready: oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    let mut pause = RECONNECT_FIRST;
    // Whether notifications may have been sent while nobody here was listening.
    let mut missed = false;
    loop {
        match tokio::time::timeout(connect_timeout, open(&connector)).await {
            Ok(Ok(mut connection)) => {
                if let Some(ready) = ready.take() {
                    let _receiver_gone = ready.send(());
                }
                if missed {
                    wake.wake();
                }
                pause = RECONNECT_FIRST;
                follow(&mut connection, &wake).await;
                tracing::warn!(channel = CHANNEL, "lost the job notification connection");
            }
            Ok(Err(error)) => {
                tracing::warn!(channel = CHANNEL, %error, "cannot listen for job notifications");
            }
            Err(_) => {
                tracing::warn!(
                    channel = CHANNEL,
                    "listening for job notifications timed out"
                );
            }
        }
        missed = true;
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(RECONNECT_MAX);
    }
}

async fn open(connector: &Connector) -> Result<AsyncPgConnection, BoxError> {
    let mut connection = connector.connect().await?;
    connection.batch_execute(LISTENER_SETUP).await?;
    Ok(connection)
}

/// Wakes the waiters on every notification; returns when the connection is lost.
async fn follow(connection: &mut AsyncPgConnection, wake: &Wake) {
    loop {
        let next = {
            let mut notifications = pin!(connection.notifications_stream());
            tokio::time::timeout(PING_EVERY, notifications.next()).await
        };
        match next {
            Ok(Some(Ok(_notification))) => wake.wake(),
            Ok(Some(Err(_)) | None) => return,
            // Quiet for a while: make sure the connection still works. Notifications that
            // arrive meanwhile wait in the connection's queue.
            Err(_) => {
                let ping = diesel::sql_query("SELECT 1").execute(connection);
                if !matches!(tokio::time::timeout(PING_EVERY, ping).await, Ok(Ok(_))) {
                    return;
                }
            }
        }
    }
}
