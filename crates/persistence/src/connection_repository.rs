//! [`ConnectionRepository`] on diesel: connected accounts, scoped by user, plus the
//! cross-process refresh lock.

use async_trait::async_trait;
use diesel::{
    BoolExpressionMethods, ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper,
};
use diesel_async::{AsyncConnection, RunQueryDsl};
use socialpub_domain::webhook::WebhookEvent;
use socialpub_domain::{ConnectionId, ConnectionStatus, Platform, SocialConnection, UserId};
use socialpub_ports::{ConnectionFilter, ConnectionRepository, Page, PageRequest, RepositoryError};
use time::OffsetDateTime;

use crate::error::DbError;
use crate::outbox::{insert_outbox, load_subscribers};
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

/// The users of `events`, each once.
fn event_users(events: &[WebhookEvent]) -> Vec<&str> {
    let mut users: Vec<&str> = events.iter().map(|e| e.user_id.as_str()).collect();
    users.sort_unstable();
    users.dedup();
    users
}

const ACTIVE: &str = ConnectionStatus::Active.as_str();

fn into_domain(rows: Vec<ConnectionRow>) -> Result<Vec<SocialConnection>, RepositoryError> {
    rows.into_iter().map(SocialConnection::try_from).collect()
}

#[async_trait]
impl ConnectionRepository for DieselConnectionRepository {
    async fn save_with_events(
        &self,
        connection: &SocialConnection,
        events: &[WebhookEvent],
    ) -> Result<(), RepositoryError> {
        let row = ConnectionRow::try_from(connection)?;
        let users = event_users(events);
        macro_rules! save {
            ($tx:expr) => {{
                diesel::insert_into(sc::table)
                    .values(&row)
                    .on_conflict(sc::id)
                    .do_update()
                    .set(&row)
                    .execute($tx)
                    .await?;
                let subscribers = load_subscribers!($tx, &users);
                insert_outbox!($tx, &subscribers, events);
                Ok::<_, DbError>(())
            }};
        }
        with_connection!(&self.store, |conn|
            postgres => conn.transaction(async |tx| save!(tx)).await,
            sqlite => conn.immediate_transaction(async |tx| save!(tx)).await,
        )
        .map_err(|error| {
            error.unique_violation_means(|| {
                "the user already has a connection to this account".to_owned()
            })
        })?;
        Ok(())
    }

    async fn delete_with_events(
        &self,
        user: &UserId,
        id: ConnectionId,
        events: &[WebhookEvent],
    ) -> Result<bool, RepositoryError> {
        let users = event_users(events);
        macro_rules! delete {
            ($tx:expr) => {{
                let deleted = diesel::delete(
                    sc::table
                        .filter(sc::id.eq(DbUuid(*id.as_uuid())))
                        .filter(sc::user_id.eq(user.as_str())),
                )
                .execute($tx)
                .await?;
                if deleted > 0 {
                    let subscribers = load_subscribers!($tx, &users);
                    insert_outbox!($tx, &subscribers, events);
                }
                Ok::<_, DbError>(deleted > 0)
            }};
        }
        Ok(with_connection!(&self.store, |conn|
            postgres => conn.transaction(async |tx| delete!(tx)).await,
            sqlite => conn.immediate_transaction(async |tx| delete!(tx)).await,
        )?)
    }

    async fn list_unnoticed_expiries(
        &self,
        now: OffsetDateTime,
        before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError> {
        // Two lists, one per kind of end, each in its own index-friendly shape; merged by end.
        let (now, before) = (DbTime(now), DbTime(before));
        let rows = with_connection!(&self.store, |conn| {
            let by_refresh: Vec<ConnectionRow> = sc::table
                .filter(sc::status.eq(ACTIVE))
                .filter(sc::refresh_token_encrypted.is_not_null())
                .filter(sc::refresh_expires_at.gt(now))
                .filter(sc::refresh_expires_at.le(before))
                .filter(
                    sc::expiry_noticed_for
                        .is_null()
                        .or(sc::expiry_noticed_for.ne(sc::refresh_expires_at)),
                )
                .order((sc::refresh_expires_at.asc(), sc::id.asc()))
                .limit(i64::from(limit))
                .select(ConnectionRow::as_select())
                .load(conn)
                .await?;
            let by_access: Vec<ConnectionRow> = sc::table
                .filter(sc::status.eq(ACTIVE))
                .filter(sc::refresh_token_encrypted.is_null())
                .filter(sc::expires_at.gt(now))
                .filter(sc::expires_at.le(before))
                .filter(
                    sc::expiry_noticed_for
                        .is_null()
                        .or(sc::expiry_noticed_for.ne(sc::expires_at)),
                )
                .order((sc::expires_at.asc(), sc::id.asc()))
                .limit(i64::from(limit))
                .select(ConnectionRow::as_select())
                .load(conn)
                .await?;
            Ok((by_refresh, by_access))
        })?;
        let mut found = into_domain(rows.0)?;
        found.extend(into_domain(rows.1)?);
        let end = |c: &SocialConnection| socialpub_domain::ConnectionHealth::of(c, now.0).dies_at;
        found.sort_by_key(|c| (end(c), c.id));
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(found)
    }

    async fn notice_expiry(
        &self,
        id: ConnectionId,
        dies_at: OffsetDateTime,
        event: &WebhookEvent,
    ) -> Result<bool, RepositoryError> {
        let users = [event.user_id.as_str()];
        let at = DbTime(dies_at);
        macro_rules! notice {
            ($tx:expr) => {{
                // One conditional UPDATE: the row lock (PostgreSQL) or the write transaction
                // (SQLite) makes check-and-mark atomic, so of several workers exactly one
                // changes the row, and only that one stores the event.
                let marked = diesel::update(
                    sc::table
                        .filter(sc::id.eq(DbUuid(*id.as_uuid())))
                        .filter(sc::status.eq(ACTIVE))
                        .filter(
                            sc::refresh_token_encrypted
                                .is_not_null()
                                .and(sc::refresh_expires_at.eq(at))
                                .or(sc::refresh_token_encrypted
                                    .is_null()
                                    .and(sc::expires_at.eq(at))),
                        )
                        .filter(
                            sc::expiry_noticed_for
                                .is_null()
                                .or(sc::expiry_noticed_for.ne(at)),
                        ),
                )
                .set(sc::expiry_noticed_for.eq(Some(at)))
                .execute($tx)
                .await?;
                if marked > 0 {
                    let subscribers = load_subscribers!($tx, &users);
                    insert_outbox!($tx, &subscribers, std::slice::from_ref(event));
                }
                Ok::<_, DbError>(marked > 0)
            }};
        }
        Ok(with_connection!(&self.store, |conn|
            postgres => conn.transaction(async |tx| notice!(tx)).await,
            sqlite => conn.immediate_transaction(async |tx| notice!(tx)).await,
        )?)
    }

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
