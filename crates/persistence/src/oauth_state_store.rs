//! [`OAuthStateStore`] on diesel: pending OAuth authorizations, each usable once.

use async_trait::async_trait;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use diesel_async::RunQueryDsl;
use socialpub_ports::{OAuthState, OAuthStateStore, RepositoryError};
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
    async fn put(&self, state: &OAuthState) -> Result<(), RepositoryError> {
        let row = OAuthStateRow::from(state);
        with_connection!(&self.store, |conn| {
            diesel::insert_into(os::table)
                .values(&row)
                .execute(conn)
                .await?;
            Ok(())
        })
        .map_err(|error| error.unique_violation_means(|| "state already stored".to_owned()))?;
        Ok(())
    }

    async fn take(&self, state: &str) -> Result<Option<OAuthState>, RepositoryError> {
        // DELETE ... RETURNING: of two concurrent callbacks, exactly one gets the row.
        let row = with_connection!(&self.store, |conn| {
            Ok(diesel::delete(os::table.filter(os::state.eq(state)))
                .returning(OAuthStateRow::as_returning())
                .get_result(conn)
                .await
                .optional()?)
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
