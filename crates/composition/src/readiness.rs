use async_trait::async_trait;
use socialpub_http_api::ReadinessCheck;
use socialpub_persistence::Database;

/// Ready when the database answers a trivial query.
pub struct DatabaseReadiness(pub Database);

#[async_trait]
impl ReadinessCheck for DatabaseReadiness {
    async fn check(&self) -> Result<(), String> {
        self.0.ping().await.map_err(|e| e.to_string())
    }
}

/// Platforms' deprecation signals for `/metrics`, as counted by the platform clients
/// ([`socialpub_platform_http::report_deprecation`]).
pub struct DeprecationMetrics;

impl socialpub_http_api::MetricsSource for DeprecationMetrics {
    fn render(&self, out: &mut String) {
        socialpub_platform_http::render_deprecation_metrics(out);
    }
}

/// The database pool's state for `/metrics`: a starved pool shows as `waiting` > 0.
pub struct PoolMetrics(pub Database);

impl socialpub_http_api::MetricsSource for PoolMetrics {
    fn render(&self, out: &mut String) {
        use std::fmt::Write as _;
        let status = self.0.pool_status();
        let in_use = status.size.saturating_sub(status.available);
        out.push_str("# HELP socialpub_db_pool_connections Database pool connections by state.\n");
        out.push_str("# TYPE socialpub_db_pool_connections gauge\n");
        let _ = writeln!(
            out,
            "socialpub_db_pool_connections{{state=\"in_use\"}} {in_use}"
        );
        let _ = writeln!(
            out,
            "socialpub_db_pool_connections{{state=\"idle\"}} {}",
            status.available
        );
        out.push_str(
            "# HELP socialpub_db_pool_max_connections Largest size the pool may grow to.\n",
        );
        out.push_str("# TYPE socialpub_db_pool_max_connections gauge\n");
        let _ = writeln!(out, "socialpub_db_pool_max_connections {}", status.max_size);
        out.push_str("# HELP socialpub_db_pool_waiting Tasks waiting for a connection.\n");
        out.push_str("# TYPE socialpub_db_pool_waiting gauge\n");
        let _ = writeln!(out, "socialpub_db_pool_waiting {}", status.waiting);
    }
}
