//! The publishing engine: workers that claim due jobs with a lease and drive each one through
//! its platform's [`Publisher`](socialpub_ports::Publisher) step machine, never posting twice.

mod backoff;
mod driver;
mod limits;
mod settings;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use socialpub_domain::{JobId, PublishJob, SecretString, SocialConnection, WorkerId};
use socialpub_ports::{
    AssetFetcher, ClaimedJob, Clock, JobRepository, Metrics, NoMetrics, PublisherRegistry,
    QueueWakeups, RepositoryError,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

pub use backoff::{FullJitter, Jitter, retry_delay};
pub use driver::{CONNECTION_NEEDS_REAUTH, CONNECTION_NOT_FOUND, PLATFORM_NOT_PUBLISHABLE};
pub use settings::PublishSettings;

use crate::{ConnectionService, IdleMetricsReads, PostMetricsReads, lock};
use limits::Limits;

/// The ports the engine needs.
#[derive(Clone)]
pub struct EnginePorts {
    pub jobs: Arc<dyn JobRepository>,
    /// Resolves a job's connection and refreshes its token when near expiry.
    pub connections: ConnectionService,
    pub publishers: Arc<dyn PublisherRegistry>,
    /// Streams asset bytes to adapters that upload.
    pub assets: Arc<dyn AssetFetcher>,
    pub wakeups: Arc<dyn QueueWakeups>,
    pub clock: Arc<dyn Clock>,
}

/// What one [`PublishEngine::run_once`] pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Jobs of dead workers put back in the queue.
    pub recovered: usize,
    /// Jobs claimed and run.
    pub claimed: usize,
}

struct Inner {
    ports: EnginePorts,
    settings: PublishSettings,
    worker: WorkerId,
    limits: Limits,
    /// The last stored state of each job this worker holds, so that a shutdown can give back
    /// the ones it had to abandon.
    in_flight: Mutex<HashMap<JobId, PublishJob>>,
}

/// A claimed job, and its connection with the access token when the claim resolved it.
struct Claimed {
    job: PublishJob,
    account: Option<(SocialConnection, SecretString)>,
}

/// A claim that went out with the slots it reserved.
struct Claim {
    claimed: Result<Vec<Claimed>, RepositoryError>,
    permits: OwnedSemaphorePermit,
    limit: u32,
}

/// One worker process's publishing engine. Cheap to clone.
#[derive(Clone)]
pub struct PublishEngine {
    inner: Arc<Inner>,
    jitter: Arc<dyn Jitter>,
    metrics: Arc<dyn Metrics>,
    /// Post metrics reads, done while the loop is idle.
    post_metrics: Option<PostMetricsReads>,
}

impl PublishEngine {
    /// `worker` names this process in leases; it must differ between processes.
    pub fn new(ports: EnginePorts, settings: PublishSettings, worker: WorkerId) -> Self {
        let limits = Limits::new(
            settings.per_account_concurrency,
            settings.per_platform_concurrency,
        );
        Self {
            inner: Arc::new(Inner {
                ports,
                settings,
                worker,
                limits,
                in_flight: Mutex::default(),
            }),
            jitter: Arc::new(FullJitter),
            metrics: Arc::new(NoMetrics),
            post_metrics: None,
        }
    }

    /// Also does the post metrics reads that fall due, while no publishing waits.
    #[must_use]
    pub fn with_post_metrics(mut self, reads: PostMetricsReads) -> Self {
        self.post_metrics = Some(reads);
        self
    }

    /// Replaces the random jitter (tests pick a fixed one).
    #[must_use]
    pub fn with_jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = jitter;
        self
    }

    /// Counts attempts, platform calls and lateness into `metrics` (shared with `/metrics`).
    #[must_use]
    pub fn with_metrics(mut self, metrics: Arc<dyn Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    pub fn worker(&self) -> &WorkerId {
        &self.inner.worker
    }

    /// Recovers expired leases, then claims what is due (up to the concurrency) and runs it
    /// to its next stop: published, failed, parked or queued for a retry. For tests and
    /// tools that want the queue processed deterministically.
    ///
    /// # Errors
    /// The repository's, when the queue cannot be read.
    pub async fn run_once(&self) -> Result<RunReport, RepositoryError> {
        let recovered = self.recover().await?;
        let limit = self.claim_limit(self.inner.settings.worker_concurrency);
        let jobs = self.claim(limit).await?;
        let claimed = jobs.len();
        let (_stop, stopping) = watch::channel(false);
        let runs = jobs.into_iter().map(|claimed| {
            let engine = self.clone();
            let stopping = stopping.clone();
            async move { engine.process(claimed, stopping).await }
        });
        futures_util::future::join_all(runs).await;
        Ok(RunReport { recovered, claimed })
    }

    /// Runs [`PublishEngine::run_once`] until nothing is due any more; returns how many jobs
    /// were claimed in all. Jobs parked or retried for later stay queued.
    ///
    /// # Errors
    /// The repository's, when the queue cannot be read.
    pub async fn drain(&self) -> Result<usize, RepositoryError> {
        /// A safety net: each pass spends attempts, so the queue empties long before this.
        const MAX_PASSES: usize = 10_000;
        let mut total = 0;
        for _ in 0..MAX_PASSES {
            let report = self.run_once().await?;
            total += report.claimed;
            if report.claimed == 0 && report.recovered == 0 {
                break;
            }
        }
        Ok(total)
    }

    /// The worker loop: claims due work whenever it has room, sleeps until woken (a job was
    /// created or retried), the next job falls due, or the poll interval passes. When
    /// `shutdown` completes it stops claiming, lets in-flight steps finish within the grace,
    /// and gives back the jobs it holds that are not committing.
    ///
    /// Each claim reserves its slots before it goes out and runs beside the jobs, so claims
    /// of one job each go out side by side, one per free slot, as that many workers would;
    /// batched claims wait until half a batch has room, since each claim is a round trip.
    pub async fn run(&self, shutdown: impl Future<Output = ()> + Send) {
        let settings = &self.inner.settings;
        let concurrency = settings.worker_concurrency.max(1);
        let slots = Arc::new(Semaphore::new(concurrency));
        let refill = self.claim_limit(concurrency).div_ceil(2);
        let (stop, stopping) = watch::channel(false);
        let mut tasks: JoinSet<()> = JoinSet::new();
        let mut claims: JoinSet<Claim> = JoinSet::new();
        let mut last_maintenance: Option<time::OffsetDateTime> = None;
        // The last claim found less than it asked for: wait for a wake-up or a due time.
        let mut drained = false;
        let mut metrics_reads = IdleMetricsReads::new(self.post_metrics.clone());
        let mut shutdown = std::pin::pin!(shutdown);
        tracing::info!(worker = %self.inner.worker, concurrency, "publish worker started");
        loop {
            while tasks.try_join_next().is_some() {}
            let now = self.inner.ports.clock.now();
            if last_maintenance.is_none_or(|at| now - at >= settings.recover_every) {
                last_maintenance = Some(now);
                if let Err(error) = self.maintenance().await {
                    tracing::warn!(%error, "could not recover expired leases");
                }
            }
            let room = slots.available_permits();
            let limit = self.claim_limit(room);
            if !drained
                && room > 0
                && (room == concurrency || limit >= refill)
                && let Ok(permits) = Arc::clone(&slots).try_acquire_many_owned(limit)
            {
                let engine = self.clone();
                claims.spawn(async move {
                    let claimed = engine.claim(limit).await;
                    Claim {
                        claimed,
                        permits,
                        limit,
                    }
                });
                continue;
            }
            let idle = drained && claims.is_empty();
            let sleep = if idle {
                metrics_reads.start(now);
                self.idle_sleep().await
            } else {
                settings.idle_poll
            };
            tokio::select! {
                () = &mut shutdown => break,
                () = self.inner.ports.wakeups.wait(sleep), if idle => drained = false,
                () = metrics_reads.finished() => {}
                Some(claim) = claims.join_next() => {
                    drained = !self.start_claimed(claim, &mut tasks, &stopping);
                }
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            }
        }
        tracing::info!(in_flight = tasks.len(), "publish worker stopping");
        let _ = stop.send(true);
        metrics_reads.stop().await;
        // Claims already sent are let finish, and what they took runs into the stop signal,
        // which gives each job back before its first step.
        while let Some(claim) = claims.join_next().await {
            self.start_claimed(claim, &mut tasks, &stopping);
        }
        let grace = to_std(settings.shutdown_grace);
        let finished =
            tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await;
        if finished.is_err() {
            tasks.abort_all();
            while tasks.join_next().await.is_some() {}
            self.release_abandoned().await;
        }
        tracing::info!("publish worker stopped");
    }

    /// Starts a run per job a claim took, each holding one of the claim's slots; returns
    /// whether the claim was full (more may be due).
    fn start_claimed(
        &self,
        claim: Result<Claim, tokio::task::JoinError>,
        tasks: &mut JoinSet<()>,
        stopping: &watch::Receiver<bool>,
    ) -> bool {
        let Claim {
            claimed,
            mut permits,
            limit,
        } = match claim {
            Ok(claim) => claim,
            Err(error) => {
                tracing::warn!(%error, "a claim task failed");
                return false;
            }
        };
        let jobs = match claimed {
            Ok(jobs) => jobs,
            Err(error) => {
                tracing::warn!(%error, "could not claim jobs");
                return false;
            }
        };
        let full = u32::try_from(jobs.len()).is_ok_and(|n| n >= limit);
        for claimed in jobs {
            let slot = permits.split(1);
            let engine = self.clone();
            let stopping = stopping.clone();
            tasks.spawn(async move {
                let _slot = slot;
                engine.process(claimed, stopping).await;
            });
        }
        full
    }

    fn claim_limit(&self, room: usize) -> u32 {
        u32::try_from(room)
            .unwrap_or(u32::MAX)
            .min(self.inner.settings.claim_batch.max(1))
    }

    async fn claim(&self, limit: u32) -> Result<Vec<Claimed>, RepositoryError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let now = self.inner.ports.clock.now();
        let claimed = self
            .inner
            .ports
            .jobs
            .claim_due_with_connections(
                &self.inner.worker,
                now,
                limit,
                self.inner.settings.job_lease,
            )
            .await?;
        {
            let mut in_flight = lock(&self.inner.in_flight);
            for claimed in &claimed {
                in_flight.insert(claimed.job.id, claimed.job.clone());
            }
        }
        let mut ready: Vec<(SocialConnection, SecretString)> = Vec::new();
        Ok(claimed
            .into_iter()
            .map(|ClaimedJob { job, connection }| {
                let account =
                    connection.and_then(|connection| self.ready_account(connection, &mut ready));
                Claimed { job, account }
            })
            .collect())
    }

    /// The connection that came with a claim, with its token opened, when it can be used as
    /// stored (active, token not near expiry); otherwise the job reads it itself, which
    /// refreshes or reports it. A batch's jobs of one connection share one decryption.
    fn ready_account(
        &self,
        connection: SocialConnection,
        opened: &mut Vec<(SocialConnection, SecretString)>,
    ) -> Option<(SocialConnection, SecretString)> {
        if let Some(ready) = opened.iter().find(|(c, _)| c.id == connection.id) {
            return Some(ready.clone());
        }
        match self.inner.ports.connections.ready_access_token(connection) {
            Ok(Some(ready)) => {
                opened.push(ready.clone());
                Some(ready)
            }
            Ok(None) => None,
            Err(error) => {
                tracing::debug!(%error, "could not open the claimed connection's token; the job reads its own");
                None
            }
        }
    }

    async fn recover(&self) -> Result<usize, RepositoryError> {
        /// Recovered per pass; the rest wait for the next.
        const BATCH: u32 = 100;
        let now = self.inner.ports.clock.now();
        let recovered = self
            .inner
            .ports
            .jobs
            .recover_expired_leases(now, BATCH)
            .await?;
        for job in &recovered {
            tracing::warn!(
                job_id = %job.id,
                committing = job.progress.needs_reconciliation(),
                "recovered a job whose worker lease expired"
            );
        }
        Ok(recovered.len())
    }

    async fn maintenance(&self) -> Result<(), RepositoryError> {
        // Jobs by status are counted when `/metrics` is scraped, not here.
        self.recover().await?;
        Ok(())
    }

    /// Until the next job falls due, at most the poll interval.
    async fn idle_sleep(&self) -> time::Duration {
        let poll = self.inner.settings.idle_poll;
        match self.inner.ports.jobs.next_due_at().await {
            // A floor, so that a job due but taken by another worker meanwhile cannot make
            // this loop spin.
            Ok(Some(at)) => {
                (at - self.inner.ports.clock.now()).clamp(MIN_IDLE_SLEEP, poll.max(MIN_IDLE_SLEEP))
            }
            Ok(None) => poll,
            Err(error) => {
                tracing::warn!(%error, "could not read the next due time");
                poll
            }
        }
    }

    /// After the grace ran out: jobs whose step was cut short go back to the queue, unless a
    /// commit was in flight (then the lease runs out and the next claim looks for the post).
    async fn release_abandoned(&self) {
        let abandoned: Vec<PublishJob> = lock(&self.inner.in_flight)
            .drain()
            .map(|(_, j)| j)
            .collect();
        let now = self.inner.ports.clock.now();
        for mut job in abandoned {
            if job.progress.needs_reconciliation() {
                tracing::warn!(job_id = %job.id, "left a committing job to lease recovery");
                continue;
            }
            if job.release(&self.inner.worker, now).is_ok()
                && let Err(error) = self
                    .inner
                    .ports
                    .jobs
                    .save_leased(&job, &self.inner.worker)
                    .await
            {
                tracing::warn!(job_id = %job.id, %error, "could not release a job on shutdown");
            }
        }
    }
}

/// The shortest an idle worker sleeps before looking at the queue again.
const MIN_IDLE_SLEEP: time::Duration = time::Duration::milliseconds(20);

fn to_std(d: time::Duration) -> std::time::Duration {
    std::time::Duration::try_from(d).unwrap_or_default()
}
