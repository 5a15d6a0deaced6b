use std::sync::Arc;

use socialpub_application::{ConnectionService, JobService};
use socialpub_ports::Authenticator;

use crate::ReadinessCheck;

/// Everything the handlers need, built once by the composition root and shared by all
/// actix workers (cheap to clone: every field is an `Arc`).
#[derive(Clone)]
pub struct ApiState {
    pub authenticator: Arc<dyn Authenticator>,
    pub readiness: Arc<dyn ReadinessCheck>,
    pub connections: ConnectionService,
    pub jobs: JobService,
}
