use serde::{Deserialize, Serialize};
use socialpub_application::Warning;
use socialpub_domain::insights::MetricsReading;
use socialpub_domain::{
    Asset, AttemptOutcome, ConnectionId, JobAttempt, JobId, JobStatus, Platform, PostId,
    PublishJob, UserAction,
};
use time::OffsetDateTime;

/// A publish job as its owner follows it.
#[derive(Debug, Serialize)]
pub struct JobResponse {
    pub job_id: JobId,
    pub post_id: Option<PostId>,
    pub connection_id: ConnectionId,
    pub platform: Platform,
    pub status: JobStatus,
    pub text_content: String,
    pub assets: Vec<Asset>,
    pub platform_specific_options: serde_json::Map<String, serde_json::Value>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub scheduled_at: Option<OffsetDateTime>,
    /// The author's IANA zone, for local-time views of `scheduled_at`.
    pub time_zone: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_attempt_at: Option<OffsetDateTime>,
    pub attempts: u32,
    pub max_attempts: u32,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub user_action: Option<UserAction>,
    pub external_post_id: Option<String>,
    pub post_url: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// The newest engagement reading of the published post (on `GET /jobs/{id}` only; absent
    /// until the first read, an hour after publication).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<MetricsReading>,
}

impl JobResponse {
    /// With the post's newest metrics reading.
    pub fn with_metrics(mut self, metrics: Option<MetricsReading>) -> Self {
        self.metrics = metrics;
        self
    }
}

impl From<PublishJob> for JobResponse {
    fn from(job: PublishJob) -> Self {
        Self {
            job_id: job.id,
            post_id: job.post_id,
            connection_id: job.social_connection_id,
            platform: job.platform,
            status: job.status,
            text_content: job.content_text,
            assets: job.assets,
            platform_specific_options: job.platform_specific_options,
            metadata: job.metadata,
            scheduled_at: job.scheduled_at,
            time_zone: job.time_zone,
            published_at: job.published_at,
            next_attempt_at: job.next_attempt_at,
            attempts: job.attempts,
            max_attempts: job.max_attempts,
            error_code: job.error_code,
            error_message: job.error_message,
            user_action: job.user_action,
            external_post_id: job.external_post_id,
            post_url: job.post_url,
            created_at: job.created_at,
            updated_at: job.updated_at,
            metrics: None,
        }
    }
}

/// Something to know about an accepted request.
#[derive(Debug, Serialize)]
pub struct WarningResponse {
    pub code: &'static str,
    pub detail: String,
    pub connection_id: Option<ConnectionId>,
}

impl From<Warning> for WarningResponse {
    fn from(w: Warning) -> Self {
        Self {
            code: w.code,
            detail: w.detail,
            connection_id: w.connection_id,
        }
    }
}

/// A job just created (`202`), with what the client should know about it.
#[derive(Debug, Serialize)]
pub struct CreatedJobResponse {
    #[serde(flatten)]
    pub job: JobResponse,
    pub warnings: Vec<WarningResponse>,
}

/// One attempt, for the job's history.
#[derive(Debug, Serialize)]
pub struct AttemptResponse {
    pub attempt_number: u32,
    pub outcome: AttemptOutcome,
    /// The step the attempt was at when it ended.
    pub step: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    pub http_status: Option<u16>,
    pub platform_error_code: Option<String>,
    pub message: Option<String>,
}

impl From<JobAttempt> for AttemptResponse {
    fn from(a: JobAttempt) -> Self {
        Self {
            attempt_number: a.attempt_number,
            outcome: a.outcome,
            step: a.step,
            started_at: a.started_at,
            finished_at: a.finished_at,
            http_status: a.http_status,
            platform_error_code: a.platform_error_code,
            message: a.message,
        }
    }
}

/// `PATCH /jobs/{id}`: move and/or edit a job no worker has taken yet. Absent fields stay.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobPatchRequest {
    /// RFC 3339 with an offset, or a local date-time with `time_zone`.
    #[serde(alias = "scheduled_at")]
    pub schedule_time: Option<String>,
    pub time_zone: Option<String>,
    pub text_content: Option<String>,
    pub assets: Option<Vec<Asset>>,
    pub platform_specific_options: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `POST /jobs/{id}/resolve`: what the user found on the account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    pub published: bool,
    pub post_url: Option<String>,
}
