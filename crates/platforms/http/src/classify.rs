use std::error::Error as _;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use socialpub_domain::Platform;
use socialpub_ports::{AssetFetchError, PlatformError, PlatformErrorKind};
use time::{Duration, OffsetDateTime};

use crate::rate_limit::retry_after;

/// A platform's error classifier: status, headers and raw body of a failed response to a
/// [`PlatformError`]. Must not copy tokens from the body into the error.
pub type Classify = fn(Platform, StatusCode, &HeaderMap, &[u8]) -> PlatformError;

/// Longest platform message kept in an error.
const MAX_MESSAGE_CHARS: usize = 300;

/// Builds a [`PlatformError`].
/// A post looked for after an unanswered commit and not found may simply not be listed yet:
/// until `settled_at` (the commit call plus the platform's listing delay), an error that looks
/// again then, rather than an "absent" that would send the post a second time.
pub fn not_yet_settled(
    platform: Platform,
    settled_at: OffsetDateTime,
    now: OffsetDateTime,
    why: &str,
) -> Option<PlatformError> {
    (now < settled_at).then(|| {
        platform_error(
            platform,
            PlatformErrorKind::Transient,
            Some("not_settled".to_owned()),
            why,
            None,
            Some(settled_at - now),
        )
    })
}

pub fn platform_error(
    platform: Platform,
    kind: PlatformErrorKind,
    code: Option<String>,
    message: impl Into<String>,
    http_status: Option<StatusCode>,
    retry_after: Option<Duration>,
) -> PlatformError {
    PlatformError {
        platform,
        kind,
        code,
        message: truncate(message.into()),
        http_status: http_status.map(|s| s.as_u16()),
        retry_after,
    }
}

/// The default kind for an HTTP error status.
///
/// 401 Auth, 403 Permission, 402 and 429 Quota, 408 Transient, 413 and 415 Media,
/// 503 PlatformDown, other 5xx Transient, other statuses InvalidRequest.
pub fn kind_for_status(status: StatusCode) -> PlatformErrorKind {
    match status.as_u16() {
        401 => PlatformErrorKind::Auth,
        403 => PlatformErrorKind::Permission,
        // 402: X answers it when the pay-per-use credits run out.
        402 | 429 => PlatformErrorKind::Quota,
        408 => PlatformErrorKind::Transient,
        413 | 415 => PlatformErrorKind::Media,
        503 => PlatformErrorKind::PlatformDown,
        500..=599 => PlatformErrorKind::Transient,
        _ => PlatformErrorKind::InvalidRequest,
    }
}

/// The kind for an RFC 6749 section 5.2 error code (or RFC 6749 section 4.1.2.1 on the
/// redirect).
///
/// `invalid_grant` (expired, revoked or reused code or refresh token) is Auth: reconnect.
/// `invalid_client` / `unauthorized_client` are our own credentials being wrong, which no
/// reconnect fixes: InvalidRequest.
pub fn kind_for_oauth_error(code: &str) -> PlatformErrorKind {
    match code {
        "invalid_grant" | "invalid_token" | "expired_token" | "login_required" => {
            PlatformErrorKind::Auth
        }
        "access_denied" | "invalid_scope" | "insufficient_scope" => PlatformErrorKind::Permission,
        "temporarily_unavailable" => PlatformErrorKind::PlatformDown,
        "server_error" => PlatformErrorKind::Transient,
        "slow_down" | "rate_limit_exceeded" => PlatformErrorKind::Quota,
        _ => PlatformErrorKind::InvalidRequest,
    }
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// An RFC 6749 error body `{"error": "...", "error_description": "..."}`: the code and the
/// description. `None` for other bodies (including `{"error": {...}}` objects).
pub fn oauth_error(body: &[u8]) -> Option<(String, Option<String>)> {
    let parsed: OAuthErrorBody = serde_json::from_slice(body).ok()?;
    if parsed.error.is_empty() {
        return None;
    }
    Some((
        parsed.error,
        parsed.error_description.filter(|d| !d.is_empty()),
    ))
}

/// The human message of a JSON error body, from the fields platforms commonly use
/// (`error_description`, `message`, `detail`, `title`, `error.message`, `errors[0]...`).
/// Never the raw body.
pub fn message_from_body(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    message_from_value(&value)
}

fn message_from_value(value: &serde_json::Value) -> Option<String> {
    let object = value.as_object()?;
    for key in [
        "error_description",
        "message",
        "detail",
        "title",
        "error_message",
    ] {
        if let Some(text) = object
            .get(key)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
        {
            return Some(text.to_owned());
        }
    }
    if let Some(error) = object.get("error") {
        if let Some(text) = message_from_value(error) {
            return Some(text);
        }
        if let Some(text) = error.as_str() {
            return Some(text.to_owned());
        }
    }
    object
        .get("errors")
        .and_then(|e| e.as_array())
        .and_then(|errors| errors.first())
        .and_then(message_from_value)
}

/// The fallback classifier: RFC 6749 error bodies by their code, anything else by status,
/// with the body's message when it has one and `retry_after` for retryable failures.
pub fn generic_classify(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    let (kind, code) = match oauth_error(body) {
        Some((code, _)) => (kind_for_oauth_error(&code), Some(code)),
        None => (kind_for_status(status), None),
    };
    let message = message_from_body(body).unwrap_or_else(|| status_message(status));
    let retry = kind
        .is_retryable()
        .then(|| retry_after(headers, OffsetDateTime::now_utc()))
        .flatten();
    platform_error(platform, kind, code, message, Some(status), retry)
}

/// A successful response whose body we could not read. The serde error's position is kept,
/// never its text (which can quote values from the body).
pub fn malformed_body(
    platform: Platform,
    status: StatusCode,
    error: &serde_json::Error,
) -> PlatformError {
    let category = match error.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "malformed JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    platform_error(
        platform,
        PlatformErrorKind::InvalidRequest,
        Some("malformed_response".to_owned()),
        format!(
            "unexpected response body ({category} at line {} column {})",
            error.line(),
            error.column()
        ),
        Some(status),
        None,
    )
}

/// A request that got no HTTP response: timeouts and connection failures are Transient.
/// The message never includes the URL (whose query could hold a token).
pub fn transport_error(platform: Platform, error: &reqwest::Error) -> PlatformError {
    let (kind, what) = if error.is_timeout() {
        (PlatformErrorKind::Transient, "request timed out")
    } else if error.is_connect() {
        (PlatformErrorKind::Transient, "could not connect")
    } else if error.is_builder() {
        (
            PlatformErrorKind::InvalidRequest,
            "could not build the request",
        )
    } else if error.is_redirect() {
        (PlatformErrorKind::InvalidRequest, "unexpected redirect")
    } else if error.is_body() || error.is_decode() {
        (PlatformErrorKind::Transient, "could not read the response")
    } else {
        (PlatformErrorKind::Transient, "request failed")
    };
    // The source chain (hyper, rustls, io) describes the failure without the URL.
    let mut message = what.to_owned();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    platform_error(
        platform,
        kind,
        Some("transport".to_owned()),
        message,
        error.status(),
        None,
    )
}

fn status_message(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("HTTP {} {reason}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    }
}

fn truncate(mut message: String) -> String {
    if let Some((index, _)) = message.char_indices().nth(MAX_MESSAGE_CHARS) {
        message.truncate(index);
        message.push('…');
    }
    message
}

/// An asset that could not be read for an upload: worth another try when the asset's server
/// was unreachable, slow or busy; otherwise the user must change the media.
pub fn unreadable_asset(platform: Platform, error: &AssetFetchError) -> PlatformError {
    let kind = match error {
        AssetFetchError::Timeout | AssetFetchError::Network(_) => PlatformErrorKind::Transient,
        AssetFetchError::Status(status) if *status >= 500 || *status == 429 => {
            PlatformErrorKind::Transient
        }
        _ => PlatformErrorKind::Media,
    };
    platform_error(
        platform,
        kind,
        Some("asset_unreadable".to_owned()),
        error.to_string(),
        None,
        None,
    )
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn status_kinds() {
        let cases = [
            (400, PlatformErrorKind::InvalidRequest),
            (401, PlatformErrorKind::Auth),
            (402, PlatformErrorKind::Quota),
            (403, PlatformErrorKind::Permission),
            (404, PlatformErrorKind::InvalidRequest),
            (413, PlatformErrorKind::Media),
            (415, PlatformErrorKind::Media),
            (422, PlatformErrorKind::InvalidRequest),
            (429, PlatformErrorKind::Quota),
            (500, PlatformErrorKind::Transient),
            (502, PlatformErrorKind::Transient),
            (503, PlatformErrorKind::PlatformDown),
            (504, PlatformErrorKind::Transient),
        ];
        for (status, kind) in cases {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT);
            assert_eq!(kind_for_status(status), kind, "{status}");
        }
    }

    #[test]
    fn oauth_error_bodies() {
        let body = br#"{"error":"invalid_grant","error_description":"Refresh token revoked"}"#;
        assert_eq!(
            oauth_error(body),
            Some((
                "invalid_grant".to_owned(),
                Some("Refresh token revoked".to_owned())
            ))
        );
        assert_eq!(oauth_error(br#"{"error":{"code":"x"}}"#), None);
        assert_eq!(oauth_error(b"not json"), None);

        let error = generic_classify(
            Platform::X,
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            body,
        );
        assert_eq!(error.kind, PlatformErrorKind::Auth);
        assert_eq!(error.code.as_deref(), Some("invalid_grant"));
        assert_eq!(error.message, "Refresh token revoked");
        assert_eq!(error.http_status, Some(400));
    }

    #[test]
    fn generic_classify_uses_status_and_retry_after() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("30"));
        let error = generic_classify(
            Platform::Pinterest,
            StatusCode::TOO_MANY_REQUESTS,
            &headers,
            br#"{"code":8,"message":"This request exceeded a rate limit."}"#,
        );
        assert_eq!(error.kind, PlatformErrorKind::Quota);
        assert!(error.retryable());
        assert_eq!(error.retry_after, Some(Duration::seconds(30)));
        assert_eq!(error.message, "This request exceeded a rate limit.");

        let error = generic_classify(
            Platform::Pinterest,
            StatusCode::UNAUTHORIZED,
            &headers,
            b"<html>nope</html>",
        );
        assert_eq!(error.kind, PlatformErrorKind::Auth);
        assert_eq!(error.retry_after, None);
        assert_eq!(error.message, "HTTP 401 Unauthorized");
    }

    #[test]
    fn nested_messages() {
        assert_eq!(
            message_from_body(br#"{"error":{"code":"access_token_invalid","message":"The access token is invalid"}}"#),
            Some("The access token is invalid".to_owned())
        );
        assert_eq!(
            message_from_body(br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#),
            Some("Rate limit exceeded".to_owned())
        );
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "a".repeat(1000);
        let error = platform_error(
            Platform::X,
            PlatformErrorKind::Content,
            None,
            long,
            None,
            None,
        );
        assert_eq!(error.message.chars().count(), MAX_MESSAGE_CHARS + 1);
    }
}
