use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use socialpub_domain::Platform;
use socialpub_platform_http::{kind_for_oauth_error, kind_for_status, oauth_error, platform_error};
use socialpub_ports::{PlatformError, PlatformErrorKind, VOLUME_CAP_REACHED};
use time::{Duration, OffsetDateTime};

use crate::wire::{ErrorBody, ErrorItem};

/// Classifies an X error response.
///
/// - RFC 6749 bodies from `/2/oauth2/token` and `/2/oauth2/revoke`: `invalid_grant`, and
///   `invalid_request` about the code or token ("Value passed for the token was invalid."),
///   are Auth.
/// - Problem objects by the suffix of `type` (`.../problems/usage-capped`), whatever the host
///   prefix (`api.twitter.com` or `api.x.com`).
/// - Legacy `{"errors": [{"code": 88, ...}]}` by code.
/// - Otherwise by status (401 Auth, 402 Quota, 403 Permission, 429 Quota, 503 PlatformDown,
///   5xx Transient).
///
/// Quota errors carry `retry_after` from the exhausted window: the 24-hour user or app
/// window when one is at 0 (then the code is [`VOLUME_CAP_REACHED`], X's own code going into
/// the message), else `x-rate-limit-reset` or `Retry-After`.
pub fn classify(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    classify_at(platform, status, headers, body, OffsetDateTime::now_utc())
}

pub(crate) fn classify_at(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    now: OffsetDateTime,
) -> PlatformError {
    let (kind, code, message) = if let Some((code, description)) = oauth_error(body) {
        let kind = oauth_kind(&code, description.as_deref());
        let message = description.unwrap_or_else(|| code.clone());
        (kind, Some(code), message)
    } else if let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) {
        api_error(status, &parsed)
    } else {
        (kind_for_status(status), None, status_message(status))
    };
    let retry_after = kind
        .is_retryable()
        .then(|| wait(status, headers, now))
        .flatten();
    // A 24-hour window at zero is a volume cap: nothing failed, the job waits for the reset.
    if kind == PlatformErrorKind::Quota
        && let Some(window) = daily_window_exhausted(headers)
    {
        let message = match &code {
            Some(code) => format!("{message} ({window} at 0; X code {code})"),
            None => format!("{message} ({window} at 0)"),
        };
        return platform_error(
            platform,
            kind,
            Some(VOLUME_CAP_REACHED.to_owned()),
            message,
            Some(status),
            retry_after,
        );
    }
    platform_error(platform, kind, code, message, Some(status), retry_after)
}

/// The 24-hour window (user or app) whose remaining count is 0, if any.
fn daily_window_exhausted(headers: &HeaderMap) -> Option<&'static str> {
    ["x-user-limit-24hour", "x-app-limit-24hour"]
        .into_iter()
        .find(|window| header_i64(headers, &format!("{window}-remaining")) == Some(0))
}

/// An error from a parsed body (partial errors inside a 200).
pub(crate) fn from_body(status: StatusCode, body: &ErrorBody) -> PlatformError {
    let (kind, code, message) = api_error(status, body);
    platform_error(Platform::X, kind, code, message, Some(status), None)
}

fn oauth_kind(code: &str, description: Option<&str>) -> PlatformErrorKind {
    let description = description.unwrap_or("").to_ascii_lowercase();
    match code {
        // X answers a bad, expired or reused code or refresh token with invalid_request.
        "invalid_request"
            if description.contains("authorization code") || description.contains("token") =>
        {
            PlatformErrorKind::Auth
        }
        _ => kind_for_oauth_error(code),
    }
}

fn api_error(status: StatusCode, body: &ErrorBody) -> (PlatformErrorKind, Option<String>, String) {
    let first = body.errors.first();
    let problem_type = body
        .problem_type
        .as_deref()
        .or_else(|| first.and_then(|e| e.problem_type.as_deref()));
    let legacy_code = first.and_then(|e| e.code);
    let message = body
        .detail
        .clone()
        .or_else(|| first.and_then(item_message))
        .or_else(|| body.title.clone())
        .or_else(|| body.message.clone())
        .unwrap_or_else(|| status_message(status));

    let suffix = problem_type
        .map(problem_suffix)
        .filter(|s| *s != "about:blank");
    let kind = suffix
        .and_then(kind_for_problem)
        .or_else(|| legacy_code.and_then(kind_for_legacy_code))
        .or_else(|| body.reason.as_deref().and_then(kind_for_reason))
        .unwrap_or_else(|| kind_for_x_status(status, &message));
    let code = suffix
        .map(str::to_owned)
        .or_else(|| legacy_code.map(|c| c.to_string()))
        .or_else(|| body.reason.clone());
    (kind, code, message)
}

fn item_message(item: &ErrorItem) -> Option<String> {
    item.detail
        .clone()
        .or_else(|| item.message.clone())
        .or_else(|| item.title.clone())
}

/// `https://api.x.com/2/problems/usage-capped` -> `usage-capped`.
fn problem_suffix(problem_type: &str) -> &str {
    if problem_type == "about:blank" {
        return problem_type;
    }
    problem_type.rsplit('/').next().unwrap_or(problem_type)
}

fn kind_for_problem(suffix: &str) -> Option<PlatformErrorKind> {
    Some(match suffix {
        "unsupported-authentication" => PlatformErrorKind::Auth,
        "not-authorized-for-resource"
        | "not-authorized-for-field"
        | "field-unauthorized"
        | "client-forbidden"
        | "disallowed-resource" => PlatformErrorKind::Permission,
        "usage-capped" | "rate-limit-exceeded" | "rule-cap" => PlatformErrorKind::Quota,
        "internal-error" | "operational-disconnect" | "client-disconnected" => {
            PlatformErrorKind::Transient
        }
        "invalid-request"
        | "resource-not-found"
        | "resource-unavailable"
        | "conflict"
        | "field-hydration-failure"
        | "invalid-rules"
        | "duplicate-rules"
        | "streaming-connection" => PlatformErrorKind::InvalidRequest,
        _ => return None,
    })
}

/// Codes of the v1.1-style `{"errors": [{"code": .., "message": ..}]}` body.
fn kind_for_legacy_code(code: i64) -> Option<PlatformErrorKind> {
    Some(match code {
        32 | 89 | 215 => PlatformErrorKind::Auth,
        64 | 87 | 220 | 261 | 326 => PlatformErrorKind::Permission,
        88 | 185 => PlatformErrorKind::Quota,
        186 | 187 => PlatformErrorKind::Content,
        130 => PlatformErrorKind::PlatformDown,
        131 => PlatformErrorKind::Transient,
        _ => return None,
    })
}

/// `reason` of client-forbidden problems and similar.
fn kind_for_reason(reason: &str) -> Option<PlatformErrorKind> {
    match reason {
        "client-not-enrolled" | "official-client-forbidden" => Some(PlatformErrorKind::Permission),
        _ => None,
    }
}

fn kind_for_x_status(status: StatusCode, message: &str) -> PlatformErrorKind {
    let lower = message.to_ascii_lowercase();
    match status.as_u16() {
        403 if lower.contains("duplicate content") => PlatformErrorKind::Content,
        403 if lower.contains("usage-capped") || lower.contains("usage cap") => {
            PlatformErrorKind::Quota
        }
        _ => kind_for_status(status),
    }
}

/// The wait before a retry: the 24-hour windows first when exhausted, then `Retry-After`,
/// then the 15-minute window's reset, but only on a 429 or when that window is at 0. X
/// sends `x-rate-limit-reset` on every answer, so taking it after a 503 would wait out the
/// whole window instead of the engine's short backoff.
fn wait(status: StatusCode, headers: &HeaderMap, now: OffsetDateTime) -> Option<Duration> {
    for window in ["x-user-limit-24hour", "x-app-limit-24hour"] {
        if header_i64(headers, &format!("{window}-remaining")) == Some(0)
            && let Some(reset) = header_i64(headers, &format!("{window}-reset"))
            && let Ok(at) = OffsetDateTime::from_unix_timestamp(reset)
        {
            return Some((at - now).max(Duration::ZERO));
        }
    }
    let window_used_up = status == StatusCode::TOO_MANY_REQUESTS
        || header_i64(headers, "x-rate-limit-remaining") == Some(0);
    if window_used_up {
        socialpub_platform_http::retry_after(headers, now)
    } else {
        socialpub_platform_http::retry_after_header(headers, now)
    }
}

fn header_i64(headers: &HeaderMap, name: &str) -> Option<i64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn status_message(status: StatusCode) -> String {
    format!(
        "HTTP {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("error")
    )
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-03-01 12:00:00 UTC);

    fn classify_now(status: u16, headers: &HeaderMap, body: &str) -> PlatformError {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT);
        classify_at(Platform::X, status, headers, body.as_bytes(), NOW)
    }

    #[test]
    fn problem_type_suffixes_on_both_hosts() {
        for host in ["https://api.twitter.com", "https://api.x.com"] {
            let body = format!(
                r#"{{"type":"{host}/2/problems/usage-capped","title":"Usage cap exceeded","detail":"Usage cap exceeded: Monthly product cap","status":429}}"#
            );
            let error = classify_now(429, &HeaderMap::new(), &body);
            assert_eq!(error.kind, PlatformErrorKind::Quota);
            assert_eq!(error.code.as_deref(), Some("usage-capped"));
        }
    }

    #[test]
    fn daily_window_reset_wins_when_exhausted() {
        let mut headers = HeaderMap::new();
        let reset = (NOW + Duration::hours(3)).unix_timestamp().to_string();
        let short = (NOW + Duration::minutes(15)).unix_timestamp().to_string();
        headers.insert(
            "x-user-limit-24hour-remaining",
            HeaderValue::from_static("0"),
        );
        if let (Ok(reset), Ok(short)) =
            (HeaderValue::from_str(&reset), HeaderValue::from_str(&short))
        {
            headers.insert("x-user-limit-24hour-reset", reset);
            headers.insert("x-rate-limit-reset", short);
        }
        let error = classify_now(
            429,
            &headers,
            r#"{"title":"Too Many Requests","type":"about:blank","status":429,"detail":"Too Many Requests"}"#,
        );
        assert_eq!(error.retry_after, Some(Duration::hours(3)));
        assert_eq!(error.code.as_deref(), Some(VOLUME_CAP_REACHED));
        assert!(
            error.message.contains("x-user-limit-24hour"),
            "{}",
            error.message
        );
    }

    fn window(remaining: &str, reset_in: Duration) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-rate-limit-limit", HeaderValue::from_static("900"));
        if let Ok(remaining) = HeaderValue::from_str(remaining) {
            headers.insert("x-rate-limit-remaining", remaining);
        }
        if let Ok(reset) = HeaderValue::from_str(&(NOW + reset_in).unix_timestamp().to_string()) {
            headers.insert("x-rate-limit-reset", reset);
        }
        headers
    }

    #[test]
    fn a_server_error_ignores_the_reset_of_a_window_with_calls_left() {
        let error = classify_now(503, &window("899", Duration::minutes(15)), "");
        assert_eq!(error.kind, PlatformErrorKind::PlatformDown);
        assert_eq!(error.retry_after, None);

        let mut headers = window("899", Duration::minutes(15));
        headers.insert("retry-after", HeaderValue::from_static("3"));
        let error = classify_now(503, &headers, "");
        assert_eq!(error.retry_after, Some(Duration::seconds(3)));
    }

    #[test]
    fn the_reset_applies_on_a_429_or_a_window_at_zero() {
        let error = classify_now(429, &window("12", Duration::minutes(15)), "");
        assert_eq!(error.kind, PlatformErrorKind::Quota);
        assert_eq!(error.retry_after, Some(Duration::minutes(15)));

        let error = classify_now(503, &window("0", Duration::minutes(4)), "");
        assert_eq!(error.retry_after, Some(Duration::minutes(4)));
    }

    #[test]
    fn a_short_window_is_no_volume_cap() {
        let error = classify_now(
            429,
            &HeaderMap::new(),
            r#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#,
        );
        assert_eq!(error.kind, PlatformErrorKind::Quota);
        assert_eq!(error.code.as_deref(), Some("88"));
    }

    #[test]
    fn legacy_codes() {
        let error = classify_now(
            401,
            &HeaderMap::new(),
            r#"{"errors":[{"code":89,"message":"Invalid or expired token."}]}"#,
        );
        assert_eq!(error.kind, PlatformErrorKind::Auth);
        assert_eq!(error.code.as_deref(), Some("89"));
        let error = classify_now(
            403,
            &HeaderMap::new(),
            r#"{"title":"Forbidden","detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","status":403}"#,
        );
        assert_eq!(error.kind, PlatformErrorKind::Content);
    }
}
