//! Webhooks: lifecycle events a user's endpoints receive, signed by the Standard Webhooks
//! scheme, and the retry schedule of their delivery.
//!
//! An event is built where the change that causes it is decided (the engine, a user's
//! request), then stored in the same transaction as that change (an outbox), one delivery per
//! endpoint that wants it. The event's id is the `webhook-id` of every attempt, so a receiver
//! can drop a retry it already handled.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use time::{Duration, OffsetDateTime};
use url::Url;

use crate::{
    AttemptOutcome, JobStatus, PostId, PublishJob, SecretString, SocialConnection, UserId,
    WebhookDeliveryId, WebhookEndpointId, WebhookEventId,
};

/// What happened. The wire name (`job.published`) is what endpoints subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    JobScheduled,
    JobPublishing,
    JobPublished,
    JobRetryScheduled,
    JobFailed,
    JobOutcomeUnknown,
    JobMissed,
    JobCancelled,
    PostCompleted,
    ConnectionNeedsReauth,
    ConnectionExpiring,
    ConnectionDisconnected,
    /// Sent by `POST /webhooks/{id}/test` only, to that endpoint, whatever it subscribed to.
    Ping,
}

impl EventType {
    /// Every type an endpoint can subscribe to (not `ping`, which is sent on request).
    pub const SUBSCRIBABLE: [EventType; 12] = [
        EventType::JobScheduled,
        EventType::JobPublishing,
        EventType::JobPublished,
        EventType::JobRetryScheduled,
        EventType::JobFailed,
        EventType::JobOutcomeUnknown,
        EventType::JobMissed,
        EventType::JobCancelled,
        EventType::PostCompleted,
        EventType::ConnectionNeedsReauth,
        EventType::ConnectionExpiring,
        EventType::ConnectionDisconnected,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            EventType::JobScheduled => "job.scheduled",
            EventType::JobPublishing => "job.publishing",
            EventType::JobPublished => "job.published",
            EventType::JobRetryScheduled => "job.retry_scheduled",
            EventType::JobFailed => "job.failed",
            EventType::JobOutcomeUnknown => "job.outcome_unknown",
            EventType::JobMissed => "job.missed",
            EventType::JobCancelled => "job.cancelled",
            EventType::PostCompleted => "post.completed",
            EventType::ConnectionNeedsReauth => "connection.needs_reauth",
            EventType::ConnectionExpiring => "connection.expiring",
            EventType::ConnectionDisconnected => "connection.disconnected",
            EventType::Ping => "ping",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        if raw == "ping" {
            return Some(EventType::Ping);
        }
        Self::SUBSCRIBABLE.into_iter().find(|t| t.as_str() == raw)
    }

    /// The event a job's attempt ending in `outcome` emits, given the job as stored after it.
    /// A parked or released job emits nothing: it goes on later, and will say so then.
    pub fn after_attempt(outcome: AttemptOutcome, job: &PublishJob) -> Option<Self> {
        match outcome {
            AttemptOutcome::Published => Some(EventType::JobPublished),
            AttemptOutcome::Retrying => Some(EventType::JobRetryScheduled),
            AttemptOutcome::Failed | AttemptOutcome::ContentRejected => Some(EventType::JobFailed),
            AttemptOutcome::OutcomeUnknown => Some(EventType::JobOutcomeUnknown),
            AttemptOutcome::Missed => Some(EventType::JobMissed),
            AttemptOutcome::Running | AttemptOutcome::Released | AttemptOutcome::Parked => {
                match job.status {
                    JobStatus::OutcomeUnknown => Some(EventType::JobOutcomeUnknown),
                    _ => None,
                }
            }
        }
    }

    /// The event a user's change to a job (cancel, reschedule, edit, retry) emits, given its
    /// status before and the job after.
    pub fn after_user_change(before: JobStatus, job: &PublishJob) -> Option<Self> {
        match job.status {
            JobStatus::Cancelled if before != JobStatus::Cancelled => Some(EventType::JobCancelled),
            JobStatus::Scheduled => Some(EventType::JobScheduled),
            _ => None,
        }
    }

    /// The event a new job emits: `job.scheduled` when it waits for its time.
    pub fn on_create(job: &PublishJob) -> Option<Self> {
        (job.status == JobStatus::Scheduled).then_some(EventType::JobScheduled)
    }
}

/// A job's lifecycle event whose payload is not built yet. A worker saves one or two per
/// attempt, and building the payload (the job as the API shows it, as JSON) cost more than
/// the rest of a worker's own work per job; most users have no webhook endpoint, so the store
/// builds it only when it writes the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct JobEvent {
    pub event_type: EventType,
    /// The job as the event tells it.
    pub job: PublishJob,
    pub occurred_at: OffsetDateTime,
}

impl JobEvent {
    pub fn new(event_type: EventType, job: &PublishJob, occurred_at: OffsetDateTime) -> Self {
        Self {
            event_type,
            job: job.clone(),
            occurred_at,
        }
    }

    /// The event as stored in the outbox and sent.
    pub fn to_webhook(&self) -> WebhookEvent {
        WebhookEvent::for_job(self.event_type, &self.job, self.occurred_at)
    }
}

/// The events of a user's change, as [`EventType::after_user_change`] decides.
pub fn user_change_events(before: JobStatus, job: &PublishJob) -> Vec<WebhookEvent> {
    EventType::after_user_change(before, job)
        .map(|event| WebhookEvent::for_job(event, job, job.updated_at))
        .into_iter()
        .collect()
}

/// The events of new jobs, as [`EventType::on_create`] decides.
pub fn creation_events(jobs: &[PublishJob]) -> Vec<WebhookEvent> {
    jobs.iter()
        .filter_map(|job| {
            EventType::on_create(job).map(|event| WebhookEvent::for_job(event, job, job.created_at))
        })
        .collect()
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown event type `{raw}`")))
    }
}

/// Which events an endpoint wants: all (`["*"]`, including types added later) or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSelection {
    All,
    Only(Vec<EventType>),
}

/// An event list that names no known type, or mixes `*` with names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventSelectionError {
    #[error("`{0}` is not an event type")]
    Unknown(String),
    #[error("name at least one event type, or `*` for all")]
    Empty,
}

impl EventSelection {
    /// Parses the API's list: `["*"]` or event type names (duplicates are dropped).
    ///
    /// # Errors
    /// [`EventSelectionError`] for an unknown name or an empty list.
    pub fn parse<S: AsRef<str>>(raw: &[S]) -> Result<Self, EventSelectionError> {
        if raw.is_empty() {
            return Err(EventSelectionError::Empty);
        }
        if raw.iter().any(|name| name.as_ref() == "*") {
            return Ok(EventSelection::All);
        }
        let mut types = Vec::with_capacity(raw.len());
        for name in raw {
            let event = EventType::parse(name.as_ref())
                .filter(|event| *event != EventType::Ping)
                .ok_or_else(|| {
                    EventSelectionError::Unknown(name.as_ref().chars().take(64).collect())
                })?;
            if !types.contains(&event) {
                types.push(event);
            }
        }
        types.sort();
        Ok(EventSelection::Only(types))
    }

    pub fn wants(&self, event: EventType) -> bool {
        match self {
            EventSelection::All => true,
            EventSelection::Only(types) => types.contains(&event),
        }
    }

    /// The API's (and the store's) spelling.
    pub fn names(&self) -> Vec<String> {
        match self {
            EventSelection::All => vec!["*".to_owned()],
            EventSelection::Only(types) => types.iter().map(|t| t.as_str().to_owned()).collect(),
        }
    }
}

/// One lifecycle event as stored in the outbox and sent to each endpoint that wants it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    pub id: WebhookEventId,
    pub user_id: UserId,
    pub event_type: EventType,
    pub occurred_at: OffsetDateTime,
    /// The request body every delivery sends, byte for byte (it is what is signed).
    pub payload: String,
}

impl WebhookEvent {
    /// An event with `data` (the resource, as the API returns it) and the publish request's
    /// `metadata`. Order of delivery is not promised: `timestamp` says when it happened.
    pub fn new(
        user_id: UserId,
        event_type: EventType,
        occurred_at: OffsetDateTime,
        metadata: &Map<String, Value>,
        data: Value,
    ) -> Self {
        let id = WebhookEventId::new();
        let payload = json!({
            "id": id.to_string(),
            "type": event_type.as_str(),
            "timestamp": rfc3339(occurred_at),
            "metadata": metadata,
            "data": data,
        })
        .to_string();
        Self {
            id,
            user_id,
            event_type,
            occurred_at,
            payload,
        }
    }

    /// A job event: the job as `GET /jobs/{id}` answers it, under `data.job`.
    pub fn for_job(event_type: EventType, job: &PublishJob, occurred_at: OffsetDateTime) -> Self {
        Self::new(
            job.user_id.clone(),
            event_type,
            occurred_at,
            &job.metadata,
            json!({ "job": job_resource(job) }),
        )
    }

    /// `post.completed`: every target final, with each one's outcome.
    pub fn post_completed(
        post_id: PostId,
        metadata: &Map<String, Value>,
        targets: &[PublishJob],
        occurred_at: OffsetDateTime,
    ) -> Option<Self> {
        let first = targets.first()?;
        let outcomes: Vec<Value> = targets
            .iter()
            .map(|job| {
                json!({
                    "job_id": job.id.to_string(),
                    "connection_id": job.social_connection_id.to_string(),
                    "platform": job.platform.as_str(),
                    "status": job.status.as_str(),
                    "post_url": job.post_url,
                    "error_code": job.error_code,
                    "error_message": job.error_message,
                })
            })
            .collect();
        Some(Self::new(
            first.user_id.clone(),
            EventType::PostCompleted,
            occurred_at,
            metadata,
            json!({ "post": { "post_id": post_id.to_string(), "targets": outcomes } }),
        ))
    }

    /// A connection event: the connection as `GET /connections/{id}` answers it (without its
    /// health, which is computed at read time), plus `extra` fields.
    pub fn for_connection(
        event_type: EventType,
        connection: &SocialConnection,
        occurred_at: OffsetDateTime,
        extra: Map<String, Value>,
    ) -> Self {
        let mut data = Map::new();
        data.insert(
            "connection".into(),
            connection_resource(connection, occurred_at),
        );
        data.extend(extra);
        Self::new(
            connection.user_id.clone(),
            event_type,
            occurred_at,
            &Map::new(),
            Value::Object(data),
        )
    }

    /// `ping`, for `POST /webhooks/{id}/test`.
    pub fn ping(user_id: UserId, endpoint: WebhookEndpointId, occurred_at: OffsetDateTime) -> Self {
        Self::new(
            user_id,
            EventType::Ping,
            occurred_at,
            &Map::new(),
            json!({ "webhook_id": endpoint.to_string() }),
        )
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn rfc3339_opt(at: Option<OffsetDateTime>) -> Value {
    at.map_or(Value::Null, |at| Value::String(rfc3339(at)))
}

/// A job as the API returns it (`JobResponse` in socialpub-http-api; a test there holds the
/// two to the same fields).
pub fn job_resource(job: &PublishJob) -> Value {
    json!({
        "job_id": job.id.to_string(),
        "post_id": job.post_id.map(|id| id.to_string()),
        "connection_id": job.social_connection_id.to_string(),
        "platform": job.platform.as_str(),
        "status": job.status.as_str(),
        "text_content": job.content_text,
        "assets": job.assets,
        "platform_specific_options": job.platform_specific_options,
        "metadata": job.metadata,
        "scheduled_at": rfc3339_opt(job.scheduled_at),
        "time_zone": job.time_zone,
        "published_at": rfc3339_opt(job.published_at),
        "next_attempt_at": rfc3339_opt(job.next_attempt_at),
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "error_code": job.error_code,
        "error_message": job.error_message,
        "user_action": job.user_action,
        "external_post_id": job.external_post_id,
        "post_url": job.post_url,
        "created_at": rfc3339(job.created_at),
        "updated_at": rfc3339(job.updated_at),
    })
}

/// A connection as the API returns it, without tokens.
pub fn connection_resource(connection: &SocialConnection, now: OffsetDateTime) -> Value {
    json!({
        "id": connection.id.to_string(),
        "platform": connection.platform.as_str(),
        "external_user_id": connection.external_user_id,
        "display_name": connection.external_display_name,
        "status": connection.status,
        "scopes": connection.scopes,
        "expires_at": rfc3339_opt(connection.expires_at),
        "expires_in": connection.expires_in(now),
        "refresh_expires_at": rfc3339_opt(connection.refresh_expires_at),
        "created_at": rfc3339(connection.created_at),
        "updated_at": rfc3339(connection.updated_at),
    })
}

/// A Standard Webhooks signing secret: `whsec_` and the base64 of 32 random bytes. Its Debug
/// is redacted.
#[derive(Clone)]
pub struct WebhookSecret(SecretString);

impl WebhookSecret {
    pub const PREFIX: &'static str = "whsec_";

    pub fn new(secret: SecretString) -> Self {
        Self(secret)
    }

    /// `whsec_...`, to hand to the user once, or to sign with.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

/// A user's webhook endpoint.
#[derive(Debug, Clone)]
pub struct WebhookEndpoint {
    pub id: WebhookEndpointId,
    pub user_id: UserId,
    pub url: Url,
    pub description: Option<String>,
    pub events: EventSelection,
    pub secret: WebhookSecret,
    /// The secret before the last rotation, still signing until `previous_secret_until`.
    pub previous_secret: Option<WebhookSecret>,
    pub previous_secret_until: Option<OffsetDateTime>,
    pub enabled: bool,
    /// Since when every delivery has failed (none succeeded since); cleared by a success.
    pub failing_since: Option<OffsetDateTime>,
    /// Why the service disabled it (`webhook.disabled: ...`), if it did.
    pub disabled_note: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl WebhookEndpoint {
    /// The secrets that sign a delivery sent at `now`: the current one, and the previous one
    /// during its grace period.
    pub fn signing_secrets(&self, now: OffsetDateTime) -> Vec<&WebhookSecret> {
        let mut secrets = vec![&self.secret];
        if let (Some(previous), Some(until)) = (&self.previous_secret, self.previous_secret_until)
            && now < until
        {
            secrets.push(previous);
        }
        secrets
    }
}

/// Where one event's delivery to one endpoint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt (`next_attempt_at`).
    Pending,
    Delivered,
    /// Every attempt of the schedule failed, or its endpoint was disabled or deleted.
    Failed,
}

impl DeliveryStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
}

/// One event's delivery to one endpoint, with the result of its last attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    pub id: WebhookDeliveryId,
    pub event_id: WebhookEventId,
    pub endpoint_id: WebhookEndpointId,
    pub user_id: UserId,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub last_response_ms: Option<u32>,
    pub next_attempt_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub delivered_at: Option<OffsetDateTime>,
}

/// Pauses after each failed attempt: the first retry after 5 s, the last about 28 hours after
/// the event (the Standard Webhooks reference schedule). After the last, the delivery fails.
pub const RETRY_SCHEDULE: [Duration; 7] = [
    Duration::seconds(5),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(10),
];

/// An endpoint whose deliveries have all failed for this long is disabled.
pub const DISABLE_AFTER: Duration = Duration::days(5);

/// After attempt number `attempts` (1 = the first) failed: when to try again, or `None` when
/// the schedule is spent.
pub fn next_retry(attempts: u32, failed_at: OffsetDateTime) -> Option<OffsetDateTime> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    RETRY_SCHEDULE.get(index).map(|pause| failed_at + *pause)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selections_parse_names_and_star() {
        assert_eq!(EventSelection::parse(&["*"]), Ok(EventSelection::All));
        let only = EventSelection::parse(&["job.failed", "job.published", "job.failed"]).unwrap();
        assert_eq!(
            only,
            EventSelection::Only(vec![EventType::JobPublished, EventType::JobFailed])
        );
        assert!(only.wants(EventType::JobFailed));
        assert!(!only.wants(EventType::PostCompleted));
        assert_eq!(
            EventSelection::parse(&["job.exploded"]),
            Err(EventSelectionError::Unknown("job.exploded".into()))
        );
        assert_eq!(
            EventSelection::parse::<&str>(&[]),
            Err(EventSelectionError::Empty)
        );
        assert!(EventSelection::parse(&["ping"]).is_err());
    }

    #[test]
    fn the_schedule_spans_about_a_day_then_gives_up() {
        let start = OffsetDateTime::UNIX_EPOCH;
        let mut at = start;
        let mut attempts = 1;
        while let Some(next) = next_retry(attempts, at) {
            at = next;
            attempts += 1;
        }
        assert_eq!(attempts, 8);
        let total = at - start;
        assert!(
            total > Duration::hours(24) && total < Duration::hours(30),
            "{total}"
        );
        assert_eq!(next_retry(0, start), None);
    }

    #[test]
    fn wire_names_round_trip() {
        for event in EventType::SUBSCRIBABLE {
            assert_eq!(EventType::parse(event.as_str()), Some(event));
        }
        assert_eq!(EventType::parse("ping"), Some(EventType::Ping));
    }
}
