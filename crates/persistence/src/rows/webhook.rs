use diesel::{AsChangeset, Insertable, Queryable, Selectable};
use socialpub_domain::webhook::{
    DeliveryStatus, EventSelection, EventType, WebhookDelivery, WebhookEndpoint, WebhookEvent,
    WebhookSecret,
};
use socialpub_domain::{EncryptedToken, WebhookDeliveryId, WebhookEndpointId, WebhookEventId};
use socialpub_ports::{RepositoryError, WebhookSecretCipher};

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
    /// Sealed by a [`WebhookSecretCipher`], bound to the endpoint: no column holds a secret
    /// in clear.
    pub(crate) secret_encrypted: Vec<u8>,
    pub(crate) previous_secret_encrypted: Option<Vec<u8>>,
    pub(crate) previous_secret_until: Option<DbTime>,
    pub(crate) enabled: bool,
    pub(crate) failing_since: Option<DbTime>,
    pub(crate) disabled_note: Option<String>,
    pub(crate) created_at: DbTime,
    pub(crate) updated_at: DbTime,
}

impl EndpointRow {
    /// The endpoint's row, its secrets sealed.
    pub(crate) fn seal(
        endpoint: &WebhookEndpoint,
        cipher: &dyn WebhookSecretCipher,
    ) -> Result<Self, RepositoryError> {
        let seal = |secret: &WebhookSecret| {
            cipher
                .seal_webhook_secret(secret, endpoint.id)
                .map(|sealed| sealed.as_bytes().to_vec())
                .map_err(|error| RepositoryError::Other(Box::new(error)))
        };
        Ok(Self {
            id: DbUuid(*endpoint.id.as_uuid()),
            user_id: endpoint.user_id.as_str().to_owned(),
            url: endpoint.url.to_string(),
            description: endpoint.description.clone(),
            events: DbJson(serde_json::Value::from(endpoint.events.names())),
            secret_encrypted: seal(&endpoint.secret)?,
            previous_secret_encrypted: endpoint.previous_secret.as_ref().map(seal).transpose()?,
            previous_secret_until: endpoint.previous_secret_until.map(DbTime),
            enabled: endpoint.enabled,
            failing_since: endpoint.failing_since.map(DbTime),
            disabled_note: endpoint.disabled_note.clone(),
            created_at: DbTime(endpoint.created_at),
            updated_at: DbTime(endpoint.updated_at),
        })
    }

    /// The endpoint, its secrets opened. A secret that does not open (another endpoint's, or
    /// sealed under a key this process lacks) makes the row corrupt.
    pub(crate) fn open(
        self,
        cipher: &dyn WebhookSecretCipher,
    ) -> Result<WebhookEndpoint, RepositoryError> {
        let id = WebhookEndpointId::from_uuid(self.id.0);
        let open = |sealed: Vec<u8>, column: &str| {
            cipher
                .open_webhook_secret(&EncryptedToken::from_bytes(sealed), id)
                .map_err(|error| corrupt(ENDPOINTS, &id, format_args!("{column}: {error}")))
        };
        let names: Vec<String> = from_json(ENDPOINTS, &id, "events", self.events)?;
        let events =
            EventSelection::parse(&names).map_err(|error| corrupt(ENDPOINTS, &id, error))?;
        Ok(WebhookEndpoint {
            id,
            user_id: user_id(ENDPOINTS, &id, self.user_id)?,
            url: self
                .url
                .parse()
                .map_err(|error| corrupt(ENDPOINTS, &id, format_args!("url: {error}")))?,
            description: self.description,
            events,
            secret: open(self.secret_encrypted, "secret_encrypted")?,
            previous_secret: self
                .previous_secret_encrypted
                .map(|sealed| open(sealed, "previous_secret_encrypted"))
                .transpose()?,
            previous_secret_until: self.previous_secret_until.map(|t| t.0),
            enabled: self.enabled,
            failing_since: self.failing_since.map(|t| t.0),
            disabled_note: self.disabled_note,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
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
