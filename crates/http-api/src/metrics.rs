//! `/metrics`: the [`Metrics`] port's exposition, after the gauges that are counted at scrape
//! time have been read.

use async_trait::async_trait;
use socialpub_ports::Metrics;

/// Reads gauges that are true of the whole deployment at the moment of a scrape (jobs by
/// status, the database pool) into the metrics. Implemented by the composition root over the
/// storage adapter, so this crate needs no database.
#[async_trait]
pub trait ScrapeHook: Send + Sync {
    /// Sets the hook's gauges. A hook that cannot read (the database is down) leaves its
    /// gauges as they were and logs why; the scrape goes on.
    async fn before_scrape(&self, metrics: &dyn Metrics);
}
