use async_trait::async_trait;
use socialpub_domain::insights::{MetricsCheckpoint, MetricsReading, PostMetrics};
use socialpub_domain::{ConnectionId, JobId, Platform, PublishJob, UserId};
use time::{Duration, OffsetDateTime};

use crate::RepositoryError;

/// A metrics read that fell due, claimed by a worker: what it needs to ask the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueMetricsRead {
    pub job_id: JobId,
    pub checkpoint: MetricsCheckpoint,
    pub user_id: UserId,
    pub connection_id: ConnectionId,
    pub platform: Platform,
    pub external_post_id: String,
    /// Reads tried so far, this one included.
    pub attempts: u32,
}

/// How a claimed read ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsReadOutcome {
    /// The platform answered: the reading is stored.
    Read {
        at: OffsetDateTime,
        metrics: PostMetrics,
    },
    /// A passing failure (rate limit, outage): tried again at `at`.
    Retry { at: OffsetDateTime, reason: String },
    /// It will never be read (the post was deleted, the connection is gone, too many tries):
    /// said so, never estimated.
    Unavailable { reason: String },
}

/// A published post of a connection and its newest metrics reading, for insights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPostMetrics {
    pub job_id: JobId,
    pub external_post_id: String,
    pub published_at: OffsetDateTime,
    pub reading: MetricsReading,
}

/// Post metrics: the reads of each published job at +1 h, +24 h and +7 d, parked until due
/// and claimed by the publishing workers like jobs (a claim moves the read's due time on by
/// the lease, so a worker that dies leaves it claimable again), and the readings they store.
///
/// All methods return [`RepositoryError::Unavailable`] when the store cannot be reached.
#[async_trait]
pub trait PostMetricsRepository: Send + Sync {
    /// Parks the first read of a published job, due [`MetricsCheckpoint::after`] its
    /// publication; each read that ends (read or unavailable, in [`Self::finish`]) parks the
    /// next checkpoint's. One row per job at publication keeps the workers' hot path short.
    /// Scheduling a job again changes nothing; a job that is not published or has no
    /// platform id is ignored.
    ///
    /// # Errors
    /// [`RepositoryError::Conflict`] when the job is not stored.
    async fn schedule(&self, job: &PublishJob) -> Result<(), RepositoryError>;

    /// Claims up to `limit` reads due at `now`, earliest first: each is tried once more and
    /// not due again before `now + lease`. Concurrent claimers never receive the same read.
    async fn claim_due(
        &self,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<DueMetricsRead>, RepositoryError>;

    /// Stores how a claimed read ended, and when it ended (read or unavailable) parks the
    /// job's next checkpoint. A read already stored as read stays so.
    async fn finish(
        &self,
        job: JobId,
        checkpoint: MetricsCheckpoint,
        outcome: &MetricsReadOutcome,
    ) -> Result<(), RepositoryError>;

    /// The newest reading of the user's job, if any was read.
    async fn latest(
        &self,
        user: &UserId,
        job: JobId,
    ) -> Result<Option<MetricsReading>, RepositoryError>;

    /// The user's posts published on `connection` that have a reading, with their newest one,
    /// most recently published first, at most `limit`.
    async fn of_connection(
        &self,
        user: &UserId,
        connection: ConnectionId,
        limit: u32,
    ) -> Result<Vec<PublishedPostMetrics>, RepositoryError>;
}
