//! A connection's health: whether its tokens will live to publish what is scheduled on it.

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::{ConnectionStatus, SocialConnection};

/// How far ahead a token's death counts as `expiring`.
pub const EXPIRING_WINDOW: Duration = Duration::days(7);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    Ok,
    /// The connection stops working at `dies_at`, within [`EXPIRING_WINDOW`], unless the user
    /// connects again.
    Expiring,
    /// The platform no longer accepts its tokens (or they are dead): nothing publishes until
    /// the user connects the account again.
    NeedsReauth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionHealth {
    pub state: HealthState,
    /// When the connection stops working by itself: its refresh token's end, or its access
    /// token's when it has no refresh token. `None`: no known end.
    pub dies_at: Option<OffsetDateTime>,
}

impl ConnectionHealth {
    pub fn of(connection: &SocialConnection, now: OffsetDateTime) -> Self {
        let dies_at = if connection.refresh_token_encrypted.is_some() {
            connection.refresh_expires_at
        } else {
            connection.expires_at
        };
        let state = if connection.status == ConnectionStatus::NeedsReauth
            || dies_at.is_some_and(|at| at <= now)
        {
            HealthState::NeedsReauth
        } else if dies_at.is_some_and(|at| at <= now + EXPIRING_WINDOW) {
            HealthState::Expiring
        } else {
            HealthState::Ok
        };
        Self { state, dies_at }
    }

    /// From when a scheduled job is at risk: any time on a connection that needs
    /// reauthorization, else from its death on; `None` when nothing is at risk.
    pub fn risk_from(&self) -> Option<Option<OffsetDateTime>> {
        match self.state {
            HealthState::NeedsReauth => Some(None),
            _ => self.dies_at.map(Some),
        }
    }
}
