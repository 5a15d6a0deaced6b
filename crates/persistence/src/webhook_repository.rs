//! [`WebhookRepository`] on diesel: endpoints, the outbox's events, and their deliveries as a
//! work queue.
//!
//! Deliveries are claimed like jobs: a short write that takes a lease (`locked_by`,
//! `locked_until`; `FOR UPDATE SKIP LOCKED` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), the
//! HTTP call made holding no transaction, then the result stored only while the lease stands.
//! So several workers never send one attempt twice, and a dead worker's delivery is claimable
//! again once its lease ran out.

use std::sync::Arc;

use async_trait::async_trait;
use diesel::{
    BoolExpressionMethods, ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper,
};
use diesel_async::{AsyncConnection, RunQueryDsl};
use socialpub_domain::webhook::{
    DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookSecret,
};
use socialpub_domain::{UserId, WebhookDeliveryId, WebhookEndpointId, WorkerId};
use socialpub_ports::{
    AttemptResult, ClaimedDelivery, EndpointChange, Page, PageRequest, RepositoryError,
    WebhookRepository, WebhookSecretCipher,
};
use time::{Duration, OffsetDateTime};

use crate::error::DbError;
use crate::outbox::{insert_outbox, load_subscribers};
use crate::page::{limit, offset};
use crate::rows::{DeliveryRow, EndpointRow, EventRow};
use crate::schema::{webhook_deliveries as wd, webhook_endpoints as wep, webhook_events as wev};
use crate::store::{Store, with_connection};
use crate::values::{DbTime, DbUuid};

const PENDING: &str = DeliveryStatus::Pending.as_str();

pub(crate) struct DieselWebhookRepository {
    store: Store,
    /// Seals endpoints' signing secrets on the way in, opens them on the way out.
    cipher: Arc<dyn WebhookSecretCipher>,
}

impl DieselWebhookRepository {
    pub(crate) fn new(store: Store, cipher: Arc<dyn WebhookSecretCipher>) -> Self {
        Self { store, cipher }
    }
}

fn endpoint_uuid(id: WebhookEndpointId) -> DbUuid {
    DbUuid(*id.as_uuid())
}

fn delivery_uuid(id: WebhookDeliveryId) -> DbUuid {
    DbUuid(*id.as_uuid())
}

/// Loads the user's endpoint, lets `change` edit it, and stores it, in one write transaction
/// (locked on PostgreSQL). Evaluates to the stored endpoint, if the user has it.
macro_rules! edit_endpoint {
    ($store:expr, $cipher:expr, $user:expr, $id:expr, |$endpoint:ident| $change:expr) => {{
        let cipher: &dyn WebhookSecretCipher = $cipher;
        macro_rules! body {
            ($tx:expr, |$select:ident| $lock:expr) => {{
                let $select = wep::table
                    .filter(wep::id.eq(endpoint_uuid($id)))
                    .filter(wep::user_id.eq($user.as_str()))
                    .select(EndpointRow::as_select());
                let row: Option<EndpointRow> = $lock.first($tx).await.optional()?;
                let Some(row) = row else {
                    return Ok(None);
                };
                #[allow(unused_mut, reason = "a re-seal changes nothing but the sealing")]
                let mut $endpoint = row.open(cipher)?;
                $change;
                let row = EndpointRow::seal(&$endpoint, cipher)?;
                diesel::update(wep::table.filter(wep::id.eq(endpoint_uuid($id))))
                    .set(&row)
                    .execute($tx)
                    .await?;
                Ok::<_, DbError>(Some($endpoint))
            }};
        }
        with_connection!($store, |conn|
            postgres => conn
                .transaction(async |tx| body!(tx, |select| select.for_update()))
                .await,
            sqlite => conn
                .immediate_transaction(async |tx| body!(tx, |select| select))
                .await,
        )
    }};
}

#[async_trait]
impl WebhookRepository for DieselWebhookRepository {
    async fn create_endpoint(&self, endpoint: &WebhookEndpoint) -> Result<(), RepositoryError> {
        let row = EndpointRow::seal(endpoint, self.cipher.as_ref())?;
        with_connection!(&self.store, |conn| {
            diesel::insert_into(wep::table)
                .values(&row)
                .execute(conn)
                .await?;
            Ok(())
        })
        .map_err(|error| {
            error.unique_violation_means(|| format!("webhook {} already exists", endpoint.id))
        })?;
        Ok(())
    }

    async fn list_endpoints(&self, user: &UserId) -> Result<Vec<WebhookEndpoint>, RepositoryError> {
        let rows: Vec<EndpointRow> = with_connection!(&self.store, |conn| {
            Ok(wep::table
                .filter(wep::user_id.eq(user.as_str()))
                .order((wep::created_at.asc(), wep::id.asc()))
                .select(EndpointRow::as_select())
                .load(conn)
                .await?)
        })?;
        rows.into_iter()
            .map(|row| row.open(self.cipher.as_ref()))
            .collect()
    }

    async fn get_endpoint(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError> {
        let row: Option<EndpointRow> = with_connection!(&self.store, |conn| {
            Ok(wep::table
                .filter(wep::id.eq(endpoint_uuid(id)))
                .filter(wep::user_id.eq(user.as_str()))
                .select(EndpointRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })?;
        row.map(|row| row.open(self.cipher.as_ref())).transpose()
    }

    async fn update_endpoint(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
        change: &EndpointChange,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError> {
        Ok(edit_endpoint!(
            &self.store,
            self.cipher.as_ref(),
            user,
            id,
            |endpoint| {
                if let Some(url) = &change.url {
                    endpoint.url = url.clone();
                }
                if let Some(events) = &change.events {
                    endpoint.events = events.clone();
                }
                if let Some(description) = &change.description {
                    endpoint.description = description.clone();
                }
                if let Some(enabled) = change.enabled {
                    if enabled && !endpoint.enabled {
                        endpoint.failing_since = None;
                        endpoint.disabled_note = None;
                    }
                    endpoint.enabled = enabled;
                }
                endpoint.updated_at = now;
            }
        )?)
    }

    async fn delete_endpoint(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
    ) -> Result<bool, RepositoryError> {
        macro_rules! delete {
            ($tx:expr) => {{
                diesel::delete(
                    wd::table
                        .filter(wd::endpoint_id.eq(endpoint_uuid(id)))
                        .filter(wd::user_id.eq(user.as_str())),
                )
                .execute($tx)
                .await?;
                let deleted = diesel::delete(
                    wep::table
                        .filter(wep::id.eq(endpoint_uuid(id)))
                        .filter(wep::user_id.eq(user.as_str())),
                )
                .execute($tx)
                .await?;
                Ok::<_, DbError>(deleted > 0)
            }};
        }
        Ok(with_connection!(&self.store, |conn|
            postgres => conn.transaction(async |tx| delete!(tx)).await,
            sqlite => conn.immediate_transaction(async |tx| delete!(tx)).await,
        )?)
    }

    async fn rotate_secret(
        &self,
        user: &UserId,
        id: WebhookEndpointId,
        secret: &WebhookSecret,
        grace: Duration,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError> {
        Ok(edit_endpoint!(
            &self.store,
            self.cipher.as_ref(),
            user,
            id,
            |endpoint| {
                endpoint.previous_secret =
                    Some(std::mem::replace(&mut endpoint.secret, secret.clone()));
                endpoint.previous_secret_until = Some(now + grace);
                endpoint.updated_at = now;
            }
        )?)
    }

    async fn insert_events(&self, events: &[WebhookEvent]) -> Result<usize, RepositoryError> {
        if events.is_empty() {
            return Ok(0);
        }
        let mut users: Vec<&str> = events.iter().map(|e| e.user_id.as_str()).collect();
        users.sort_unstable();
        users.dedup();
        macro_rules! insert {
            ($tx:expr) => {{
                let subscribers = load_subscribers!($tx, &users);
                Ok::<_, DbError>(insert_outbox!($tx, &subscribers, events))
            }};
        }
        Ok(with_connection!(&self.store, |conn|
            postgres => conn.transaction(async |tx| insert!(tx)).await,
            sqlite => conn.immediate_transaction(async |tx| insert!(tx)).await,
        )?)
    }

    async fn insert_event_for(
        &self,
        event: &WebhookEvent,
        endpoint: WebhookEndpointId,
    ) -> Result<WebhookDelivery, RepositoryError> {
        let event_row = EventRow::from(event);
        let delivery = DeliveryRow::due(event, endpoint);
        macro_rules! insert {
            ($tx:expr) => {{
                diesel::insert_into(wev::table)
                    .values(&event_row)
                    .execute($tx)
                    .await?;
                diesel::insert_into(wd::table)
                    .values(delivery.clone())
                    .execute($tx)
                    .await?;
                Ok::<_, DbError>(())
            }};
        }
        with_connection!(&self.store, |conn|
            postgres => conn.transaction(async |tx| insert!(tx)).await,
            sqlite => conn.immediate_transaction(async |tx| insert!(tx)).await,
        )
        .map_err(|error| {
            error.conflict_if(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                || format!("webhook {endpoint} does not exist"),
            )
        })?;
        WebhookDelivery::try_from(delivery)
    }

    async fn list_deliveries(
        &self,
        user: &UserId,
        endpoint: WebhookEndpointId,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>, RepositoryError> {
        let (total, rows) = with_connection!(&self.store, |conn| {
            let matching = || {
                wd::table
                    .filter(wd::endpoint_id.eq(endpoint_uuid(endpoint)))
                    .filter(wd::user_id.eq(user.as_str()))
            };
            let total: i64 = matching().count().get_result(conn).await?;
            let rows: Vec<DeliveryRow> = matching()
                .order((wd::created_at.desc(), wd::id.desc()))
                .limit(limit(page))
                .offset(offset(page))
                .select(DeliveryRow::as_select())
                .load(conn)
                .await?;
            Ok((total, rows))
        })?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(WebhookDelivery::try_from)
                .collect::<Result<_, _>>()?,
            total: u64::try_from(total).unwrap_or_default(),
            limit: page.limit(),
            offset: page.offset(),
        })
    }

    async fn replay(
        &self,
        user: &UserId,
        id: WebhookDeliveryId,
        now: OffsetDateTime,
    ) -> Result<Option<WebhookDelivery>, RepositoryError> {
        let row: Option<DeliveryRow> = with_connection!(&self.store, |conn| {
            let changed = diesel::update(
                wd::table
                    .filter(wd::id.eq(delivery_uuid(id)))
                    .filter(wd::user_id.eq(user.as_str())),
            )
            .set((
                wd::status.eq(PENDING),
                wd::attempts.eq(0),
                wd::next_attempt_at.eq(Some(DbTime(now))),
                wd::locked_by.eq(None::<String>),
                wd::locked_until.eq(None::<DbTime>),
            ))
            .execute(conn)
            .await?;
            if changed == 0 {
                return Ok(None);
            }
            Ok(wd::table
                .filter(wd::id.eq(delivery_uuid(id)))
                .select(DeliveryRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })?;
        row.map(WebhookDelivery::try_from).transpose()
    }

    async fn claim_deliveries(
        &self,
        worker: &WorkerId,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<ClaimedDelivery>, RepositoryError> {
        let until = DbTime(now + lease);
        macro_rules! due {
            () => {
                wd::table
                    .filter(wd::status.eq(PENDING))
                    .filter(wd::next_attempt_at.le(DbTime(now)))
                    .filter(
                        wd::locked_until
                            .is_null()
                            .or(wd::locked_until.le(DbTime(now))),
                    )
                    .filter(
                        wd::endpoint_id
                            .eq_any(wep::table.filter(wep::enabled.eq(true)).select(wep::id)),
                    )
                    .order((wd::next_attempt_at.asc(), wd::id.asc()))
                    .limit(i64::from(limit))
                    .select(wd::id)
            };
        }
        macro_rules! claim {
            ($tx:expr, $ids:expr) => {{
                let ids: Vec<DbUuid> = $ids;
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                diesel::update(wd::table.filter(wd::id.eq_any(&ids)))
                    .set((
                        wd::locked_by.eq(Some(worker.as_str())),
                        wd::locked_until.eq(Some(until)),
                    ))
                    .execute($tx)
                    .await?;
                let rows: Vec<(DeliveryRow, String, EndpointRow)> = wd::table
                    .inner_join(wev::table)
                    .inner_join(wep::table)
                    .filter(wd::id.eq_any(&ids))
                    .order((wd::next_attempt_at.asc(), wd::id.asc()))
                    .select((
                        DeliveryRow::as_select(),
                        wev::payload,
                        EndpointRow::as_select(),
                    ))
                    .load($tx)
                    .await?;
                Ok::<_, DbError>(rows)
            }};
        }
        let rows = with_connection!(&self.store, |conn|
            postgres => conn
                .transaction(async |tx| {
                    let ids = due!().for_update().skip_locked().load(tx).await?;
                    claim!(tx, ids)
                })
                .await,
            sqlite => conn
                .immediate_transaction(async |tx| {
                    let ids = due!().load(tx).await?;
                    claim!(tx, ids)
                })
                .await,
        )?;
        rows.into_iter()
            .map(|(delivery, payload, endpoint)| {
                Ok(ClaimedDelivery {
                    delivery: WebhookDelivery::try_from(delivery)?,
                    payload,
                    endpoint: endpoint.open(self.cipher.as_ref())?,
                })
            })
            .collect()
    }

    async fn finish_attempt(
        &self,
        id: WebhookDeliveryId,
        worker: &WorkerId,
        result: &AttemptResult,
        retry_at: Option<OffsetDateTime>,
        disable_after: Duration,
    ) -> Result<(), RepositoryError> {
        let status = if result.delivered {
            DeliveryStatus::Delivered
        } else if retry_at.is_some() {
            DeliveryStatus::Pending
        } else {
            DeliveryStatus::Failed
        };
        let at = result.finished_at;
        macro_rules! finish {
            ($tx:expr, |$select:ident| $lock:expr) => {{
                let endpoint: Option<DbUuid> = wd::table
                    .filter(wd::id.eq(delivery_uuid(id)))
                    .filter(wd::locked_by.eq(worker.as_str()))
                    .select(wd::endpoint_id)
                    .first($tx)
                    .await
                    .optional()?;
                let Some(endpoint) = endpoint else {
                    return Err(DbError::Repository(RepositoryError::Conflict(format!(
                        "webhook delivery {id} is not held by this worker"
                    ))));
                };
                diesel::update(
                    wd::table
                        .filter(wd::id.eq(delivery_uuid(id)))
                        .filter(wd::locked_by.eq(worker.as_str())),
                )
                .set((
                    wd::status.eq(status.as_str()),
                    wd::attempts.eq(wd::attempts + 1),
                    wd::last_status.eq(result.status.map(i32::from)),
                    wd::last_error.eq(result.error.as_deref()),
                    wd::last_response_ms
                        .eq(Some(i32::try_from(result.response_ms).unwrap_or(i32::MAX))),
                    wd::next_attempt_at.eq(retry_at.map(DbTime)),
                    wd::locked_by.eq(None::<String>),
                    wd::locked_until.eq(None::<DbTime>),
                    wd::delivered_at.eq(result.delivered.then_some(DbTime(at))),
                ))
                .execute($tx)
                .await?;
                if result.delivered {
                    diesel::update(
                        wep::table
                            .filter(wep::id.eq(endpoint))
                            .filter(wep::failing_since.is_not_null()),
                    )
                    .set(wep::failing_since.eq(None::<DbTime>))
                    .execute($tx)
                    .await?;
                } else {
                    let $select = wep::table
                        .filter(wep::id.eq(endpoint))
                        .select(wep::failing_since);
                    let since: Option<Option<DbTime>> = $lock.first($tx).await.optional()?;
                    match since {
                        None => {}
                        Some(None) => {
                            diesel::update(wep::table.filter(wep::id.eq(endpoint)))
                                .set(wep::failing_since.eq(Some(DbTime(at))))
                                .execute($tx)
                                .await?;
                        }
                        Some(Some(since)) if at - since.0 >= disable_after => {
                            let note = format!(
                                "webhook.disabled: every delivery failed from {} to {}",
                                rfc3339(since.0),
                                rfc3339(at)
                            );
                            diesel::update(wep::table.filter(wep::id.eq(endpoint)))
                                .set((
                                    wep::enabled.eq(false),
                                    wep::disabled_note.eq(Some(note)),
                                    wep::updated_at.eq(DbTime(at)),
                                ))
                                .execute($tx)
                                .await?;
                        }
                        Some(Some(_)) => {}
                    }
                }
                Ok::<_, DbError>(())
            }};
        }
        with_connection!(&self.store, |conn|
            postgres => conn
                .transaction(async |tx| finish!(tx, |select| select.for_update()))
                .await,
            sqlite => conn
                .immediate_transaction(async |tx| finish!(tx, |select| select))
                .await,
        )?;
        Ok(())
    }

    async fn next_delivery_at(&self) -> Result<Option<OffsetDateTime>, RepositoryError> {
        let next: Option<Option<DbTime>> = with_connection!(&self.store, |conn| {
            Ok(wd::table
                .filter(wd::status.eq(PENDING))
                .filter(wd::next_attempt_at.is_not_null())
                .order(wd::next_attempt_at.asc())
                .select(wd::next_attempt_at)
                .first(conn)
                .await
                .optional()?)
        })?;
        Ok(next.flatten().map(|at| at.0))
    }

    async fn reseal_secrets(&self) -> Result<(usize, usize), RepositoryError> {
        let endpoints: Vec<(DbUuid, String)> = with_connection!(&self.store, |conn| {
            Ok(wep::table
                .select((wep::id, wep::user_id))
                .order(wep::id.asc())
                .load(conn)
                .await?)
        })?;
        let (mut resealed, mut unreadable) = (0, 0);
        for (id, user) in endpoints {
            let id = WebhookEndpointId::from_uuid(id.0);
            let Ok(user) = UserId::parse(user) else {
                unreadable += 1;
                continue;
            };
            // Opened and sealed again, under the newest key, in one locked write.
            let resealing =
                edit_endpoint!(&self.store, self.cipher.as_ref(), &user, id, |endpoint| {
                    tracing::debug!(webhook_id = %endpoint.id, "re-sealing the signing secrets")
                });
            match resealing {
                Ok(Some(_)) => resealed += 1,
                Ok(None) => {}
                Err(DbError::Repository(RepositoryError::Corrupt(reason))) => {
                    tracing::warn!(webhook_id = %id, %reason, "webhook secret cannot be re-sealed");
                    unreadable += 1;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Ok((resealed, unreadable))
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
