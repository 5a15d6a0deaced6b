use serde::{Deserialize, Serialize};
use socialpub_domain::{
    ConnectionHealth, ConnectionId, ConnectionStatus, HealthState, Platform, SocialConnection,
};
use time::OffsetDateTime;

/// A connected account as the web app sees it: never its tokens, but enough about their
/// expiry to warn the user before posting stops working.
#[derive(Debug, Serialize)]
pub struct ConnectionResponse {
    pub id: ConnectionId,
    pub platform: Platform,
    pub external_user_id: String,
    pub display_name: String,
    pub status: ConnectionStatus,
    pub scopes: Vec<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// Seconds until the access token expires; negative once expired; null if it never does.
    pub expires_in: Option<i64>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub refresh_expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Whether it will live to publish what is scheduled on it.
    pub health: HealthState,
    /// When it stops working by itself (its refresh token's end, or its access token's when
    /// it has none); null when no end is known.
    #[serde(with = "time::serde::rfc3339::option")]
    pub stops_working_at: Option<OffsetDateTime>,
    /// Scheduled or pending jobs it would fail: due after `stops_working_at`, or all of them
    /// when it needs reauthorization. Only in `GET /connections[/{id}]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs_at_risk: Option<u64>,
    /// The login it was connected through: the platform's own name, or `facebook` for an
    /// Instagram account connected through Facebook Login.
    pub login: &'static str,
}

impl ConnectionResponse {
    pub fn new(connection: SocialConnection, now: OffsetDateTime) -> Self {
        let health = ConnectionHealth::of(&connection, now);
        Self {
            health: health.state,
            stops_working_at: health.dies_at,
            jobs_at_risk: None,
            login: connection.login.name(connection.platform),
            expires_in: connection.expires_in(now),
            id: connection.id,
            platform: connection.platform,
            external_user_id: connection.external_user_id,
            display_name: connection.external_display_name,
            status: connection.status,
            scopes: connection.scopes,
            expires_at: connection.expires_at,
            refresh_expires_at: connection.refresh_expires_at,
            created_at: connection.created_at,
            updated_at: connection.updated_at,
        }
    }
}

/// `POST /connect/{platform}/complete`: what the callback handed on.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    /// The authorization code: a credential until exchanged, so never in Debug output.
    pub code: String,
    pub state: String,
}

impl std::fmt::Debug for CompleteRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompleteRequest")
            .field("code", &"<redacted>")
            .field("state", &"<redacted>")
            .finish()
    }
}
