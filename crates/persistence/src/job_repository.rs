//! [`JobRepository`] on diesel: publish jobs, the posts that group them, their attempts, and
//! the work queue.
//!
//! Lease recovery (and claiming on SQLite) locks the rows it changes in one short transaction
//! and moves each job with the domain's own transitions ([`PublishJob::claim`],
//! [`PublishJob::recover_expired_lease`]). Claiming on PostgreSQL is the hot path of every
//! worker, so it is one statement instead (see [`ClaimDue`]); the contract suite holds it to
//! [`PublishJob::claim`]. Writes by a worker or a user check, in the `UPDATE`'s own `WHERE`
//! clause, that the row is still in the state they expect, so a check and its write can never
//! be split by another process.

use std::sync::Arc;

use async_trait::async_trait;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::DatabaseErrorKind;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::{
    BoolExpressionMethods, ExpressionMethods, JoinOnDsl, OptionalExtension, QueryDsl, QueryResult,
    QueryableByName, SelectableHelper,
};
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};
use socialpub_domain::insights::MetricsReading;
use socialpub_domain::webhook::{JobEvent, WebhookEvent};
use socialpub_domain::{
    JobAttempt, JobId, JobStatus, Post, PostId, PublishJob, SocialConnection, UserId, WorkerId,
};
use socialpub_ports::{ClaimedJob, JobFilter, JobRepository, Page, PageRequest, RepositoryError};
use time::{Duration, OffsetDateTime};

use crate::error::DbError;
use crate::group_commit::GroupCommit;
use crate::leased_saves::Save;
use crate::outbox::write_outbox;
use crate::page::{limit, offset};
use crate::post_metrics::{self, ReadingRow, newest_reading, schedule_reads};
use crate::rows::{
    AttemptRow, ConnectionRow, JOINED_CONNECTION_COLUMNS, JobRow, JoinedConnectionRow,
    LeasedJobRow, PostRow,
};
use crate::schema::post_metrics as pm;
use crate::schema::{job_attempts as ja, posts, publish_jobs as pj, social_connections as sc};
use crate::sql_types::Instant;
use crate::store::{Store, with_connection};
use crate::values::{DbTime, DbUuid};
use crate::wakeups::{CHANNEL_NOTIFY, Wake};

/// Jobs in `publish_jobs`, posts in `posts`, attempts in `job_attempts`.
pub(crate) struct DieselJobRepository {
    store: Store,
    /// This process's idle workers, woken after a commit on SQLite (PostgreSQL notifies every
    /// process through `NOTIFY` instead).
    wake: Arc<Wake>,
    /// Workers' saves on PostgreSQL, grouped into shared commits.
    group_commit: Option<Arc<GroupCommit>>,
}

impl DieselJobRepository {
    pub(crate) fn new(
        store: Store,
        wake: Arc<Wake>,
        group_commit: Option<Arc<GroupCommit>>,
    ) -> Self {
        Self {
            store,
            wake,
            group_commit,
        }
    }
}

/// Waiting for a worker, spelled as the partial index `publish_jobs_due_idx` is, so that the
/// query planner can use it (it cannot prove that a bound parameter matches the index's
/// predicate). A macro, so that `concat!` can build whole statements with it.
macro_rules! claimable {
    () => {
        "status IN ('scheduled', 'pending')"
    };
}
const PROCESSING: &str = JobStatus::Processing.as_str();

fn uuid(id: JobId) -> DbUuid {
    DbUuid(*id.as_uuid())
}

fn post_uuid(id: PostId) -> DbUuid {
    DbUuid(*id.as_uuid())
}

fn into_domain(rows: Vec<JobRow>) -> Result<Vec<PublishJob>, RepositoryError> {
    rows.into_iter().map(PublishJob::try_from).collect()
}

/// Whether idle workers should look at the queue again after `job` was stored. Any claimable
/// job counts, not only one due now: a worker sleeping until the next due job must learn of
/// one due sooner.
fn wakes_workers(job: &PublishJob) -> bool {
    job.status.is_claimable()
}

/// A transition refused by a row the query selected as eligible: the row contradicts itself.
fn refused(id: JobId, error: socialpub_domain::JobError) -> RepositoryError {
    RepositoryError::Corrupt(format!("publish_jobs row {id}: {error}"))
}

/// Moves each of `$rows` with `$transition` and writes it back, on the transaction `$tx`;
/// evaluates to the changed jobs.
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

/// The events of jobs that lease recovery moved on: a worker that died after its commit call
/// leaves the job's outcome unknown, which the user must hear of. (A job put back in the queue
/// says nothing: it is simply tried again.)
fn recovery_events(recovered: &[PublishJob]) -> Vec<WebhookEvent> {
    recovered
        .iter()
        .filter(|job| job.status == JobStatus::OutcomeUnknown)
        .map(|job| {
            WebhookEvent::for_job(
                socialpub_domain::webhook::EventType::JobOutcomeUnknown,
                job,
                job.updated_at,
            )
        })
        .collect()
}

/// Locks the rows `$select` finds, moves each job with `$transition` and writes it back, all
/// in one short transaction with the outbox of what they emit, and evaluates to the changed
/// jobs. On PostgreSQL the rows are
/// locked `FOR UPDATE SKIP LOCKED`, so concurrent workers skip each other's rows instead of
/// waiting; on SQLite `BEGIN IMMEDIATE` takes the database's write lock up front, so
/// concurrent callers take turns and each sees the others' changes.
macro_rules! transition_rows {
    ($store:expr, $select:expr, |$job:ident| $transition:expr) => {
        with_connection!($store, |conn|
            postgres => conn
                .transaction(async |tx| {
                    let rows: Vec<JobRow> = $select.for_update().skip_locked().load(tx).await?;
                    let changed = store_transitions!(tx, rows, |$job| $transition)?;
                    let events = recovery_events(&changed);
                    write_outbox!(tx, &changed, &events, |select| select.for_update());
                    Ok(changed)
                })
                .await,
            sqlite => conn
                .immediate_transaction(async |tx| {
                    let rows: Vec<JobRow> = $select.load(tx).await?;
                    let changed = store_transitions!(tx, rows, |$job| $transition)?;
                    let events = recovery_events(&changed);
                    write_outbox!(tx, &changed, &events, |select| select);
                    Ok(changed)
                })
                .await,
        )
    };
}

/// `claim_due` on PostgreSQL: one statement, so one round trip per batch, which also returns
/// each job's connection (workers need its token next). It does what
/// [`PublishJob::claim`] does (a parked job goes on with the attempt that parked it; any other
/// spends one more), in SQL. The statuses are literals so that the planner walks the partial
/// index `publish_jobs_due_idx` in claim order. The statement is prepared once per connection
/// (diesel caches it by its text, which `sql_query` would not allow).
struct ClaimDue<'a> {
    worker: &'a str,
    now: DbTime,
    until: DbTime,
    limit: i64,
}

impl QueryId for ClaimDue<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for ClaimDue<'_> {
    type SqlType = diesel::sql_types::Untyped;
}

impl QueryFragment<Pg> for ClaimDue<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "WITH claimed AS (UPDATE publish_jobs SET status = 'processing', \
             attempts = CASE WHEN progress @> '{\"parked\": true}' \
                 THEN attempts ELSE attempts + 1 END, \
             progress = progress - 'parked', \
             locked_by = ",
        );
        out.push_bind_param::<Text, _>(self.worker)?;
        out.push_sql(", locked_until = ");
        out.push_bind_param::<Instant, _>(&self.until)?;
        out.push_sql(", updated_at = ");
        out.push_bind_param::<Instant, _>(&self.now)?;
        out.push_sql(concat!(
            " WHERE id IN (SELECT id FROM publish_jobs WHERE ",
            claimable!(),
            " AND next_attempt_at <= "
        ));
        out.push_bind_param::<Instant, _>(&self.now)?;
        out.push_sql(" ORDER BY next_attempt_at, id LIMIT ");
        out.push_bind_param::<BigInt, _>(&self.limit)?;
        out.push_sql(" FOR UPDATE SKIP LOCKED) RETURNING *) SELECT claimed.*, ");
        out.push_sql(JOINED_CONNECTION_COLUMNS);
        out.push_sql(
            " FROM claimed LEFT JOIN social_connections c \
             ON c.id = claimed.social_connection_id AND c.user_id = claimed.user_id",
        );
        Ok(())
    }
}

/// A row of [`ClaimDue`]: the claimed job and its connection, if the join found it.
#[derive(QueryableByName)]
struct ClaimedRow {
    #[diesel(embed)]
    job: JobRow,
    #[diesel(embed)]
    connection: JoinedConnectionRow,
}

/// When the earliest claimable job falls due; literals for the partial index, as above.
struct NextDueAt;

impl QueryId for NextDueAt {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for NextDueAt {
    type SqlType = diesel::sql_types::Untyped;
}

impl<DB: diesel::backend::Backend> QueryFragment<DB> for NextDueAt {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(concat!(
            "SELECT next_attempt_at FROM publish_jobs WHERE ",
            claimable!(),
            " AND next_attempt_at IS NOT NULL ORDER BY next_attempt_at LIMIT 1"
        ));
        Ok(())
    }
}

#[derive(QueryableByName)]
struct DueAt {
    #[diesel(sql_type = Instant)]
    next_attempt_at: DbTime,
}

/// Claim order: earliest due first, then by id, as the queue's query sorts them.
fn in_claim_order(claimed: &mut [ClaimedJob]) {
    claimed.sort_by_key(|claimed| (claimed.job.next_attempt_at, *claimed.job.id.as_uuid()));
}

#[async_trait]
impl JobRepository for DieselJobRepository {
    async fn create_with_events(
        &self,
        post: Option<&Post>,
        jobs: &[PublishJob],
        events: &[WebhookEvent],
    ) -> Result<(), RepositoryError> {
        let post_row = post.map(PostRow::try_from).transpose()?;
        let rows = jobs
            .iter()
            .map(JobRow::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let notify = jobs.iter().any(wakes_workers);
        // The inserts, and on PostgreSQL the notification, commit together or not at all.
        with_connection!(&self.store, |conn|
            postgres => conn
                .transaction(async |tx| {
                    if let Some(row) = &post_row {
                        diesel::insert_into(posts::table).values(row).execute(tx).await?;
                    }
                    if !rows.is_empty() {
                        diesel::insert_into(pj::table).values(&rows).execute(tx).await?;
                    }
                    write_outbox!(tx, &[], events, |select| select);
                    if notify {
                        tx.batch_execute(CHANNEL_NOTIFY).await?;
                    }
                    Ok(())
                })
                .await,
            // SQLite takes no multi-row insert with NULLs (it has no DEFAULT keyword).
            sqlite => conn
                .immediate_transaction(async |tx| {
                    if let Some(row) = &post_row {
                        diesel::insert_into(posts::table).values(row).execute(tx).await?;
                    }
                    for row in &rows {
                        diesel::insert_into(pj::table).values(row).execute(tx).await?;
                    }
                    write_outbox!(tx, &[], events, |select| select);
                    Ok(())
                })
                .await,
        )
        .map_err(|error| {
            error.unique_violation_means(|| match post {
                Some(post) => format!("post {} or one of its jobs already exists", post.id),
                None => "a job with the same id already exists".to_owned(),
            })
        })?;
        if notify {
            self.wake.wake();
        }
        Ok(())
    }

    async fn get_post(
        &self,
        user: &UserId,
        id: PostId,
    ) -> Result<Option<(Post, Vec<PublishJob>)>, RepositoryError> {
        let found = with_connection!(&self.store, |conn| {
            let post = posts::table
                .filter(posts::id.eq(post_uuid(id)))
                .filter(posts::user_id.eq(user.as_str()))
                .select(PostRow::as_select())
                .first(conn)
                .await
                .optional()?;
            let Some(post) = post else {
                return Ok(None);
            };
            let jobs = pj::table
                .filter(pj::post_id.eq(post_uuid(id)))
                .filter(pj::user_id.eq(user.as_str()))
                .order((pj::created_at.asc(), pj::id.asc()))
                .select(JobRow::as_select())
                .load(conn)
                .await?;
            Ok(Some((post, jobs)))
        })?;
        found
            .map(|(post, jobs)| Ok((Post::try_from(post)?, into_domain(jobs)?)))
            .transpose()
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

    async fn get_with_metrics(
        &self,
        user: &UserId,
        id: JobId,
    ) -> Result<Option<(PublishJob, Option<MetricsReading>)>, RepositoryError> {
        // One row per read checkpoint (at most three), or one with no reading.
        let rows: Vec<(JobRow, Option<ReadingRow>)> = with_connection!(&self.store, |conn| {
            Ok(pj::table
                .left_join(
                    pm::table.on(pm::job_id.eq(pj::id).and(pm::state.eq(post_metrics::READ))),
                )
                .filter(pj::id.eq(uuid(id)))
                .filter(pj::user_id.eq(user.as_str()))
                .select((JobRow::as_select(), Option::<ReadingRow>::as_select()))
                .load(conn)
                .await?)
        })?;
        let mut rows = rows.into_iter();
        let Some((job, first)) = rows.next() else {
            return Ok(None);
        };
        let readings: Vec<ReadingRow> = first
            .into_iter()
            .chain(rows.filter_map(|(_, r)| r))
            .collect();
        Ok(Some((
            PublishJob::try_from(job)?,
            newest_reading(&readings)?,
        )))
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
                if let Some(post) = filter.post_id {
                    query = query.filter(pj::post_id.eq(post_uuid(post)));
                }
                // The job's time: when it is scheduled for, or when it was created if it
                // was published at once.
                if let Some(from) = filter.from {
                    query = query.filter(
                        pj::scheduled_at.ge(DbTime(from)).or(pj::scheduled_at
                            .is_null()
                            .and(pj::created_at.ge(DbTime(from)))),
                    );
                }
                if let Some(until) = filter.until {
                    query = query.filter(
                        pj::scheduled_at.lt(DbTime(until)).or(pj::scheduled_at
                            .is_null()
                            .and(pj::created_at.lt(DbTime(until)))),
                    );
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
        let claimed = self
            .claim_due_with_connections(worker, now, limit, lease)
            .await?;
        Ok(claimed.into_iter().map(|claimed| claimed.job).collect())
    }

    async fn claim_due_with_connections(
        &self,
        worker: &WorkerId,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<ClaimedJob>, RepositoryError> {
        let (jobs, connections) = with_connection!(&self.store, |conn|
            postgres => {
                let claim = ClaimDue {
                    worker: worker.as_str(),
                    now: DbTime(now),
                    until: DbTime(now + lease),
                    limit: i64::from(limit),
                };
                let rows: Vec<ClaimedRow> = claim.load(conn).await?;
                let mut jobs = Vec::with_capacity(rows.len());
                let mut connections = Vec::new();
                for row in rows {
                    jobs.push(row.job);
                    connections.extend(row.connection.into_row());
                }
                Ok((into_domain(jobs)?, connections))
            },
            sqlite => conn
                .immediate_transaction(async |tx| {
                    let rows: Vec<JobRow> = pj::table
                        .filter(diesel::dsl::sql::<Bool>(claimable!()))
                        .filter(pj::next_attempt_at.le(DbTime(now)))
                        .order((pj::next_attempt_at.asc(), pj::id.asc()))
                        .limit(i64::from(limit))
                        .select(JobRow::as_select())
                        .load(tx)
                        .await?;
                    let jobs = store_transitions!(tx, rows, |job| job.claim(worker.clone(), now, lease))?;
                    let ids: Vec<DbUuid> = jobs
                        .iter()
                        .map(|job: &PublishJob| DbUuid(*job.social_connection_id.as_uuid()))
                        .collect();
                    let connections: Vec<ConnectionRow> = sc::table
                        .filter(sc::id.eq_any(ids))
                        .select(ConnectionRow::as_select())
                        .load(tx)
                        .await?;
                    Ok((jobs, connections))
                })
                .await,
        )?;
        let connections = connections
            .into_iter()
            .map(SocialConnection::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let mut claimed: Vec<ClaimedJob> = jobs
            .into_iter()
            .map(|job| {
                let connection = connections
                    .iter()
                    .find(|c| c.id == job.social_connection_id && c.user_id == job.user_id)
                    .cloned();
                ClaimedJob { job, connection }
            })
            .collect();
        in_claim_order(&mut claimed);
        Ok(claimed)
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
        let row = LeasedJobRow::try_from(job)?;
        if let Some(group) = &self.group_commit {
            return group
                .save(Save {
                    id: job.id,
                    worker: worker.as_str().to_owned(),
                    row,
                    attempt: None,
                    job: job.clone(),
                    events: Vec::new(),
                })
                .await;
        }
        // One statement: the lease check is the UPDATE's own WHERE clause.
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

    async fn save_user_change_with_events(
        &self,
        job: &PublishJob,
        expected: JobStatus,
        events: &[WebhookEvent],
    ) -> Result<(), RepositoryError> {
        let row = JobRow::try_from(job)?;
        let notify = wakes_workers(job);
        let conflict = || {
            DbError::Repository(RepositoryError::Conflict(format!(
                "job {} does not exist or is no longer {expected}",
                job.id
            )))
        };
        macro_rules! update {
            ($tx:expr) => {{
                let saved = diesel::update(
                    pj::table
                        .filter(pj::id.eq(uuid(job.id)))
                        .filter(pj::user_id.eq(job.user_id.as_str()))
                        .filter(pj::status.eq(expected.as_str()))
                        .filter(pj::locked_by.is_null()),
                )
                .set(&row)
                .execute($tx)
                .await?;
                if saved == 0 {
                    return Err(conflict());
                }
                Ok::<_, DbError>(())
            }};
        }
        with_connection!(&self.store, |conn|
            postgres => conn
                .transaction(async |tx| {
                    update!(tx)?;
                    write_outbox!(tx, std::slice::from_ref(job), events, |select| select.for_update());
                    if notify {
                        tx.batch_execute(CHANNEL_NOTIFY).await?;
                    }
                    Ok(())
                })
                .await,
            // One statement, unless the change has an outbox to write with it.
            sqlite => if events.is_empty() && !job.status.is_final() {
                update!(conn)
            } else {
                conn.immediate_transaction(async |tx| {
                    update!(tx)?;
                    write_outbox!(tx, std::slice::from_ref(job), events, |select| select);
                    Ok(())
                })
                .await
            },
        )?;
        if notify {
            self.wake.wake();
        }
        Ok(())
    }

    async fn next_due_at(&self) -> Result<Option<OffsetDateTime>, RepositoryError> {
        let due = with_connection!(&self.store, |conn| {
            Ok(NextDueAt.get_result::<DueAt>(conn).await.optional()?)
        })?;
        Ok(due.map(|due| due.next_attempt_at.0))
    }

    async fn count_by_status(&self) -> Result<Vec<(JobStatus, u64)>, RepositoryError> {
        let counted: Vec<(String, i64)> = with_connection!(&self.store, |conn| {
            Ok(pj::table
                .group_by(pj::status)
                .select((pj::status, diesel::dsl::count_star()))
                .load(conn)
                .await?)
        })?;
        let mut counts: Vec<(JobStatus, u64)> = JobStatus::ALL
            .into_iter()
            .map(|status| (status, 0))
            .collect();
        for (raw, count) in counted {
            let status = JobStatus::parse(&raw).ok_or_else(|| {
                RepositoryError::Corrupt(format!("publish_jobs: unknown status `{raw}`"))
            })?;
            if let Some(entry) = counts.iter_mut().find(|(s, _)| *s == status) {
                entry.1 = u64::try_from(count).unwrap_or_default();
            }
        }
        Ok(counts)
    }

    async fn recover_expired_leases(
        &self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<PublishJob>, RepositoryError> {
        let recovered = transition_rows!(
            &self.store,
            pj::table
                .filter(pj::status.eq(PROCESSING))
                .filter(pj::locked_until.le(DbTime(now)))
                .order((pj::locked_until.asc(), pj::id.asc()))
                .limit(i64::from(limit))
                .select(JobRow::as_select()),
            |job| job.recover_expired_lease(now)
        )?;
        if !recovered.is_empty() {
            self.wake.wake();
        }
        Ok(recovered)
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

    async fn save_leased_with_events(
        &self,
        job: &PublishJob,
        worker: &WorkerId,
        attempt: Option<&JobAttempt>,
        events: &[JobEvent],
    ) -> Result<(), RepositoryError> {
        let row = LeasedJobRow::try_from(job)?;
        let attempt_row = attempt.map(AttemptRow::try_from).transpose()?;
        if let Some(group) = &self.group_commit {
            return group
                .save(Save {
                    id: job.id,
                    worker: worker.as_str().to_owned(),
                    row,
                    attempt: attempt_row,
                    job: job.clone(),
                    events: events.to_vec(),
                })
                .await;
        }
        // One transaction, so one commit: the worker's hot path is bounded by commits. A lost
        // lease rolls the whole of it back, events included.
        let events: Vec<WebhookEvent> = events.iter().map(JobEvent::to_webhook).collect();
        let events = events.as_slice();
        macro_rules! save_all {
            ($tx:expr, |$select:ident| $lock:expr) => {{
                let saved = diesel::update(
                    pj::table
                        .filter(pj::id.eq(uuid(job.id)))
                        .filter(pj::status.eq(PROCESSING))
                        .filter(pj::locked_by.eq(worker.as_str())),
                )
                .set(&row)
                .execute($tx)
                .await?;
                if saved == 0 {
                    return Err(DbError::Repository(RepositoryError::LeaseNotHeld(job.id)));
                }
                if let Some(attempt_row) = &attempt_row {
                    diesel::insert_into(ja::table)
                        .values(attempt_row)
                        .on_conflict(ja::id)
                        .do_update()
                        .set(attempt_row)
                        .execute($tx)
                        .await?;
                }
                write_outbox!($tx, std::slice::from_ref(job), events, |$select| $lock);
                schedule_reads!($tx, std::slice::from_ref(job));
                Ok::<_, DbError>(())
            }};
        }
        with_connection!(&self.store, |conn|
            postgres => conn
                .transaction(async |tx| save_all!(tx, |select| select.for_update()))
                .await,
            sqlite => conn
                .immediate_transaction(async |tx| save_all!(tx, |select| select))
                .await,
        )
        .map_err(|error| {
            error.conflict_if(DatabaseErrorKind::ForeignKeyViolation, || {
                format!("job {} does not exist", job.id)
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
