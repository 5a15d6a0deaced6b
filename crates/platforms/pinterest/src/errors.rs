use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use socialpub_domain::Platform;
use socialpub_platform_http::{
    kind_for_oauth_error, kind_for_status, oauth_error, platform_error, retry_after,
    retry_after_header,
};
use socialpub_ports::{PlatformError, PlatformErrorKind};
use time::OffsetDateTime;

use crate::wire::ErrorBody;

/// Classifies a Pinterest API error: `{"code": .., "message": ..}` for every 4xx/5xx.
///
/// Codes: 2 (authentication failed) Auth, 7 and 29 (not permitted) Permission, 8 (rate
/// limit) Quota, 1 (invalid parameters) and 50 (not found) InvalidRequest; codes equal to
/// an HTTP status (`{"code": 404, ...}`) and unknown codes fall back to the status.
///
/// A rate-limit answer (429, or code 8) carries `retry_after` from `Retry-After`, else from
/// `x-ratelimit-reset`. A 5xx or other retryable failure takes `Retry-After` only: the
/// window's reset says when a used-up quota frees, not when a server error is over, and
/// waiting for it would stall a job for nothing.
pub fn classify(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    let (kind, code, message) = if let Some((code, description)) = oauth_error(body) {
        let kind = token_kind(&code, description.as_deref());
        (kind, Some(code.clone()), description.unwrap_or(code))
    } else {
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(parsed) => {
                let message = parsed
                    .message
                    .clone()
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| status_message(status));
                let kind = parsed
                    .code
                    .and_then(|code| kind_for_code(code, &message))
                    .unwrap_or_else(|| kind_for_status(status));
                (kind, parsed.code.map(|c| c.to_string()), message)
            }
            Err(_) => (kind_for_status(status), None, status_message(status)),
        }
    };
    let now = OffsetDateTime::now_utc();
    let retry = if kind == PlatformErrorKind::Quota || status == StatusCode::TOO_MANY_REQUESTS {
        retry_after(headers, now)
    } else if kind.is_retryable() {
        retry_after_header(headers, now)
    } else {
        None
    };
    platform_error(platform, kind, code, message, Some(status), retry)
}

/// [`classify`] for `POST /v5/oauth/token`: a 400 about the code or refresh token
/// (invalid, expired, revoked) is Auth, since the user must connect again.
pub fn classify_token(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    let mut error = classify(platform, status, headers, body);
    if error.kind == PlatformErrorKind::InvalidRequest && mentions_grant(&error.message) {
        error.kind = PlatformErrorKind::Auth;
    }
    error
}

fn token_kind(code: &str, description: Option<&str>) -> PlatformErrorKind {
    match code {
        "invalid_request" if description.is_some_and(mentions_grant) => PlatformErrorKind::Auth,
        _ => kind_for_oauth_error(code),
    }
}

fn mentions_grant(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    [
        "authorization code",
        "refresh token",
        "refresh_token",
        "grant",
        "expired",
        "revoked",
        "token is invalid",
        "invalid token",
        "invalid code",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

fn kind_for_code(code: i64, message: &str) -> Option<PlatformErrorKind> {
    Some(match code {
        2 => PlatformErrorKind::Auth,
        7 | 29 => PlatformErrorKind::Permission,
        8 => PlatformErrorKind::Quota,
        1 if message.contains("Unable to reach the URL") => PlatformErrorKind::Media,
        1 | 50 => PlatformErrorKind::InvalidRequest,
        _ => return None,
    })
}

fn status_message(status: StatusCode) -> String {
    format!(
        "HTTP {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("error")
    )
}
