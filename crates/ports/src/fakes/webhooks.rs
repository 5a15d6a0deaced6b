use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use socialpub_domain::webhook::{
    DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookSecret,
};
use socialpub_domain::{
    SecretString, UserId, WebhookDeliveryId, WebhookEndpointId, WebhookEventId, WorkerId,
};
use time::{Duration, OffsetDateTime};
use url::Url;

use super::connections::paginate;
use super::lock;
use crate::{
    AttemptResult, CipherError, ClaimedDelivery, EndpointChange, Page, PageRequest,
    RepositoryError, WebhookRepository, WebhookRequest, WebhookSendError, WebhookSender,
    WebhookSigner,
};

#[derive(Debug, Default)]
struct State {
    endpoints: BTreeMap<WebhookEndpointId, WebhookEndpoint>,
    events: BTreeMap<WebhookEventId, WebhookEvent>,
    deliveries: BTreeMap<WebhookDeliveryId, (WebhookDelivery, Option<(WorkerId, OffsetDateTime)>)>,
}

/// Endpoints, events and deliveries in maps; one mutex makes every method atomic.
#[derive(Debug, Default)]
pub struct InMemoryWebhookRepository {
    state: Mutex<State>,
}

impl InMemoryWebhookRepository {
    /// Every stored event, for tests.
    pub fn events(&self) -> Vec<WebhookEvent> {
        lock(&self.state).events.values().cloned().collect()
    }
}

fn due(event: &WebhookEvent, endpoint: WebhookEndpointId) -> WebhookDelivery {
    WebhookDelivery {
        id: WebhookDeliveryId::new(),
        event_id: event.id,
        endpoint_id: endpoint,
        user_id: event.user_id.clone(),
        event_type: event.event_type,
        status: DeliveryStatus::Pending,
        attempts: 0,
        last_status: None,
        last_error: None,
        last_response_ms: None,
        next_attempt_at: Some(event.occurred_at),
        created_at: event.occurred_at,
        delivered_at: None,
    }
}

#[async_trait]
impl WebhookRepository for InMemoryWebhookRepository {
    async fn create_endpoint(&self, endpoint: &WebhookEndpoint) -> Result<(), RepositoryError> {
        let mut state = lock(&self.state);
        if state.endpoints.contains_key(&endpoint.id) {
            return Err(RepositoryError::Conflict(format!(
                "webhook {} already exists",
                endpoint.id
            )));
        }
        state.endpoints.insert(endpoint.id, endpoint.clone());
        Ok(())
    }

    async fn list_endpoints(&self, user: &UserId) -> Result<Vec<WebhookEndpoint>, RepositoryError> {
        let mut found: Vec<_> = lock(&self.state)
            .endpoints
            .values()
            .filter(|e| &e.user_id == user)
            .cloned()
            .collect();
        found.sort_by_key(|e| (e.created_at, e.id));
        Ok(found)
    }

    async fn get_endpoint(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError> {
        Ok(lock(&self.state)
            .endpoints
            .get(&id)
            .filter(|e| &e.user_id == user)
            .cloned())
    }

    async fn update_endpoint(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
        change: &EndpointChange,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError> {
        let mut state = lock(&self.state);
        let Some(endpoint) = state.endpoints.get_mut(&id).filter(|e| &e.user_id == user) else {
            return Ok(None);
        };
        if let Some(url) = &change.url {
            endpoint.url = url.clone();
        }
        if let Some(events) = &change.events {
            endpoint.events = events.clone();
        }
        if let Some(description) = &change.description {
            endpoint.description = description.clone();
        }
        if let Some(enabled) = change.enabled {
            if enabled && !endpoint.enabled {
                endpoint.failing_since = None;
                endpoint.disabled_note = None;
            }
            endpoint.enabled = enabled;
        }
        endpoint.updated_at = now;
        Ok(Some(endpoint.clone()))
    }

    async fn delete_endpoint(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
    ) -> Result<bool, RepositoryError> {
        let mut state = lock(&self.state);
        if state.endpoints.get(&id).is_none_or(|e| &e.user_id != user) {
            return Ok(false);
        }
        state.endpoints.remove(&id);
        state.deliveries.retain(|_, (d, _)| d.endpoint_id != id);
        Ok(true)
    }

    async fn rotate_secret(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
        secret: &WebhookSecret,
        grace: Duration,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError> {
        let mut state = lock(&self.state);
        let Some(endpoint) = state.endpoints.get_mut(&id).filter(|e| &e.user_id == user) else {
            return Ok(None);
        };
        endpoint.previous_secret = Some(std::mem::replace(&mut endpoint.secret, secret.clone()));
        endpoint.previous_secret_until = Some(now + grace);
        endpoint.updated_at = now;
        Ok(Some(endpoint.clone()))
    }

    async fn insert_events(&self, events: &[WebhookEvent]) -> Result<usize, RepositoryError> {
        let mut guard = lock(&self.state);
        let state = &mut *guard;
        let mut made = 0;
        for event in events {
            let wanting: Vec<WebhookEndpointId> = state
                .endpoints
                .values()
                .filter(|e| e.enabled && e.user_id == event.user_id)
                .filter(|e| e.events.wants(event.event_type))
                .map(|e| e.id)
                .collect();
            if wanting.is_empty() {
                continue;
            }
            state.events.insert(event.id, event.clone());
            for endpoint in wanting {
                let delivery = due(event, endpoint);
                state.deliveries.insert(delivery.id, (delivery, None));
                made += 1;
            }
        }
        Ok(made)
    }

    async fn insert_event_for(
        &self,
        event: &WebhookEvent,
        endpoint: WebhookEndpointId,
    ) -> Result<WebhookDelivery, RepositoryError> {
        let mut state = lock(&self.state);
        if !state.endpoints.contains_key(&endpoint) {
            return Err(RepositoryError::Conflict(format!(
                "webhook {endpoint} does not exist"
            )));
        }
        state.events.insert(event.id, event.clone());
        let delivery = due(event, endpoint);
        state
            .deliveries
            .insert(delivery.id, (delivery.clone(), None));
        Ok(delivery)
    }

    async fn list_deliveries(
        &self,
        user: &UserId,
        endpoint: WebhookEndpointId,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>, RepositoryError> {
        let mut found: Vec<WebhookDelivery> = lock(&self.state)
            .deliveries
            .values()
            .map(|(d, _)| d)
            .filter(|d| d.endpoint_id == endpoint && &d.user_id == user)
            .cloned()
            .collect();
        found.sort_by_key(|d| std::cmp::Reverse((d.created_at, d.id)));
        Ok(paginate(found, page))
    }

    async fn replay(
        &self,
        user: &UserId,
        id: WebhookDeliveryId,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookDelivery>, RepositoryError> {
        let mut state = lock(&self.state);
        let Some((delivery, lease)) = state
            .deliveries
            .get_mut(&id)
            .filter(|(d, _)| &d.user_id == user)
        else {
            return Ok(None);
        };
        delivery.status = DeliveryStatus::Pending;
        delivery.attempts = 0;
        delivery.next_attempt_at = Some(now);
        *lease = None;
        Ok(Some(delivery.clone()))
    }

    async fn claim_deliveries(
        &self,
        worker: &WorkerId,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<ClaimedDelivery>, RepositoryError> {
        let mut guard = lock(&self.state);
        let state = &mut *guard;
        let mut due: Vec<(Option<OffsetDateTime>, WebhookDeliveryId)> = state
            .deliveries
            .values()
            .filter(|(d, held)| {
                d.status == DeliveryStatus::Pending
                    && d.next_attempt_at.is_some_and(|at| at <= now)
                    && held.as_ref().is_none_or(|(_, until)| *until <= now)
                    && state
                        .endpoints
                        .get(&d.endpoint_id)
                        .is_some_and(|e| e.enabled)
            })
            .map(|(d, _)| (d.next_attempt_at, d.id))
            .collect();
        due.sort();
        let mut claimed = Vec::new();
        for (_, id) in due.into_iter().take(limit as usize) {
            let Some((delivery, held)) = state.deliveries.get_mut(&id) else {
                continue;
            };
            *held = Some((worker.clone(), now + lease));
            let (Some(event), Some(endpoint)) = (
                state.events.get(&delivery.event_id),
                state.endpoints.get(&delivery.endpoint_id),
            ) else {
                continue;
            };
            claimed.push(ClaimedDelivery {
                delivery: delivery.clone(),
                payload: event.payload.clone(),
                endpoint: endpoint.clone(),
            });
        }
        Ok(claimed)
    }

    async fn finish_attempt(
        &self,
        id: WebhookDeliveryId,
        worker: &WorkerId,
        result: &AttemptResult,
        retry_at: Option<OffsetDateTime>,
        disable_after: Duration,
    ) -> Result<(), RepositoryError> {
        let mut guard = lock(&self.state);
        let state = &mut *guard;
        let Some((delivery, held)) = state
            .deliveries
            .get_mut(&id)
            .filter(|(_, held)| held.as_ref().is_some_and(|(w, _)| w == worker))
        else {
            return Err(RepositoryError::Conflict(format!(
                "webhook delivery {id} is not held by this worker"
            )));
        };
        *held = None;
        delivery.attempts += 1;
        delivery.last_status = result.status;
        delivery.last_error = result.error.clone();
        delivery.last_response_ms = Some(result.response_ms);
        delivery.next_attempt_at = retry_at;
        delivery.status = if result.delivered {
            delivery.delivered_at = Some(result.finished_at);
            DeliveryStatus::Delivered
        } else if retry_at.is_some() {
            DeliveryStatus::Pending
        } else {
            DeliveryStatus::Failed
        };
        if let Some(endpoint) = state.endpoints.get_mut(&delivery.endpoint_id) {
            if result.delivered {
                endpoint.failing_since = None;
            } else {
                match endpoint.failing_since {
                    None => endpoint.failing_since = Some(result.finished_at),
                    Some(since) if result.finished_at - since >= disable_after => {
                        endpoint.enabled = false;
                        endpoint.disabled_note = Some(format!(
                            "webhook.disabled: every delivery failed since {since}"
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }

    async fn next_delivery_at(&self) -> Result<Option<OffsetDateTime>, RepositoryError> {
        Ok(lock(&self.state)
            .deliveries
            .values()
            .filter(|(d, _)| d.status == DeliveryStatus::Pending)
            .filter_map(|(d, _)| d.next_attempt_at)
            .min())
    }

    /// Nothing is sealed here: every endpoint counts as re-sealed.
    async fn reseal_secrets(&self) -> Result<(usize, usize), RepositoryError> {
        Ok((lock(&self.state).endpoints.len(), 0))
    }
}

/// Answers every request with the status it was given (200 by default), refuses URLs whose
/// host is `forbidden.invalid`, and keeps what it was sent.
#[derive(Debug)]
pub struct RecordingWebhookSender {
    status: Mutex<u16>,
    sent: Mutex<Vec<WebhookRequest>>,
}

impl Default for RecordingWebhookSender {
    fn default() -> Self {
        Self {
            status: Mutex::new(200),
            sent: Mutex::default(),
        }
    }
}

impl RecordingWebhookSender {
    /// The host a URL has when the fake treats it as a private address.
    pub const FORBIDDEN_HOST: &'static str = "forbidden.invalid";

    pub fn answer(&self, status: u16) {
        *lock(&self.status) = status;
    }

    pub fn sent(&self) -> Vec<WebhookRequest> {
        lock(&self.sent).clone()
    }
}

#[async_trait]
impl WebhookSender for RecordingWebhookSender {
    async fn send(&self, request: &WebhookRequest) -> Result<u16, WebhookSendError> {
        self.check_url(&request.url).await?;
        lock(&self.sent).push(request.clone());
        Ok(*lock(&self.status))
    }

    async fn check_url(&self, url: &Url) -> Result<(), WebhookSendError> {
        if url.host_str() == Some(Self::FORBIDDEN_HOST) {
            return Err(WebhookSendError::ForbiddenAddress);
        }
        Ok(())
    }
}

/// Numbered secrets and a readable, non-cryptographic "signature" naming the secret and the
/// signed text, so tests can see what was signed with what.
#[derive(Debug, Default)]
pub struct FakeWebhookSigner {
    issued: Mutex<u32>,
}

impl WebhookSigner for FakeWebhookSigner {
    fn new_secret(&self) -> Result<WebhookSecret, CipherError> {
        let mut issued = lock(&self.issued);
        *issued += 1;
        Ok(WebhookSecret::new(SecretString::new(format!(
            "whsec_fake{issued}"
        ))))
    }

    fn sign(&self, secret: &WebhookSecret, id: &str, timestamp: i64, body: &str) -> String {
        format!("v1,{}:{id}.{timestamp}.{}", secret.expose(), body.len())
    }
}
