//! Row structs (one per table) and their conversions to and from domain values. Reading a row
//! validates it: anything the domain would refuse is reported as
//! [`RepositoryError::Corrupt`], never papered over.

mod attempt;
mod connection;
mod idempotency;
mod job;
mod leased;
mod oauth_state;
mod post;
mod webhook;

pub(crate) use attempt::AttemptRow;
pub(crate) use connection::{ConnectionRow, JOINED_CONNECTION_COLUMNS, JoinedConnectionRow};
pub(crate) use idempotency::IdempotencyRow;
pub(crate) use job::JobRow;
pub(crate) use leased::LeasedJobRow;
pub(crate) use oauth_state::OAuthStateRow;
pub(crate) use post::PostRow;
pub(crate) use webhook::{DeliveryRow, EndpointRow, EventRow};

use serde::de::DeserializeOwned;
use socialpub_domain::{Platform, UserId};
use socialpub_ports::RepositoryError;

use crate::values::DbJson;

/// A stored value that the domain refuses.
fn corrupt(
    table: &str,
    key: &dyn std::fmt::Display,
    what: impl std::fmt::Display,
) -> RepositoryError {
    RepositoryError::Corrupt(format!("{table} row {key}: {what}"))
}

fn platform(
    table: &str,
    key: &dyn std::fmt::Display,
    raw: &str,
) -> Result<Platform, RepositoryError> {
    raw.parse()
        .map_err(|_| corrupt(table, key, format_args!("unknown platform `{raw}`")))
}

fn user_id(
    table: &str,
    key: &dyn std::fmt::Display,
    raw: String,
) -> Result<UserId, RepositoryError> {
    UserId::parse(raw).map_err(|error| corrupt(table, key, error))
}

fn from_json<T: DeserializeOwned>(
    table: &str,
    key: &dyn std::fmt::Display,
    column: &str,
    json: DbJson,
) -> Result<T, RepositoryError> {
    serde_json::from_value(json.0)
        .map_err(|error| corrupt(table, key, format_args!("{column}: {error}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<DbJson, RepositoryError> {
    serde_json::to_value(value)
        .map(DbJson)
        .map_err(|error| RepositoryError::Other(Box::new(error)))
}

/// A count the domain keeps as `u32`, stored in an SQL `integer`.
fn to_integer(column: &str, value: u32) -> Result<i32, RepositoryError> {
    i32::try_from(value).map_err(|_| {
        RepositoryError::Other(format!("{column} {value} does not fit the column").into())
    })
}

fn from_integer(
    table: &str,
    key: &dyn std::fmt::Display,
    column: &str,
    value: i32,
) -> Result<u32, RepositoryError> {
    u32::try_from(value).map_err(|_| corrupt(table, key, format_args!("negative {column} {value}")))
}
