//! Query-string shapes shared by list endpoints, parsed into port types at the edge.

use serde::Deserialize;
use socialpub_ports::PageRequest;

use crate::ApiError;

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

impl PageQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(PageRequest::DEFAULT_LIMIT);
        if limit == 0 || limit > PageRequest::MAX_LIMIT {
            return Err(ApiError::invalid_parameter(
                "limit",
                format!("limit must be between 1 and {}", PageRequest::MAX_LIMIT),
            ));
        }
        Ok(PageRequest::new(limit, self.offset.unwrap_or(0)))
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
