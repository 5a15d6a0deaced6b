use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::IgnoredAny;
use socialpub_domain::Platform;
use socialpub_platform_http::{
    kind_for_oauth_error, kind_for_status, platform_error, retry_after, retry_after_header,
};
use socialpub_ports::{PlatformError, PlatformErrorKind, VOLUME_CAP_REACHED};
use time::{Duration, OffsetDateTime};

use crate::wire::{ApiError, Envelope, OAuthError};

/// TikTok's rate-limit window is one minute (sliding) and it sends no reset header.
const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::minutes(1);

/// TikTok publishes none of its posting caps' windows; the pending-share limit and the daily
/// caps are counted over 24 hours, so a capped job waits that long rather than hammering.
const VOLUME_CAP_WAIT: Duration = Duration::hours(24);

/// Codes that mean a volume cap is reached: the creator's pending inbox shares (5 a day), the
/// creator's daily post cap (unpublished), the app's daily active posters. Nothing failed; the
/// job waits until the cap frees instead of being retried (TikTok penalises retried
/// `spam_risk_*` calls).
const VOLUME_CAP_CODES: &[&str] = &[
    "spam_risk_too_many_pending_share",
    "spam_risk_too_many_posts",
    "reached_active_user_cap",
];

/// Classifies a TikTok error, whatever the HTTP status (TikTok sometimes answers errors
/// with 200):
///
/// - OAuth endpoints: `{"error": "invalid_grant", "error_description": .., "log_id": ..}`
///   by RFC 6749 code (`invalid_grant` Auth, `invalid_client` InvalidRequest, ...);
/// - API: `{"error": {"code": "access_token_invalid", "message": .., "log_id": ..}}` by code
///   (see [`kind_for_code`]), unknown codes by status.
///
/// The message ends with TikTok's `log_id` (what their support asks for).
///
/// Waits: a rate limit (429 or `rate_limit_exceeded`) waits for `Retry-After` or a reset
/// header, else TikTok's one-minute window; a volume cap ([`VOLUME_CAP_CODES`]) becomes
/// [`VOLUME_CAP_REACHED`] with a 24-hour wait and TikTok's code in the message; any other
/// retryable answer (a 5xx) waits only for an explicit `Retry-After`, never for a rate-limit
/// reset that says nothing about a server error.
pub fn classify(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    let (kind, code, message, log_id) =
        if let Ok(oauth) = serde_json::from_slice::<OAuthError>(body) {
            let message = oauth
                .error_description
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| oauth.error.clone());
            (
                kind_for_oauth_error(&oauth.error),
                Some(oauth.error),
                message,
                oauth.log_id,
            )
        } else if let Some(error) = serde_json::from_slice::<Envelope<IgnoredAny>>(body)
            .ok()
            .and_then(|e| e.error)
            .filter(|e| !e.is_ok())
        {
            let ApiError {
                code,
                message,
                log_id,
            } = error;
            let kind = kind_for_code(&code).unwrap_or_else(|| fallback_kind(status));
            let message = if message.is_empty() {
                status_message(status)
            } else {
                message
            };
            (kind, Some(code), message, log_id)
        } else {
            (fallback_kind(status), None, status_message(status), None)
        };
    let message = match log_id.filter(|l| !l.is_empty()) {
        Some(log_id) => format!("{message} (log_id {log_id})"),
        None => message,
    };
    let now = OffsetDateTime::now_utc();
    if let Some(tiktok_code) = code.as_deref().filter(|c| VOLUME_CAP_CODES.contains(c)) {
        let message = format!("{message} (TikTok code {tiktok_code})");
        return platform_error(
            platform,
            PlatformErrorKind::Quota,
            Some(VOLUME_CAP_REACHED.to_owned()),
            message,
            Some(status),
            Some(VOLUME_CAP_WAIT),
        );
    }
    let rate_limited =
        status == StatusCode::TOO_MANY_REQUESTS || code.as_deref() == Some("rate_limit_exceeded");
    let retry = if !kind.is_retryable() {
        None
    } else if rate_limited {
        retry_after(headers, now).or(Some(DEFAULT_RATE_LIMIT_WAIT))
    } else {
        retry_after_header(headers, now)
    };
    platform_error(platform, kind, code, message, Some(status), retry)
}

/// A 200 carrying an error is still an error; its status says nothing.
fn fallback_kind(status: StatusCode) -> PlatformErrorKind {
    if status.is_success() {
        PlatformErrorKind::InvalidRequest
    } else {
        kind_for_status(status)
    }
}

/// TikTok's v2 error codes (error guide, Content Posting API docs).
pub(crate) fn kind_for_code(code: &str) -> Option<PlatformErrorKind> {
    Some(match code {
        "access_token_invalid"
        | "access_token_expired"
        | "refresh_token_invalid"
        | "refresh_token_expired" => PlatformErrorKind::Auth,
        "scope_not_authorized"
        | "scope_permission_missed"
        | "unaudited_client_can_only_post_to_private_accounts"
        | "url_ownership_unverified"
        | "spam_risk_user_banned_from_posting"
        | "user_has_no_permission" => PlatformErrorKind::Permission,
        "rate_limit_exceeded"
        | "spam_risk_too_many_posts"
        | "spam_risk_too_many_pending_share"
        | "reached_active_user_cap" => PlatformErrorKind::Quota,
        "spam_risk_text" | "spam_risk" => PlatformErrorKind::Content,
        "invalid_file_upload"
        | "file_format_check_failed"
        | "duration_check_failed"
        | "frame_rate_check_failed"
        | "picture_size_check_failed"
        | "video_pull_failed"
        | "photo_pull_failed"
        | "picture_pull_failed" => PlatformErrorKind::Media,
        "internal_error" | "internal" => PlatformErrorKind::Transient,
        "invalid_params" | "invalid_param" | "privacy_level_option_mismatch" => {
            PlatformErrorKind::InvalidRequest
        }
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
