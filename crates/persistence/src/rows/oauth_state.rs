use diesel::{Insertable, Queryable, Selectable};
use socialpub_domain::{LoginPath, SecretString};
use socialpub_ports::{OAuthState, RepositoryError, StateDigest};

use super::{corrupt, platform, user_id};
use crate::schema::oauth_states;
use crate::values::DbTime;

const TABLE: &str = "oauth_states";

/// An `oauth_states` row: the digest of the state (never the state) and the PKCE verifier,
/// kept only for the minutes between the authorization redirect and the completion.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = oauth_states)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub(crate) struct OAuthStateRow {
    state_hash: String,
    user_id: String,
    platform: String,
    code_verifier: Option<String>,
    created_at: DbTime,
    expires_at: DbTime,
    /// `NULL`: the platform's own login; `facebook`: Facebook Login.
    login: Option<String>,
}

impl From<&OAuthState> for OAuthStateRow {
    fn from(state: &OAuthState) -> Self {
        Self {
            state_hash: state.digest.as_str().to_owned(),
            user_id: state.user_id.as_str().to_owned(),
            platform: state.platform.as_str().to_owned(),
            code_verifier: state.code_verifier.as_ref().map(|v| v.expose().to_owned()),
            created_at: DbTime(state.created_at),
            expires_at: DbTime(state.expires_at),
            login: state.login.stored().map(str::to_owned),
        }
    }
}

impl TryFrom<OAuthStateRow> for OAuthState {
    type Error = RepositoryError;

    fn try_from(row: OAuthStateRow) -> Result<Self, Self::Error> {
        // Rows are named by their expiry: even the digest is better kept out of logs.
        let key = format_args!("expiring at {}", row.expires_at.0).to_string();
        let login = LoginPath::from_stored(row.login.as_deref()).ok_or_else(|| {
            corrupt(
                TABLE,
                &key,
                format_args!("unknown login `{}`", row.login.as_deref().unwrap_or("")),
            )
        })?;
        Ok(Self {
            login,
            user_id: user_id(TABLE, &key, row.user_id)?,
            platform: platform(TABLE, &key, &row.platform)?,
            digest: StateDigest::new(row.state_hash),
            code_verifier: row.code_verifier.map(SecretString::new),
            created_at: row.created_at.0,
            expires_at: row.expires_at.0,
        })
    }
}
