use diesel::{AsChangeset, Insertable, Queryable, Selectable};
use socialpub_domain::webhook::{
    DeliveryStatus, EventSelection, EventType, WebhookDelivery, WebhookEndpoint, WebhookEvent,
    WebhookSecret,
};
use socialpub_domain::{SecretString, WebhookDeliveryId, WebhookEndpointId, WebhookEventId};
use socialpub_ports::RepositoryError;

use super::{corrupt, from_integer, from_json, user_id};
use crate::schema::{webhook_deliveries, webhook_endpoints, webhook_events};
use crate::values::{DbJson, DbTime, DbUuid};

const ENDPOINTS: &str = "webhook_endpoints";
const DELIVERIES: &str = "webhook_deliveries";

/// A `webhook_endpoints` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhook_endpoints)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_null = true)]
pub(crate) struct EndpointRow {
    pub(crate) id: DbUuid,
    pub(crate) user_id: String,
    pub(crate) url: String,
    pub(crate) description: Option<String>,
    pub(crate) events: DbJson,
    pub(crate) secret: String,
    pub(crate) previous_secret: Option<String>,
    pub(crate) previous_secret_until: Option<DbTime>,
    pub(crate) enabled: bool,
    pub(crate) failing_since: Option<DbTime>,
    pub(crate) disabled_note: Option<String>,
    pub(crate) created_at: DbTime,
    pub(crate) updated_at: DbTime,
}

impl From<&WebhookEndpoint> for EndpointRow {
    fn from(endpoint: &WebhookEndpoint) -> Self {
        Self {
            id: DbUuid(*endpoint.id.as_uuid()),
            user_id: endpoint.user_id.as_str().to_owned(),
            url: endpoint.url.to_string(),
            description: endpoint.description.clone(),
            events: DbJson(serde_json::Value::from(endpoint.events.names())),
            secret: endpoint.secret.expose().to_owned(),
            previous_secret: endpoint
                .previous_secret
                .as_ref()
                .map(|s| s.expose().to_owned()),
            previous_secret_until: endpoint.previous_secret_until.map(DbTime),
            enabled: endpoint.enabled,
            failing_since: endpoint.failing_since.map(DbTime),
            disabled_note: endpoint.disabled_note.clone(),
            created_at: DbTime(endpoint.created_at),
            updated_at: DbTime(endpoint.updated_at),
        }
    }
}

impl TryFrom<EndpointRow> for WebhookEndpoint {
    type Error = RepositoryError;

    fn try_from(row: EndpointRow) -> Result<Self, Self::Error> {
        let id = WebhookEndpointId::from_uuid(row.id.0);
        let names: Vec<String> = from_json(ENDPOINTS, &id, "events", row.events)?;
        let events =
            EventSelection::parse(&names).map_err(|error| corrupt(ENDPOINTS, &id, error))?;
        Ok(Self {
            id,
            user_id: user_id(ENDPOINTS, &id, row.user_id)?,
            url: row
                .url
                .parse()
                .map_err(|error| corrupt(ENDPOINTS, &id, format_args!("url: {error}")))?,
            description: row.description,
            events,
            secret: WebhookSecret::new(SecretString::new(row.secret)),
            previous_secret: row
                .previous_secret
                .map(|s| WebhookSecret::new(SecretString::new(s))),
            previous_secret_until: row.previous_secret_until.map(|t| t.0),
            enabled: row.enabled,
            failing_since: row.failing_since.map(|t| t.0),
            disabled_note: row.disabled_note,
            created_at: row.created_at.0,
            updated_at: row.updated_at.0,
        })
    }
}

/// A `webhook_events` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_events)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub(crate) struct EventRow {
    pub(crate) id: DbUuid,
    pub(crate) user_id: String,
    pub(crate) event_type: String,
    pub(crate) occurred_at: DbTime,
    pub(crate) payload: String,
}

impl From<&WebhookEvent> for EventRow {
    fn from(event: &WebhookEvent) -> Self {
        Self {
            id: DbUuid(*event.id.as_uuid()),
            user_id: event.user_id.as_str().to_owned(),
            event_type: event.event_type.as_str().to_owned(),
            occurred_at: DbTime(event.occurred_at),
            payload: event.payload.clone(),
        }
    }
}

/// A `webhook_deliveries` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub(crate) struct DeliveryRow {
    pub(crate) id: DbUuid,
    pub(crate) event_id: DbUuid,
    pub(crate) endpoint_id: DbUuid,
    pub(crate) user_id: String,
    pub(crate) event_type: String,
    pub(crate) status: String,
    pub(crate) attempts: i32,
    pub(crate) last_status: Option<i32>,
    pub(crate) last_error: Option<String>,
    pub(crate) last_response_ms: Option<i32>,
    pub(crate) next_attempt_at: Option<DbTime>,
    pub(crate) locked_by: Option<String>,
    pub(crate) locked_until: Option<DbTime>,
    pub(crate) created_at: DbTime,
    pub(crate) delivered_at: Option<DbTime>,
}

impl DeliveryRow {
    /// A new delivery of `event` to `endpoint`, due at once.
    pub(crate) fn due(event: &WebhookEvent, endpoint: WebhookEndpointId) -> Self {
        Self {
            id: DbUuid(*WebhookDeliveryId::new().as_uuid()),
            event_id: DbUuid(*event.id.as_uuid()),
            endpoint_id: DbUuid(*endpoint.as_uuid()),
            user_id: event.user_id.as_str().to_owned(),
            event_type: event.event_type.as_str().to_owned(),
            status: DeliveryStatus::Pending.as_str().to_owned(),
            attempts: 0,
            last_status: None,
            last_error: None,
            last_response_ms: None,
            next_attempt_at: Some(DbTime(event.occurred_at)),
            locked_by: None,
            locked_until: None,
            created_at: DbTime(event.occurred_at),
            delivered_at: None,
        }
    }
}

impl TryFrom<DeliveryRow> for WebhookDelivery {
    type Error = RepositoryError;

    fn try_from(row: DeliveryRow) -> Result<Self, Self::Error> {
        let id = WebhookDeliveryId::from_uuid(row.id.0);
        let event_type = EventType::parse(&row.event_type).ok_or_else(|| {
            corrupt(
                DELIVERIES,
                &id,
                format_args!("unknown event type `{}`", row.event_type),
            )
        })?;
        let status = DeliveryStatus::parse(&row.status).ok_or_else(|| {
            corrupt(
                DELIVERIES,
                &id,
                format_args!("unknown status `{}`", row.status),
            )
        })?;
        Ok(Self {
            id,
            event_id: WebhookEventId::from_uuid(row.event_id.0),
            endpoint_id: WebhookEndpointId::from_uuid(row.endpoint_id.0),
            user_id: user_id(DELIVERIES, &id, row.user_id)?,
            event_type,
            status,
            attempts: from_integer(DELIVERIES, &id, "attempts", row.attempts)?,
            last_status: row.last_status.and_then(|s| u16::try_from(s).ok()),
            last_error: row.last_error,
            last_response_ms: row.last_response_ms.and_then(|ms| u32::try_from(ms).ok()),
            next_attempt_at: row.next_attempt_at.map(|t| t.0),
            created_at: row.created_at.0,
            delivered_at: row.delivered_at.map(|t| t.0),
        })
    }
}
