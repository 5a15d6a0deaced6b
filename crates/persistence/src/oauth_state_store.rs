//! [`OAuthStateStore`] on diesel: pending OAuth authorizations, each usable once.

use async_trait::async_trait;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use diesel_async::RunQueryDsl;
use socialpub_domain::UserId;
use socialpub_ports::{OAuthState, OAuthStateStore, RepositoryError, StateDigest};
use time::OffsetDateTime;

use crate::rows::OAuthStateRow;
use crate::schema::oauth_states as os;
use crate::store::{Store, with_connection};
use crate::values::DbTime;

/// Pending authorizations in the `oauth_states` table.
pub(crate) struct DieselOAuthStateStore {
    store: Store,
}

impl DieselOAuthStateStore {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }
}

#[async_trait]
impl OAuthStateStore for DieselOAuthStateStore {
    async fn put(&self, state: &OAuthState, keep_per_user: usize) -> Result<(), RepositoryError> {
        let row = OAuthStateRow::from(state);
        let user = state.user_id.as_str();
        let keep = i64::try_from(keep_per_user.max(1)).unwrap_or(i64::MAX);
        with_connection!(&self.store, |conn| {
            diesel::insert_into(os::table)
                .values(&row)
                .execute(conn)
                .await?;
            Ok(())
        })
        .map_err(|error| error.unique_violation_means(|| "state already stored".to_owned()))?;
        // Trimming after the insert (not in one transaction) still bounds the user's rows:
        // whichever of two concurrent calls trims last sees both rows.
        with_connection!(&self.store, |conn| {
            let beyond_cap: Vec<String> = os::table
                .select(os::state_hash)
                .filter(os::user_id.eq(user))
                .order((os::created_at.desc(), os::state_hash.desc()))
                .limit(i64::MAX)
                .offset(keep)
                .load(conn)
                .await?;
            if !beyond_cap.is_empty() {
                diesel::delete(os::table.filter(os::state_hash.eq_any(&beyond_cap)))
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })?;
        Ok(())
    }

    async fn take(
        &self,
        digest: &StateDigest,
        user: Option<&UserId>,
    ) -> Result<Option<OAuthState>, RepositoryError> {
        let digest = digest.as_str();
        // DELETE ... RETURNING: of two concurrent completions, exactly one gets the row; with
        // a user, another user's row does not match and stays.
        let row = with_connection!(&self.store, |conn| {
            let found = match user {
                Some(user) => {
                    diesel::delete(
                        os::table
                            .filter(os::state_hash.eq(digest))
                            .filter(os::user_id.eq(user.as_str())),
                    )
                    .returning(OAuthStateRow::as_returning())
                    .get_result(conn)
                    .await
                }
                None => {
                    diesel::delete(os::table.filter(os::state_hash.eq(digest)))
                        .returning(OAuthStateRow::as_returning())
                        .get_result(conn)
                        .await
                }
            };
            Ok(found.optional()?)
        })?;
        row.map(OAuthState::try_from).transpose()
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepositoryError> {
        let purged = with_connection!(&self.store, |conn| {
            Ok(
                diesel::delete(os::table.filter(os::expires_at.lt(DbTime(now))))
                    .execute(conn)
                    .await?,
            )
        })?;
        Ok(u64::try_from(purged).unwrap_or_default())
    }
}
