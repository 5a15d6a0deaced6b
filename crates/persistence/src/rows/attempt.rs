use diesel::{AsChangeset, Insertable, Queryable, Selectable};
use socialpub_domain::{AttemptId, AttemptOutcome, JobAttempt, JobId, WorkerId};
use socialpub_ports::RepositoryError;

use super::{corrupt, from_integer, to_integer};
use crate::schema::job_attempts;
use crate::values::{DbTime, DbUuid};

const TABLE: &str = "job_attempts";

/// A `job_attempts` row.
#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = job_attempts)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_null = true)]
pub(crate) struct AttemptRow {
    pub(crate) id: DbUuid,
    pub(crate) job_id: DbUuid,
    pub(crate) attempt_number: i32,
    pub(crate) worker: String,
    pub(crate) started_at: DbTime,
    pub(crate) finished_at: Option<DbTime>,
    pub(crate) outcome: String,
    pub(crate) http_status: Option<i32>,
    pub(crate) platform_error_code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) step: Option<String>,
}

impl TryFrom<&JobAttempt> for AttemptRow {
    type Error = RepositoryError;

    fn try_from(attempt: &JobAttempt) -> Result<Self, Self::Error> {
        Ok(Self {
            id: DbUuid(*attempt.id.as_uuid()),
            job_id: DbUuid(*attempt.job_id.as_uuid()),
            attempt_number: to_integer("attempt_number", attempt.attempt_number)?,
            worker: attempt.worker.as_str().to_owned(),
            started_at: DbTime(attempt.started_at),
            finished_at: attempt.finished_at.map(DbTime),
            outcome: attempt.outcome.as_str().to_owned(),
            http_status: attempt.http_status.map(i32::from),
            platform_error_code: attempt.platform_error_code.clone(),
            message: attempt.message.clone(),
            step: attempt.step.clone(),
        })
    }
}

impl TryFrom<AttemptRow> for JobAttempt {
    type Error = RepositoryError;

    fn try_from(row: AttemptRow) -> Result<Self, Self::Error> {
        let id = AttemptId::from_uuid(row.id.0);
        let outcome = AttemptOutcome::parse(&row.outcome).ok_or_else(|| {
            corrupt(
                TABLE,
                &id,
                format_args!("unknown outcome `{}`", row.outcome),
            )
        })?;
        let http_status = row
            .http_status
            .map(|status| {
                u16::try_from(status)
                    .map_err(|_| corrupt(TABLE, &id, format_args!("http_status {status}")))
            })
            .transpose()?;
        Ok(Self {
            id,
            job_id: JobId::from_uuid(row.job_id.0),
            attempt_number: from_integer(TABLE, &id, "attempt_number", row.attempt_number)?,
            worker: WorkerId::new(row.worker),
            started_at: row.started_at.0,
            finished_at: row.finished_at.map(|t| t.0),
            outcome,
            step: row.step,
            http_status,
            platform_error_code: row.platform_error_code,
            message: row.message,
        })
    }
}
