//! End to end through the simulator: the real engine, the real X publisher and the real
//! connect flow, over loopback HTTP to the simulator's process.

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::oneshot;

use crate::queue::{NoAssets, Rate};
use crate::sim::SimProcess;
use crate::world::{World, settings};
use crate::{pg, watch};

/// X text posts drained by `in_flight` jobs at once; returns the rate and how many posts the
/// simulator holds afterwards (one per job: no duplicates).
pub async fn x_text_posts(
    sim: &SimProcess,
    jobs: usize,
    pool: usize,
    in_flight: usize,
) -> anyhow::Result<(Rate, usize)> {
    let world = World::new("e2e", pool, Some(sim.x_platform()?)).await?;
    let before = sim.post_count().await?;
    let connection = sim.connect_x(&world.connections, &world.user).await?;
    let run = async {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        world
            .seed(connection.id, jobs, None, &[], |n| {
                format!("Bench post {n} of run {tag}")
            })
            .await?;
        let engine = world
            .engine(
                Arc::new(sim.x_publisher()?),
                Arc::new(NoAssets),
                settings(in_flight, u32::try_from(in_flight)?),
                "bench-e2e",
            )
            .await;
        let watcher = pg::connect(world.url()).await?;
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
        let outcome = outcome?;
        anyhow::ensure!(
            outcome.other_final == 0,
            "{} jobs did not publish",
            outcome.other_final
        );
        let last = outcome.last_published_epoch.unwrap_or(f64::NAN);
        let rate = Rate {
            jobs: u64::try_from(outcome.published)?,
            elapsed: Duration::from_secs_f64(
                (last - started_at.unix_timestamp_nanos() as f64 / 1e9).max(1e-9),
            ),
        };
        Ok::<_, anyhow::Error>(rate)
    };
    let result = run.await;
    let posts = sim.post_count().await? - before;
    world.finish().await?;
    Ok((result?, posts))
}
