//! Workers' saves on PostgreSQL as one statement, however many: each column of the saved jobs
//! and of their attempts' records goes as one array parameter, and a data-modifying `WITH`
//! updates every job whose lease still holds and records the attempts of exactly those jobs.
//! One statement is one round trip and, outside a transaction, one commit; its text does not
//! depend on the number of saves, so it is prepared once per connection.
//!
//! A save whose events someone may want must write the webhook outbox in the same commit,
//! which takes a transaction (see `group_commit`). Most users have no endpoint, so the
//! statement is first tried alone, guarded: it writes nothing when any of the users it would
//! tell has an enabled endpoint, and says so. The guard and the update read one snapshot, so
//! an endpoint committed before the statement always sends the save to the transaction.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, Bool, Integer, Nullable, Text};
use diesel::{QueryResult, QueryableByName};
use socialpub_domain::webhook::JobEvent;
use socialpub_domain::{JobId, PublishJob};

use crate::post_metrics;
use crate::rows::{AttemptRow, LeasedJobRow};
use crate::sql_types::{Document, Id, Instant};
use crate::values::{DbJson, DbTime, DbUuid};

/// One worker's save: the job's leased columns, written only under `worker`'s lease, and the
/// attempt's record, written only if the job was.
pub(crate) struct Save {
    pub(crate) id: JobId,
    pub(crate) worker: String,
    pub(crate) row: LeasedJobRow,
    pub(crate) attempt: Option<AttemptRow>,
    /// The job as saved, for the outbox (`post.completed` looks at its post).
    pub(crate) job: PublishJob,
    /// Webhook events stored with the save, only if the job was and someone listens.
    pub(crate) events: Vec<JobEvent>,
}

impl Save {
    /// Whether saving it writes to the webhook outbox too (events, or a post's last target).
    pub(crate) fn writes_outbox(&self) -> bool {
        !self.events.is_empty() || (self.job.status.is_final() && self.job.post_id.is_some())
    }
}

/// The saves, column by column.
pub(crate) struct SaveLeased {
    id: Vec<DbUuid>,
    worker: Vec<String>,
    status: Vec<String>,
    published_at: Vec<Option<DbTime>>,
    error_code: Vec<Option<String>>,
    error_message: Vec<Option<String>>,
    attempts: Vec<i32>,
    next_attempt_at: Vec<Option<DbTime>>,
    external_post_id: Vec<Option<String>>,
    post_url: Vec<Option<String>>,
    progress: Vec<DbJson>,
    locked_by: Vec<Option<String>>,
    locked_until: Vec<Option<DbTime>>,
    updated_at: Vec<DbTime>,
    user_action: Vec<Option<String>>,
    a_id: Vec<DbUuid>,
    a_job_id: Vec<DbUuid>,
    a_attempt_number: Vec<i32>,
    a_worker: Vec<String>,
    a_started_at: Vec<DbTime>,
    a_finished_at: Vec<Option<DbTime>>,
    a_outcome: Vec<String>,
    a_http_status: Vec<Option<i32>>,
    a_platform_error_code: Vec<Option<String>>,
    a_message: Vec<Option<String>>,
    a_step: Vec<Option<String>>,
    /// Users whose enabled endpoints stop the statement (see the module's doc); empty inside
    /// the transaction that writes the outbox.
    unless_subscribed: Vec<String>,
}

/// A row of the statement's answer: a job it saved, or (alone, with no id) the news that it
/// saved nothing because one of the guarded users has an enabled endpoint.
#[derive(QueryableByName)]
pub(crate) struct Saved {
    #[diesel(sql_type = Nullable<Id>)]
    pub(crate) id: Option<DbUuid>,
    #[diesel(sql_type = Bool)]
    pub(crate) subscribed: bool,
}

impl SaveLeased {
    /// The saves, stopped by any enabled endpoint of the users in `unless_subscribed`.
    pub(crate) fn new<'s>(
        saves: impl IntoIterator<Item = &'s Save>,
        unless_subscribed: &[&str],
    ) -> Self {
        let mut this = Self::empty();
        this.unless_subscribed = unless_subscribed
            .iter()
            .map(|&user| user.to_owned())
            .collect();
        for save in saves {
            let row = &save.row;
            this.id.push(DbUuid(*save.id.as_uuid()));
            this.worker.push(save.worker.clone());
            this.status.push(row.status.clone());
            this.published_at.push(row.published_at);
            this.error_code.push(row.error_code.clone());
            this.error_message.push(row.error_message.clone());
            this.attempts.push(row.attempts);
            this.next_attempt_at.push(row.next_attempt_at);
            this.external_post_id.push(row.external_post_id.clone());
            this.post_url.push(row.post_url.clone());
            this.progress.push(row.progress.clone());
            this.locked_by.push(row.locked_by.clone());
            this.locked_until.push(row.locked_until);
            this.updated_at.push(row.updated_at);
            this.user_action.push(row.user_action.clone());
            if let Some(attempt) = &save.attempt {
                this.a_id.push(attempt.id);
                this.a_job_id.push(attempt.job_id);
                this.a_attempt_number.push(attempt.attempt_number);
                this.a_worker.push(attempt.worker.clone());
                this.a_started_at.push(attempt.started_at);
                this.a_finished_at.push(attempt.finished_at);
                this.a_outcome.push(attempt.outcome.clone());
                this.a_http_status.push(attempt.http_status);
                this.a_platform_error_code
                    .push(attempt.platform_error_code.clone());
                this.a_message.push(attempt.message.clone());
                this.a_step.push(attempt.step.clone());
            }
        }
        this
    }

    fn empty() -> Self {
        Self {
            id: Vec::new(),
            worker: Vec::new(),
            status: Vec::new(),
            published_at: Vec::new(),
            error_code: Vec::new(),
            error_message: Vec::new(),
            attempts: Vec::new(),
            next_attempt_at: Vec::new(),
            external_post_id: Vec::new(),
            post_url: Vec::new(),
            progress: Vec::new(),
            locked_by: Vec::new(),
            locked_until: Vec::new(),
            updated_at: Vec::new(),
            user_action: Vec::new(),
            a_id: Vec::new(),
            a_job_id: Vec::new(),
            a_attempt_number: Vec::new(),
            a_worker: Vec::new(),
            a_started_at: Vec::new(),
            a_finished_at: Vec::new(),
            a_outcome: Vec::new(),
            a_http_status: Vec::new(),
            a_platform_error_code: Vec::new(),
            a_message: Vec::new(),
            a_step: Vec::new(),
            unless_subscribed: Vec::new(),
        }
    }
}

impl QueryId for SaveLeased {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for SaveLeased {
    type SqlType = diesel::sql_types::Untyped;
}

impl QueryFragment<Pg> for SaveLeased {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "WITH guard AS (SELECT EXISTS (SELECT 1 FROM webhook_endpoints \
             WHERE user_id = ANY(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.unless_subscribed)?;
        out.push_sql(
            ") AND enabled) AS subscribed), \
             saved AS (UPDATE publish_jobs AS j SET ",
        );
        out.push_sql(
            "status = v.status, published_at = v.published_at, error_code = v.error_code, \
             error_message = v.error_message, attempts = v.attempts, \
             next_attempt_at = v.next_attempt_at, external_post_id = v.external_post_id, \
             post_url = v.post_url, progress = v.progress, locked_by = v.locked_by, \
             locked_until = v.locked_until, updated_at = v.updated_at, \
             user_action = v.user_action FROM unnest(",
        );
        out.push_bind_param::<Array<Id>, _>(&self.id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.worker)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.status)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Instant>>, _>(&self.published_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.error_code)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.error_message)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.attempts)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Instant>>, _>(&self.next_attempt_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.external_post_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.post_url)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Document>, _>(&self.progress)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.locked_by)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Instant>>, _>(&self.locked_until)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Instant>, _>(&self.updated_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.user_action)?;
        out.push_sql(
            ") AS v(id, worker, status, published_at, error_code, error_message, attempts, \
             next_attempt_at, external_post_id, post_url, progress, locked_by, locked_until, \
             updated_at, user_action) \
             WHERE j.id = v.id AND j.status = 'processing' AND j.locked_by = v.worker \
             AND NOT (SELECT subscribed FROM guard) \
             RETURNING ",
        );
        out.push_sql(post_metrics::SAVED_COLUMNS);
        out.push_sql(
            "), \
             recorded AS (INSERT INTO job_attempts (id, job_id, attempt_number, worker, \
             started_at, finished_at, outcome, http_status, platform_error_code, message, step) \
             SELECT a.* FROM unnest(",
        );
        out.push_bind_param::<Array<Id>, _>(&self.a_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Id>, _>(&self.a_job_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.a_attempt_number)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.a_worker)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Instant>, _>(&self.a_started_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Instant>>, _>(&self.a_finished_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.a_outcome)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Integer>>, _>(&self.a_http_status)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.a_platform_error_code)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.a_message)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.a_step)?;
        out.push_sql(
            ") AS a(id, job_id, attempt_number, worker, started_at, finished_at, outcome, \
             http_status, platform_error_code, message, step) \
             WHERE a.job_id IN (SELECT id FROM saved) \
             ON CONFLICT (id) DO UPDATE SET finished_at = excluded.finished_at, \
             outcome = excluded.outcome, http_status = excluded.http_status, \
             platform_error_code = excluded.platform_error_code, message = excluded.message, \
             step = excluded.step)",
        );
        // A job saved as published gets its metrics reads parked in the same statement.
        out.push_sql(&post_metrics::SCHEDULE_CTE);
        out.push_sql(
            " SELECT id, false AS subscribed FROM saved \
             UNION ALL SELECT NULL, true FROM guard WHERE subscribed",
        );
        Ok(())
    }
}
