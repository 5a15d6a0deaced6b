use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use socialpub_domain::insights::MetricsReading;
use socialpub_domain::webhook::{JobEvent, WebhookEvent};
use socialpub_domain::{
    AttemptId, JobAttempt, JobId, JobStatus, Post, PostId, PublishJob, UserId, WorkerId,
};
use time::{Duration, OffsetDateTime};

use super::connections::{InMemoryConnectionRepository, paginate};
use super::lock;
use super::post_metrics::InMemoryPostMetricsRepository;
use super::wakeups::InMemoryQueueWakeups;
use crate::{
    ClaimedJob, ConnectionRepository, JobFilter, JobRepository, Page, PageRequest,
    PostMetricsRepository, RepositoryError,
};

#[derive(Debug, Default)]
struct State {
    posts: BTreeMap<PostId, Post>,
    jobs: BTreeMap<JobId, PublishJob>,
    attempts: BTreeMap<AttemptId, JobAttempt>,
    /// The webhook outbox: events stored with the changes that caused them.
    events: Vec<WebhookEvent>,
}

/// Jobs in a map. One mutex makes every method atomic, which is what the database's row
/// locks give the real repositories.
#[derive(Debug, Default)]
pub struct InMemoryJobRepository {
    state: Mutex<State>,
    wakeups: Option<Arc<InMemoryQueueWakeups>>,
    /// Where claims read each job's connection, as the databases do in the claim's statement.
    connections: Option<Arc<InMemoryConnectionRepository>>,
    /// Where job reads find their post's metrics, as the databases do in the same query.
    metrics: Option<Arc<InMemoryPostMetricsRepository>>,
}

impl InMemoryJobRepository {
    /// A repository that wakes these idle workers when a job becomes due now, as the real
    /// ones do through NOTIFY.
    pub fn with_wakeups(wakeups: Arc<InMemoryQueueWakeups>) -> Self {
        Self {
            state: Mutex::default(),
            wakeups: Some(wakeups),
            connections: None,
            metrics: None,
        }
    }

    /// Job reads bring the newest metrics reading from `metrics`, as the databases' do.
    pub fn reading_metrics_from(mut self, metrics: Arc<InMemoryPostMetricsRepository>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Claims bring each job's connection from `connections`, as the databases' claims do.
    pub fn reading_connections_from(
        mut self,
        connections: Arc<InMemoryConnectionRepository>,
    ) -> Self {
        self.connections = Some(connections);
        self
    }

    /// Every stored job of every user, for tests that look at the whole queue.
    pub fn all(&self) -> Vec<PublishJob> {
        lock(&self.state).jobs.values().cloned().collect()
    }

    /// One job, whoever owns it.
    pub fn job(&self, id: JobId) -> Option<PublishJob> {
        lock(&self.state).jobs.get(&id).cloned()
    }

    /// Every attempt of a job, first first.
    pub fn attempts_of(&self, id: JobId) -> Vec<JobAttempt> {
        let mut attempts: Vec<_> = lock(&self.state)
            .attempts
            .values()
            .filter(|a| a.job_id == id)
            .cloned()
            .collect();
        attempts.sort_by_key(|a| (a.started_at, a.attempt_number));
        attempts
    }

    /// The events stored with job changes, oldest first (`post.completed` is the store's own
    /// addition and is not made here).
    pub fn events(&self) -> Vec<WebhookEvent> {
        lock(&self.state).events.clone()
    }

    /// Replaces a stored job as is, bypassing every rule: for tests that set up a state.
    pub fn put(&self, job: PublishJob) {
        lock(&self.state).jobs.insert(job.id, job);
    }

    fn wake_if_due(&self, jobs: &[&PublishJob], now: Option<OffsetDateTime>) {
        let Some(wakeups) = &self.wakeups else {
            return;
        };
        let due = jobs.iter().any(|j| {
            j.status.is_claimable()
                && j.next_attempt_at
                    .is_some_and(|at| now.is_none_or(|now| at <= now))
        });
        if due {
            wakeups.notify();
        }
    }
}

fn holds_lease(job: &PublishJob, worker: &WorkerId) -> bool {
    job.status == JobStatus::Processing && job.locked_by.as_ref() == Some(worker)
}

/// The instant a listing's time bounds apply to.
fn listed_time(job: &PublishJob) -> OffsetDateTime {
    job.scheduled_at.unwrap_or(job.created_at)
}

#[async_trait]
impl JobRepository for InMemoryJobRepository {
    async fn create_with_events(
        &self,
        post: Option<&Post>,
        jobs: &[PublishJob],
        events: &[WebhookEvent],
    ) -> Result<(), RepositoryError> {
        {
            let mut state = lock(&self.state);
            if let Some(post) = post
                && state.posts.contains_key(&post.id)
            {
                return Err(RepositoryError::Conflict(format!(
                    "post {} already exists",
                    post.id
                )));
            }
            if let Some(job) = jobs.iter().find(|j| state.jobs.contains_key(&j.id)) {
                return Err(RepositoryError::Conflict(format!(
                    "job {} already exists",
                    job.id
                )));
            }
            if let Some(post) = post {
                state.posts.insert(post.id, post.clone());
            }
            for job in jobs {
                state.jobs.insert(job.id, job.clone());
            }
            state.events.extend_from_slice(events);
        }
        // Created "now" jobs are due at their creation time.
        let refs: Vec<&PublishJob> = jobs.iter().collect();
        let now = jobs.iter().map(|j| j.created_at).max();
        self.wake_if_due(&refs, now);
        Ok(())
    }

    async fn get_post(
        &self,
        user: &UserId,
        id: PostId,
    ) -> Result<Option<(Post, Vec<PublishJob>)>, RepositoryError> {
        let state = lock(&self.state);
        let Some(post) = state.posts.get(&id).filter(|p| &p.user_id == user) else {
            return Ok(None);
        };
        let mut jobs: Vec<_> = state
            .jobs
            .values()
            .filter(|j| j.post_id == Some(id))
            .cloned()
            .collect();
        jobs.sort_by_key(|j| (j.created_at, j.id));
        Ok(Some((post.clone(), jobs)))
    }

    async fn get(&self, user: &UserId, id: JobId) -> Result<Option<PublishJob>, RepositoryError> {
        Ok(lock(&self.state)
            .jobs
            .get(&id)
            .filter(|j| &j.user_id == user)
            .cloned())
    }

    async fn get_with_metrics(
        &self,
        user: &UserId,
        id: JobId,
    ) -> Result<Option<(PublishJob, Option<MetricsReading>)>, RepositoryError> {
        let Some(job) = self.get(user, id).await? else {
            return Ok(None);
        };
        let reading = match &self.metrics {
            Some(metrics) => metrics.latest(user, id).await?,
            None => None,
        };
        Ok(Some((job, reading)))
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
            .filter(|j| filter.post_id.is_none_or(|p| j.post_id == Some(p)))
            .filter(|j| filter.from.is_none_or(|from| listed_time(j) >= from))
            .filter(|j| filter.until.is_none_or(|until| listed_time(j) < until))
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

    async fn claim_due_with_connections(
        &self,
        worker: &WorkerId,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<ClaimedJob>, RepositoryError> {
        let jobs = self.claim_due(worker, now, limit, lease).await?;
        let mut claimed = Vec::with_capacity(jobs.len());
        for job in jobs {
            let connection = match &self.connections {
                Some(connections) => {
                    connections
                        .get(&job.user_id, job.social_connection_id)
                        .await?
                }
                None => None,
            };
            claimed.push(ClaimedJob { job, connection });
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
        {
            let mut state = lock(&self.state);
            match state.jobs.get_mut(&job.id) {
                Some(stored) if holds_lease(stored, worker) => *stored = job.clone(),
                _ => return Err(RepositoryError::LeaseNotHeld(job.id)),
            }
        }
        self.wake_if_due(&[job], Some(job.updated_at));
        Ok(())
    }

    async fn save_user_change_with_events(
        &self,
        job: &PublishJob,
        expected: JobStatus,
        events: &[WebhookEvent],
    ) -> Result<(), RepositoryError> {
        {
            let mut guard = lock(&self.state);
            let state = &mut *guard;
            match state.jobs.get_mut(&job.id) {
                Some(stored)
                    if stored.status == expected
                        && stored.locked_by.is_none()
                        && stored.user_id == job.user_id =>
                {
                    *stored = job.clone();
                    state.events.extend_from_slice(events);
                }
                Some(stored) => {
                    return Err(RepositoryError::Conflict(format!(
                        "job {} is {} and can no longer be changed",
                        job.id, stored.status
                    )));
                }
                None => {
                    return Err(RepositoryError::Conflict(format!(
                        "job {} does not exist",
                        job.id
                    )));
                }
            }
        }
        self.wake_if_due(&[job], Some(job.updated_at));
        Ok(())
    }

    async fn save_leased_with_events(
        &self,
        job: &PublishJob,
        worker: &WorkerId,
        attempt: Option<&JobAttempt>,
        events: &[JobEvent],
    ) -> Result<(), RepositoryError> {
        {
            let mut guard = lock(&self.state);
            let state = &mut *guard;
            match state.jobs.get_mut(&job.id) {
                Some(stored) if holds_lease(stored, worker) => *stored = job.clone(),
                _ => return Err(RepositoryError::LeaseNotHeld(job.id)),
            }
            if let Some(attempt) = attempt {
                state.attempts.insert(attempt.id, attempt.clone());
            }
            state.events.extend(events.iter().map(JobEvent::to_webhook));
        }
        self.wake_if_due(&[job], Some(job.updated_at));
        Ok(())
    }

    async fn next_due_at(&self) -> Result<Option<OffsetDateTime>, RepositoryError> {
        Ok(lock(&self.state)
            .jobs
            .values()
            .filter(|j| j.status.is_claimable())
            .filter_map(|j| j.next_attempt_at)
            .min())
    }

    async fn count_by_status(&self) -> Result<Vec<(JobStatus, u64)>, RepositoryError> {
        let state = lock(&self.state);
        let mut counts: BTreeMap<&'static str, (JobStatus, u64)> = BTreeMap::new();
        for job in state.jobs.values() {
            counts
                .entry(job.status.as_str())
                .or_insert((job.status, 0))
                .1 += 1;
        }
        Ok(counts.into_values().collect())
    }

    async fn recover_expired_leases(
        &self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<PublishJob>, RepositoryError> {
        let recovered = {
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
            recovered
        };
        let refs: Vec<&PublishJob> = recovered.iter().collect();
        self.wake_if_due(&refs, Some(now));
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
        if lock(&self.state)
            .jobs
            .get(&job)
            .is_none_or(|j| &j.user_id != user)
        {
            return Ok(Vec::new());
        }
        Ok(self.attempts_of(job))
    }
}
