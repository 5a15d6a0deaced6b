use serde::{Deserialize, Serialize};
use socialpub_domain::{
    Asset, AttemptOutcome, ConnectionId, JobAttempt, JobId, JobStatus, Platform, PublishJob,
};
use time::OffsetDateTime;

/// A publish job as its owner follows it.
#[derive(Debug, Serialize)]
pub struct JobResponse {
    pub id: JobId,
    pub connection_id: ConnectionId,
    pub platform: Platform,
    pub status: JobStatus,
    pub text_content: String,
    pub assets: Vec<Asset>,
    pub platform_specific_options: serde_json::Map<String, serde_json::Value>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub scheduled_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_attempt_at: Option<OffsetDateTime>,
    pub attempts: u32,
    pub max_attempts: u32,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub external_post_id: Option<String>,
    pub post_url: Option<String>,
    pub idempotency_key: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<PublishJob> for JobResponse {
    fn from(job: PublishJob) -> Self {
        Self {
            id: job.id,
            connection_id: job.social_connection_id,
            platform: job.platform,
            status: job.status,
            text_content: job.content_text,
            assets: job.assets,
            platform_specific_options: job.platform_specific_options,
            scheduled_at: job.scheduled_at,
            published_at: job.published_at,
            next_attempt_at: job.next_attempt_at,
            attempts: job.attempts,
            max_attempts: job.max_attempts,
            error_code: job.error_code,
            error_message: job.error_message,
            external_post_id: job.external_post_id,
            post_url: job.post_url,
            idempotency_key: job.idempotency_key.map(|k| k.as_str().to_owned()),
            created_at: job.created_at,
            updated_at: job.updated_at,
        }
    }
}

/// One attempt, for the job's history.
#[derive(Debug, Serialize)]
pub struct AttemptResponse {
    pub attempt_number: u32,
    pub outcome: AttemptOutcome,
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
            started_at: a.started_at,
            finished_at: a.finished_at,
            http_status: a.http_status,
            platform_error_code: a.platform_error_code,
            message: a.message,
        }
    }
}

/// `PATCH /jobs/{id}`: move a job that has not started yet.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescheduleRequest {
    #[serde(with = "time::serde::rfc3339")]
    pub scheduled_at: OffsetDateTime,
}
