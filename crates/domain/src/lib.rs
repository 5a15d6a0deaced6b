//! Socialpub's core model: what a connection, a publish job and a platform are, and the rules
//! they obey. Nothing here does I/O or knows about a runtime, a database or HTTP, so every rule
//! can be tested in isolation and reused by any adapter.

mod asset;
mod attempt;
mod connection;
mod health;
mod ids;
pub mod insights;
mod job;
mod login;
mod platform;
pub mod policy;
mod post;
mod schedule;
mod secret;
pub mod webhook;

pub use asset::{Asset, AssetKind, AssetMetadata, AssetUrl, AssetUrlError};
pub use attempt::{AttemptOutcome, JobAttempt};
pub use connection::{
    ConnectionStatus, EncryptedToken, NewConnection, SocialConnection, TokenUpdate,
};
pub use health::{ConnectionHealth, EXPIRING_WINDOW, HealthState};
pub use ids::{
    AttemptId, ConnectionId, IdParseError, JobId, PostId, UserId, UserIdError, WebhookDeliveryId,
    WebhookEndpointId, WebhookEventId, WorkerId,
};
pub use job::{
    IdempotencyKey, IdempotencyKeyError, JobError, JobStateTransitionError, JobStatus, MISSED,
    NewPublishJob, OUTCOME_UNKNOWN, PublishJob, PublishProgress, RESOLVED_NOT_PUBLISHED,
    UserAction,
};
pub use login::{LoginPath, LoginPathError};
pub use platform::{Platform, UnknownPlatform};
pub use post::{Post, PostState};
pub use schedule::{
    SCHEDULE_TIME_FIELD, ScheduleError, ScheduleTime, TIME_ZONE_FIELD, check_schedule_window,
    parse_schedule_time,
};
pub use secret::SecretString;
/// X's weighted length and the entity extractors the content rules count with; a crate of its
/// own so that platform crates can use it without the domain.
pub use socialpub_twitter_text as twitter_text;
