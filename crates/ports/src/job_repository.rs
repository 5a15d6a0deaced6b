use async_trait::async_trait;
use socialpub_domain::insights::MetricsReading;
use socialpub_domain::webhook::{JobEvent, WebhookEvent};
use socialpub_domain::{
    ConnectionId, JobAttempt, JobId, JobStatus, Platform, Post, PostId, PublishJob,
    SocialConnection, UserId, WorkerId,
};
use time::{Duration, OffsetDateTime};

use crate::{Page, PageRequest, RepositoryError};

/// Narrows a job listing. Time bounds apply to the job's scheduled time, or its creation time
/// when it was published at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    pub platform: Option<Platform>,
    pub status: Option<JobStatus>,
    pub connection_id: Option<ConnectionId>,
    pub post_id: Option<PostId>,
    /// Inclusive lower bound.
    pub from: Option<OffsetDateTime>,
    /// Exclusive upper bound.
    pub until: Option<OffsetDateTime>,
}

/// A job a worker just claimed, with its connection as stored when the claim ran.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub job: PublishJob,
    /// The job's connection (same id and user), read in the claim's round trip so that a
    /// worker with many short jobs does not spend a second one per job. `None` when the
    /// repository did not read it, or the connection is gone: the worker then reads it itself.
    pub connection: Option<SocialConnection>,
}

/// Stores publish jobs and serves as the work queue.
///
/// Workers never hold a database transaction during a platform call: they claim jobs (a short
/// write that takes a lease), call the platform, then store the outcome with
/// [`JobRepository::save_leased`], which only succeeds while their lease still stands.
///
/// All methods return [`RepositoryError::Unavailable`] when the store cannot be reached and
/// [`RepositoryError::Corrupt`] when a stored row is not a valid job.
#[async_trait]
pub trait JobRepository: Send + Sync {
    /// Stores new jobs, and the post they are the targets of, in one transaction: all or
    /// nothing. Wakes idle workers when a job is due now.
    ///
    /// # Errors
    /// [`RepositoryError::Conflict`] when a job or post with the same id exists.
    async fn create(
        &self,
        post: Option<&Post>,
        jobs: &[PublishJob],
    ) -> Result<(), RepositoryError> {
        self.create_with_events(post, jobs, &[]).await
    }

    /// [`JobRepository::create`], storing `events` (and their deliveries to the user's
    /// endpoints) in the same transaction.
    ///
    /// # Errors
    /// As [`JobRepository::create`]; then no event is stored either.
    async fn create_with_events(
        &self,
        post: Option<&Post>,
        jobs: &[PublishJob],
        events: &[WebhookEvent],
    ) -> Result<(), RepositoryError>;

    /// The user's post with this id and its targets' jobs (oldest first), if any.
    async fn get_post(
        &self,
        user: &UserId,
        id: PostId,
    ) -> Result<Option<(Post, Vec<PublishJob>)>, RepositoryError>;

    /// The user's job with this id, if any.
    async fn get(&self, user: &UserId, id: JobId) -> Result<Option<PublishJob>, RepositoryError>;

    /// The user's job with this id and the newest metrics reading of its post (see
    /// [`crate::PostMetricsRepository::latest`]), in one read: `GET /jobs/{id}` is what
    /// clients poll while following a job, so it costs one query, not two.
    async fn get_with_metrics(
        &self,
        user: &UserId,
        id: JobId,
    ) -> Result<Option<(PublishJob, Option<MetricsReading>)>, RepositoryError>;

    /// The user's jobs, newest first.
    async fn list(
        &self,
        user: &UserId,
        filter: &JobFilter,
        page: PageRequest,
    ) -> Result<Page<PublishJob>, RepositoryError>;

    /// Claims up to `limit` due jobs (Scheduled or Pending with `next_attempt_at <= now`,
    /// earliest first) for `worker`: each moves to Processing with one more attempt and a lease
    /// until `now + lease`. Concurrent claimers never receive the same job.
    async fn claim_due(
        &self,
        worker: &WorkerId,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<PublishJob>, RepositoryError>;

    /// [`JobRepository::claim_due`], with each job's connection read in the same round trip
    /// where the store can. This default reads none.
    async fn claim_due_with_connections(
        &self,
        worker: &WorkerId,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<ClaimedJob>, RepositoryError> {
        let jobs = self.claim_due(worker, now, limit, lease).await?;
        Ok(jobs
            .into_iter()
            .map(|job| ClaimedJob {
                job,
                connection: None,
            })
            .collect())
    }

    /// Extends `worker`'s lease on a job it is processing.
    ///
    /// # Errors
    /// [`RepositoryError::LeaseNotHeld`] when the job is not Processing under `worker`'s lease.
    async fn renew_lease(
        &self,
        id: JobId,
        worker: &WorkerId,
        until: OffsetDateTime,
    ) -> Result<(), RepositoryError>;

    /// Stores a job that `worker` changed while holding its lease: a step of progress, or its
    /// completion (published, failed, retry, released), which also drops the lease.
    ///
    /// A lease that has run out but was not yet recovered still counts as held.
    ///
    /// # Errors
    /// [`RepositoryError::LeaseNotHeld`] when the stored job is not Processing under `worker`'s
    /// lease (it expired and was recovered, or another worker holds it); nothing is written.
    async fn save_leased(&self, job: &PublishJob, worker: &WorkerId)
    -> Result<(), RepositoryError>;

    /// Stores a change the user made (cancel, reschedule, edit, retry, resolve) to a job whose
    /// stored status is still `expected` and that no worker holds. Wakes idle workers when the
    /// job is due now.
    ///
    /// # Errors
    /// [`RepositoryError::Conflict`] when the stored job is no longer in `expected` status (a
    /// worker claimed it meanwhile); nothing is written.
    async fn save_user_change(
        &self,
        job: &PublishJob,
        expected: JobStatus,
    ) -> Result<(), RepositoryError> {
        self.save_user_change_with_events(job, expected, &[]).await
    }

    /// [`JobRepository::save_user_change`], storing `events` in the same transaction.
    ///
    /// # Errors
    /// As [`JobRepository::save_user_change`]; then no event is stored either.
    async fn save_user_change_with_events(
        &self,
        job: &PublishJob,
        expected: JobStatus,
        events: &[WebhookEvent],
    ) -> Result<(), RepositoryError>;

    /// When the earliest Scheduled or Pending job falls due, so that an idle worker can sleep
    /// exactly until then.
    async fn next_due_at(&self) -> Result<Option<OffsetDateTime>, RepositoryError>;

    /// How many jobs are in each status (all users), for metrics.
    async fn count_by_status(&self) -> Result<Vec<(JobStatus, u64)>, RepositoryError>;

    /// Processing jobs whose lease ended at or before `now` (their worker died), up to `limit`, moved
    /// on by [`PublishJob::recover_expired_lease`] and stored. Returns the recovered jobs.
    async fn recover_expired_leases(
        &self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<PublishJob>, RepositoryError>;

    /// Inserts the attempt, or replaces the stored one with the same id (to record its end).
    async fn record_attempt(&self, attempt: &JobAttempt) -> Result<(), RepositoryError>;

    /// [`JobRepository::save_leased`], then, only if the job was saved,
    /// [`JobRepository::record_attempt`]: how a worker stores a job's change together with
    /// its attempt's record. A store may do both in one transaction: a worker's throughput is
    /// bounded by its commits, and this saves one per call.
    ///
    /// # Errors
    /// As [`JobRepository::save_leased`] (then nothing is written), or as
    /// [`JobRepository::record_attempt`].
    async fn save_leased_with_attempt(
        &self,
        job: &PublishJob,
        worker: &WorkerId,
        attempt: &JobAttempt,
    ) -> Result<(), RepositoryError> {
        self.save_leased_with_events(job, worker, Some(attempt), &[])
            .await
    }

    /// [`JobRepository::save_leased_with_attempt`] (or [`JobRepository::save_leased`] without
    /// an attempt), storing `events` in the same transaction: the webhook outbox (built only
    /// for users with an enabled endpoint). When the job
    /// became final as a target of a post whose targets are now all final, the store adds that
    /// post's `post.completed`.
    ///
    /// # Errors
    /// As [`JobRepository::save_leased_with_attempt`]; a lost lease stores no event.
    async fn save_leased_with_events(
        &self,
        job: &PublishJob,
        worker: &WorkerId,
        attempt: Option<&JobAttempt>,
        events: &[JobEvent],
    ) -> Result<(), RepositoryError>;

    /// The attempts of the user's job, first attempt first. Empty for another user's job.
    async fn list_attempts(
        &self,
        user: &UserId,
        job: JobId,
    ) -> Result<Vec<JobAttempt>, RepositoryError>;
}

/// Wakes idle workers when work arrives (LISTEN/NOTIFY on PostgreSQL, in-process on SQLite),
/// so that a job published "now" starts at once instead of at the next poll.
#[async_trait]
pub trait QueueWakeups: Send + Sync {
    /// Returns when a job may have become due (created, retried, rescheduled), or once
    /// `timeout` has passed, whichever comes first. Spurious wake-ups are allowed.
    async fn wait(&self, timeout: Duration);
}
