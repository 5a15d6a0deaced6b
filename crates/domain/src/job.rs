use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::{Asset, ConnectionId, JobId, Platform, PostId, UserId, WorkerId};

/// Error code of a job whose last platform call may or may not have gone through (the worker
/// stopped mid-call). Retrying could post twice, so such a job is never retried by itself.
pub const OUTCOME_UNKNOWN: &str = "outcome_unknown";

/// Where a publish job is in its life.
///
/// ```text
///  Scheduled ──due──▶ (claim) ──▶ Processing ──▶ Published
///  Pending   ─────────(claim) ──▶ Processing ──▶ Failed | ContentRejected | Missed | OutcomeUnknown
///  Processing ──retryable error / released / parked──▶ Pending
///  Scheduled | Pending ──▶ Cancelled | ContentRejected | Scheduled (reschedule)
///  Failed | Missed ──user retry──▶ Pending
///  OutcomeUnknown ──user resolve──▶ Published | Failed
/// ```
/// Published, Failed, ContentRejected, Cancelled, Missed and OutcomeUnknown are final: no
/// worker moves them. Only a user's decision (retry, resolve) moves the last three on.
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
    /// Picked up too long after its time (the service was down): not published, so that a
    /// stale post never surprises its author. Retryable by the user.
    Missed,
    /// The commit call may or may not have made the post public, and the platform could not
    /// tell us which. Never retried by itself: the user checks and resolves it.
    OutcomeUnknown,
}

impl JobStatus {
    pub const ALL: [JobStatus; 9] = [
        JobStatus::Scheduled,
        JobStatus::Pending,
        JobStatus::Processing,
        JobStatus::Published,
        JobStatus::Failed,
        JobStatus::ContentRejected,
        JobStatus::Cancelled,
        JobStatus::Missed,
        JobStatus::OutcomeUnknown,
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
            JobStatus::Missed => "missed",
            JobStatus::OutcomeUnknown => "outcome_unknown",
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
                | JobStatus::Missed
                | JobStatus::OutcomeUnknown
        )
    }

    /// The states a user may send back to the queue with a retry.
    pub const fn is_retryable_by_user(self) -> bool {
        matches!(self, JobStatus::Failed | JobStatus::Missed)
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
    /// A publish call of this job may have reached the platform unanswered (or did, and the
    /// post is being confirmed): changing the content now could publish a second, different
    /// post. The job must settle first.
    #[error(
        "the job's post may already exist on the platform; it cannot be edited until that is settled"
    )]
    PostMayExist,
}

/// What the user should do about a failed job, so the web app can offer the right button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserAction {
    /// The platform no longer accepts our tokens: connect the account again.
    Reconnect,
    /// The account lacks a permission, role or product access: grant it, then reconnect.
    GrantPermissions,
    /// The platform refuses the text or options: edit the content.
    EditContent,
    /// The text is too long for the platform.
    ShortenText,
    /// The platform could not fetch or process a media file: use another file.
    ChangeMedia,
    /// A limit or an outage: nothing to change, try again later.
    Wait,
    /// We cannot tell whether the post went out: look at the account, then resolve the job.
    CheckAccount,
    /// The job can simply be retried.
    Retry,
}

impl UserAction {
    pub const ALL: [UserAction; 8] = [
        UserAction::Reconnect,
        UserAction::GrantPermissions,
        UserAction::EditContent,
        UserAction::ShortenText,
        UserAction::ChangeMedia,
        UserAction::Wait,
        UserAction::CheckAccount,
        UserAction::Retry,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            UserAction::Reconnect => "reconnect",
            UserAction::GrantPermissions => "grant_permissions",
            UserAction::EditContent => "edit_content",
            UserAction::ShortenText => "shorten_text",
            UserAction::ChangeMedia => "change_media",
            UserAction::Wait => "wait",
            UserAction::CheckAccount => "check_account",
            UserAction::Retry => "retry",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }
}

impl fmt::Display for UserAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error code of a job the user resolved as "not published": it may be retried.
pub const RESOLVED_NOT_PUBLISHED: &str = "resolved_not_published";
/// Error code of a job picked up too late to publish (see [`JobStatus::Missed`]).
pub const MISSED: &str = "missed";

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
    /// The commit call answered: the post is public (or accepted for publication, as TikTok
    /// and Instagram accept it before it is live). Steps after this only confirm and find the
    /// post's URL; the commit is never sent again.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub committed_at: Option<OffsetDateTime>,
    /// The job is parked while the platform processes something (a container, a video): its
    /// next claim continues the same attempt instead of starting a new one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub parked: bool,
    /// The worker holding the job vanished (its lease ran out) some time after this instant,
    /// the job's last stored change. The commit marker is not stored before a commit call:
    /// the lease is the marker. So whether that worker sent the commit is unknown, and if the
    /// commit is the job's next step, the next claim looks for the post first
    /// ([`PublishJob::resume_interrupted`]).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub interrupted_at: Option<OffsetDateTime>,
}

impl PublishProgress {
    pub fn step(&self, name: &str) -> Option<&str> {
        self.steps.get(name).map(String::as_str)
    }

    /// Records what a step produced (a media id, a container id), for the steps after it.
    pub fn set_step(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.steps.insert(name.into(), value.into());
    }

    /// A commit call went out and no answer was stored: only the platform can tell whether
    /// the post exists, so the next thing to do is to look for it, never to send it again.
    pub fn needs_reconciliation(&self) -> bool {
        self.final_call_started_at.is_some()
    }
}

/// What a caller asks for when creating a job; the job decides its first state.
#[derive(Debug, Clone)]
pub struct NewPublishJob {
    pub id: JobId,
    /// The multi-target post this job is one target of, if any.
    pub post_id: Option<PostId>,
    pub user_id: UserId,
    pub social_connection_id: ConnectionId,
    pub platform: Platform,
    pub content_text: String,
    pub assets: Vec<Asset>,
    pub platform_specific_options: serde_json::Map<String, serde_json::Value>,
    /// `None` publishes as soon as a worker is free.
    pub scheduled_at: Option<OffsetDateTime>,
    /// The author's IANA time zone, kept for local-time views of `scheduled_at`.
    pub time_zone: Option<String>,
    /// The caller's own data (campaign ids...), stored and returned untouched.
    pub metadata: serde_json::Map<String, serde_json::Value>,
    pub max_attempts: u32,
}

/// One request to publish one piece of content to one connection, and everything that
/// happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishJob {
    pub id: JobId,
    pub post_id: Option<PostId>,
    pub user_id: UserId,
    pub social_connection_id: ConnectionId,
    pub platform: Platform,
    pub content_text: String,
    pub assets: Vec<Asset>,
    pub platform_specific_options: serde_json::Map<String, serde_json::Value>,
    pub status: JobStatus,
    pub scheduled_at: Option<OffsetDateTime>,
    pub time_zone: Option<String>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    pub published_at: Option<OffsetDateTime>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub user_action: Option<UserAction>,
    pub attempts: u32,
    pub max_attempts: u32,
    /// When a worker may next pick the job up; `None` once no worker should.
    pub next_attempt_at: Option<OffsetDateTime>,
    pub external_post_id: Option<String>,
    pub post_url: Option<String>,
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
            post_id: new.post_id,
            user_id: new.user_id,
            social_connection_id: new.social_connection_id,
            platform: new.platform,
            content_text: new.content_text,
            assets: new.assets,
            platform_specific_options: new.platform_specific_options,
            status,
            scheduled_at: new.scheduled_at,
            time_zone: new.time_zone,
            metadata: new.metadata,
            published_at: None,
            error_code: None,
            error_message: None,
            user_action: None,
            attempts: 0,
            max_attempts: new.max_attempts.max(1),
            next_attempt_at: Some(next_attempt_at),
            external_post_id: None,
            post_url: None,
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

    fn lease_dropped_pending(&mut self, next_attempt_at: OffsetDateTime, now: OffsetDateTime) {
        self.status = JobStatus::Pending;
        self.locked_by = None;
        self.locked_until = None;
        self.next_attempt_at = Some(next_attempt_at);
        self.updated_at = now;
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
        // A parked job comes back to go on with the attempt that parked it.
        if self.progress.parked {
            self.progress.parked = false;
        } else {
            self.attempts += 1;
        }
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

    /// Marks the start of the call that makes the post live. The engine keeps it in memory
    /// only: while the call runs, the worker's lease stands for it (see
    /// [`PublishProgress::interrupted_at`]); it is stored when the call's outcome stays unknown.
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

    /// The commit call answered: the post exists at the platform. What remains only confirms it.
    pub fn mark_committed(
        &mut self,
        worker: &WorkerId,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "committed")?;
        self.require_lease(worker)?;
        self.progress.final_call_started_at = None;
        self.progress.committed_at = Some(now);
        self.updated_at = now;
        Ok(())
    }

    /// Reconciliation found no post after an unanswered commit: sending it again is safe.
    pub fn mark_commit_absent(
        &mut self,
        worker: &WorkerId,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "reconciled")?;
        self.require_lease(worker)?;
        self.progress.final_call_started_at = None;
        self.updated_at = now;
        Ok(())
    }

    /// Replaces the progress with what the adapter returned after a step.
    pub fn set_progress(
        &mut self,
        worker: &WorkerId,
        progress: PublishProgress,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "advanced")?;
        self.require_lease(worker)?;
        self.progress = progress;
        self.updated_at = now;
        Ok(())
    }

    /// The platform is processing (a container, a video): park the job until `until` without
    /// holding a worker. Its next claim continues this attempt.
    pub fn park(
        &mut self,
        worker: &WorkerId,
        until: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "parked")?;
        self.require_lease(worker)?;
        self.progress.parked = true;
        self.lease_dropped_pending(until, now);
        Ok(())
    }

    /// A volume cap (a daily quota) is reached: try again when it frees, without spending an
    /// attempt, since nothing failed.
    pub fn defer(
        &mut self,
        worker: &WorkerId,
        until: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.park(worker, until, now)
    }

    /// Picked up more than the allowed lateness after its time: not published.
    pub fn mark_missed(
        &mut self,
        worker: &WorkerId,
        message: &str,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "missed")?;
        self.require_lease(worker)?;
        self.user_action = Some(UserAction::Retry);
        self.fail_with(JobStatus::Missed, MISSED, message, now);
        Ok(())
    }

    /// The commit may have gone through and the platform cannot tell: a person decides.
    pub fn mark_outcome_unknown(
        &mut self,
        worker: &WorkerId,
        message: &str,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "left undecided")?;
        self.require_lease(worker)?;
        self.user_action = Some(UserAction::CheckAccount);
        self.fail_with(JobStatus::OutcomeUnknown, OUTCOME_UNKNOWN, message, now);
        Ok(())
    }

    /// The user sends a failed or missed job back to the queue, with a fresh set of attempts.
    /// Progress is kept: what was committed (an earlier part of a thread) is never redone.
    pub fn retry_by_user(&mut self, now: OffsetDateTime) -> Result<(), JobError> {
        self.require(&[JobStatus::Failed, JobStatus::Missed], "retried")?;
        self.attempts = 0;
        self.error_code = None;
        self.error_message = None;
        self.user_action = None;
        self.progress.parked = false;
        self.lease_dropped_pending(now, now);
        Ok(())
    }

    /// The user looked at the account after an unknown outcome and says what happened.
    pub fn resolve(
        &mut self,
        published: bool,
        post_url: Option<String>,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::OutcomeUnknown], "resolved")?;
        self.progress.final_call_started_at = None;
        if published {
            self.post_url = post_url;
            self.published_at = Some(now);
            self.error_code = None;
            self.error_message = None;
            self.user_action = None;
            self.finish(JobStatus::Published, now);
        } else {
            self.user_action = Some(UserAction::Retry);
            self.fail_with(
                JobStatus::Failed,
                RESOLVED_NOT_PUBLISHED,
                "resolved by the user as not published; it can be retried",
                now,
            );
        }
        Ok(())
    }

    /// The user edits a job no worker has taken yet (validated by the caller).
    pub fn edit_content(
        &mut self,
        content_text: String,
        assets: Vec<Asset>,
        platform_specific_options: serde_json::Map<String, serde_json::Value>,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Scheduled, JobStatus::Pending], "edited")?;
        let progress = &self.progress;
        if progress.needs_reconciliation()
            || progress.committed_at.is_some()
            || progress.interrupted_at.is_some()
        {
            return Err(JobError::PostMayExist);
        }
        self.content_text = content_text;
        self.assets = assets;
        self.platform_specific_options = platform_specific_options;
        // What earlier steps made (uploaded media, containers) was made from the old content.
        self.progress = PublishProgress::default();
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
        self.user_action = None;
        self.progress.final_call_started_at = None;
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
            self.user_action = Some(UserAction::Retry);
            self.finish(JobStatus::Failed, now);
        } else {
            self.lease_dropped_pending(retry_at, now);
        }
        Ok(self.status)
    }

    /// A permanent failure (auth, permission, a platform error that retrying cannot fix).
    pub fn fail(
        &mut self,
        worker: &WorkerId,
        code: &str,
        message: &str,
        user_action: Option<UserAction>,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "failed")?;
        self.require_lease(worker)?;
        self.user_action = user_action;
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
    /// is not checked. Unless the job had already committed (or stored a marker), the dead
    /// worker may have been inside the commit call: the job remembers it was interrupted.
    pub fn recover_expired_lease(&mut self, now: OffsetDateTime) -> Result<JobStatus, JobError> {
        self.require(&[JobStatus::Processing], "recovered")?;
        if self.locked_until.is_some_and(|until| until > now) {
            return Err(JobStateTransitionError {
                from: self.status,
                action: "recovered while leased",
            }
            .into());
        }
        let progress = &mut self.progress;
        if progress.committed_at.is_none() && progress.final_call_started_at.is_none() {
            progress.interrupted_at = Some(self.updated_at);
        }
        Ok(self.return_to_queue(now))
    }

    /// Settles an interruption when the job is claimed again, once the adapter has said
    /// whether its next step is the commit: then the commit may have been sent, and the
    /// marker is set so that the post is looked for before anything is sent again; otherwise
    /// only redoable steps were cut short and the job goes on.
    pub fn resume_interrupted(&mut self, commit_is_next: bool) {
        let progress = &mut self.progress;
        if let Some(since) = progress.interrupted_at.take()
            && commit_is_next
            && progress.committed_at.is_none()
            && progress.final_call_started_at.is_none()
        {
            progress.final_call_started_at = Some(since);
        }
    }

    /// Looking for the post after an unanswered commit failed (the platform was busy): look
    /// again at `retry_at`, keeping the marker. The look-ups have their own budget (the
    /// engine's reconciliation window), so this spends no attempt: a storm of 429s on the
    /// listing must not turn a post that exists into an `outcome_unknown`.
    pub fn look_again_later(
        &mut self,
        worker: &WorkerId,
        code: &str,
        message: &str,
        retry_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), JobError> {
        self.require(&[JobStatus::Processing], "looked for again")?;
        self.require_lease(worker)?;
        self.error_code = Some(code.to_owned());
        self.error_message = Some(message.to_owned());
        self.progress.parked = true;
        self.lease_dropped_pending(retry_at, now);
        Ok(())
    }

    /// Back to the queue. A commit marker stays: the next claim then looks for the post
    /// before anything else, so a worker that died mid-commit never causes a second post.
    fn return_to_queue(&mut self, now: OffsetDateTime) -> JobStatus {
        self.lease_dropped_pending(now, now);
        self.status
    }
}

#[cfg(test)]
mod tests;
