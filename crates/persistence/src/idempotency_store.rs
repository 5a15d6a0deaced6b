//! [`IdempotencyStore`] on diesel: requests made with an `Idempotency-Key`, per user.
//!
//! A row is a claim while its request runs (no response, `locked_until` set), then the
//! request's answer until `expires_at`. Claiming is one `INSERT ... ON CONFLICT DO UPDATE ...
//! WHERE` statement: it inserts a new key, or takes over a row that is as good as absent (an
//! answer kept past its time, or a claim whose holder died), and otherwise changes nothing. The
//! database's unique key decides between concurrent claims, so exactly one of them proceeds.

use async_trait::async_trait;
use diesel::upsert::excluded;
use diesel::{
    BoolExpressionMethods, ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper,
};
use diesel_async::RunQueryDsl;
use socialpub_domain::{IdempotencyKey, UserId};
use socialpub_ports::{IdempotencyClaim, IdempotencyStore, RepositoryError, StoredResponse};
use time::{Duration, OffsetDateTime};

use crate::rows::IdempotencyRow;
use crate::schema::idempotency_keys as ik;
use crate::store::{Store, with_connection};
use crate::values::DbTime;

/// How often a claim is tried again when the row it lost to vanished before it could be read
/// (released or purged in between); each round is one more chance to insert.
const CLAIM_ROUNDS: usize = 3;

pub(crate) struct DieselIdempotencyStore {
    store: Store,
}

impl DieselIdempotencyStore {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }
}

#[async_trait]
impl IdempotencyStore for DieselIdempotencyStore {
    async fn claim(
        &self,
        user: &UserId,
        key: &IdempotencyKey,
        fingerprint: &str,
        now: OffsetDateTime,
        lock_for: Duration,
    ) -> Result<IdempotencyClaim, RepositoryError> {
        let claim = IdempotencyRow {
            user_id: user.as_str().to_owned(),
            key: key.as_str().to_owned(),
            fingerprint: fingerprint.to_owned(),
            response_status: None,
            response_body: None,
            locked_until: Some(DbTime(now + lock_for)),
            expires_at: DbTime(now + lock_for),
            created_at: DbTime(now),
        };
        for _ in 0..CLAIM_ROUNDS {
            let (taken, held) = with_connection!(&self.store, |conn| {
                let taken = {
                    // `ON CONFLICT ... DO UPDATE ... WHERE` takes its condition through this
                    // trait.
                    use diesel::query_dsl::methods::FilterDsl as _;
                    diesel::insert_into(ik::table)
                        .values(&claim)
                        .on_conflict((ik::user_id, ik::key))
                        .do_update()
                        .set((
                            ik::fingerprint.eq(excluded(ik::fingerprint)),
                            ik::response_status.eq(None::<i32>),
                            ik::response_body.eq(None::<String>),
                            ik::locked_until.eq(excluded(ik::locked_until)),
                            ik::expires_at.eq(excluded(ik::expires_at)),
                            ik::created_at.eq(excluded(ik::created_at)),
                        ))
                        .filter(
                            ik::expires_at.le(DbTime(now)).or(ik::response_status
                                .is_null()
                                .and(ik::locked_until.le(DbTime(now)))),
                        )
                        .returning(ik::created_at)
                        .get_result::<DbTime>(conn)
                        .await
                        .optional()?
                };
                if taken.is_some() {
                    return Ok((true, None));
                }
                let held = ik::table
                    .filter(ik::user_id.eq(user.as_str()))
                    .filter(ik::key.eq(key.as_str()))
                    .select(IdempotencyRow::as_select())
                    .first(conn)
                    .await
                    .optional()?;
                Ok((false, held))
            })?;
            if taken {
                return Ok(IdempotencyClaim::Proceed);
            }
            if let Some(held) = held {
                return held.claim_for(fingerprint);
            }
        }
        // The key keeps being given up as soon as it is seen; its holder is still at work.
        Ok(IdempotencyClaim::InProgress)
    }

    async fn complete(
        &self,
        user: &UserId,
        key: &IdempotencyKey,
        response: &StoredResponse,
        now: OffsetDateTime,
        keep_for: Duration,
    ) -> Result<(), RepositoryError> {
        let stored = with_connection!(&self.store, |conn| {
            Ok(diesel::update(
                ik::table
                    .filter(ik::user_id.eq(user.as_str()))
                    .filter(ik::key.eq(key.as_str())),
            )
            .set((
                ik::response_status.eq(Some(i32::from(response.status))),
                ik::response_body.eq(Some(response.body.as_str())),
                ik::locked_until.eq(None::<DbTime>),
                ik::expires_at.eq(DbTime(now + keep_for)),
            ))
            .execute(conn)
            .await?)
        })?;
        if stored == 0 {
            // Released, or held so long past `lock_for` that it was purged.
            return Err(RepositoryError::Conflict(format!(
                "idempotency key `{}` is not claimed",
                key.as_str()
            )));
        }
        Ok(())
    }

    async fn release(&self, user: &UserId, key: &IdempotencyKey) -> Result<(), RepositoryError> {
        // Only a claim: an answer, once stored, is what every retry gets.
        with_connection!(&self.store, |conn| {
            diesel::delete(
                ik::table
                    .filter(ik::user_id.eq(user.as_str()))
                    .filter(ik::key.eq(key.as_str()))
                    .filter(ik::response_status.is_null()),
            )
            .execute(conn)
            .await?;
            Ok(())
        })?;
        Ok(())
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepositoryError> {
        let purged = with_connection!(&self.store, |conn| {
            Ok(
                diesel::delete(ik::table.filter(ik::expires_at.le(DbTime(now))))
                    .execute(conn)
                    .await?,
            )
        })?;
        Ok(u64::try_from(purged).unwrap_or_default())
    }
}
