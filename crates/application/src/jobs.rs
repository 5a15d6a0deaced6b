use std::sync::Arc;

use socialpub_domain::insights::MetricsReading;
use socialpub_domain::{JobAttempt, JobError, JobId, PublishJob, UserId};
use socialpub_ports::{Clock, JobFilter, JobRepository, Page, PageRequest, RepositoryError};
use time::OffsetDateTime;

/// Why a job use case failed.
#[derive(Debug, thiserror::Error)]
pub enum JobServiceError {
    #[error("job {0} not found")]
    NotFound(JobId),
    /// The job's state does not allow the change (already published, claimed by a worker...).
    #[error(transparent)]
    Refused(#[from] JobError),
    /// A worker claimed the job between our read and our write.
    #[error("job {0} was taken by a worker and can no longer be changed")]
    ClaimedMeanwhile(JobId),
    #[error(transparent)]
    Repository(#[from] RepositoryError),
}

/// Following and steering a user's publish jobs.
#[derive(Clone)]
pub struct JobService {
    jobs: Arc<dyn JobRepository>,
    clock: Arc<dyn Clock>,
}

impl JobService {
    pub fn new(jobs: Arc<dyn JobRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { jobs, clock }
    }

    pub async fn list(
        &self,
        user: &UserId,
        filter: &JobFilter,
        page: PageRequest,
    ) -> Result<Page<PublishJob>, JobServiceError> {
        Ok(self.jobs.list(user, filter, page).await?)
    }

    pub async fn get(&self, user: &UserId, id: JobId) -> Result<PublishJob, JobServiceError> {
        self.jobs
            .get(user, id)
            .await?
            .ok_or(JobServiceError::NotFound(id))
    }

    /// The user's job and the newest metrics reading of its post, in one read.
    pub async fn get_with_metrics(
        &self,
        user: &UserId,
        id: JobId,
    ) -> Result<(PublishJob, Option<MetricsReading>), JobServiceError> {
        self.jobs
            .get_with_metrics(user, id)
            .await?
            .ok_or(JobServiceError::NotFound(id))
    }

    pub async fn attempts(
        &self,
        user: &UserId,
        id: JobId,
    ) -> Result<Vec<JobAttempt>, JobServiceError> {
        self.get(user, id).await?;
        Ok(self.jobs.list_attempts(user, id).await?)
    }

    /// Withdraws a job no worker has taken yet.
    pub async fn cancel(&self, user: &UserId, id: JobId) -> Result<PublishJob, JobServiceError> {
        let now = self.clock.now();
        self.change_unclaimed(user, id, |job| job.cancel(now)).await
    }

    /// Moves a job no worker has taken yet to a new time.
    pub async fn reschedule(
        &self,
        user: &UserId,
        id: JobId,
        at: OffsetDateTime,
    ) -> Result<PublishJob, JobServiceError> {
        let now = self.clock.now();
        self.change_unclaimed(user, id, |job| job.reschedule(at, now))
            .await
    }

    /// Sends a failed or missed job back to the queue with a fresh set of attempts.
    pub async fn retry(&self, user: &UserId, id: JobId) -> Result<PublishJob, JobServiceError> {
        let now = self.clock.now();
        self.change_unclaimed(user, id, |job| job.retry_by_user(now))
            .await
    }

    /// Records what the user found after an unknown outcome: published (with the post's URL
    /// if they have it), or not, which makes the job retryable.
    pub async fn resolve(
        &self,
        user: &UserId,
        id: JobId,
        published: bool,
        post_url: Option<String>,
    ) -> Result<PublishJob, JobServiceError> {
        let now = self.clock.now();
        self.change_unclaimed(user, id, |job| job.resolve(published, post_url, now))
            .await
    }

    async fn change_unclaimed(
        &self,
        user: &UserId,
        id: JobId,
        change: impl FnOnce(&mut PublishJob) -> Result<(), JobError>,
    ) -> Result<PublishJob, JobServiceError> {
        let mut job = self.get(user, id).await?;
        let expected = job.status;
        change(&mut job)?;
        let events = socialpub_domain::webhook::user_change_events(expected, &job);
        match self
            .jobs
            .save_user_change_with_events(&job, expected, &events)
            .await
        {
            Ok(()) => Ok(job),
            Err(RepositoryError::Conflict(_)) => Err(JobServiceError::ClaimedMeanwhile(id)),
            Err(other) => Err(other.into()),
        }
    }
}

#[cfg(test)]
mod tests;
