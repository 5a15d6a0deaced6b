//! Webhooks: the user's endpoints (register, change, rotate, test, replay) and the workers
//! that deliver the outbox's events to them.

mod deliverer;

use std::sync::Arc;

use socialpub_domain::webhook::{
    EventSelection, EventSelectionError, WebhookDelivery, WebhookEndpoint, WebhookEvent,
    WebhookSecret,
};
use socialpub_domain::{UserId, WebhookDeliveryId, WebhookEndpointId};
use socialpub_ports::{
    CipherError, Clock, EndpointChange, Page, PageRequest, RepositoryError, WebhookRepository,
    WebhookSendError, WebhookSender, WebhookSigner,
};
use time::Duration;
use url::Url;

pub use deliverer::{DeliveryReport, DeliverySettings, WebhookDeliverer};

/// The most endpoints one user may register.
pub const MAX_ENDPOINTS_PER_USER: usize = 20;
/// How long a rotated-out secret keeps signing, so receivers can switch without losing one.
pub const ROTATION_GRACE: Duration = Duration::hours(24);
/// The longest URL accepted.
const MAX_URL_LEN: usize = 2048;
/// The longest description accepted, in characters.
const MAX_DESCRIPTION_CHARS: usize = 500;

/// Why a webhook use case failed.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("webhook {0} not found")]
    NotFound(WebhookEndpointId),
    #[error("webhook delivery {0} not found")]
    DeliveryNotFound(WebhookDeliveryId),
    /// Not an absolute `https`/`http` URL with a host, or too long, or with credentials.
    #[error("{0}")]
    InvalidUrl(String),
    /// The host resolves to an address the service must not reach.
    #[error("the webhook URL does not resolve to a publicly reachable address")]
    ForbiddenUrl,
    #[error(transparent)]
    InvalidEvents(#[from] EventSelectionError),
    #[error("a description has at most {MAX_DESCRIPTION_CHARS} characters")]
    InvalidDescription,
    #[error("at most {MAX_ENDPOINTS_PER_USER} webhooks per user")]
    TooMany,
    #[error(transparent)]
    Random(#[from] CipherError),
    #[error(transparent)]
    Repository(#[from] RepositoryError),
}

/// A new endpoint as the user asked for it.
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
}

/// A change as the user asked for it; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct EndpointEdit {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<Option<String>>,
    pub enabled: Option<bool>,
}

/// The ports the webhook use cases need.
#[derive(Clone)]
pub struct WebhookPorts {
    pub webhooks: Arc<dyn WebhookRepository>,
    pub sender: Arc<dyn WebhookSender>,
    pub signer: Arc<dyn WebhookSigner>,
    pub clock: Arc<dyn Clock>,
}

/// A user's webhook endpoints.
#[derive(Clone)]
pub struct WebhookService {
    ports: WebhookPorts,
}

impl WebhookService {
    pub fn new(ports: WebhookPorts) -> Self {
        Self { ports }
    }

    /// Registers an endpoint; the answer carries its secret, which is shown this once.
    ///
    /// # Errors
    /// [`WebhookError::InvalidUrl`], [`WebhookError::ForbiddenUrl`],
    /// [`WebhookError::InvalidEvents`], [`WebhookError::InvalidDescription`],
    /// [`WebhookError::TooMany`].
    pub async fn create(
        &self,
        user: &UserId,
        new: NewEndpoint,
    ) -> Result<WebhookEndpoint, WebhookError> {
        let url = self.checked_url(&new.url).await?;
        let events = EventSelection::parse(&new.events)?;
        let description = checked_description(new.description)?;
        if self.ports.webhooks.list_endpoints(user).await?.len() >= MAX_ENDPOINTS_PER_USER {
            return Err(WebhookError::TooMany);
        }
        let now = self.ports.clock.now();
        let endpoint = WebhookEndpoint {
            id: WebhookEndpointId::new(),
            user_id: user.clone(),
            url,
            description,
            events,
            secret: self.ports.signer.new_secret()?,
            previous_secret: None,
            previous_secret_until: None,
            enabled: true,
            failing_since: None,
            disabled_note: None,
            created_at: now,
            updated_at: now,
        };
        self.ports.webhooks.create_endpoint(&endpoint).await?;
        tracing::info!(webhook_id = %endpoint.id, "webhook registered");
        Ok(endpoint)
    }

    pub async fn list(&self, user: &UserId) -> Result<Vec<WebhookEndpoint>, WebhookError> {
        Ok(self.ports.webhooks.list_endpoints(user).await?)
    }

    /// # Errors
    /// [`WebhookError::NotFound`] for an unknown or another user's endpoint.
    pub async fn get(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
    ) -> Result<WebhookEndpoint, WebhookError> {
        self.ports
            .webhooks
            .get_endpoint(user, id)
            .await?
            .ok_or(WebhookError::NotFound(id))
    }

    /// # Errors
    /// As [`WebhookService::create`] for the changed fields, and [`WebhookError::NotFound`].
    pub async fn update(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
        edit: EndpointEdit,
    ) -> Result<WebhookEndpoint, WebhookError> {
        let url = match &edit.url {
            Some(raw) => Some(self.checked_url(raw).await?),
            None => None,
        };
        let change = EndpointChange {
            url,
            events: edit
                .events
                .as_deref()
                .map(EventSelection::parse)
                .transpose()?,
            description: edit.description.map(checked_description).transpose()?,
            enabled: edit.enabled,
        };
        self.ports
            .webhooks
            .update_endpoint(user, id, &change, self.ports.clock.now())
            .await?
            .ok_or(WebhookError::NotFound(id))
    }

    /// Deletes the endpoint and its delivery log.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`].
    pub async fn delete(&self, user: &UserId, id: WebhookEndpointId) -> Result<(), WebhookError> {
        if self.ports.webhooks.delete_endpoint(user, id).await? {
            Ok(())
        } else {
            Err(WebhookError::NotFound(id))
        }
    }

    /// A new signing secret (shown this once); the old one signs too for [`ROTATION_GRACE`].
    ///
    /// # Errors
    /// [`WebhookError::NotFound`].
    pub async fn rotate_secret(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
    ) -> Result<WebhookEndpoint, WebhookError> {
        let secret: WebhookSecret = self.ports.signer.new_secret()?;
        self.ports
            .webhooks
            .rotate_secret(user, id, &secret, ROTATION_GRACE, self.ports.clock.now())
            .await?
            .ok_or(WebhookError::NotFound(id))
    }

    /// Queues a `ping` to the endpoint, whatever it subscribed to.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`].
    pub async fn test(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
    ) -> Result<WebhookDelivery, WebhookError> {
        self.get(user, id).await?;
        let event = WebhookEvent::ping(user.clone(), id, self.ports.clock.now());
        Ok(self.ports.webhooks.insert_event_for(&event, id).await?)
    }

    /// The endpoint's deliveries, newest first.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`].
    pub async fn deliveries(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>, WebhookError> {
        self.get(user, id).await?;
        Ok(self.ports.webhooks.list_deliveries(user, id, page).await?)
    }

    /// Sends a delivery again, with its event's id, schedule restarted.
    ///
    /// # Errors
    /// [`WebhookError::DeliveryNotFound`].
    pub async fn replay(
        &self,
        user: &UserId,
        id: WebhookDeliveryId,
    ) -> Result<WebhookDelivery, WebhookError> {
        self.ports
            .webhooks
            .replay(user, id, self.ports.clock.now())
            .await?
            .ok_or(WebhookError::DeliveryNotFound(id))
    }

    /// Seals every endpoint's signing secrets again under the newest key (`socialpub
    /// rotate-keys`), so an old key can be retired. Returns how many endpoints were re-sealed
    /// and how many no loaded key opens (those must be re-created).
    ///
    /// # Errors
    /// The store's.
    pub async fn reseal_secrets(&self) -> Result<(usize, usize), WebhookError> {
        Ok(self.ports.webhooks.reseal_secrets().await?)
    }

    async fn checked_url(&self, raw: &str) -> Result<Url, WebhookError> {
        if raw.len() > MAX_URL_LEN {
            return Err(WebhookError::InvalidUrl(format!(
                "a webhook URL has at most {MAX_URL_LEN} characters"
            )));
        }
        let url = Url::parse(raw)
            .map_err(|error| WebhookError::InvalidUrl(format!("not a URL: {error}")))?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return Err(WebhookError::InvalidUrl(
                "a webhook URL is an absolute http(s) URL with a host".into(),
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebhookError::InvalidUrl(
                "a webhook URL carries no credentials; the signature authenticates us".into(),
            ));
        }
        match self.ports.sender.check_url(&url).await {
            Ok(()) => Ok(url),
            Err(WebhookSendError::ForbiddenAddress) => Err(WebhookError::ForbiddenUrl),
            Err(WebhookSendError::Network(reason)) => Err(WebhookError::InvalidUrl(reason)),
            Err(WebhookSendError::Timeout) => Err(WebhookError::InvalidUrl(
                "the webhook URL's host did not resolve in time".into(),
            )),
        }
    }
}

fn checked_description(raw: Option<String>) -> Result<Option<String>, WebhookError> {
    match raw {
        Some(text) if text.chars().count() > MAX_DESCRIPTION_CHARS => {
            Err(WebhookError::InvalidDescription)
        }
        other => Ok(other),
    }
}
