use async_trait::async_trait;

/// Whether the process can serve traffic (its database answers). Implemented by the
/// composition root over the storage adapter, so this crate needs no database.
#[async_trait]
pub trait ReadinessCheck: Send + Sync {
    /// `Err` carries a short, secret-free reason for the operator.
    async fn check(&self) -> Result<(), String>;
}
