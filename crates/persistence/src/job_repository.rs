//! [`JobRepository`] on diesel: publish jobs, their attempts, and the work queue.
//!
//! Claiming and lease recovery lock the rows they change in one short transaction and move
//! each job with the domain's own transitions ([`PublishJob::claim`],
//! [`PublishJob::recover_expired_lease`]), so the state machine lives in one place. Writes by a
//! worker or a user check, in the `UPDATE`'s own `WHERE` clause, that the row is still in the
//! state they expect, so a check and its write can never be split by another process.

use async_trait::async_trait;
use diesel::result::DatabaseErrorKind;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use diesel_async::{AsyncConnection, RunQueryDsl};
use socialpub_domain::{
    IdempotencyKey, JobAttempt, JobId, JobStatus, PublishJob, UserId, WorkerId,
};
use socialpub_ports::{CreatedJob, JobFilter, JobRepository, Page, PageRequest, RepositoryError};
use time::{Duration, OffsetDateTime};

use crate::error::DbError;
use crate::page::{limit, offset};
use crate::rows::{AttemptRow, JobRow};
use crate::schema::{job_attempts as ja, publish_jobs as pj};
use crate::store::{Store, with_connection};
use crate::values::{DbTime, DbUuid};

/// Jobs in `publish_jobs`, attempts in `job_attempts`.
pub(crate) struct DieselJobRepository {
    store: Store,
}

impl DieselJobRepository {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }

    async fn find_by_key(
        &self,
        user: &UserId,
        key: &IdempotencyKey,
    ) -> Result<Option<PublishJob>, RepositoryError> {
        let row = with_connection!(&self.store, |conn| {
            Ok(pj::table
                .filter(pj::user_id.eq(user.as_str()))
                .filter(pj::idempotency_key.eq(key.as_str()))
                .select(JobRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })?;
        row.map(PublishJob::try_from).transpose()
    }
}

const CLAIMABLE: [&str; 2] = [JobStatus::Scheduled.as_str(), JobStatus::Pending.as_str()];
const PROCESSING: &str = JobStatus::Processing.as_str();

fn uuid(id: JobId) -> DbUuid {
    DbUuid(*id.as_uuid())
}

fn into_domain(rows: Vec<JobRow>) -> Result<Vec<PublishJob>, RepositoryError> {
    rows.into_iter().map(PublishJob::try_from).collect()
}

/// A transition refused by a row the query selected as eligible: the row contradicts itself.
fn refused(id: JobId, error: socialpub_domain::JobError) -> RepositoryError {
    RepositoryError::Corrupt(format!("publish_jobs row {id}: {error}"))
}

/// Locks the rows `$select` finds, moves each job with `$transition` and writes it back, all
/// in one short transaction, and evaluates to the changed jobs. On PostgreSQL the rows are
/// locked `FOR UPDATE SKIP LOCKED`, so concurrent workers skip each other's rows instead of
/// waiting; on SQLite `BEGIN IMMEDIATE` takes the database's write lock up front, so
/// concurrent claimers take turns and each sees the others' claims.
macro_rules! transition_rows {
    ($store:expr, $select:expr, |$job:ident| $transition:expr) => {
        with_connection!($store, |conn|
            postgres => conn
                .transaction(async |tx| {
                    let rows: Vec<JobRow> = $select.for_update().skip_locked().load(tx).await?;
                    store_transitions!(tx, rows, |$job| $transition)
                })
                .await,
            sqlite => conn
                .immediate_transaction(async |tx| {
                    let rows: Vec<JobRow> = $select.load(tx).await?;
                    store_transitions!(tx, rows, |$job| $transition)
                })
                .await,
        )
    };
}

macro_rules! store_transitions {
    ($tx:expr, $rows:expr, |$job:ident| $transition:expr) => {{
        let mut changed = Vec::with_capacity($rows.len());
        for row in $rows {
            let mut $job = PublishJob::try_from(row)?;
            let id = $job.id;
            $transition.map_err(|error| refused(id, error))?;
            diesel::update(pj::table.filter(pj::id.eq(uuid(id))))
                .set(&JobRow::try_from(&$job)?)
                .execute($tx)
                .await?;
            changed.push($job);
        }
        Ok::<_, DbError>(changed)
    }};
}

#[async_trait]
impl JobRepository for DieselJobRepository {
    async fn create(&self, job: &PublishJob) -> Result<CreatedJob, RepositoryError> {
        let row = JobRow::try_from(job)?;
        let inserted = with_connection!(&self.store, |conn| {
            diesel::insert_into(pj::table)
                .values(&row)
                .execute(conn)
                .await?;
            Ok(())
        });
        match inserted {
            Ok(()) => Ok(CreatedJob::Created(job.clone())),
            // Insert first and look the key up only on a violation: the unique index, not a
            // read before the write, is what makes two concurrent retries race safely.
            Err(error) if error.is_unique_violation() => {
                if let Some(key) = &job.idempotency_key
                    && let Some(earlier) = self.find_by_key(&job.user_id, key).await?
                {
                    return Ok(CreatedJob::Existing(earlier));
                }
                Err(RepositoryError::Conflict(format!(
                    "job {} already exists",
                    job.id
                )))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn get(&self, user: &UserId, id: JobId) -> Result<Option<PublishJob>, RepositoryError> {
        let row = with_connection!(&self.store, |conn| {
            Ok(pj::table
                .filter(pj::id.eq(uuid(id)))
                .filter(pj::user_id.eq(user.as_str()))
                .select(JobRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })?;
        row.map(PublishJob::try_from).transpose()
    }

    async fn list(
        &self,
        user: &UserId,
        filter: &JobFilter,
        page: PageRequest,
    ) -> Result<Page<PublishJob>, RepositoryError> {
        let (total, rows) = with_connection!(&self.store, |conn| {
            let matching = || {
                let mut query = pj::table.filter(pj::user_id.eq(user.as_str())).into_boxed();
                if let Some(platform) = filter.platform {
                    query = query.filter(pj::platform.eq(platform.as_str()));
                }
                if let Some(status) = filter.status {
                    query = query.filter(pj::status.eq(status.as_str()));
                }
                if let Some(connection) = filter.connection_id {
                    query =
                        query.filter(pj::social_connection_id.eq(DbUuid(*connection.as_uuid())));
                }
                query
            };
            let total: i64 = matching().count().get_result(conn).await?;
            let rows = matching()
                .order((pj::created_at.desc(), pj::id.desc()))
                .limit(limit(page))
                .offset(offset(page))
                .select(JobRow::as_select())
                .load(conn)
                .await?;
            Ok((total, rows))
        })?;
        Ok(Page {
            items: into_domain(rows)?,
            total: u64::try_from(total).unwrap_or_default(),
            limit: page.limit(),
            offset: page.offset(),
        })
    }

    async fn claim_due(
        &self,
        worker: &WorkerId,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<PublishJob>, RepositoryError> {
        Ok(transition_rows!(
            &self.store,
            pj::table
                .filter(pj::status.eq_any(CLAIMABLE))
                .filter(pj::next_attempt_at.le(DbTime(now)))
                .order((pj::next_attempt_at.asc(), pj::id.asc()))
                .limit(i64::from(limit))
                .select(JobRow::as_select()),
            |job| job.claim(worker.clone(), now, lease)
        )?)
    }

    async fn renew_lease(
        &self,
        id: JobId,
        worker: &WorkerId,
        until: OffsetDateTime,
    ) -> Result<(), RepositoryError> {
        let renewed = with_connection!(&self.store, |conn| {
            Ok(diesel::update(
                pj::table
                    .filter(pj::id.eq(uuid(id)))
                    .filter(pj::status.eq(PROCESSING))
                    .filter(pj::locked_by.eq(worker.as_str())),
            )
            .set(pj::locked_until.eq(DbTime(until)))
            .execute(conn)
            .await?)
        })?;
        if renewed == 0 {
            return Err(RepositoryError::LeaseNotHeld(id));
        }
        Ok(())
    }

    async fn save_leased(
        &self,
        job: &PublishJob,
        worker: &WorkerId,
    ) -> Result<(), RepositoryError> {
        let row = JobRow::try_from(job)?;
        let saved = with_connection!(&self.store, |conn| {
            Ok(diesel::update(
                pj::table
                    .filter(pj::id.eq(uuid(job.id)))
                    .filter(pj::status.eq(PROCESSING))
                    .filter(pj::locked_by.eq(worker.as_str())),
            )
            .set(&row)
            .execute(conn)
            .await?)
        })?;
        if saved == 0 {
            return Err(RepositoryError::LeaseNotHeld(job.id));
        }
        Ok(())
    }

    async fn save_unclaimed(&self, job: &PublishJob) -> Result<(), RepositoryError> {
        let row = JobRow::try_from(job)?;
        let saved = with_connection!(&self.store, |conn| {
            Ok(diesel::update(
                pj::table
                    .filter(pj::id.eq(uuid(job.id)))
                    .filter(pj::user_id.eq(job.user_id.as_str()))
                    .filter(pj::status.eq_any(CLAIMABLE)),
            )
            .set(&row)
            .execute(conn)
            .await?)
        })?;
        if saved == 0 {
            return Err(RepositoryError::Conflict(format!(
                "job {} does not exist or is no longer scheduled or pending",
                job.id
            )));
        }
        Ok(())
    }

    async fn recover_expired_leases(
        &self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<PublishJob>, RepositoryError> {
        Ok(transition_rows!(
            &self.store,
            pj::table
                .filter(pj::status.eq(PROCESSING))
                .filter(pj::locked_until.le(DbTime(now)))
                .order((pj::locked_until.asc(), pj::id.asc()))
                .limit(i64::from(limit))
                .select(JobRow::as_select()),
            |job| job.recover_expired_lease(now)
        )?)
    }

    async fn record_attempt(&self, attempt: &JobAttempt) -> Result<(), RepositoryError> {
        let row = AttemptRow::try_from(attempt)?;
        with_connection!(&self.store, |conn| {
            diesel::insert_into(ja::table)
                .values(&row)
                .on_conflict(ja::id)
                .do_update()
                .set(&row)
                .execute(conn)
                .await?;
            Ok(())
        })
        .map_err(|error| {
            error.conflict_if(DatabaseErrorKind::ForeignKeyViolation, || {
                format!("job {} does not exist", attempt.job_id)
            })
        })?;
        Ok(())
    }

    async fn list_attempts(
        &self,
        user: &UserId,
        job: JobId,
    ) -> Result<Vec<JobAttempt>, RepositoryError> {
        let rows = with_connection!(&self.store, |conn| {
            Ok(ja::table
                .inner_join(pj::table)
                .filter(ja::job_id.eq(uuid(job)))
                .filter(pj::user_id.eq(user.as_str()))
                .order((ja::attempt_number.asc(), ja::started_at.asc()))
                .select(AttemptRow::as_select())
                .load(conn)
                .await?)
        })?;
        rows.into_iter().map(JobAttempt::try_from).collect()
    }
}
