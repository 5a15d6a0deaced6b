//! Queue-only cases: the real engine with a publisher that answers at once, beside the
//! plain-SQL ceiling on the same table; and the lateness of jobs all due in one second.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use socialpub_domain::{Platform, PublishJob};
use socialpub_ports::{
    AssetFetchError, AssetFetcher, PlannedStep, PlatformError, PublishContext, PublishedPost,
    Publisher, Reconciliation, RemoteAssetInfo, StepOutcome,
};
use time::OffsetDateTime;
use tokio::sync::oneshot;

use crate::world::{World, settings};
use crate::{pg, raw, watch};

/// Publishes at once, as one committing step: the engine does everything it does for a real
/// one-call post (commit marker included), minus the platform.
pub struct NoopPublisher;

#[async_trait]
impl Publisher for NoopPublisher {
    fn platform(&self) -> Platform {
        Platform::X
    }

    fn next_step(&self, _job: &PublishJob) -> PlannedStep {
        PlannedStep {
            name: "noop",
            commits: true,
        }
    }

    async fn advance(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        Ok(StepOutcome::Published(PublishedPost {
            external_id: ctx.job.id.to_string(),
            url: None,
        }))
    }

    async fn find_published(
        &self,
        _ctx: &PublishContext<'_>,
    ) -> Result<Reconciliation, PlatformError> {
        Ok(Reconciliation::Absent)
    }
}

/// No assets in queue-only jobs.
pub struct NoAssets;

#[async_trait]
impl AssetFetcher for NoAssets {
    async fn info(
        &self,
        _url: &socialpub_domain::AssetUrl,
    ) -> Result<RemoteAssetInfo, AssetFetchError> {
        Err(AssetFetchError::Status(404))
    }

    async fn read_range(
        &self,
        _url: &socialpub_domain::AssetUrl,
        _start: u64,
        _len: u32,
    ) -> Result<Vec<u8>, AssetFetchError> {
        Err(AssetFetchError::Status(404))
    }
}

/// Jobs per second, and the jobs counted.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub jobs: u64,
    pub elapsed: Duration,
}

impl Rate {
    pub fn per_second(self) -> f64 {
        self.jobs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The plain-SQL ceiling: `jobs` seeded, drained by `concurrency` loops claiming `batch`.
pub async fn ceiling(jobs: usize, concurrency: usize, batch: u32) -> anyhow::Result<Rate> {
    let world = World::new("raw", 2, None).await?;
    let connection = world.store_connection("unused").await?;
    world
        .seed(connection.id, jobs, None, &[], |n| format!("bench {n}"))
        .await?;
    let (done, elapsed) = raw::drain(world.url(), concurrency, batch).await?;
    world.finish().await?;
    Ok(Rate {
        jobs: done,
        elapsed,
    })
}

/// The engine's worker loop draining `jobs` with the no-op publisher, `in_flight` jobs at
/// once, claiming up to `batch`, on a pool of `pool` connections.
pub async fn engine(
    jobs: usize,
    pool: usize,
    in_flight: usize,
    batch: u32,
) -> anyhow::Result<Rate> {
    let world = World::new("engine", pool, None).await?;
    let connection = world.store_connection("bench-token").await?;
    world
        .seed(connection.id, jobs, None, &[], |n| format!("bench {n}"))
        .await?;
    let engine = world
        .engine(
            Arc::new(NoopPublisher),
            Arc::new(NoAssets),
            settings(in_flight, batch),
            "bench-engine",
        )
        .await;
    let watcher = pg::connect(world.url()).await?;
    let started = Instant::now();
    let started_at = OffsetDateTime::now_utc();
    let (stop, stopped) = oneshot::channel::<()>();
    let worker = tokio::spawn(async move {
        engine
            .run(async {
                let _ = stopped.await;
            })
            .await;
    });
    let outcome = watch::until_done(
        &watcher,
        i64::try_from(jobs)?,
        Duration::from_millis(50),
        Duration::from_secs(600),
    )
    .await;
    let _ = stop.send(());
    let _ = worker.await;
    drop(watcher);
    world.finish().await?;
    let outcome = outcome?;
    anyhow::ensure!(
        outcome.other_final == 0,
        "{} jobs did not publish",
        outcome.other_final
    );
    // The last publication as the engine stored it, not when the poll noticed it.
    let elapsed = outcome
        .last_published_epoch
        .map(|last| {
            Duration::from_secs_f64(
                (last - started_at.unix_timestamp_nanos() as f64 / 1e9).max(0.0),
            )
        })
        .unwrap_or_else(|| started.elapsed());
    Ok(Rate {
        jobs: u64::try_from(outcome.published)?,
        elapsed,
    })
}

/// Due→published lateness of `jobs` jobs all due at one instant, a few seconds after they are
/// stored, with the engine already idle and waiting: (p50, p99, max) in seconds, and the rate.
pub async fn lateness(
    jobs: usize,
    pool: usize,
    in_flight: usize,
    batch: u32,
) -> anyhow::Result<((f64, f64, f64), Rate)> {
    let world = World::new("lateness", pool, None).await?;
    let connection = world.store_connection("bench-token").await?;
    let engine = world
        .engine(
            Arc::new(NoopPublisher),
            Arc::new(NoAssets),
            settings(in_flight, batch),
            "bench-lateness",
        )
        .await;
    let (stop, stopped) = oneshot::channel::<()>();
    let worker = tokio::spawn(async move {
        engine
            .run(async {
                let _ = stopped.await;
            })
            .await;
    });
    // Room to store them all before they fall due (a thousand per insert).
    let lead = time::Duration::milliseconds(1500 + i64::try_from(jobs / 4)?);
    let due = OffsetDateTime::now_utc().replace_nanosecond(0)? + lead + time::Duration::SECOND;
    world
        .seed(connection.id, jobs, Some(due), &[], |n| format!("due {n}"))
        .await?;
    let seeded_at = OffsetDateTime::now_utc();
    let watcher = pg::connect(world.url()).await?;
    let outcome = watch::until_done(
        &watcher,
        i64::try_from(jobs)?,
        Duration::from_millis(50),
        Duration::from_secs(600),
    )
    .await;
    let _ = stop.send(());
    let _ = worker.await;
    let result = match outcome {
        Ok(outcome) => {
            let late = watch::lateness(&watcher).await?;
            let last = outcome.last_published_epoch.unwrap_or(f64::NAN);
            let rate = Rate {
                jobs: u64::try_from(outcome.published)?,
                elapsed: Duration::from_secs_f64(
                    (last - due.unix_timestamp_nanos() as f64 / 1e9).max(1e-9),
                ),
            };
            if seeded_at > due {
                eprintln!(
                    "note: storing the jobs ended {:.2} s after they fell due",
                    (seeded_at - due).as_seconds_f64()
                );
            }
            Ok((late, rate))
        }
        Err(error) => Err(error),
    };
    drop(watcher);
    world.finish().await?;
    result
}
