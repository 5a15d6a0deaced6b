use async_trait::async_trait;
use socialpub_domain::webhook::{
    EventSelection, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookSecret,
};
use socialpub_domain::{UserId, WebhookDeliveryId, WebhookEndpointId, WorkerId};
use time::{Duration, OffsetDateTime};
use url::Url;

use crate::{CipherError, Page, PageRequest, RepositoryError};

/// A change to an endpoint (`PATCH /webhooks/{id}`); `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct EndpointChange {
    pub url: Option<Url>,
    pub events: Option<EventSelection>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    /// Re-enabling also forgets how long it had been failing.
    pub enabled: Option<bool>,
}

/// A delivery a worker claimed, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub delivery: WebhookDelivery,
    pub payload: String,
    pub endpoint: WebhookEndpoint,
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptResult {
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why it failed, when it did (never a secret).
    pub error: Option<String>,
    pub response_ms: u32,
    /// 2xx.
    pub delivered: bool,
    pub finished_at: OffsetDateTime,
}

/// Webhook endpoints, and the outbox of events with their deliveries.
///
/// Events caused by a job's change are stored by [`crate::JobRepository`] in the same
/// transaction as the change; this port stores the rest (connection notes, pings, replays)
/// and serves the workers that deliver.
///
/// All methods return [`RepositoryError::Unavailable`] when the store cannot be reached and
/// [`RepositoryError::Corrupt`] when a stored row is not valid.
#[async_trait]
pub trait WebhookRepository: Send + Sync {
    async fn create_endpoint(&self, endpoint: &WebhookEndpoint) -> Result<(), RepositoryError>;

    /// The user's endpoints, oldest first.
    async fn list_endpoints(&self, user: &UserId) -> Result<Vec<WebhookEndpoint>, RepositoryError>;

    async fn get_endpoint(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError>;

    /// Applies `change`; `None` when the user has no such endpoint.
    async fn update_endpoint(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
        change: &EndpointChange,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError>;

    /// Deletes the endpoint and its deliveries; false when the user has no such endpoint.
    async fn delete_endpoint(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
    ) -> Result<bool, RepositoryError>;

    /// Makes `secret` the signing secret; the one it replaces keeps signing until
    /// `now + grace`. `None` when the user has no such endpoint.
    async fn rotate_secret(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
        secret: &WebhookSecret,
        grace: Duration,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError>;

    /// Stores events with one delivery, due at once, for each of their user's enabled
    /// endpoints that wants them. Returns how many deliveries were made.
    async fn insert_events(&self, events: &[WebhookEvent]) -> Result<usize, RepositoryError>;

    /// Stores `event` with one delivery to `endpoint` alone, whatever it subscribed to (a
    /// `ping`).
    async fn insert_event_for(
        &self,
        event: &WebhookEvent,
        endpoint: WebhookEndpointId,
    ) -> Result<WebhookDelivery, RepositoryError>;

    /// The endpoint's deliveries, newest first.
    async fn list_deliveries(
        &self,
        user: &UserId,
        endpoint: WebhookEndpointId,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>, RepositoryError>;

    /// Sends the delivery again: due now, with its schedule restarted, the same event id.
    /// `None` when the user has no such delivery.
    async fn replay(
        &self,
        user: &UserId,
        id: WebhookDeliveryId,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookDelivery>, RepositoryError>;

    /// Claims up to `limit` due pending deliveries of enabled endpoints for `worker`, with a
    /// lease until `now + lease`. Concurrent claimers never receive the same delivery while
    /// its lease stands; an expired lease makes it claimable again.
    async fn claim_deliveries(
        &self,
        worker: &WorkerId,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<ClaimedDelivery>, RepositoryError>;

    /// Stores an attempt's result on a delivery `worker` holds: delivered, due again at
    /// `retry_at`, or failed for good when `retry_at` is `None`. Keeps the endpoint's
    /// `failing_since`, and disables it (with its note) when it has failed for
    /// `disable_after`.
    ///
    /// # Errors
    /// [`RepositoryError::Conflict`] when `worker` no longer holds the delivery (its lease
    /// ran out and another worker claimed it); nothing is written.
    async fn finish_attempt(
        &self,
        id: WebhookDeliveryId,
        worker: &WorkerId,
        result: &AttemptResult,
        retry_at: Option<OffsetDateTime>,
        disable_after: Duration,
    ) -> Result<(), RepositoryError>;

    /// When the earliest pending delivery falls due, so an idle deliverer can sleep until then.
    async fn next_delivery_at(&self) -> Result<Option<OffsetDateTime>, RepositoryError>;

    /// Seals every endpoint's signing secrets again under the newest key, one endpoint per
    /// transaction. Returns `(resealed, unreadable)`: endpoints whose secrets no loaded key
    /// opens are counted and left as they are.
    async fn reseal_secrets(&self) -> Result<(usize, usize), RepositoryError>;
}

/// A signed request for one attempt.
#[derive(Debug, Clone)]
pub struct WebhookRequest {
    pub url: Url,
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature` and the content type.
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// Why an attempt got no HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookSendError {
    /// The URL's host resolves to an address the service must not reach.
    #[error("the webhook URL does not resolve to a publicly reachable address")]
    ForbiddenAddress,
    #[error("timed out")]
    Timeout,
    #[error("network error: {0}")]
    Network(String),
}

/// Sends webhook requests over HTTP, under the one address policy, following no redirect.
#[async_trait]
pub trait WebhookSender: Send + Sync {
    /// Posts the request; answers the receiver's status (a redirect counts as a failure).
    ///
    /// # Errors
    /// [`WebhookSendError`] when there was no answer.
    async fn send(&self, request: &WebhookRequest) -> Result<u16, WebhookSendError>;

    /// Refuses a URL whose host resolves to a forbidden address (checked when an endpoint is
    /// registered; checked again at every send, as DNS may change).
    ///
    /// # Errors
    /// [`WebhookSendError::ForbiddenAddress`], or `Network` when the host does not resolve.
    async fn check_url(&self, url: &Url) -> Result<(), WebhookSendError>;
}

/// The Standard Webhooks signature scheme.
pub trait WebhookSigner: Send + Sync {
    /// A fresh `whsec_` secret.
    ///
    /// # Errors
    /// [`CipherError::RandomUnavailable`] when the system has no randomness to give.
    fn new_secret(&self) -> Result<WebhookSecret, CipherError>;

    /// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` under `secret`.
    fn sign(&self, secret: &WebhookSecret, id: &str, timestamp: i64, body: &str) -> String;
}
