use std::sync::Arc;

use async_trait::async_trait;
use socialpub_http_api::{ReadinessCheck, ScrapeHook};
use socialpub_persistence::Database;
use socialpub_ports::{JobRepository, Metrics, PoolGauges};

/// Ready when the database answers a trivial query.
pub struct DatabaseReadiness(pub Database);

#[async_trait]
impl ReadinessCheck for DatabaseReadiness {
    async fn check(&self) -> Result<(), String> {
        self.0.ping().await.map_err(|e| e.to_string())
    }
}

/// The gauges read at each scrape: the database pool (a starved pool shows as `waiting` > 0),
/// publish jobs by status across every process (one grouped count), and the platforms'
/// deprecation signs this process has seen.
pub struct ScrapeGauges {
    pub database: Database,
    pub jobs: Arc<dyn JobRepository>,
}

#[async_trait]
impl ScrapeHook for ScrapeGauges {
    async fn before_scrape(&self, metrics: &dyn Metrics) {
        let status = self.database.pool_status();
        metrics.db_pool(PoolGauges {
            in_use: status.size.saturating_sub(status.available) as u64,
            idle: status.available as u64,
            max: status.max_size as u64,
            waiting: status.waiting as u64,
        });
        match self.jobs.count_by_status().await {
            Ok(counts) => metrics.jobs_by_status(&counts),
            // The scrape still answers (the pool gauges say why, often); the job gauges keep
            // their last values.
            Err(error) => tracing::debug!(%error, "jobs by status not counted for this scrape"),
        }
        for (platform, signs) in socialpub_platform_http::deprecation_signs() {
            metrics.deprecation_signals(platform, signs);
        }
    }
}
