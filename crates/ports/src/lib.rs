//! The ports of Socialpub's hexagon: what the use cases need from storage, crypto, platforms,
//! caches and identity, as object-safe `Send + Sync` traits. Adapters implement them; the
//! composition root picks one implementation of each.
//!
//! Every method documents the errors it returns, and every port has a hand-written in-memory
//! fake (feature `fakes`) that honours the same contract, so use cases and HTTP handlers are
//! testable without a database or network.

mod asset_fetcher;
mod authenticator;
mod clock;
mod connection_repository;
mod error;
mod idempotency_store;
mod insights_cache;
mod insights_reader;
mod job_repository;
mod metrics;
mod oauth_state_store;
mod page;
mod platform_client;
mod post_metrics;
mod publisher;
mod token_cipher;
mod webhooks;

#[cfg(feature = "fakes")]
pub mod fakes;

pub use asset_fetcher::{AssetFetchError, AssetFetcher, AssetMetadataProbe, RemoteAssetInfo};
pub use authenticator::{AuthError, AuthenticatedUser, Authenticator};
pub use clock::{Clock, SystemClock};
pub use connection_repository::{ConnectionFilter, ConnectionRepository};
pub use error::{BoxError, RepositoryError};
pub use idempotency_store::{IdempotencyClaim, IdempotencyStore, StoredResponse};
pub use insights_cache::{CacheError, InsightsCache};
pub use insights_reader::{AudienceHour, InsightsReader, InsightsReaderRegistry};
pub use job_repository::{ClaimedJob, JobFilter, JobRepository, QueueWakeups};
pub use metrics::{
    CacheLookup, CallOutcome, DeliveryOutcome, Exposition, Metrics, NoMetrics, PoolGauges,
    RefreshOutcome,
};
pub use oauth_state_store::{OAuthState, OAuthStateStore, StateDigest};
pub use page::{Page, PageRequest};
pub use platform_client::{
    AccountKind, AuthorizationRequest, PlatformAccount, PlatformBoard, PlatformClient,
    PlatformError, PlatformErrorKind, PlatformRegistry, REFRESH_TOO_EARLY, TokenGrant,
};
pub use post_metrics::{
    DueMetricsRead, MetricsReadOutcome, PostMetricsRepository, PublishedPostMetrics,
};
pub use publisher::{
    PlannedStep, PublishAccount, PublishContext, PublishedPost, Publisher, PublisherRegistry,
    Reconciliation, StepOutcome, VOLUME_CAP_REACHED,
};
pub use token_cipher::{
    CipherError, SecretGenerator, TokenCipher, TokenField, TokenSlot, WebhookSecretCipher,
};
pub use webhooks::{
    AttemptResult, ClaimedDelivery, EndpointChange, WebhookRepository, WebhookRequest,
    WebhookSendError, WebhookSender, WebhookSigner,
};
