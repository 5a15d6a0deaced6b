use diesel::{AsChangeset, Insertable, Queryable, QueryableByName, Selectable};
use socialpub_domain::{ConnectionId, JobId, JobStatus, PostId, PublishJob, UserAction, WorkerId};
use socialpub_ports::RepositoryError;

use super::{corrupt, from_integer, from_json, platform, to_integer, to_json, user_id};
use crate::schema::publish_jobs;
use crate::values::{DbJson, DbTime, DbUuid};

const TABLE: &str = "publish_jobs";

/// A `publish_jobs` row: every field of a [`PublishJob`], lease included. Also read by name,
/// from the hand-written claim query's `RETURNING *`.
#[derive(Debug, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = publish_jobs)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_null = true)]
pub(crate) struct JobRow {
    id: DbUuid,
    user_id: String,
    social_connection_id: DbUuid,
    platform: String,
    content_text: String,
    assets: DbJson,
    platform_specific_options: DbJson,
    status: String,
    scheduled_at: Option<DbTime>,
    published_at: Option<DbTime>,
    error_code: Option<String>,
    error_message: Option<String>,
    attempts: i32,
    max_attempts: i32,
    next_attempt_at: Option<DbTime>,
    external_post_id: Option<String>,
    post_url: Option<String>,
    progress: DbJson,
    locked_by: Option<String>,
    locked_until: Option<DbTime>,
    created_at: DbTime,
    updated_at: DbTime,
    post_id: Option<DbUuid>,
    time_zone: Option<String>,
    metadata: DbJson,
    user_action: Option<String>,
}

impl TryFrom<&PublishJob> for JobRow {
    type Error = RepositoryError;

    fn try_from(job: &PublishJob) -> Result<Self, Self::Error> {
        Ok(Self {
            id: DbUuid(*job.id.as_uuid()),
            user_id: job.user_id.as_str().to_owned(),
            social_connection_id: DbUuid(*job.social_connection_id.as_uuid()),
            platform: job.platform.as_str().to_owned(),
            content_text: job.content_text.clone(),
            assets: to_json(&job.assets)?,
            platform_specific_options: to_json(&job.platform_specific_options)?,
            status: job.status.as_str().to_owned(),
            scheduled_at: job.scheduled_at.map(DbTime),
            published_at: job.published_at.map(DbTime),
            error_code: job.error_code.clone(),
            error_message: job.error_message.clone(),
            attempts: to_integer("attempts", job.attempts)?,
            max_attempts: to_integer("max_attempts", job.max_attempts)?,
            next_attempt_at: job.next_attempt_at.map(DbTime),
            external_post_id: job.external_post_id.clone(),
            post_url: job.post_url.clone(),
            progress: to_json(&job.progress)?,
            locked_by: job.locked_by.as_ref().map(|w| w.as_str().to_owned()),
            locked_until: job.locked_until.map(DbTime),
            created_at: DbTime(job.created_at),
            updated_at: DbTime(job.updated_at),
            post_id: job.post_id.map(|id| DbUuid(*id.as_uuid())),
            time_zone: job.time_zone.clone(),
            metadata: to_json(&job.metadata)?,
            user_action: job.user_action.map(|action| action.as_str().to_owned()),
        })
    }
}

impl TryFrom<JobRow> for PublishJob {
    type Error = RepositoryError;

    fn try_from(row: JobRow) -> Result<Self, Self::Error> {
        let id = JobId::from_uuid(row.id.0);
        let status = JobStatus::parse(&row.status)
            .ok_or_else(|| corrupt(TABLE, &id, format_args!("unknown status `{}`", row.status)))?;
        let user_action = row
            .user_action
            .map(|raw| {
                UserAction::parse(&raw)
                    .ok_or_else(|| corrupt(TABLE, &id, format_args!("unknown user_action `{raw}`")))
            })
            .transpose()?;
        Ok(Self {
            id,
            post_id: row.post_id.map(|post| PostId::from_uuid(post.0)),
            user_id: user_id(TABLE, &id, row.user_id)?,
            social_connection_id: ConnectionId::from_uuid(row.social_connection_id.0),
            platform: platform(TABLE, &id, &row.platform)?,
            content_text: row.content_text,
            assets: from_json(TABLE, &id, "assets", row.assets)?,
            platform_specific_options: from_json(
                TABLE,
                &id,
                "platform_specific_options",
                row.platform_specific_options,
            )?,
            status,
            scheduled_at: row.scheduled_at.map(|t| t.0),
            time_zone: row.time_zone,
            metadata: from_json(TABLE, &id, "metadata", row.metadata)?,
            published_at: row.published_at.map(|t| t.0),
            error_code: row.error_code,
            error_message: row.error_message,
            user_action,
            attempts: from_integer(TABLE, &id, "attempts", row.attempts)?,
            max_attempts: from_integer(TABLE, &id, "max_attempts", row.max_attempts)?,
            next_attempt_at: row.next_attempt_at.map(|t| t.0),
            external_post_id: row.external_post_id,
            post_url: row.post_url,
            progress: from_json(TABLE, &id, "progress", row.progress)?,
            locked_by: row.locked_by.map(WorkerId::new),
            locked_until: row.locked_until.map(|t| t.0),
            created_at: row.created_at.0,
            updated_at: row.updated_at.0,
        })
    }
}
