//! Hand-written in-memory fakes of every port. They honour the same contracts as the real
//! adapters (the persistence contract suite runs against them too), so a test that passes on a
//! fake means something.

mod assets;
mod authenticator;
mod cache;
mod cipher;
mod clock;
mod connections;
mod idempotency;
mod insights;
mod jobs;
mod metrics;
mod oauth_states;
mod platform;
mod post_metrics;
mod publisher;
mod publisher_contract;
pub mod publisher_driver;
mod secrets;
mod wakeups;
mod webhooks;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub use assets::{InMemoryAssetFetcher, StaticAssetProbe};
pub use authenticator::StaticAuthenticator;
pub use cache::InMemoryInsightsCache;
pub use cipher::FakeTokenCipher;
pub use clock::ManualClock;
pub use connections::InMemoryConnectionRepository;
pub use idempotency::InMemoryIdempotencyStore;
pub use insights::{FakeInsightsReader, StaticInsightsReaderRegistry};
pub use jobs::InMemoryJobRepository;
pub use metrics::{MetricEvent, RecordingMetrics};
pub use oauth_states::InMemoryOAuthStateStore;
pub use platform::{FakePlatformClient, StaticPlatformRegistry};
pub use post_metrics::InMemoryPostMetricsRepository;
pub use publisher::{
    FIND_PUBLISHED, FakeLookup, FakePost, FakePublisher, FakeStep, StaticPublisherRegistry,
};
pub use publisher_contract::{ContractReport, check_publisher};
pub use secrets::SequentialSecrets;
pub use wakeups::InMemoryQueueWakeups;
pub use webhooks::{FakeWebhookSigner, InMemoryWebhookRepository, RecordingWebhookSender};

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
