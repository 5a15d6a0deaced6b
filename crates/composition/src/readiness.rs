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
