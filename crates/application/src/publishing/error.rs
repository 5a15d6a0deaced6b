use socialpub_domain::policy::Violation;
use socialpub_domain::{ConnectionId, Platform, PostId, ScheduleError};
use socialpub_ports::RepositoryError;

use crate::{JobServiceError, ValidationError};

/// The rules one target's content breaks.
#[derive(Debug, Clone)]
pub struct TargetViolations {
    /// The target's place in the request (`None` for a single-connection request).
    pub index: Option<usize>,
    pub connection_id: ConnectionId,
    pub platform: Platform,
    pub violations: Vec<Violation>,
}

/// Why a publishing use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// No such connection for this user (it may belong to someone else: we do not say).
    #[error("connection {0} not found")]
    ConnectionNotFound(ConnectionId),
    #[error("connection {0} must be reconnected before it can publish")]
    ConnectionNeedsReauth(ConnectionId),
    #[error("{} is not enabled on this server", .0.display_name())]
    PlatformNotEnabled(Platform),
    #[error("publishing to {} is not available on this server", .0.display_name())]
    PlatformNotPublishable(Platform),
    /// The connection is a LinkedIn member's own account and this server publishes to
    /// LinkedIn as organizations only.
    #[error(
        "connection {0} is a LinkedIn member's own account, and publishing as a member is turned off on this server; publish as an organization"
    )]
    LinkedinPersonalPublishingDisabled(ConnectionId),
    /// The operator switched publishing to this platform off (its accounts stay connected).
    #[error("publishing to {} is switched off on this server", .0.display_name())]
    PublishingSwitchedOff(Platform),
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// The content breaks rules: every violation of every target. Nothing was created.
    #[error("the content breaks {} rule(s); nothing was created", .0.iter().map(|t| t.violations.len()).sum::<usize>())]
    ContentRejected(Vec<TargetViolations>),
    #[error("a post needs 1 to {max} targets, got {actual}")]
    Targets { max: usize, actual: usize },
    #[error("targets[{index}] names connection {connection_id} a second time")]
    DuplicateTarget {
        index: usize,
        connection_id: ConnectionId,
    },
    #[error("post {0} not found")]
    PostNotFound(PostId),
    #[error("post {0} has no failed or missed target to retry")]
    NothingToRetry(PostId),
    #[error(transparent)]
    Validation(ValidationError),
    #[error(transparent)]
    Job(#[from] JobServiceError),
    #[error(transparent)]
    Repository(#[from] RepositoryError),
}
