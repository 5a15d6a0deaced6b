//! Query-string shapes shared by list endpoints, parsed into port types at the edge.

use serde::Deserialize;
use socialpub_ports::PageRequest;

use crate::ApiError;

/// Paging parameters. Kept as text here because serde cannot read numbers through
/// `#[serde(flatten)]` from a query string; they are parsed below with clear errors.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub limit: Option<String>,
    pub offset: Option<String>,
}

impl PageQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let bad_limit = || {
            ApiError::invalid_parameter(
                "limit",
                format!(
                    "limit must be a whole number from 1 to {}",
                    PageRequest::MAX_LIMIT
                ),
            )
        };
        let limit = match self.limit.as_deref() {
            None => PageRequest::DEFAULT_LIMIT,
            Some(raw) => raw.parse::<u32>().map_err(|_| bad_limit())?,
        };
        if limit == 0 || limit > PageRequest::MAX_LIMIT {
            return Err(bad_limit());
        }
        let offset = match self.offset.as_deref() {
            None => 0,
            // Bounded by what the databases can skip (a signed 64-bit count).
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|n| i64::try_from(*n).is_ok())
                .ok_or_else(|| {
                    ApiError::invalid_parameter(
                        "offset",
                        "offset must be a whole number from 0 to 9223372036854775807",
                    )
                })?,
        };
        Ok(PageRequest::new(limit, offset))
    }
}

/// Parses an optional enum-like query value with its own parser, naming the field on error.
pub fn parse_opt<T, E: std::fmt::Display>(
    field: &str,
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<Option<T>, ApiError> {
    raw.map(|value| parse(value).map_err(|e| ApiError::invalid_parameter(field, e.to_string())))
        .transpose()
}
