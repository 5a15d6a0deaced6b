//! Rust values for the portable SQL types of [`crate::sql_types`], with one (de)serialization
//! per backend. PostgreSQL reuses diesel's binary encodings; SQLite gets text that a person can
//! read with the `sqlite3` shell.

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteValue};
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::sql_types;

/// A UUID column value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = sql_types::Id)]
pub struct DbUuid(pub uuid::Uuid);

/// An instant column value. PostgreSQL keeps microseconds, so SQLite does too: both backends
/// hand back the same value for the same input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = sql_types::Instant)]
pub struct DbTime(pub OffsetDateTime);

/// A JSON document column value.
#[derive(Debug, Clone, PartialEq, AsExpression, FromSqlRow)]
#[diesel(sql_type = sql_types::Document)]
pub struct DbJson(pub serde_json::Value);

/// SQLite's instant format: always UTC, always six fractional digits, so that text order is
/// time order and `<=` in SQL compares instants.
const SQLITE_TIME: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

impl ToSql<sql_types::Id, Pg> for DbUuid {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        ToSql::<diesel::sql_types::Uuid, Pg>::to_sql(&self.0, out)
    }
}

impl FromSql<sql_types::Id, Pg> for DbUuid {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        FromSql::<diesel::sql_types::Uuid, Pg>::from_sql(bytes).map(Self)
    }
}

impl ToSql<sql_types::Id, Sqlite> for DbUuid {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.hyphenated().to_string());
        Ok(IsNull::No)
    }
}

impl FromSql<sql_types::Id, Sqlite> for DbUuid {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
        Ok(Self(uuid::Uuid::parse_str(&text)?))
    }
}

impl ToSql<sql_types::Instant, Pg> for DbTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        ToSql::<diesel::sql_types::Timestamptz, Pg>::to_sql(&self.0, out)
    }
}

impl FromSql<sql_types::Instant, Pg> for DbTime {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        FromSql::<diesel::sql_types::Timestamptz, Pg>::from_sql(bytes).map(Self)
    }
}

impl ToSql<sql_types::Instant, Sqlite> for DbTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.to_offset(UtcOffset::UTC).format(SQLITE_TIME)?);
        Ok(IsNull::No)
    }
}

impl FromSql<sql_types::Instant, Sqlite> for DbTime {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
        // Rows written by hand (or by an older build) may use any RFC 3339 spelling.
        let instant = PrimitiveDateTime::parse(&text, SQLITE_TIME)
            .map(PrimitiveDateTime::assume_utc)
            .or_else(|_| OffsetDateTime::parse(&text, &Rfc3339))?;
        Ok(Self(instant))
    }
}

impl ToSql<sql_types::Document, Pg> for DbJson {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        ToSql::<diesel::sql_types::Jsonb, Pg>::to_sql(&self.0, out)
    }
}

impl FromSql<sql_types::Document, Pg> for DbJson {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        FromSql::<diesel::sql_types::Jsonb, Pg>::from_sql(bytes).map(Self)
    }
}

impl ToSql<sql_types::Document, Sqlite> for DbJson {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(serde_json::to_string(&self.0)?);
        Ok(IsNull::No)
    }
}

impl FromSql<sql_types::Document, Sqlite> for DbJson {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
        Ok(Self(serde_json::from_str(&text)?))
    }
}
