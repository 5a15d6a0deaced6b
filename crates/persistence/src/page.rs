//! Turning a [`PageRequest`] into SQL `LIMIT`/`OFFSET` values.

use socialpub_ports::PageRequest;

pub(crate) fn limit(page: PageRequest) -> i64 {
    i64::from(page.limit())
}

/// An offset past `i64::MAX` rows is past the end anyway.
pub(crate) fn offset(page: PageRequest) -> i64 {
    i64::try_from(page.offset()).unwrap_or(i64::MAX)
}
