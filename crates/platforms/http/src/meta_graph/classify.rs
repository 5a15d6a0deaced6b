//! Graph failures to [`PlatformError`]: branch on the envelope's `code`/`error_subcode`
//! (Meta's own advice), fall back on the HTTP status only when there is no envelope.
//!
//! Facebook and Instagram share all of it; what differs is which endpoint answered (a token
//! call refusing a code means the grant is dead) and, for [`Platform::Instagram`] only, the
//! Instagram Login wording (see the `instagram` module next to this one).

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use socialpub_domain::Platform;
use socialpub_ports::{PlatformError, PlatformErrorKind};
use time::{Duration, OffsetDateTime};

use super::codes::kind_for_graph_code;
use super::instagram;
use super::usage::GraphUsage;
use super::wire::{GraphError, GraphErrorEnvelope};
use crate::classify::{kind_for_oauth_error, kind_for_status, oauth_error, platform_error};
use crate::rate_limit::retry_after;

/// Which kind of Graph endpoint answered: a failed token call means the code or token is dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphEndpoint {
    /// A token endpoint: `/oauth/access_token` (code exchange, `fb_exchange_token`), Instagram
    /// Login's `api.instagram.com/oauth/access_token`, `/access_token`, `/refresh_access_token`.
    Token,
    /// Any other Graph call.
    Graph,
}

/// Classifies a failed Graph call (or a 200 whose body is an error envelope). A
/// [`Classify`](crate::Classify).
pub fn classify_graph(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    classify_graph_error(platform, GraphEndpoint::Graph, status, headers, body)
}

/// Classifies a failed token call (code exchange, long-lived exchange, refresh). A
/// [`Classify`](crate::Classify).
pub fn classify_token(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    classify_graph_error(platform, GraphEndpoint::Token, status, headers, body)
}

/// Classifies a failed call to `endpoint` of a Graph host. The Instagram Login rules (flat
/// errors, revocation wording, refresh too early) apply only when `platform` is
/// [`Platform::Instagram`]: Facebook's Graph API is not known to send them.
pub fn classify_graph_error(
    platform: Platform,
    endpoint: GraphEndpoint,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    let usage = GraphUsage::from_headers(headers);
    let envelope = serde_json::from_slice::<GraphErrorEnvelope>(body)
        .ok()
        .and_then(|envelope| envelope.error);
    match envelope {
        Some(error) => classify_envelope(platform, endpoint, status, headers, &error, &usage),
        None => classify_without_envelope(platform, endpoint, status, headers, body, &usage),
    }
}

fn classify_envelope(
    platform: Platform,
    endpoint: GraphEndpoint,
    status: StatusCode,
    headers: &HeaderMap,
    error: &GraphError,
    usage: &GraphUsage,
) -> PlatformError {
    let instagram = platform == Platform::Instagram;
    let code = error.code.unwrap_or_default();
    let mut kind = kind_for_graph_code(code, error.error_subcode)
        .or_else(|| (error.is_transient == Some(true)).then_some(PlatformErrorKind::Transient))
        .unwrap_or_else(|| kind_for_status(status));
    let too_early = instagram && instagram::is_refresh_too_early(error);
    // A token endpoint refusing the code (100: used, expired or for another redirect URI)
    // means the grant is dead, not that our request was malformed. Except an Instagram token
    // refreshed too early: the token is fine, only too young to refresh.
    if endpoint == GraphEndpoint::Token && code == 100 && !too_early {
        kind = PlatformErrorKind::Auth;
    }
    if instagram && instagram::is_revoked(error) {
        kind = PlatformErrorKind::Auth;
    }

    let code_text = if too_early {
        Some(instagram::refresh_too_early_code())
    } else {
        error.code.map(|code| match error.error_subcode {
            Some(subcode) => format!("{code}/{subcode}"),
            None => code.to_string(),
        })
    };
    platform_error(
        platform,
        kind,
        code_text,
        with_usage(describe(status, error), usage, kind),
        Some(status),
        wait(kind, headers, usage),
    )
}

fn classify_without_envelope(
    platform: Platform,
    endpoint: GraphEndpoint,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    usage: &GraphUsage,
) -> PlatformError {
    if let Some((code, description)) = oauth_error(body) {
        // An RFC 6749 error body: a dead code or token on a token call.
        let kind = kind_for_oauth_error(&code);
        return platform_error(
            platform,
            kind,
            Some(code),
            description.unwrap_or_else(|| format!("HTTP {} OAuth error", status.as_u16())),
            Some(status),
            wait(kind, headers, usage),
        );
    }
    if platform == Platform::Instagram
        && let Some(flat) = instagram::flat_error(body)
    {
        return instagram::classify_flat(platform, endpoint, status, headers, flat);
    }
    let kind = kind_for_status(status);
    platform_error(
        platform,
        kind,
        None,
        with_usage(
            format!("HTTP {} without a Graph error body", status.as_u16()),
            usage,
            kind,
        ),
        Some(status),
        wait(kind, headers, usage),
    )
}

/// The error's message, then the user-facing title and message when they add something, then
/// the `fbtrace_id` Meta support asks for.
fn describe(status: StatusCode, error: &GraphError) -> String {
    let mut message = if error.message.is_empty() {
        format!("HTTP {} Graph error", status.as_u16())
    } else {
        error.message.clone()
    };
    if let Some(user_message) = error
        .error_user_msg
        .as_deref()
        .filter(|m| !m.is_empty() && *m != error.message)
    {
        message.push_str(" (");
        if let Some(title) = error.error_user_title.as_deref().filter(|t| !t.is_empty()) {
            message.push_str(title);
            message.push_str(": ");
        }
        message.push_str(user_message);
        message.push(')');
    }
    if let Some(trace) = error.fbtrace_id.as_deref().filter(|t| !t.is_empty()) {
        message.push_str(" [fbtrace_id ");
        message.push_str(trace);
        message.push(']');
    }
    message
}

/// For retryable failures: `Retry-After` when a proxy sent one, else (quota) the longest
/// `estimated_time_to_regain_access` of the usage headers.
pub(super) fn wait(
    kind: PlatformErrorKind,
    headers: &HeaderMap,
    usage: &GraphUsage,
) -> Option<Duration> {
    if !kind.is_retryable() {
        return None;
    }
    retry_after(headers, OffsetDateTime::now_utc()).or_else(|| {
        (kind == PlatformErrorKind::Quota)
            .then(|| usage.regain_access_in())
            .flatten()
    })
}

/// A quota error says how much of the limits is used, so the operator sees which one bit.
fn with_usage(message: String, usage: &GraphUsage, kind: PlatformErrorKind) -> String {
    match (kind, usage.describe()) {
        (PlatformErrorKind::Quota, Some(described)) => format!("{message} ({described})"),
        _ => message,
    }
}
