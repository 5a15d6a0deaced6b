use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::{Asset, ConnectionId, JobId, Platform, UserId, WorkerId};

/// Error code of a job whose last platform call may or may not have gone through (the worker
/// stopped mid-call). Retrying could post twice, so such a job is never retried by itself.
pub const OUTCOME_UNKNOWN: &str = "outcome_unknown";

/// Where a publish job is in its life.
///
/// ```text
///  Scheduled ──due──▶ (claim) ──▶ Processing ──▶ Published
///  Pending   ─────────(claim) ──▶ Processing ──▶ Failed | ContentRejected
///  Processing ──retryable error / released──▶ Pending
///  Scheduled | Pending ──▶ Cancelled | ContentRejected | Scheduled (reschedule)
/// ```
/// Published, Failed, ContentRejected and Cancelled are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Scheduled,
    Pending,
    Processing,
    Published,
    Failed,
    ContentRejected,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 7] = [
        JobStatus::Scheduled,
        JobStatus::Pending,
        JobStatus::Processing,
        JobStatus::Published,
        JobStatus::Failed,
        JobStatus::ContentRejected,
        JobStatus::Cancelled,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            JobStatus::Scheduled => "scheduled",
            JobStatus::Pending => "pending",
            JobStatus::Processing => "processing",
            JobStatus::Published => "published",
            JobStatus::Failed => "failed",
            JobStatus::ContentRejected => "content_rejected",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// A final job never changes again.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            JobStatus::Published
                | JobStatus::Failed
                | JobStatus::ContentRejected
                | JobStatus::Cancelled
        )
    }

    /// Waiting for a worker: the states a claim may take.
    pub const fn is_claimable(self) -> bool {
        matches!(self, JobStatus::Scheduled | JobStatus::Pending)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A move the state machine does not allow, e.g. cancelling a job that was already published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from} job cannot be {action}")]
pub struct JobStateTransitionError {
    pub from: JobStatus,
    pub action: &'static str,
}

/// Why a job refused a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Transition(#[from] JobStateTransitionError),
    /// The worker asking does not hold the job's lease (it expired and another worker took it).
    #[error("worker `{worker}` does not hold the lease of this job")]
    LeaseNotHeld { worker: WorkerId },
    #[error("the scheduled time is not in the future")]
    ScheduleInPast,
}

/// Client-chosen key that makes a retried publish request return the first job.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdempotencyKeyError {
    #[error("idempotency key must be 1 to 255 visible ASCII characters")]
    Invalid,
}

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, IdempotencyKeyError> {
        let ok = !raw.is_empty() && raw.len() <= 255 && raw.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IdempotencyKeyError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a multi-step publish (create container, upload, publish) has already done, so that a
/// retry resumes after the last completed step instead of starting over and posting twice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishProgress {
    /// Completed steps by name, with what each produced (a container id, an upload id...).
    #[serde(default)]
    pub steps: BTreeMap<String, String>,
    /// Set just before the call that makes the post live. If a worker dies after this, nobody
    /// can tell whether the post exists.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub final_call_started_at: Option<OffsetDateTime>,
}

impl PublishProgress {
    pub fn step(&self, name: &str) -> Option<&str> {
        self.steps.get(name).map(String::as_str)
    }
}

/// What a caller asks for when creating a job; the job decides its first state.
#[derive(Debug, Clone)]
pub struct NewPublishJob {
    pub id: JobId,
    pub user_id: UserId,
    pub social_connection_id: ConnectionId,
    pub platform: Platform,
    pub content_text: String,
    pub assets: Vec<Asset>,
    pub platform_specific_options: serde_json::Map<String, serde_json::Value>,
    /// `None` publishes as soon as a worker is free.
    pub scheduled_at: Option<OffsetDateTime>,
    pub max_attempts: u32,
    pub idempotency_key: Option<IdempotencyKey>,
}

/// One request to publish one piece of content to one connection, and everything that
/// happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishJob {
    pub id: JobId,
    pub user_id: UserId,
    pub social_connection_id: ConnectionId,
    pub platform: Platform,
    pub content_text: String,
    pub assets: Vec<Asset>,
    pub platform_specific_options: serde_json::Map<String, serde_json::Value>,
    pub status: JobStatus,
    pub scheduled_at: Option<OffsetDateTime>,
    pub published_at: Option<OffsetDateTime>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub attempts: u32,
    pub max_attempts: u32,
    /// When a worker may next pick the job up; `None` once no worker should.
    pub next_attempt_at: Option<OffsetDateTime>,
    pub external_post_id: Option<String>,
    pub post_url: Option<String>,
    pub idempotency_key: Option<IdempotencyKey>,
    pub progress: PublishProgress,
    pub locked_by: Option<WorkerId>,
    pub locked_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl PublishJob {
    /// A job scheduled for later starts Scheduled; one for now (or a past time) starts Pending.
    pub fn new(new: NewPublishJob, now: OffsetDateTime) -> Self {
        let (status, next_attempt_at) = match new.scheduled_at {
            Some(at) if at > now => (JobStatus::Scheduled, at),
            _ => (JobStatus::Pending, now),
        };
        Self {
            id: new.id,
            user_id: new.user_id,
            social_connection_id: new.social_connection_id,
            platform: new.platform,
            content_text: new.content_text,
            assets: new.assets,
            platform_specific_options: new.platform_specific_options,
            status,
            scheduled_at: new.scheduled_at,
            published_at: None,
            error_code: None,
            error_message: None,
            attempts: 0,
            max_attempts: new.max_attempts.max(1),
            next_attempt_at: Some(next_attempt_at),
            external_post_id: None,
            post_url: None,
            idempotency_key: new.idempotency_key,
            progress: PublishProgress::default(),
            locked_by: None,
            locked_until: None,
            created_at: now,
            updated_at: now,
        }
    }

    fn require(&self, allowed: &[JobStatus], action: &'static str) -> Result<(), JobError> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(JobStateTransitionError {
                from: self.status,
                action,
            }
            .into())
        }
    }

    fn require_lease(&self, worker: &WorkerId) -> Result<(), JobError> {
        if self.locked_by.as_ref() == Some(worker) {
            Ok(())
        } else {
            Err(JobError::LeaseNotHeld {
                worker: worker.clone(),
            })
        }
    }

    fn finish(&mut self, status: JobStatus, now: OffsetDateTime) {
        self.status = status;
        self.locked_by = None;
        self.locked_until = None;
        self.next_attempt_at = None;
        self.updated_at = now;
    }

    fn fail_with(&mut self, status: JobStatus, code: &str, message: &str, now: OffsetDateTime) {
        self.error_code = Some(code.to_owned());
        self.error_message = Some(message.to_owned());
        self.finish(status, now);
    }

    /// A worker takes the job for one attempt, holding it until `now + lease`.
    pub fn claim(
        &mut self,
        worker: WorkerId,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Scheduled, JobStatus::Pending], "claimed")?;
        self.status = JobStatus::Processing;
        self.attempts += 1;
        self.locked_by = Some(worker);
        self.locked_until = Some(now + lease);
        self.updated_at = now;
        Ok(())
    }

    /// The holder extends its lease while a long platform call is still running.
    pub fn renew_lease(
        &mut self,
        worker: &WorkerId,
        until: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "renewed")?;
        self.require_lease(worker)?;
        self.locked_until = Some(until);
        Ok(())
    }

    /// Records a completed step of a multi-step publish.
    pub fn record_step(
        &mut self,
        worker: &WorkerId,
        step: &str,
        result: &str,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "advanced")?;
        self.require_lease(worker)?;
        self.progress
            .steps
            .insert(step.to_owned(), result.to_owned());
        self.updated_at = now;
        Ok(())
    }

    /// Marks the start of the call that makes the post live. Must be stored before the call.
    pub fn begin_final_call(
        &mut self,
        worker: &WorkerId,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "sent")?;
        self.require_lease(worker)?;
        self.progress.final_call_started_at = Some(now);
        self.updated_at = now;
        Ok(())
    }

    /// The post is live.
    pub fn mark_published(
        &mut self,
        worker: &WorkerId,
        external_post_id: String,
        post_url: Option<String>,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "published")?;
        self.require_lease(worker)?;
        self.external_post_id = Some(external_post_id);
        self.post_url = post_url;
        self.published_at = Some(now);
        self.error_code = None;
        self.error_message = None;
        self.finish(JobStatus::Published, now);
        Ok(())
    }

    /// A transient failure: try again at `retry_at`, or fail for good when no attempt is left.
    /// The final-call marker is cleared because the platform told us the call did not succeed.
    pub fn retry_later(
        &mut self,
        worker: &WorkerId,
        code: &str,
        message: &str,
        retry_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<JobStatus, JobError> {
        self.require(&[JobStatus::Processing], "retried")?;
        self.require_lease(worker)?;
        self.error_code = Some(code.to_owned());
        self.error_message = Some(message.to_owned());
        self.progress.final_call_started_at = None;
        if self.attempts >= self.max_attempts {
            self.finish(JobStatus::Failed, now);
        } else {
            self.status = JobStatus::Pending;
            self.locked_by = None;
            self.locked_until = None;
            self.next_attempt_at = Some(retry_at);
            self.updated_at = now;
        }
        Ok(self.status)
    }

    /// A permanent failure (auth, permission, a platform error that retrying cannot fix).
    pub fn fail(
        &mut self,
        worker: &WorkerId,
        code: &str,
        message: &str,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "failed")?;
        self.require_lease(worker)?;
        self.fail_with(JobStatus::Failed, code, message, now);
        Ok(())
    }

    /// The platform's rules refuse the content (found by our validator or by the platform).
    pub fn reject_content(
        &mut self,
        code: &str,
        message: &str,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(
            &[
                JobStatus::Scheduled,
                JobStatus::Pending,
                JobStatus::Processing,
            ],
            "rejected",
        )?;
        self.fail_with(JobStatus::ContentRejected, code, message, now);
        Ok(())
    }

    /// The user withdraws a job no worker has taken yet.
    pub fn cancel(&mut self, now: OffsetDateTime) -> Result<(), JobError> {
        self.require(&[JobStatus::Scheduled, JobStatus::Pending], "cancelled")?;
        self.finish(JobStatus::Cancelled, now);
        Ok(())
    }

    /// The user moves a job no worker has taken yet to a new time in the future.
    pub fn reschedule(&mut self, at: OffsetDateTime, now: OffsetDateTime) -> Result<(), JobError> {
        self.require(&[JobStatus::Scheduled, JobStatus::Pending], "rescheduled")?;
        if at <= now {
            return Err(JobError::ScheduleInPast);
        }
        self.status = JobStatus::Scheduled;
        self.scheduled_at = Some(at);
        self.next_attempt_at = Some(at);
        self.updated_at = now;
        Ok(())
    }

    /// The worker gives the job back (shutting down) before its result is known.
    pub fn release(
        &mut self,
        worker: &WorkerId,
        now: OffsetDateTime,
    ) -> Result<JobStatus, JobError> {
        self.require(&[JobStatus::Processing], "released")?;
        self.require_lease(worker)?;
        Ok(self.return_to_queue(now))
    }

    /// The holder's lease ran out (the worker died). Nobody else holds the job, so the lease
    /// is not checked.
    pub fn recover_expired_lease(&mut self, now: OffsetDateTime) -> Result<JobStatus, JobError> {
        self.require(&[JobStatus::Processing], "recovered")?;
        if self.locked_until.is_some_and(|until| until > now) {
            return Err(JobStateTransitionError {
                from: self.status,
                action: "recovered while leased",
            }
            .into());
        }
        Ok(self.return_to_queue(now))
    }

    /// Back to the queue, unless the final call may have gone out: then retrying could post
    /// twice, so the job fails with `outcome_unknown` for a person to check.
    fn return_to_queue(&mut self, now: OffsetDateTime) -> JobStatus {
        if self.progress.final_call_started_at.is_some() {
            self.fail_with(
                JobStatus::Failed,
                OUTCOME_UNKNOWN,
                "the worker stopped during the final platform call; check the account before retrying",
                now,
            );
        } else {
            self.status = JobStatus::Pending;
            self.locked_by = None;
            self.locked_until = None;
            self.next_attempt_at = Some(now);
            self.updated_at = now;
        }
        self.status
    }
}

#[cfg(test)]
mod tests;
