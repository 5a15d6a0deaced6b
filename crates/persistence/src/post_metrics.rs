//! [`PostMetricsRepository`] on diesel: the `post_metrics` table holds each published job's
//! parked read and then its readings, one row per checkpoint.
//!
//! A job's reads are chained: publishing parks the first (+1 h), and ending one (read or
//! unavailable) parks the next in the same transaction. Publishing is the workers' hot path,
//! and one row there costs a third of three.
//!
//! Reads are claimed like jobs, in a short write (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
//! `BEGIN IMMEDIATE` on SQLite) that moves their due time on by the lease: the platform call
//! is made holding no transaction, and a worker that dies leaves its reads claimable again
//! once the lease ran out. A read done twice (a worker slower than its lease) stores the
//! same kind of reading twice, which is harmless.
//!
//! [`schedule_reads`] is also the one function the job saves call, inside their own
//! transaction, when a job becomes published.

use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use socialpub_domain::insights::{MetricsCheckpoint, MetricsReading, PostMetrics};
use socialpub_domain::{ConnectionId, JobId, JobStatus, Platform, PublishJob, UserId};
use socialpub_ports::{
    DueMetricsRead, MetricsReadOutcome, PostMetricsRepository, PublishedPostMetrics,
    RepositoryError,
};
use time::{Duration, OffsetDateTime};

use crate::error::DbError;
use crate::schema::post_metrics as pm;
use crate::store::{Store, with_connection};
use crate::values::{DbTime, DbUuid};

const TABLE: &str = "post_metrics";
const DUE: &str = "due";
const PUBLISHED: &str = JobStatus::Published.as_str();
pub(crate) const READ: &str = "read";
const UNAVAILABLE: &str = "unavailable";
/// A note is for people reading the row; a platform's message can be long.
const NOTE_CHARS: usize = 500;

pub(crate) struct DieselPostMetricsRepository {
    store: Store,
}

impl DieselPostMetricsRepository {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }
}

/// A row as scheduled.
#[derive(Insertable)]
#[diesel(table_name = pm)]
pub(crate) struct NewRead {
    job_id: DbUuid,
    checkpoint: &'static str,
    user_id: String,
    connection_id: DbUuid,
    platform: &'static str,
    external_post_id: String,
    published_at: DbTime,
    due_at: DbTime,
}

/// The row that parks a published job's first read; none for a job that is not published
/// or has no platform id.
pub(crate) fn first_read_of(job: &PublishJob) -> Option<NewRead> {
    let (JobStatus::Published, Some(published_at), Some(external)) =
        (job.status, job.published_at, &job.external_post_id)
    else {
        return None;
    };
    let checkpoint = MetricsCheckpoint::FIRST;
    Some(NewRead {
        job_id: DbUuid(*job.id.as_uuid()),
        checkpoint: checkpoint.as_str(),
        user_id: job.user_id.as_str().to_owned(),
        connection_id: DbUuid(*job.social_connection_id.as_uuid()),
        platform: job.platform.as_str(),
        external_post_id: external.clone(),
        published_at: DbTime(published_at),
        due_at: DbTime(published_at + checkpoint.after()),
    })
}

/// Parks the first read of those of `$jobs` (a `&[PublishJob]`) that are published, on `$tx`
/// (either backend's connection, inside the caller's transaction); scheduling again changes
/// nothing.
macro_rules! schedule_reads {
    ($tx:expr, $jobs:expr) => {{
        use ::diesel_async::RunQueryDsl as _;
        let jobs: &[::socialpub_domain::PublishJob] = $jobs;
        // Row by row: SQLite has no batch insert with ON CONFLICT.
        for row in jobs.iter().filter_map($crate::post_metrics::first_read_of) {
            ::diesel::insert_into($crate::schema::post_metrics::table)
                .values(&row)
                .on_conflict_do_nothing()
                .execute($tx)
                .await?;
        }
    }};
}

pub(crate) use schedule_reads;

/// The columns the workers' one-statement save (`leased_saves`) has its `saved` rows return,
/// for [`schedule_cte`].
pub(crate) const SAVED_COLUMNS: &str = "j.id, j.status, j.user_id, j.social_connection_id, j.platform, j.external_post_id, \
     j.published_at";

/// A data-modifying `WITH` item (with its leading comma) for the workers' one-statement save
/// on PostgreSQL: parks the first read of the saved jobs that became published, in the same
/// statement and so the same commit, at no extra round trip. `saved` must return
/// [`SAVED_COLUMNS`].
pub(crate) static SCHEDULE_CTE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(schedule_cte);

fn schedule_cte() -> String {
    let first = MetricsCheckpoint::FIRST;
    format!(
        ", scheduled AS (INSERT INTO post_metrics (job_id, checkpoint, user_id, connection_id, \
         platform, external_post_id, published_at, due_at) \
         SELECT s.id, '{}', s.user_id, s.social_connection_id, s.platform, \
         s.external_post_id, s.published_at, s.published_at + make_interval(secs => {}) \
         FROM saved AS s \
         WHERE s.status = '{PUBLISHED}' AND s.published_at IS NOT NULL \
         AND s.external_post_id IS NOT NULL ON CONFLICT DO NOTHING)",
        first.as_str(),
        first.after().whole_seconds()
    )
}

/// What the next read of a job copies from the one that ended.
#[derive(Queryable, Selectable)]
#[diesel(table_name = pm)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ChainRow {
    user_id: String,
    connection_id: DbUuid,
    platform: String,
    external_post_id: String,
    published_at: DbTime,
}

/// A claimed row.
#[derive(Queryable, Selectable)]
#[diesel(table_name = pm)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct DueRow {
    job_id: DbUuid,
    checkpoint: String,
    user_id: String,
    connection_id: DbUuid,
    platform: String,
    external_post_id: String,
    attempts: i32,
}

impl TryFrom<DueRow> for DueMetricsRead {
    type Error = RepositoryError;

    fn try_from(row: DueRow) -> Result<Self, Self::Error> {
        let job_id = JobId::from_uuid(row.job_id.0);
        Ok(Self {
            job_id,
            checkpoint: checkpoint(&job_id, &row.checkpoint)?,
            user_id: UserId::parse(row.user_id)
                .map_err(|error| corrupt(&job_id, format_args!("user_id: {error}")))?,
            connection_id: ConnectionId::from_uuid(row.connection_id.0),
            platform: row.platform.parse::<Platform>().map_err(|_| {
                corrupt(&job_id, format_args!("unknown platform `{}`", row.platform))
            })?,
            external_post_id: row.external_post_id,
            attempts: u32::try_from(row.attempts)
                .map_err(|_| corrupt(&job_id, format_args!("attempts {}", row.attempts)))?,
        })
    }
}

/// A read row's reading.
#[derive(Queryable, Selectable)]
#[diesel(table_name = pm)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub(crate) struct ReadingRow {
    job_id: DbUuid,
    checkpoint: String,
    external_post_id: String,
    published_at: DbTime,
    read_at: Option<DbTime>,
    likes: Option<i64>,
    comments: Option<i64>,
    shares: Option<i64>,
    saves: Option<i64>,
    views: Option<i64>,
}

impl ReadingRow {
    fn reading(&self) -> Result<MetricsReading, RepositoryError> {
        let job_id = JobId::from_uuid(self.job_id.0);
        let count = |value: Option<i64>| -> Result<Option<u64>, RepositoryError> {
            value
                .map(|v| u64::try_from(v).map_err(|_| corrupt(&job_id, format_args!("count {v}"))))
                .transpose()
        };
        Ok(MetricsReading {
            checkpoint: checkpoint(&job_id, &self.checkpoint)?,
            read_at: self
                .read_at
                .ok_or_else(|| corrupt(&job_id, "read without read_at"))?
                .0,
            metrics: PostMetrics {
                likes: count(self.likes)?,
                comments: count(self.comments)?,
                shares: count(self.shares)?,
                saves: count(self.saves)?,
                views: count(self.views)?,
            },
        })
    }
}

fn checkpoint(job: &JobId, raw: &str) -> Result<MetricsCheckpoint, RepositoryError> {
    MetricsCheckpoint::parse(raw)
        .ok_or_else(|| corrupt(job, format_args!("unknown checkpoint `{raw}`")))
}

fn corrupt(job: &JobId, what: impl std::fmt::Display) -> RepositoryError {
    RepositoryError::Corrupt(format!("{TABLE} row of job {job}: {what}"))
}

/// A count for a `bigint` column (a platform's count never reaches 2^63).
fn column(count: Option<u64>) -> Option<i64> {
    count.map(|count| i64::try_from(count).unwrap_or(i64::MAX))
}

fn note(reason: &str) -> String {
    reason.chars().take(NOTE_CHARS).collect()
}

/// The newest reading among one job's read rows (as a job read joins them).
pub(crate) fn newest_reading(
    rows: &[ReadingRow],
) -> Result<Option<MetricsReading>, RepositoryError> {
    Ok(newest(rows)?.map(|(_, reading)| reading))
}

/// The reading of the latest checkpoint among one job's rows.
fn newest(rows: &[ReadingRow]) -> Result<Option<(&ReadingRow, MetricsReading)>, RepositoryError> {
    let mut best: Option<(&ReadingRow, MetricsReading)> = None;
    for row in rows {
        let reading = row.reading()?;
        if best
            .as_ref()
            .is_none_or(|(_, kept)| kept.checkpoint < reading.checkpoint)
        {
            best = Some((row, reading));
        }
    }
    Ok(best)
}

#[async_trait]
impl PostMetricsRepository for DieselPostMetricsRepository {
    async fn schedule(&self, job: &PublishJob) -> Result<(), RepositoryError> {
        with_connection!(&self.store, |conn| {
            schedule_reads!(conn, std::slice::from_ref(job));
            Ok(())
        })
        .map_err(|error| {
            error.conflict_if(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                || format!("job {} does not exist", job.id),
            )
        })?;
        Ok(())
    }

    async fn claim_due(
        &self,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<DueMetricsRead>, RepositoryError> {
        macro_rules! due {
            () => {
                pm::table
                    .filter(pm::state.eq(DUE))
                    .filter(pm::due_at.le(DbTime(now)))
                    .order((pm::due_at.asc(), pm::job_id.asc(), pm::checkpoint.asc()))
                    .limit(i64::from(limit))
                    .select(DueRow::as_select())
            };
        }
        macro_rules! claim {
            ($tx:expr, $rows:expr) => {{
                let rows: Vec<DueRow> = $rows;
                for row in &rows {
                    diesel::update(
                        pm::table
                            .filter(pm::job_id.eq(row.job_id))
                            .filter(pm::checkpoint.eq(&row.checkpoint)),
                    )
                    .set((
                        pm::due_at.eq(DbTime(now + lease)),
                        pm::attempts.eq(pm::attempts + 1),
                    ))
                    .execute($tx)
                    .await?;
                }
                Ok::<_, DbError>(rows)
            }};
        }
        let rows = with_connection!(&self.store, |conn|
            postgres => conn
                .transaction(async |tx| {
                    let rows = due!().for_update().skip_locked().load(tx).await?;
                    claim!(tx, rows)
                })
                .await,
            sqlite => conn
                .immediate_transaction(async |tx| {
                    let rows = due!().load(tx).await?;
                    claim!(tx, rows)
                })
                .await,
        )?;
        rows.into_iter()
            .map(|mut row| {
                row.attempts += 1;
                DueMetricsRead::try_from(row)
            })
            .collect()
    }

    async fn finish(
        &self,
        job: JobId,
        checkpoint: MetricsCheckpoint,
        outcome: &MetricsReadOutcome,
    ) -> Result<(), RepositoryError> {
        let id = DbUuid(*job.as_uuid());
        let target = pm::table
            .filter(pm::job_id.eq(id))
            .filter(pm::checkpoint.eq(checkpoint.as_str()))
            .filter(pm::state.ne(READ));
        let this = pm::table
            .filter(pm::job_id.eq(id))
            .filter(pm::checkpoint.eq(checkpoint.as_str()));
        macro_rules! end_read {
            ($tx:expr) => {{
                let ended = match outcome {
                    MetricsReadOutcome::Read { at, metrics } => {
                        diesel::update(target)
                            .set((
                                pm::state.eq(READ),
                                pm::read_at.eq(Some(DbTime(*at))),
                                pm::likes.eq(column(metrics.likes)),
                                pm::comments.eq(column(metrics.comments)),
                                pm::shares.eq(column(metrics.shares)),
                                pm::saves.eq(column(metrics.saves)),
                                pm::views.eq(column(metrics.views)),
                                pm::note.eq(None::<String>),
                            ))
                            .execute($tx)
                            .await?
                    }
                    MetricsReadOutcome::Retry { at, reason } => {
                        diesel::update(target)
                            .set((pm::due_at.eq(DbTime(*at)), pm::note.eq(Some(note(reason)))))
                            .execute($tx)
                            .await?;
                        0
                    }
                    MetricsReadOutcome::Unavailable { reason } => {
                        diesel::update(target)
                            .set((pm::state.eq(UNAVAILABLE), pm::note.eq(Some(note(reason)))))
                            .execute($tx)
                            .await?
                    }
                };
                // This read ended: park the next one (a repeat changes nothing).
                if let (true, Some(next)) = (ended > 0, checkpoint.next()) {
                    let from: ChainRow = this.select(ChainRow::as_select()).first($tx).await?;
                    let platform = from.platform.parse::<Platform>().map_err(|_| {
                        DbError::Repository(corrupt(
                            &job,
                            format_args!("unknown platform `{}`", from.platform),
                        ))
                    })?;
                    diesel::insert_into(pm::table)
                        .values(NewRead {
                            job_id: id,
                            checkpoint: next.as_str(),
                            user_id: from.user_id,
                            connection_id: from.connection_id,
                            platform: platform.as_str(),
                            external_post_id: from.external_post_id,
                            published_at: from.published_at,
                            due_at: DbTime(from.published_at.0 + next.after()),
                        })
                        .on_conflict_do_nothing()
                        .execute($tx)
                        .await?;
                }
                Ok::<_, DbError>(())
            }};
        }
        with_connection!(&self.store, |conn|
            postgres => conn.transaction(async |tx| end_read!(tx)).await,
            sqlite => conn.immediate_transaction(async |tx| end_read!(tx)).await,
        )?;
        Ok(())
    }

    async fn latest(
        &self,
        user: &UserId,
        job: JobId,
    ) -> Result<Option<MetricsReading>, RepositoryError> {
        let rows: Vec<ReadingRow> = with_connection!(&self.store, |conn| {
            Ok(pm::table
                .filter(pm::job_id.eq(DbUuid(*job.as_uuid())))
                .filter(pm::user_id.eq(user.as_str()))
                .filter(pm::state.eq(READ))
                .select(ReadingRow::as_select())
                .load(conn)
                .await?)
        })?;
        newest_reading(&rows)
    }

    async fn of_connection(
        &self,
        user: &UserId,
        connection: ConnectionId,
        limit: u32,
    ) -> Result<Vec<PublishedPostMetrics>, RepositoryError> {
        // At most three rows per post: enough rows for `limit` posts.
        let rows: Vec<ReadingRow> = with_connection!(&self.store, |conn| {
            Ok(pm::table
                .filter(pm::connection_id.eq(DbUuid(*connection.as_uuid())))
                .filter(pm::user_id.eq(user.as_str()))
                .filter(pm::state.eq(READ))
                .order((pm::published_at.desc(), pm::job_id.desc()))
                .limit(i64::from(limit).saturating_mul(3))
                .select(ReadingRow::as_select())
                .load(conn)
                .await?)
        })?;
        let mut posts: Vec<PublishedPostMetrics> = Vec::new();
        for group in rows.chunk_by(|a, b| a.job_id == b.job_id) {
            if let Some((row, reading)) = newest(group)? {
                posts.push(PublishedPostMetrics {
                    job_id: JobId::from_uuid(row.job_id.0),
                    external_post_id: row.external_post_id.clone(),
                    published_at: row.published_at.0,
                    reading,
                });
            }
        }
        posts.truncate(limit as usize);
        Ok(posts)
    }
}
