use diesel::{Insertable, Queryable, Selectable};
use socialpub_ports::{IdempotencyClaim, RepositoryError, StoredResponse};

use crate::schema::idempotency_keys;
use crate::values::DbTime;

/// An `idempotency_keys` row: a claim (no response yet) or a stored answer.
#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub(crate) struct IdempotencyRow {
    pub(crate) user_id: String,
    pub(crate) key: String,
    pub(crate) fingerprint: String,
    pub(crate) response_status: Option<i32>,
    pub(crate) response_body: Option<String>,
    pub(crate) locked_until: Option<DbTime>,
    pub(crate) expires_at: DbTime,
    pub(crate) created_at: DbTime,
}

impl IdempotencyRow {
    /// What a request with `fingerprint` may do, given this row that another request holds or
    /// answered (and that a claim could not take over).
    pub(crate) fn claim_for(self, fingerprint: &str) -> Result<IdempotencyClaim, RepositoryError> {
        if self.fingerprint != fingerprint {
            return Ok(IdempotencyClaim::Mismatch);
        }
        match (self.response_status, self.response_body) {
            (Some(status), Some(body)) => {
                let status = u16::try_from(status).map_err(|_| {
                    RepositoryError::Corrupt(format!(
                        "idempotency_keys row of user {}: response_status {status}",
                        self.user_id
                    ))
                })?;
                Ok(IdempotencyClaim::Replay(StoredResponse { status, body }))
            }
            _ => Ok(IdempotencyClaim::InProgress),
        }
    }
}
