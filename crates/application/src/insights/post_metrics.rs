//! Post metrics reads: the workers' side of the parked +1 h, +24 h and +7 d reads of every
//! published job. The engine's claim loop calls [`PostMetricsReads::run_due`] when it has no
//! publishing to do, so a read never delays a post; each read is one platform call, made
//! holding no transaction.

use std::sync::Arc;

use socialpub_ports::{
    Clock, DueMetricsRead, InsightsReaderRegistry, MetricsReadOutcome, PlatformError,
    PlatformErrorKind, PostMetricsRepository, RepositoryError,
};
use time::Duration;

use crate::{ConnectionError, ConnectionService};

/// Reads claimed at once.
pub const METRICS_BATCH: u32 = 10;
/// How long a claimed read is not handed to another worker.
pub const METRICS_LEASE: Duration = Duration::minutes(2);
/// Tries of one read before it is reported unavailable.
pub const METRICS_MAX_ATTEMPTS: u32 = 5;
/// The wait before a failed read is tried again, times the tries so far (when the platform
/// says nothing better).
pub const METRICS_RETRY_STEP: Duration = Duration::minutes(15);

/// Does the post metrics reads that fell due.
#[derive(Clone)]
pub struct PostMetricsReads {
    connections: ConnectionService,
    readers: Arc<dyn InsightsReaderRegistry>,
    store: Arc<dyn PostMetricsRepository>,
    clock: Arc<dyn Clock>,
}

impl PostMetricsReads {
    pub fn new(
        connections: ConnectionService,
        readers: Arc<dyn InsightsReaderRegistry>,
        store: Arc<dyn PostMetricsRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            connections,
            readers,
            store,
            clock,
        }
    }

    /// Claims up to [`METRICS_BATCH`] due reads, does them and stores each outcome. Returns
    /// how many were done (a full batch means more may be waiting).
    ///
    /// # Errors
    /// The store's, when claiming or storing fails; the reads not stored are claimable again
    /// once their lease ran out.
    pub async fn run_due(&self) -> Result<usize, RepositoryError> {
        let due = self
            .store
            .claim_due(self.clock.now(), METRICS_BATCH, METRICS_LEASE)
            .await?;
        for read in &due {
            let outcome = self.read(read).await;
            if let MetricsReadOutcome::Unavailable { reason } = &outcome {
                tracing::info!(job = %read.job_id, checkpoint = %read.checkpoint, reason, "post metrics unavailable");
            }
            self.store
                .finish(read.job_id, read.checkpoint, &outcome)
                .await?;
        }
        Ok(due.len())
    }

    async fn read(&self, read: &DueMetricsRead) -> MetricsReadOutcome {
        let Some(reader) = self.readers.reader(read.platform) else {
            return MetricsReadOutcome::Unavailable {
                reason: format!("{} metrics are not read here", read.platform.as_str()),
            };
        };
        let account = match self
            .connections
            .fresh_access_token(&read.user_id, read.connection_id)
            .await
        {
            Ok((connection, access_token)) => socialpub_ports::PublishAccount {
                external_user_id: connection.external_user_id,
                display_name: connection.external_display_name,
                access_token,
            },
            Err(ConnectionError::NotFound(_)) => {
                return MetricsReadOutcome::Unavailable {
                    reason: "the connection was removed".to_owned(),
                };
            }
            Err(error) => return self.retry(read, error.to_string(), None),
        };
        match reader.post_metrics(&account, &read.external_post_id).await {
            Ok(metrics) => MetricsReadOutcome::Read {
                at: self.clock.now(),
                metrics,
            },
            Err(error) => self.platform_failure(read, &error),
        }
    }

    fn platform_failure(&self, read: &DueMetricsRead, error: &PlatformError) -> MetricsReadOutcome {
        let reason = format!("{} ({})", error.kind.as_str(), error.message);
        let gone =
            error.kind == PlatformErrorKind::InvalidRequest && error.http_status == Some(404);
        if gone || error.kind == PlatformErrorKind::Permission {
            return MetricsReadOutcome::Unavailable { reason };
        }
        self.retry(read, reason, error.retry_after)
    }

    /// Again later, or unavailable once the tries are spent.
    fn retry(
        &self,
        read: &DueMetricsRead,
        reason: String,
        after: Option<Duration>,
    ) -> MetricsReadOutcome {
        if read.attempts >= METRICS_MAX_ATTEMPTS {
            return MetricsReadOutcome::Unavailable {
                reason: format!("gave up after {} tries: {reason}", read.attempts),
            };
        }
        let step = METRICS_RETRY_STEP * i32::try_from(read.attempts.max(1)).unwrap_or(1);
        MetricsReadOutcome::Retry {
            at: self.clock.now() + after.unwrap_or(step).max(step),
            reason,
        }
    }
}

/// How often an idle worker looks for due metrics reads when the last batch was not full.
pub const METRICS_POLL: Duration = Duration::seconds(30);

/// Post metrics reads run beside a worker's publishing loop: one batch at a time, started
/// only while the loop is idle, on a task of its own, so it never takes a publishing slot or
/// delays a claim. The loop calls [`IdleMetricsReads::start`] when idle and awaits
/// [`IdleMetricsReads::finished`] in its `select!`.
pub struct IdleMetricsReads {
    reads: Option<PostMetricsReads>,
    running: tokio::task::JoinSet<Result<usize, RepositoryError>>,
    next_at: Option<time::OffsetDateTime>,
}

impl IdleMetricsReads {
    /// `None`: this worker reads no metrics.
    pub fn new(reads: Option<PostMetricsReads>) -> Self {
        Self {
            reads,
            running: tokio::task::JoinSet::new(),
            next_at: None,
        }
    }

    /// Starts a batch if none is running and one is due.
    pub fn start(&mut self, now: time::OffsetDateTime) {
        let Some(reads) = &self.reads else { return };
        if !self.running.is_empty() || self.next_at.is_some_and(|at| now < at) {
            return;
        }
        let reads = reads.clone();
        self.running.spawn(async move { reads.run_due().await });
    }

    /// Completes when the running batch ends (never while none runs); a full batch makes
    /// the next one due at once, anything else after [`METRICS_POLL`].
    pub async fn finished(&mut self) {
        let Some(ended) = self.running.join_next().await else {
            return std::future::pending().await;
        };
        let Some(reads) = &self.reads else { return };
        let now = reads.clock.now();
        self.next_at = match ended {
            Ok(Ok(done)) if done >= METRICS_BATCH as usize => None,
            Ok(Ok(_)) => Some(now + METRICS_POLL),
            Ok(Err(error)) => {
                tracing::warn!(%error, "could not read due post metrics");
                Some(now + METRICS_POLL)
            }
            Err(error) => {
                tracing::warn!(%error, "a post metrics batch ended abnormally");
                Some(now + METRICS_POLL)
            }
        };
    }

    /// Lets a running batch end (at shutdown).
    pub async fn stop(&mut self) {
        while self.running.join_next().await.is_some() {}
    }
}
