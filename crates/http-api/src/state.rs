use std::sync::Arc;

use socialpub_application::{ConnectionService, JobService, PublishingService, ValidationService};
use socialpub_ports::{Authenticator, IdempotencyStore};
use url::Url;

use crate::{HttpMetrics, MetricsSource, ReadinessCheck};

/// Everything the handlers need, built once by the composition root and shared by all
/// actix workers (cheap to clone: every field is an `Arc`).
#[derive(Clone)]
pub struct ApiState {
    pub authenticator: Arc<dyn Authenticator>,
    pub readiness: Arc<dyn ReadinessCheck>,
    pub connections: ConnectionService,
    pub jobs: JobService,
    /// Creating jobs and posts.
    pub publishing: PublishingService,
    /// Remembers answers to requests sent with an `Idempotency-Key`.
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub validation: ValidationService,
    /// Where the OAuth callback sends the browser afterwards (the web app's connections page),
    /// with the outcome in the query. `None`: the callback answers JSON.
    pub connect_result_url: Option<Url>,
    /// Traffic counters, shared by every worker.
    pub metrics: Arc<HttpMetrics>,
    /// Further gauges for `/metrics` (the database pool).
    pub metrics_sources: Vec<Arc<dyn MetricsSource>>,
}
