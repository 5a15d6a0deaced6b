use diesel::{Insertable, Queryable, Selectable};
use socialpub_domain::{Post, PostId};
use socialpub_ports::RepositoryError;

use super::{from_json, to_json, user_id};
use crate::schema::posts;
use crate::values::{DbJson, DbTime, DbUuid};

const TABLE: &str = "posts";

/// A `posts` row.
#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = posts)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub(crate) struct PostRow {
    id: DbUuid,
    user_id: String,
    scheduled_at: Option<DbTime>,
    time_zone: Option<String>,
    metadata: DbJson,
    created_at: DbTime,
}

impl TryFrom<&Post> for PostRow {
    type Error = RepositoryError;

    fn try_from(post: &Post) -> Result<Self, Self::Error> {
        Ok(Self {
            id: DbUuid(*post.id.as_uuid()),
            user_id: post.user_id.as_str().to_owned(),
            scheduled_at: post.scheduled_at.map(DbTime),
            time_zone: post.time_zone.clone(),
            metadata: to_json(&post.metadata)?,
            created_at: DbTime(post.created_at),
        })
    }
}

impl TryFrom<PostRow> for Post {
    type Error = RepositoryError;

    fn try_from(row: PostRow) -> Result<Self, Self::Error> {
        let id = PostId::from_uuid(row.id.0);
        Ok(Self {
            id,
            user_id: user_id(TABLE, &id, row.user_id)?,
            scheduled_at: row.scheduled_at.map(|t| t.0),
            time_zone: row.time_zone,
            metadata: from_json(TABLE, &id, "metadata", row.metadata)?,
            created_at: row.created_at.0,
        })
    }
}
