//! Socialpub's use cases. Each service holds the ports it needs as `Arc<dyn Port>` and knows
//! nothing of HTTP, SQL or any platform's wire format, so it is tested with the fakes alone.

mod connections;
mod engine;
mod insights;
mod jobs;
mod maintenance;
mod publishing;
#[cfg(test)]
mod test_support;
mod validation;
mod webhooks;

pub use connections::{
    ApprovedAuthorization, AuthorizationStart, CallbackParams, Completer, ConnectedAccounts,
    ConnectionError, ConnectionPolicy, ConnectionPorts, ConnectionService, Disconnected,
    ResealReport, SweepReport,
};
pub use engine::{
    CONNECTION_NEEDS_REAUTH, CONNECTION_NOT_FOUND, EnginePorts, FullJitter, Jitter,
    PLATFORM_NOT_PUBLISHABLE, PublishEngine, PublishSettings, RunReport, retry_delay,
};
pub use insights::{
    BestTimesAnswer, DEFAULT_HASHTAG_LIMIT, FailedSource, HashtagAnswer, HashtagRequest,
    IdleMetricsReads, InsightsError, InsightsPorts, InsightsService, InsightsSettings,
    MAX_HASHTAG_LIMIT, MAX_KEYWORD_CHARS, MAX_KEYWORDS, METRICS_BATCH, METRICS_LEASE,
    METRICS_MAX_ATTEMPTS, METRICS_POLL, METRICS_RETRY_STEP, NEXT_BEST_LEAD, NextBest,
    PostMetricsReads,
};
pub use jobs::{JobService, JobServiceError};
pub use maintenance::{MaintenanceReport, MaintenanceService};
pub use publishing::{
    AMBIGUOUS_LOCAL_TIME_WARNING, Created, JobEdit, KnownCap, MAX_TARGETS, NewPost, PostTarget,
    PostView, PublishError, PublishRequest, PublishingPorts, PublishingService, TargetViolations,
    VOLUME_CAP_WARNING, Warning, known_cap,
};
pub use validation::{
    BudgetExceeded, ContentToCheck, ProbeQuota, ValidationError, ValidationReport,
    ValidationService,
};

pub use webhooks::{
    DeliveryReport, DeliverySettings, EndpointEdit, MAX_ENDPOINTS_PER_USER, NewEndpoint,
    ROTATION_GRACE, WebhookDeliverer, WebhookError, WebhookPorts, WebhookService,
};

use std::sync::{Mutex, MutexGuard, PoisonError};

/// A poisoned lock only means another thread panicked mid-update of plain counters or maps;
/// the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
