use diesel::AsChangeset;
use socialpub_domain::PublishJob;
use socialpub_ports::RepositoryError;

use super::{to_integer, to_json};
use crate::schema::publish_jobs;
use crate::values::{DbJson, DbTime};

/// The columns a worker changes while it holds a job's lease: state, attempts, progress,
/// error, lease and post. The content, schedule, owner and caller's metadata belong to the
/// user and change only through user changes, so a worker's save neither re-encodes them
/// (the hot path saves every job at least once) nor writes them back.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = publish_jobs)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_null = true)]
pub(crate) struct LeasedJobRow {
    pub(crate) status: String,
    pub(crate) published_at: Option<DbTime>,
    pub(crate) error_code: Option<String>,
    pub(crate) error_message: Option<String>,
    pub(crate) attempts: i32,
    pub(crate) next_attempt_at: Option<DbTime>,
    pub(crate) external_post_id: Option<String>,
    pub(crate) post_url: Option<String>,
    pub(crate) progress: DbJson,
    pub(crate) locked_by: Option<String>,
    pub(crate) locked_until: Option<DbTime>,
    pub(crate) updated_at: DbTime,
    pub(crate) user_action: Option<String>,
}

impl TryFrom<&PublishJob> for LeasedJobRow {
    type Error = RepositoryError;

    fn try_from(job: &PublishJob) -> Result<Self, Self::Error> {
        Ok(Self {
            status: job.status.as_str().to_owned(),
            published_at: job.published_at.map(DbTime),
            error_code: job.error_code.clone(),
            error_message: job.error_message.clone(),
            attempts: to_integer("attempts", job.attempts)?,
            next_attempt_at: job.next_attempt_at.map(DbTime),
            external_post_id: job.external_post_id.clone(),
            post_url: job.post_url.clone(),
            progress: to_json(&job.progress)?,
            locked_by: job.locked_by.as_ref().map(|w| w.as_str().to_owned()),
            locked_until: job.locked_until.map(DbTime),
            updated_at: DbTime(job.updated_at),
            user_action: job.user_action.map(|action| action.as_str().to_owned()),
        })
    }
}
