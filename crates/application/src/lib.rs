//! Socialpub's use cases. Each service holds the ports it needs as `Arc<dyn Port>` and knows
//! nothing of HTTP, SQL or any platform's wire format, so it is tested with the fakes alone.

mod connections;
mod jobs;
mod maintenance;
mod validation;

pub use connections::{
    ApprovedAuthorization, AuthorizationStart, CallbackParams, Completer, ConnectedAccounts,
    ConnectionError, ConnectionPolicy, ConnectionPorts, ConnectionService, Disconnected,
    ResealReport, SweepReport,
};
pub use jobs::{JobService, JobServiceError};
pub use maintenance::{MaintenanceReport, MaintenanceService};
pub use validation::{
    BudgetExceeded, ContentToCheck, ProbeQuota, ValidationError, ValidationReport,
    ValidationService,
};
