//! LinkedIn failures to [`PlatformError`]: the API error body (`status`, `serviceErrorCode`,
//! `code`, `message`) by status and code, and RFC 6749 error bodies on the OAuth endpoints.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use socialpub_domain::Platform;
use socialpub_platform_http::{
    kind_for_oauth_error, kind_for_status, oauth_error, platform_error, retry_after,
    retry_after_header,
};
use socialpub_ports::{PlatformError, PlatformErrorKind};
use time::{Duration, OffsetDateTime, Time};

use crate::wire::ErrorBody;

/// Codes of a 400 about a media asset.
const MEDIA_CODES: &[&str] = &[
    "INVALID_IMAGE_ID",
    "MEDIA_ASSET_WAITING_UPLOAD",
    "MEDIA_ASSET_PROCESSING_FAILED",
    "EXPIRED_UPLOAD_URL",
];
/// Codes of a 400 about the post's own text.
const CONTENT_CODES: &[&str] = &["FIELD_LENGTH_TOO_LONG", "INVALID_VALUE_BLANK_FIELD"];
/// Codes of a request without an active `LinkedIn-Version`.
const VERSION_CODES: &[&str] = &["VERSION_MISSING", "NONEXISTENT_VERSION"];

/// Classifies a failed API call (`/v2/userinfo`, `/rest/*`).
pub(crate) fn classify_api(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    let parsed = serde_json::from_slice::<ErrorBody>(body).unwrap_or_default();
    let code = parsed.code.clone().filter(|c| !c.is_empty());
    let message = parsed.message.clone().filter(|m| !m.is_empty());

    let version_problem = status == StatusCode::UPGRADE_REQUIRED
        || code.as_deref().is_some_and(|c| VERSION_CODES.contains(&c));
    let kind = if version_problem {
        PlatformErrorKind::InvalidRequest
    } else {
        match status.as_u16() {
            400 => match code.as_deref() {
                Some(c) if MEDIA_CODES.contains(&c) => PlatformErrorKind::Media,
                Some(c) if CONTENT_CODES.contains(&c) => PlatformErrorKind::Content,
                _ => PlatformErrorKind::InvalidRequest,
            },
            404 => PlatformErrorKind::InvalidRequest,
            // A write conflict: worth one more try.
            409 => PlatformErrorKind::Transient,
            // "Content is a duplicate of urn:li:share:..."; publishing treats it as done.
            422 => PlatformErrorKind::Content,
            _ => kind_for_status(status),
        }
    };

    let mut text = message.unwrap_or_else(|| match status.canonical_reason() {
        Some(reason) => format!("HTTP {} {reason}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    });
    if version_problem {
        text = format!(
            "the LinkedIn-Version header is missing or no longer active; configure a current \
             YYYYMM version (LinkedIn said: {text})"
        );
    }
    if let Some(request_id) = headers
        .get("x-li-uuid")
        .or_else(|| headers.get("x-li-request-id"))
        .and_then(|v| v.to_str().ok())
    {
        text.push_str(" [x-li-uuid ");
        text.push_str(request_id);
        text.push(']');
    }

    let retry = kind
        .is_retryable()
        .then(|| wait(status, kind, headers, &text, OffsetDateTime::now_utc()))
        .flatten();
    platform_error(
        platform,
        kind,
        code.or_else(|| parsed.service_error_code.map(|c| c.to_string())),
        text,
        Some(status),
        retry,
    )
}

/// The wait before a retry. Only a throttle answer (429) waits for a rate-limit reset (a
/// reset header, or midnight UTC for a daily quota); after a 5xx only an explicit
/// `Retry-After` counts, so a server error is retried on the engine's short backoff rather
/// than at the end of a quota window that is not used up.
pub(crate) fn wait(
    status: StatusCode,
    kind: PlatformErrorKind,
    headers: &HeaderMap,
    message: &str,
    now: OffsetDateTime,
) -> Option<Duration> {
    if status == StatusCode::TOO_MANY_REQUESTS {
        retry_after(headers, now).or_else(|| daily_quota_wait(kind, message, now))
    } else {
        retry_after_header(headers, now)
    }
}

/// LinkedIn sends no `Retry-After`. A daily quota ("Resource level throttle limit ...")
/// resets at midnight UTC, so wait until then; other 429s use the caller's backoff.
fn daily_quota_wait(
    kind: PlatformErrorKind,
    message: &str,
    now: OffsetDateTime,
) -> Option<Duration> {
    if kind != PlatformErrorKind::Quota || !message.to_ascii_lowercase().contains("throttle limit")
    {
        return None;
    }
    let next_midnight = now
        .date()
        .next_day()?
        .with_time(Time::MIDNIGHT)
        .assume_utc();
    Some(next_midnight - now)
}

/// Classifies a failed call to `/oauth/v2/accessToken` or `/oauth/v2/revoke`.
///
/// LinkedIn answers a bad or expired refresh token with `invalid_request` ("The provided
/// authorization grant or refresh token is invalid, expired or revoked"), which is Auth, not
/// a malformed request.
pub(crate) fn classify_token(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    let Some((code, description)) = oauth_error(body) else {
        return classify_api(platform, status, headers, body);
    };
    let dead_grant = description.as_deref().is_some_and(|d| {
        let d = d.to_ascii_lowercase();
        d.contains("expired") || d.contains("revoked") || d.contains("authorization code")
    });
    let kind = match code.as_str() {
        "invalid_request" if dead_grant => PlatformErrorKind::Auth,
        "unauthorized_scope_error" => PlatformErrorKind::Permission,
        "user_cancelled_login" | "user_cancelled_authorize" => PlatformErrorKind::Permission,
        _ => kind_for_oauth_error(&code),
    };
    let message = description.unwrap_or_else(|| format!("OAuth error {code}"));
    let retry = kind
        .is_retryable()
        .then(|| retry_after(headers, OffsetDateTime::now_utc()))
        .flatten();
    platform_error(platform, kind, Some(code), message, Some(status), retry)
}
