//! Watching a case's jobs from the outside, with a plain client: when they are all done, and
//! how late each was.

use std::time::Duration;

use anyhow::Context as _;
use tokio_postgres::Client;

/// How the seeded jobs ended.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outcome {
    pub published: i64,
    /// Failed, missed or outcome unknown: a bench run should have none.
    pub other_final: i64,
    /// Seconds from the first job's creation... to the last publication, by the database's
    /// stored instants (the engine's clock).
    pub last_published_epoch: Option<f64>,
}

/// Polls every `every` until all `total` jobs reached a final state or `limit` passed.
pub async fn until_done(
    client: &Client,
    total: i64,
    every: Duration,
    limit: Duration,
) -> anyhow::Result<Outcome> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let row = client
            .query_one(
                "SELECT count(*) FILTER (WHERE status = 'published'), \
                        count(*) FILTER (WHERE status IN ('failed', 'missed', 'outcome_unknown', 'content_rejected', 'cancelled')), \
                        extract(epoch FROM max(published_at))::float8 \
                 FROM publish_jobs",
                &[],
            )
            .await
            .context("counting finished jobs")?;
        let outcome = Outcome {
            published: row.get(0),
            other_final: row.get(1),
            last_published_epoch: row.get(2),
        };
        if outcome.published + outcome.other_final >= total {
            return Ok(outcome);
        }
        if tokio::time::Instant::now() >= deadline {
            anyhow::bail!(
                "gave up waiting: {} of {total} jobs published, {} ended otherwise",
                outcome.published,
                outcome.other_final
            );
        }
        tokio::time::sleep(every).await;
    }
}

/// Due→published lateness of the published jobs, in seconds: (p50, p99, max).
pub async fn lateness(client: &Client) -> anyhow::Result<(f64, f64, f64)> {
    let row = client
        .query_one(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s), \
                    percentile_cont(0.99) WITHIN GROUP (ORDER BY s), max(s) \
             FROM (SELECT extract(epoch FROM published_at - scheduled_at)::float8 AS s \
                   FROM publish_jobs WHERE status = 'published') AS late",
            &[],
        )
        .await
        .context("reading lateness")?;
    Ok((
        row.get::<_, Option<f64>>(0).unwrap_or(f64::NAN),
        row.get::<_, Option<f64>>(1).unwrap_or(f64::NAN),
        row.get::<_, Option<f64>>(2).unwrap_or(f64::NAN),
    ))
}
