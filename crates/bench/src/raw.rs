//! The ceiling: the queue's claim and completion as plain SQL on the same table, with the same
//! concurrency and batch size as the engine, and nothing else (no attempts, no progress, no
//! platform call). Prepared statements, one connection per task, no TLS.

use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::pg;

/// The engine's claim statement, returning only ids.
const CLAIM: &str = "UPDATE publish_jobs SET status = 'processing', attempts = attempts + 1, \
     locked_by = $1, locked_until = now() + interval '2 minutes', updated_at = now() \
     WHERE id IN (SELECT id FROM publish_jobs \
        WHERE status IN ('scheduled', 'pending') AND next_attempt_at <= now() \
        ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) \
     RETURNING id::text";

/// Completes what one claim took, in one statement.
const COMPLETE: &str = "UPDATE publish_jobs SET status = 'published', published_at = now(), \
     locked_by = NULL, locked_until = NULL, updated_at = now() \
     WHERE id = ANY($1::text[]::uuid[]) AND status = 'processing' AND locked_by = $2";

/// Runs `concurrency` loops of claim (up to `batch`) + complete until the queue is empty;
/// returns how many jobs were completed and how long it took.
pub async fn drain(url: &str, concurrency: usize, batch: u32) -> anyhow::Result<(u64, Duration)> {
    let mut clients = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let client = pg::connect(url).await?;
        let claim = client.prepare(CLAIM).await.context("preparing the claim")?;
        let complete = client
            .prepare(COMPLETE)
            .await
            .context("preparing the completion")?;
        clients.push((client, claim, complete));
    }
    let started = Instant::now();
    let loops = clients
        .into_iter()
        .enumerate()
        .map(|(n, (client, claim, complete))| async move {
            let worker = format!("raw-{n}");
            let limit = i64::from(batch);
            let mut done = 0_u64;
            loop {
                let rows = client.query(&claim, &[&worker, &limit]).await?;
                if rows.is_empty() {
                    return Ok::<u64, tokio_postgres::Error>(done);
                }
                let ids: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
                done += client.execute(&complete, &[&ids, &worker]).await?;
            }
        });
    let counts = futures_util::future::try_join_all(loops)
        .await
        .context("running the plain-SQL queue loop")?;
    Ok((counts.into_iter().sum(), started.elapsed()))
}
