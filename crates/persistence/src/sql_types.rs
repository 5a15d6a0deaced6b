//! SQL types that mean the same on both backends but are spelled differently: PostgreSQL has
//! native `uuid`, `timestamptz` and `jsonb`; SQLite stores all three as text. The schema names
//! these types once, so every query is written once and compiles for both backends. (They are
//! not called `Uuid`/`Timestamptz`/`Jsonb` because `diesel::table!` treats columns of types
//! with those names specially, e.g. gives `Timestamptz` columns interval arithmetic.)
//!
//! The types are `pub` only because `diesel::table!` exposes column types; the module is
//! private, so nothing outside the crate can name them.

use diesel::pg::{Pg, PgTypeMetadata};
use diesel::query_builder::QueryId;
use diesel::sql_types::{HasSqlType, SqlType};
use diesel::sqlite::{Sqlite, SqliteType};

/// A UUID: `uuid` on PostgreSQL, hyphenated lowercase `TEXT` on SQLite.
#[derive(Debug, Clone, Copy, Default, SqlType, QueryId)]
pub struct Id;

/// An instant: `timestamptz` on PostgreSQL, fixed-width UTC `TEXT` on SQLite (see
/// [`crate::values::DbTime`]), so that ordering and comparisons work the same.
#[derive(Debug, Clone, Copy, Default, SqlType, QueryId)]
pub struct Instant;

/// A JSON document: `jsonb` on PostgreSQL, JSON `TEXT` on SQLite.
#[derive(Debug, Clone, Copy, Default, SqlType, QueryId)]
pub struct Document;

/// Declares how each backend names one of our portable types, by delegating PostgreSQL to
/// diesel's own type (same OIDs) and mapping SQLite to its storage class.
macro_rules! portable_sql_type {
    ($ours:ty, pg: $pg:ty, sqlite: $sqlite:ident) => {
        impl HasSqlType<$ours> for Pg {
            fn metadata(lookup: &mut Self::MetadataLookup) -> PgTypeMetadata {
                <Pg as HasSqlType<$pg>>::metadata(lookup)
            }
        }

        impl HasSqlType<$ours> for Sqlite {
            fn metadata(_: &mut ()) -> SqliteType {
                SqliteType::$sqlite
            }
        }
    };
}

portable_sql_type!(Id, pg: diesel::sql_types::Uuid, sqlite: Text);
portable_sql_type!(Instant, pg: diesel::sql_types::Timestamptz, sqlite: Text);
portable_sql_type!(Document, pg: diesel::sql_types::Jsonb, sqlite: Text);
