//! [`ConnectionRepository`] on diesel: connected accounts, scoped by user, plus the
//! cross-process refresh lock.

use async_trait::async_trait;
use diesel::{
    BoolExpressionMethods, ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper,
};
use diesel_async::RunQueryDsl;
use socialpub_domain::{ConnectionId, ConnectionStatus, Platform, SocialConnection, UserId};
use socialpub_ports::{ConnectionFilter, ConnectionRepository, Page, PageRequest, RepositoryError};
use time::OffsetDateTime;

use crate::page::{limit, offset};
use crate::rows::ConnectionRow;
use crate::schema::social_connections as sc;
use crate::store::{Store, with_connection};
use crate::values::{DbTime, DbUuid};

/// Connections in the `social_connections` table.
pub(crate) struct DieselConnectionRepository {
    store: Store,
}

impl DieselConnectionRepository {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }
}

fn into_domain(rows: Vec<ConnectionRow>) -> Result<Vec<SocialConnection>, RepositoryError> {
    rows.into_iter().map(SocialConnection::try_from).collect()
}

#[async_trait]
impl ConnectionRepository for DieselConnectionRepository {
    async fn save(&self, connection: &SocialConnection) -> Result<(), RepositoryError> {
        let row = ConnectionRow::try_from(connection)?;
        with_connection!(&self.store, |conn| {
            diesel::insert_into(sc::table)
                .values(&row)
                .on_conflict(sc::id)
                .do_update()
                .set(&row)
                .execute(conn)
                .await?;
            Ok(())
        })
        .map_err(|error| {
            error.unique_violation_means(|| {
                "the user already has a connection to this account".to_owned()
            })
        })?;
        Ok(())
    }

    async fn get(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<Option<SocialConnection>, RepositoryError> {
        let row = with_connection!(&self.store, |conn| {
            Ok(sc::table
                .filter(sc::id.eq(DbUuid(*id.as_uuid())))
                .filter(sc::user_id.eq(user.as_str()))
                .select(ConnectionRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })?;
        row.map(SocialConnection::try_from).transpose()
    }

    async fn find_by_account(
        &self,
        user: &UserId,
        platform: Platform,
        external_user_id: &str,
    ) -> Result<Option<SocialConnection>, RepositoryError> {
        let row = with_connection!(&self.store, |conn| {
            Ok(sc::table
                .filter(sc::user_id.eq(user.as_str()))
                .filter(sc::platform.eq(platform.as_str()))
                .filter(sc::external_user_id.eq(external_user_id))
                .select(ConnectionRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })?;
        row.map(SocialConnection::try_from).transpose()
    }

    async fn list(
        &self,
        user: &UserId,
        filter: &ConnectionFilter,
        page: PageRequest,
    ) -> Result<Page<SocialConnection>, RepositoryError> {
        let (total, rows) = with_connection!(&self.store, |conn| {
            let matching = || {
                let mut query = sc::table.filter(sc::user_id.eq(user.as_str())).into_boxed();
                if let Some(platform) = filter.platform {
                    query = query.filter(sc::platform.eq(platform.as_str()));
                }
                if let Some(status) = filter.status {
                    query = query.filter(sc::status.eq(status.as_str()));
                }
                query
            };
            let total: i64 = matching().count().get_result(conn).await?;
            let rows = matching()
                .order((sc::created_at.asc(), sc::id.asc()))
                .limit(limit(page))
                .offset(offset(page))
                .select(ConnectionRow::as_select())
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

    async fn delete(&self, user: &UserId, id: ConnectionId) -> Result<bool, RepositoryError> {
        let deleted = with_connection!(&self.store, |conn| {
            Ok(diesel::delete(
                sc::table
                    .filter(sc::id.eq(DbUuid(*id.as_uuid())))
                    .filter(sc::user_id.eq(user.as_str())),
            )
            .execute(conn)
            .await?)
        })?;
        Ok(deleted > 0)
    }

    async fn list_expiring(
        &self,
        before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError> {
        let rows = with_connection!(&self.store, |conn| {
            Ok(sc::table
                .filter(sc::status.eq(ConnectionStatus::Active.as_str()))
                .filter(sc::expires_at.lt(DbTime(before)))
                .order((sc::expires_at.asc(), sc::id.asc()))
                .limit(i64::from(limit))
                .select(ConnectionRow::as_select())
                .load(conn)
                .await?)
        })?;
        into_domain(rows)
    }

    async fn list_all_after(
        &self,
        after: Option<ConnectionId>,
        limit: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError> {
        // Keyset paging by id: stable under concurrent inserts, and both backends order
        // UUIDs bytewise, as the domain type does.
        let rows = with_connection!(&self.store, |conn| {
            let mut query = sc::table.into_boxed();
            if let Some(after) = after {
                query = query.filter(sc::id.gt(DbUuid(*after.as_uuid())));
            }
            Ok(query
                .order(sc::id.asc())
                .limit(i64::from(limit))
                .select(ConnectionRow::as_select())
                .load(conn)
                .await?)
        })?;
        into_domain(rows)
    }

    async fn try_lock_refresh(
        &self,
        id: ConnectionId,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        // One conditional UPDATE: the row lock makes check-and-take atomic on both backends.
        let taken = with_connection!(&self.store, |conn| {
            Ok(diesel::update(
                sc::table.filter(sc::id.eq(DbUuid(*id.as_uuid()))).filter(
                    sc::refresh_locked_by
                        .is_null()
                        .or(sc::refresh_locked_by.eq(holder))
                        .or(sc::refresh_locked_until.le(DbTime(now))),
                ),
            )
            .set((
                sc::refresh_locked_by.eq(holder),
                sc::refresh_locked_until.eq(DbTime(until)),
            ))
            .execute(conn)
            .await?)
        })?;
        Ok(taken > 0)
    }

    async fn unlock_refresh(&self, id: ConnectionId, holder: &str) -> Result<(), RepositoryError> {
        with_connection!(&self.store, |conn| {
            diesel::update(
                sc::table
                    .filter(sc::id.eq(DbUuid(*id.as_uuid())))
                    .filter(sc::refresh_locked_by.eq(holder)),
            )
            .set((
                sc::refresh_locked_by.eq(None::<String>),
                sc::refresh_locked_until.eq(None::<DbTime>),
            ))
            .execute(conn)
            .await?;
            Ok(())
        })?;
        Ok(())
    }
}
