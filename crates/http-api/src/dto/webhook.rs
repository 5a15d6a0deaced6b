use serde::{Deserialize, Serialize};
use socialpub_domain::webhook::{DeliveryStatus, EventType, WebhookDelivery, WebhookEndpoint};
use socialpub_domain::{WebhookDeliveryId, WebhookEndpointId, WebhookEventId};
use time::OffsetDateTime;

/// A webhook endpoint. The signing secret appears only in the answers that make one
/// (`POST /webhooks`, `POST /webhooks/{id}/rotate-secret`).
#[derive(Debug, Serialize)]
pub struct WebhookResponse {
    pub id: WebhookEndpointId,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub enabled: bool,
    /// `webhook.disabled: ...` when the service disabled it after days of failures.
    pub disabled_note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub failing_since: Option<OffsetDateTime>,
    /// Until when the secret a rotation replaced still signs.
    #[serde(with = "time::serde::rfc3339::option")]
    pub previous_secret_expires_at: Option<OffsetDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl WebhookResponse {
    /// Without its secret.
    pub fn new(endpoint: &WebhookEndpoint) -> Self {
        Self {
            id: endpoint.id,
            url: endpoint.url.to_string(),
            description: endpoint.description.clone(),
            events: endpoint.events.names(),
            enabled: endpoint.enabled,
            disabled_note: endpoint.disabled_note.clone(),
            failing_since: endpoint.failing_since,
            previous_secret_expires_at: endpoint
                .previous_secret
                .as_ref()
                .and(endpoint.previous_secret_until),
            secret: None,
            created_at: endpoint.created_at,
            updated_at: endpoint.updated_at,
        }
    }

    /// With its secret, shown this once.
    pub fn with_secret(endpoint: &WebhookEndpoint) -> Self {
        Self {
            secret: Some(endpoint.secret.expose().to_owned()),
            ..Self::new(endpoint)
        }
    }
}

/// One event's delivery to one endpoint.
#[derive(Debug, Serialize)]
pub struct DeliveryResponse {
    pub id: WebhookDeliveryId,
    /// The `webhook-id` header of every attempt.
    pub event_id: WebhookEventId,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// The receiver's HTTP status at the last attempt, if it answered.
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub response_time_ms: Option<u32>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_attempt_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
}

impl From<WebhookDelivery> for DeliveryResponse {
    fn from(delivery: WebhookDelivery) -> Self {
        Self {
            id: delivery.id,
            event_id: delivery.event_id,
            event_type: delivery.event_type,
            status: delivery.status,
            attempts: delivery.attempts,
            last_status: delivery.last_status,
            last_error: delivery.last_error,
            response_time_ms: delivery.last_response_ms,
            next_attempt_at: delivery.next_attempt_at,
            created_at: delivery.created_at,
            delivered_at: delivery.delivered_at,
        }
    }
}

/// `POST /webhooks`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookCreateRequest {
    pub url: String,
    /// Event type names, or `["*"]` for all.
    pub events: Vec<String>,
    pub description: Option<String>,
}

/// `PATCH /webhooks/{id}`: absent fields stay; an empty description clears it; `enabled: true`
/// re-enables an endpoint the service disabled.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatchRequest {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
}
