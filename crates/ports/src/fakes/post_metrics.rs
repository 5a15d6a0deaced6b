use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use socialpub_domain::insights::{MetricsCheckpoint, MetricsReading};
use socialpub_domain::{ConnectionId, JobId, JobStatus, PublishJob, UserId};
use time::{Duration, OffsetDateTime};

use super::lock;
use crate::{
    DueMetricsRead, MetricsReadOutcome, PostMetricsRepository, PublishedPostMetrics,
    RepositoryError,
};

#[derive(Debug, Clone)]
struct Read {
    due: DueMetricsRead,
    published_at: OffsetDateTime,
    due_at: OffsetDateTime,
    /// `None` while due; then the reading or why there is none.
    ended: Option<Result<MetricsReading, String>>,
}

/// Parked reads in a map; one mutex makes every method atomic.
#[derive(Debug, Default)]
pub struct InMemoryPostMetricsRepository {
    reads: Mutex<BTreeMap<(JobId, MetricsCheckpoint), Read>>,
}

#[async_trait]
impl PostMetricsRepository for InMemoryPostMetricsRepository {
    async fn schedule(&self, job: &PublishJob) -> Result<(), RepositoryError> {
        let (JobStatus::Published, Some(published_at), Some(external)) =
            (job.status, job.published_at, &job.external_post_id)
        else {
            return Ok(());
        };
        let first = MetricsCheckpoint::FIRST;
        lock(&self.reads)
            .entry((job.id, first))
            .or_insert_with(|| Read {
                due: DueMetricsRead {
                    job_id: job.id,
                    checkpoint: first,
                    user_id: job.user_id.clone(),
                    connection_id: job.social_connection_id,
                    platform: job.platform,
                    external_post_id: external.clone(),
                    attempts: 0,
                },
                published_at,
                due_at: published_at + first.after(),
                ended: None,
            });
        Ok(())
    }

    async fn claim_due(
        &self,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<DueMetricsRead>, RepositoryError> {
        let mut reads = lock(&self.reads);
        let mut due: Vec<&mut Read> = reads
            .values_mut()
            .filter(|read| read.ended.is_none() && read.due_at <= now)
            .collect();
        due.sort_by_key(|read| (read.due_at, read.due.job_id, read.due.checkpoint));
        Ok(due
            .into_iter()
            .take(limit as usize)
            .map(|read| {
                read.due_at = now + lease;
                read.due.attempts += 1;
                read.due.clone()
            })
            .collect())
    }

    async fn finish(
        &self,
        job: JobId,
        checkpoint: MetricsCheckpoint,
        outcome: &MetricsReadOutcome,
    ) -> Result<(), RepositoryError> {
        let mut reads = lock(&self.reads);
        let Some(read) = reads.get_mut(&(job, checkpoint)) else {
            return Ok(());
        };
        if matches!(read.ended, Some(Ok(_))) {
            return Ok(());
        }
        match outcome {
            MetricsReadOutcome::Read { at, metrics } => {
                read.ended = Some(Ok(MetricsReading {
                    checkpoint,
                    read_at: *at,
                    metrics: metrics.clone(),
                }));
            }
            MetricsReadOutcome::Retry { at, .. } => {
                read.due_at = *at;
                return Ok(());
            }
            MetricsReadOutcome::Unavailable { reason } => read.ended = Some(Err(reason.clone())),
        }
        // This read ended: the next one of the job is parked (as the database does).
        if let Some(next) = checkpoint.next() {
            let mut parked = read.clone();
            parked.due.checkpoint = next;
            parked.due.attempts = 0;
            parked.due_at = parked.published_at + next.after();
            parked.ended = None;
            reads.entry((job, next)).or_insert(parked);
        }
        Ok(())
    }

    async fn latest(
        &self,
        user: &UserId,
        job: JobId,
    ) -> Result<Option<MetricsReading>, RepositoryError> {
        Ok(newest(
            lock(&self.reads)
                .values()
                .filter(|read| read.due.job_id == job && &read.due.user_id == user),
        )
        .map(|(_, reading)| reading))
    }

    async fn of_connection(
        &self,
        user: &UserId,
        connection: ConnectionId,
        limit: u32,
    ) -> Result<Vec<PublishedPostMetrics>, RepositoryError> {
        let reads = lock(&self.reads);
        let mut jobs: BTreeMap<JobId, Vec<&Read>> = BTreeMap::new();
        for read in reads
            .values()
            .filter(|read| &read.due.user_id == user && read.due.connection_id == connection)
        {
            jobs.entry(read.due.job_id).or_default().push(read);
        }
        let mut posts: Vec<PublishedPostMetrics> = jobs
            .into_values()
            .filter_map(|reads| {
                let (read, reading) = newest(reads.into_iter())?;
                Some(PublishedPostMetrics {
                    job_id: read.due.job_id,
                    external_post_id: read.due.external_post_id.clone(),
                    published_at: read.published_at,
                    reading,
                })
            })
            .collect();
        posts.sort_by(|a, b| {
            b.published_at
                .cmp(&a.published_at)
                .then(b.job_id.cmp(&a.job_id))
        });
        posts.truncate(limit as usize);
        Ok(posts)
    }
}

/// The reading of the latest checkpoint read among `reads`.
fn newest<'r>(reads: impl Iterator<Item = &'r Read>) -> Option<(&'r Read, MetricsReading)> {
    reads
        .filter_map(|read| match &read.ended {
            Some(Ok(reading)) => Some((read, reading.clone())),
            _ => None,
        })
        .max_by_key(|(_, reading)| reading.checkpoint)
}
