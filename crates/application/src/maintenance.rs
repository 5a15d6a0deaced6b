use std::sync::Arc;

use serde_json::{Map, Value, json};
use socialpub_domain::webhook::{EventType, WebhookEvent};
use socialpub_domain::{ConnectionHealth, EXPIRING_WINDOW, JobStatus, SocialConnection};
use socialpub_ports::{
    Clock, ConnectionRepository, JobFilter, JobRepository, OAuthStateStore, PageRequest,
    RepositoryError,
};
use time::{Duration, OffsetDateTime};

/// What one maintenance pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MaintenanceReport {
    pub recovered_jobs: usize,
    pub purged_oauth_states: u64,
    /// `connection.expiring` events this pass stored (another worker's are not counted).
    pub expiry_notices: usize,
}

/// How the `connection.expiring` sweep runs.
#[derive(Clone)]
struct ExpiryNotices {
    connections: Arc<dyn ConnectionRepository>,
    /// How long before a connection's end it is announced.
    notice: Duration,
}

/// Housekeeping every worker runs periodically: jobs whose worker died go back to the queue
/// (or fail as `outcome_unknown`), abandoned OAuth authorizations are deleted, and
/// connections about to die unless the user reconnects are announced (`connection.expiring`).
#[derive(Clone)]
pub struct MaintenanceService {
    jobs: Arc<dyn JobRepository>,
    oauth_states: Arc<dyn OAuthStateStore>,
    clock: Arc<dyn Clock>,
    expiry: Option<ExpiryNotices>,
}

impl MaintenanceService {
    /// Jobs recovered per pass; the rest wait for the next pass.
    const BATCH: u32 = 100;
    /// Connections announced per pass; the rest wait for the next pass.
    const EXPIRY_BATCH: u32 = 100;
    /// At-risk jobs named in one `connection.expiring` (the total is always given).
    const JOBS_LISTED: u32 = PageRequest::MAX_LIMIT;
    /// The notice period when none is configured: the window in which `health` says
    /// `expiring`, so the event and the health field agree.
    pub const DEFAULT_EXPIRY_NOTICE: Duration = EXPIRING_WINDOW;

    pub fn new(
        jobs: Arc<dyn JobRepository>,
        oauth_states: Arc<dyn OAuthStateStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            jobs,
            oauth_states,
            clock,
            expiry: None,
        }
    }

    /// Also emits `connection.expiring` `notice` before a connection stops working by itself
    /// (its refresh token's end, or its access token's when it has none): once per connection
    /// and end, whichever worker gets there first. A reconnect (a new end) is announced again.
    #[must_use]
    pub fn with_expiry_notices(
        mut self,
        connections: Arc<dyn ConnectionRepository>,
        notice: Duration,
    ) -> Self {
        self.expiry = Some(ExpiryNotices {
            connections,
            notice,
        });
        self
    }

    pub async fn run_once(&self) -> Result<MaintenanceReport, RepositoryError> {
        let now = self.clock.now();
        let recovered = self.jobs.recover_expired_leases(now, Self::BATCH).await?;
        for job in &recovered {
            tracing::warn!(
                job_id = %job.id,
                status = %job.status,
                "recovered a job whose worker lease expired"
            );
        }
        let purged_oauth_states = self.oauth_states.purge_expired(now).await?;
        let expiry_notices = self.notice_expiries(now).await?;
        Ok(MaintenanceReport {
            recovered_jobs: recovered.len(),
            purged_oauth_states,
            expiry_notices,
        })
    }

    /// Stores `connection.expiring` for each connection whose end falls within the notice
    /// period and was not announced yet. The repository marks the end noticed in the event's
    /// transaction, so of several workers sweeping at once exactly one stores it.
    async fn notice_expiries(&self, now: OffsetDateTime) -> Result<usize, RepositoryError> {
        let Some(expiry) = &self.expiry else {
            return Ok(0);
        };
        let mut stored = 0;
        for connection in expiry
            .connections
            .list_unnoticed_expiries(now, now + expiry.notice, Self::EXPIRY_BATCH)
            .await?
        {
            let Some(dies_at) = ConnectionHealth::of(&connection, now).dies_at else {
                continue;
            };
            let event = self.expiring_event(&connection, dies_at, now).await?;
            if expiry
                .connections
                .notice_expiry(connection.id, dies_at, &event)
                .await?
            {
                tracing::info!(connection_id = %connection.id, platform = %connection.platform, %dies_at, "connection expiring: announced");
                stored += 1;
            }
        }
        Ok(stored)
    }

    /// `connection.expiring`: the connection, which token ends when, and the jobs scheduled on
    /// it from then on (they would fail unless the user reconnects first).
    async fn expiring_event(
        &self,
        connection: &SocialConnection,
        dies_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<WebhookEvent, RepositoryError> {
        let mut at_risk = Vec::new();
        let mut total = 0u64;
        for status in [JobStatus::Scheduled, JobStatus::Pending] {
            let filter = JobFilter {
                connection_id: Some(connection.id),
                status: Some(status),
                from: Some(dies_at),
                ..JobFilter::default()
            };
            let page = self
                .jobs
                .list(
                    &connection.user_id,
                    &filter,
                    PageRequest::new(Self::JOBS_LISTED, 0),
                )
                .await?;
            total += page.total;
            at_risk.extend(page.items);
        }
        at_risk.sort_by_key(|job| (job.scheduled_at, job.id));
        at_risk.truncate(Self::JOBS_LISTED as usize);
        let jobs: Vec<Value> = at_risk
            .iter()
            .map(|job| {
                json!({
                    "job_id": job.id.to_string(),
                    "scheduled_at": job.scheduled_at.map(rfc3339),
                })
            })
            .collect();
        let token = if connection.refresh_token_encrypted.is_some() {
            "refresh_token"
        } else {
            "access_token"
        };
        let mut extra = Map::new();
        extra.insert(
            "expiry".into(),
            json!({ "token": token, "expires_at": rfc3339(dies_at) }),
        );
        extra.insert("jobs_at_risk".into(), Value::Array(jobs));
        extra.insert("jobs_at_risk_total".into(), json!(total));
        Ok(WebhookEvent::for_connection(
            EventType::ConnectionExpiring,
            connection,
            now,
            extra,
        ))
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
