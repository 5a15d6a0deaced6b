use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use socialpub_domain::{AttemptId, JobAttempt, JobId, JobStatus, PublishJob, UserId, WorkerId};
use time::{Duration, OffsetDateTime};

use super::connections::paginate;
use super::lock;
use crate::{CreatedJob, JobFilter, JobRepository, Page, PageRequest, RepositoryError};

#[derive(Debug, Default)]
struct State {
    jobs: BTreeMap<JobId, PublishJob>,
    attempts: BTreeMap<AttemptId, JobAttempt>,
}

/// Jobs in a map. One mutex makes every method atomic, which is what the database's row
/// locks give the real repositories.
#[derive(Debug, Default)]
pub struct InMemoryJobRepository {
    state: Mutex<State>,
}

fn holds_lease(job: &PublishJob, worker: &WorkerId) -> bool {
    job.status == JobStatus::Processing && job.locked_by.as_ref() == Some(worker)
}

#[async_trait]
impl JobRepository for InMemoryJobRepository {
    async fn create(&self, job: &PublishJob) -> Result<CreatedJob, RepositoryError> {
        let mut state = lock(&self.state);
        if let Some(key) = &job.idempotency_key {
            let earlier = state
                .jobs
                .values()
                .find(|j| j.user_id == job.user_id && j.idempotency_key.as_ref() == Some(key));
            if let Some(earlier) = earlier {
                return Ok(CreatedJob::Existing(earlier.clone()));
            }
        }
        if state.jobs.contains_key(&job.id) {
            return Err(RepositoryError::Conflict(format!(
                "job {} already exists",
                job.id
            )));
        }
        state.jobs.insert(job.id, job.clone());
        Ok(CreatedJob::Created(job.clone()))
    }

    async fn get(&self, user: &UserId, id: JobId) -> Result<Option<PublishJob>, RepositoryError> {
        Ok(lock(&self.state)
            .jobs
            .get(&id)
            .filter(|j| &j.user_id == user)
            .cloned())
    }

    async fn list(
        &self,
        user: &UserId,
        filter: &JobFilter,
        page: PageRequest,
    ) -> Result<Page<PublishJob>, RepositoryError> {
        let state = lock(&self.state);
        let mut matching: Vec<_> = state
            .jobs
            .values()
            .filter(|j| &j.user_id == user)
            .filter(|j| filter.platform.is_none_or(|p| j.platform == p))
            .filter(|j| filter.status.is_none_or(|s| j.status == s))
            .filter(|j| {
                filter
                    .connection_id
                    .is_none_or(|c| j.social_connection_id == c)
            })
            .cloned()
            .collect();
        matching.sort_by_key(|j| std::cmp::Reverse((j.created_at, j.id)));
        Ok(paginate(matching, page))
    }

    async fn claim_due(
        &self,
        worker: &WorkerId,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<PublishJob>, RepositoryError> {
        let mut state = lock(&self.state);
        let mut due: Vec<_> = state
            .jobs
            .values()
            .filter(|j| j.status.is_claimable() && j.next_attempt_at.is_some_and(|at| at <= now))
            .map(|j| (j.next_attempt_at, j.id))
            .collect();
        due.sort();
        let mut claimed = Vec::new();
        for (_, id) in due.into_iter().take(limit as usize) {
            if let Some(job) = state.jobs.get_mut(&id) {
                job.claim(worker.clone(), now, lease)
                    .map_err(|e| RepositoryError::Corrupt(e.to_string()))?;
                claimed.push(job.clone());
            }
        }
        Ok(claimed)
    }

    async fn renew_lease(
        &self,
        id: JobId,
        worker: &WorkerId,
        until: OffsetDateTime,
    ) -> Result<(), RepositoryError> {
        let mut state = lock(&self.state);
        match state.jobs.get_mut(&id) {
            Some(job) if holds_lease(job, worker) => {
                job.locked_until = Some(until);
                Ok(())
            }
            _ => Err(RepositoryError::LeaseNotHeld(id)),
        }
    }

    async fn save_leased(
        &self,
        job: &PublishJob,
        worker: &WorkerId,
    ) -> Result<(), RepositoryError> {
        let mut state = lock(&self.state);
        match state.jobs.get_mut(&job.id) {
            Some(stored) if holds_lease(stored, worker) => {
                *stored = job.clone();
                Ok(())
            }
            _ => Err(RepositoryError::LeaseNotHeld(job.id)),
        }
    }

    async fn save_unclaimed(&self, job: &PublishJob) -> Result<(), RepositoryError> {
        let mut state = lock(&self.state);
        match state.jobs.get_mut(&job.id) {
            Some(stored) if stored.status.is_claimable() && stored.user_id == job.user_id => {
                *stored = job.clone();
                Ok(())
            }
            Some(stored) => Err(RepositoryError::Conflict(format!(
                "job {} is {} and can no longer be changed",
                job.id, stored.status
            ))),
            None => Err(RepositoryError::Conflict(format!(
                "job {} does not exist",
                job.id
            ))),
        }
    }

    async fn recover_expired_leases(
        &self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<PublishJob>, RepositoryError> {
        let mut state = lock(&self.state);
        let mut expired: Vec<_> = state
            .jobs
            .values()
            .filter(|j| {
                j.status == JobStatus::Processing && j.locked_until.is_some_and(|u| u <= now)
            })
            .map(|j| (j.locked_until, j.id))
            .collect();
        expired.sort();
        let mut recovered = Vec::new();
        for (_, id) in expired.into_iter().take(limit as usize) {
            if let Some(job) = state.jobs.get_mut(&id) {
                job.recover_expired_lease(now)
                    .map_err(|e| RepositoryError::Corrupt(e.to_string()))?;
                recovered.push(job.clone());
            }
        }
        Ok(recovered)
    }

    async fn record_attempt(&self, attempt: &JobAttempt) -> Result<(), RepositoryError> {
        let mut state = lock(&self.state);
        if !state.jobs.contains_key(&attempt.job_id) {
            return Err(RepositoryError::Conflict(format!(
                "job {} does not exist",
                attempt.job_id
            )));
        }
        state.attempts.insert(attempt.id, attempt.clone());
        Ok(())
    }

    async fn list_attempts(
        &self,
        user: &UserId,
        job: JobId,
    ) -> Result<Vec<JobAttempt>, RepositoryError> {
        let state = lock(&self.state);
        if state.jobs.get(&job).is_none_or(|j| &j.user_id != user) {
            return Ok(Vec::new());
        }
        let mut attempts: Vec<_> = state
            .attempts
            .values()
            .filter(|a| a.job_id == job)
            .cloned()
            .collect();
        attempts.sort_by_key(|a| (a.attempt_number, a.started_at));
        Ok(attempts)
    }
}
