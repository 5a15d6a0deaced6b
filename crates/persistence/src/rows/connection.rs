use diesel::sql_types::{Binary, Nullable, Text};
use diesel::{AsChangeset, Insertable, Queryable, QueryableByName, Selectable};
use socialpub_domain::{
    ConnectionId, ConnectionStatus, EncryptedToken, LoginPath, SocialConnection,
};
use socialpub_ports::RepositoryError;

use super::{corrupt, from_json, platform, to_json, user_id};
use crate::schema::social_connections;
use crate::sql_types::{Document, Id, Instant};
use crate::values::{DbJson, DbTime, DbUuid};

const TABLE: &str = "social_connections";

/// A `social_connections` row without the refresh-lock columns, which only the lock queries
/// touch: saving a connection never takes or drops somebody's refresh lock.
#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = social_connections)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_null = true)]
pub(crate) struct ConnectionRow {
    id: DbUuid,
    user_id: String,
    platform: String,
    external_user_id: String,
    external_display_name: String,
    access_token_encrypted: Vec<u8>,
    refresh_token_encrypted: Option<Vec<u8>>,
    expires_at: Option<DbTime>,
    refresh_expires_at: Option<DbTime>,
    scopes: DbJson,
    status: String,
    created_at: DbTime,
    updated_at: DbTime,
    /// `NULL`: the platform's own login; `facebook`: Facebook Login.
    login: Option<String>,
}

impl TryFrom<&SocialConnection> for ConnectionRow {
    type Error = RepositoryError;

    fn try_from(connection: &SocialConnection) -> Result<Self, Self::Error> {
        Ok(Self {
            id: DbUuid(*connection.id.as_uuid()),
            user_id: connection.user_id.as_str().to_owned(),
            platform: connection.platform.as_str().to_owned(),
            external_user_id: connection.external_user_id.clone(),
            external_display_name: connection.external_display_name.clone(),
            access_token_encrypted: connection.access_token_encrypted.as_bytes().to_vec(),
            refresh_token_encrypted: connection
                .refresh_token_encrypted
                .as_ref()
                .map(|token| token.as_bytes().to_vec()),
            expires_at: connection.expires_at.map(DbTime),
            refresh_expires_at: connection.refresh_expires_at.map(DbTime),
            scopes: to_json(&connection.scopes)?,
            status: connection.status.as_str().to_owned(),
            created_at: DbTime(connection.created_at),
            updated_at: DbTime(connection.updated_at),
            login: connection.login.stored().map(str::to_owned),
        })
    }
}

impl TryFrom<ConnectionRow> for SocialConnection {
    type Error = RepositoryError;

    fn try_from(row: ConnectionRow) -> Result<Self, Self::Error> {
        let id = ConnectionId::from_uuid(row.id.0);
        let status = ConnectionStatus::parse(&row.status)
            .ok_or_else(|| corrupt(TABLE, &id, format_args!("unknown status `{}`", row.status)))?;
        let login = LoginPath::from_stored(row.login.as_deref()).ok_or_else(|| {
            corrupt(
                TABLE,
                &id,
                format_args!("unknown login `{}`", row.login.as_deref().unwrap_or("")),
            )
        })?;
        Ok(Self {
            login,
            id,
            user_id: user_id(TABLE, &id, row.user_id)?,
            platform: platform(TABLE, &id, &row.platform)?,
            external_user_id: row.external_user_id,
            external_display_name: row.external_display_name,
            access_token_encrypted: EncryptedToken::from_bytes(row.access_token_encrypted),
            refresh_token_encrypted: row.refresh_token_encrypted.map(EncryptedToken::from_bytes),
            expires_at: row.expires_at.map(|t| t.0),
            refresh_expires_at: row.refresh_expires_at.map(|t| t.0),
            scopes: from_json(TABLE, &id, "scopes", row.scopes)?,
            status,
            created_at: row.created_at.0,
            updated_at: row.updated_at.0,
        })
    }
}

/// A job's connection as the PostgreSQL claim returns it beside the job: the same columns,
/// prefixed `c_` so they cannot be read as the job's own (both tables have `id`, `status`, ...),
/// and all nullable because the join finds nothing when the connection is gone.
#[derive(Debug, QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub(crate) struct JoinedConnectionRow {
    #[diesel(sql_type = Nullable<Id>)]
    c_id: Option<DbUuid>,
    #[diesel(sql_type = Nullable<Text>)]
    c_user_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    c_platform: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    c_external_user_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    c_external_display_name: Option<String>,
    #[diesel(sql_type = Nullable<Binary>)]
    c_access_token_encrypted: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Binary>)]
    c_refresh_token_encrypted: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Instant>)]
    c_expires_at: Option<DbTime>,
    #[diesel(sql_type = Nullable<Instant>)]
    c_refresh_expires_at: Option<DbTime>,
    #[diesel(sql_type = Nullable<Document>)]
    c_scopes: Option<DbJson>,
    #[diesel(sql_type = Nullable<Text>)]
    c_status: Option<String>,
    #[diesel(sql_type = Nullable<Instant>)]
    c_created_at: Option<DbTime>,
    #[diesel(sql_type = Nullable<Instant>)]
    c_updated_at: Option<DbTime>,
    #[diesel(sql_type = Nullable<Text>)]
    c_login: Option<String>,
}

/// The select list that fills a [`JoinedConnectionRow`] from a `social_connections` alias `c`.
pub(crate) const JOINED_CONNECTION_COLUMNS: &str = "c.id AS c_id, c.user_id AS c_user_id, \
     c.platform AS c_platform, c.external_user_id AS c_external_user_id, \
     c.external_display_name AS c_external_display_name, \
     c.access_token_encrypted AS c_access_token_encrypted, \
     c.refresh_token_encrypted AS c_refresh_token_encrypted, c.expires_at AS c_expires_at, \
     c.refresh_expires_at AS c_refresh_expires_at, c.scopes AS c_scopes, c.status AS c_status, \
     c.created_at AS c_created_at, c.updated_at AS c_updated_at, c.login AS c_login";

impl JoinedConnectionRow {
    /// The connection, when the join found one (its non-null columns are then all present).
    pub(crate) fn into_row(self) -> Option<ConnectionRow> {
        Some(ConnectionRow {
            id: self.c_id?,
            user_id: self.c_user_id?,
            platform: self.c_platform?,
            external_user_id: self.c_external_user_id?,
            external_display_name: self.c_external_display_name?,
            access_token_encrypted: self.c_access_token_encrypted?,
            refresh_token_encrypted: self.c_refresh_token_encrypted,
            expires_at: self.c_expires_at,
            refresh_expires_at: self.c_refresh_expires_at,
            scopes: self.c_scopes?,
            status: self.c_status?,
            created_at: self.c_created_at?,
            updated_at: self.c_updated_at?,
            login: self.c_login,
        })
    }
}
