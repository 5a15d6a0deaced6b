//! What Instagram Login says differently from Facebook's Graph API: the older flat error of
//! `api.instagram.com`, its wording for a revoked token, and a refresh refused because the
//! token is too young. Kept apart so the Facebook classification stays exactly Meta's table.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use socialpub_domain::Platform;
use socialpub_ports::{PlatformError, PlatformErrorKind, REFRESH_TOO_EARLY};

use super::classify::{GraphEndpoint, wait};
use super::usage::GraphUsage;
use super::wire::{FlatGraphError, GraphError};
use crate::classify::{kind_for_status, platform_error};

/// A long-lived token refreshed within 24 hours of its issue: the token is fine, it is only
/// too young to refresh (`code` 100, "... must be at least 24 hours old").
pub(super) fn is_refresh_too_early(error: &GraphError) -> bool {
    error.message.to_ascii_lowercase().contains("24 hours old")
}

/// The error code that tells the caller to try the refresh again later.
pub(super) fn refresh_too_early_code() -> String {
    REFRESH_TOO_EARLY.to_owned()
}

/// Instagram's wording for a token revoked by the user or a password change.
pub(super) fn is_revoked(error: &GraphError) -> bool {
    error
        .kind
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("REVOKED_ACCESS_TOKEN"))
        || error
            .message
            .to_ascii_lowercase()
            .contains("session has been invalidated")
}

/// `body` as the flat error of `api.instagram.com`, when it is one with a message.
pub(super) fn flat_error(body: &[u8]) -> Option<FlatGraphError> {
    serde_json::from_slice::<FlatGraphError>(body)
        .ok()
        .filter(|flat| flat.error_message.as_deref().is_some_and(|m| !m.is_empty()))
}

/// The flat error of `api.instagram.com`. On the code exchange an `OAuthException` means the
/// code is invalid, expired or already used.
pub(super) fn classify_flat(
    platform: Platform,
    endpoint: GraphEndpoint,
    status: StatusCode,
    headers: &HeaderMap,
    flat: FlatGraphError,
) -> PlatformError {
    let oauth = flat
        .error_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("OAuthException"));
    let kind = if endpoint == GraphEndpoint::Token && oauth && status.is_client_error() {
        PlatformErrorKind::Auth
    } else {
        kind_for_status(status)
    };
    platform_error(
        platform,
        kind,
        flat.error_type.or_else(|| flat.code.map(|c| c.to_string())),
        flat.error_message.unwrap_or_default(),
        Some(status),
        wait(kind, headers, &GraphUsage::default()),
    )
}
