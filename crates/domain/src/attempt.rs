use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{AttemptId, JobId, WorkerId};

/// How one attempt at a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// Still running (or its worker died before recording an end).
    Running,
    Published,
    /// Failed, and the job will be tried again.
    Retrying,
    Failed,
    ContentRejected,
    /// The worker gave the job back before finishing.
    Released,
    OutcomeUnknown,
    /// The platform is processing; the job is parked and its next claim goes on.
    Parked,
    /// Picked up too late (see `JobStatus::Missed`).
    Missed,
}

impl AttemptOutcome {
    pub const ALL: [AttemptOutcome; 9] = [
        AttemptOutcome::Running,
        AttemptOutcome::Published,
        AttemptOutcome::Retrying,
        AttemptOutcome::Failed,
        AttemptOutcome::ContentRejected,
        AttemptOutcome::Released,
        AttemptOutcome::OutcomeUnknown,
        AttemptOutcome::Parked,
        AttemptOutcome::Missed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::Running => "running",
            AttemptOutcome::Published => "published",
            AttemptOutcome::Retrying => "retrying",
            AttemptOutcome::Failed => "failed",
            AttemptOutcome::ContentRejected => "content_rejected",
            AttemptOutcome::Released => "released",
            AttemptOutcome::OutcomeUnknown => "outcome_unknown",
            AttemptOutcome::Parked => "parked",
            AttemptOutcome::Missed => "missed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw)
    }
}

/// One try at publishing a job: the audit trail a user sees when asking "why did this fail?".
#[derive(Debug, Clone, PartialEq)]
pub struct JobAttempt {
    pub id: AttemptId,
    pub job_id: JobId,
    pub attempt_number: u32,
    pub worker: WorkerId,
    pub started_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
    pub outcome: AttemptOutcome,
    /// The step the attempt was at when it ended (`upload_media`, `create_post`...).
    pub step: Option<String>,
    pub http_status: Option<u16>,
    pub platform_error_code: Option<String>,
    pub message: Option<String>,
}
