//! Graph API failures to [`PlatformError`]: branch on the envelope's `code`/`error_subcode`
//! (Meta's own advice), fall back on the HTTP status only when there is no envelope.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{
    kind_for_oauth_error, kind_for_status, oauth_error, platform_error, retry_after,
};
use socialpub_ports::{PlatformError, PlatformErrorKind, REFRESH_TOO_EARLY};
use time::{Duration, OffsetDateTime};

use crate::wire::{
    AppUsage, BusinessUseCaseHeader, BusinessUseCaseUsage, ErrorEnvelope, FlatError,
};

const PLATFORM: Platform = Platform::Instagram;

/// Which kind of endpoint answered: a failed token call means the code or token is dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    /// `api.instagram.com/oauth/access_token`, `/access_token`, `/refresh_access_token`.
    Token,
    /// Any other Graph call.
    Graph,
}

/// The rate-limit usage headers of one Graph response (either may be absent: Meta sends them
/// only after "enough" calls).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphUsage {
    /// `X-App-Usage`.
    pub app: Option<AppUsage>,
    /// `X-Business-Use-Case-Usage`, as (business object id, usage) pairs.
    pub business_use_case: Vec<(String, BusinessUseCaseUsage)>,
}

impl GraphUsage {
    /// Reads both usage headers; a header that is not the documented JSON is ignored.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let app = header_str(headers, "x-app-usage")
            .and_then(|value| serde_json::from_str::<AppUsage>(value).ok());
        let mut business_use_case: Vec<(String, BusinessUseCaseUsage)> =
            header_str(headers, "x-business-use-case-usage")
                .and_then(|value| serde_json::from_str::<BusinessUseCaseHeader>(value).ok())
                .map(|map| {
                    map.into_iter()
                        .flat_map(|(id, entries)| entries.into_iter().map(move |e| (id.clone(), e)))
                        .collect()
                })
                .unwrap_or_default();
        business_use_case.sort_by(|a, b| a.0.cmp(&b.0));
        Self {
            app,
            business_use_case,
        }
    }

    /// The longest `estimated_time_to_regain_access` (minutes), as a duration.
    pub fn regain_access_in(&self) -> Option<Duration> {
        self.business_use_case
            .iter()
            .map(|(_, usage)| usage.estimated_time_to_regain_access)
            .filter(|minutes| *minutes > 0)
            .max()
            .map(Duration::minutes)
    }

    fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(app) = &self.app {
            parts.push(format!(
                "app usage call_count {}%, total_cputime {}%, total_time {}%",
                app.call_count, app.total_cputime, app.total_time
            ));
        }
        for (id, usage) in &self.business_use_case {
            parts.push(format!(
                "{} usage of {id}: call_count {}%, regain access in {} min",
                usage.kind, usage.call_count, usage.estimated_time_to_regain_access
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// The handling class of a Graph error code and subcode, per Meta's tables. Subcodes are
/// checked first because Instagram and Pages reuse generic codes (1, 9, 100, 368) with
/// specific subcodes.
pub(crate) fn kind_for_graph_code(code: i64, subcode: Option<i64>) -> Option<PlatformErrorKind> {
    use PlatformErrorKind::{Auth, Content, InvalidRequest, Media, Permission, Quota, Transient};
    let by_subcode = match subcode {
        Some(2_207_042 | 1_390_008) => Some(Quota),
        Some(2_207_001 | 2_207_003 | 2_207_027 | 2_207_032) => Some(Transient),
        Some(
            2_207_004 | 2_207_005 | 2_207_008 | 2_207_009 | 2_207_020 | 2_207_026 | 2_207_052
            | 2_207_053 | 1_366_046,
        ) => Some(Media),
        Some(2_207_057) => Some(InvalidRequest),
        Some(
            2_207_010 | 2_207_028 | 2_207_040 | 2_207_051 | 1_346_003 | 1_404_102 | 1_366_051
            | 1_609_008 | 2_061_006,
        ) => Some(Content),
        Some(2_207_050 | 1_404_078 | 4_854_002) => Some(Permission),
        Some(458..=460 | 463 | 464 | 467 | 492) => Some(Auth),
        _ => None,
    };
    by_subcode.or(match code {
        102 | 190 => Some(Auth),
        10 | 200..=299 => Some(Permission),
        4 | 9 | 17 | 32 | 341 | 613 | 80_001..=80_014 => Some(Quota),
        -2 | -1 | 1 | 2 | 9007 => Some(Transient),
        368 | 506 | 36_004 => Some(Content),
        24 | 352 | 382 | 389 | 6000 | 6001 | 9004 | 36_000 | 36_001 | 36_003 => Some(Media),
        100 | 101 | 3001 => Some(InvalidRequest),
        _ => None,
    })
}

/// Classifies a failed Graph call (or a 200 whose body is an error envelope).
pub(crate) fn classify_graph(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    classify(platform, status, headers, body, Endpoint::Graph)
}

/// Classifies a failed token call (code exchange, long-lived exchange, refresh).
pub(crate) fn classify_token(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> PlatformError {
    classify(platform, status, headers, body, Endpoint::Token)
}

fn classify(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    endpoint: Endpoint,
) -> PlatformError {
    let usage = GraphUsage::from_headers(headers);
    let envelope = serde_json::from_slice::<ErrorEnvelope>(body)
        .ok()
        .and_then(|envelope| envelope.error);
    let Some(error) = envelope else {
        if let Some((code, description)) = oauth_error(body) {
            // An RFC 6749 error body: a dead code or token on a token call.
            let kind = kind_for_oauth_error(&code);
            return platform_error(
                platform,
                kind,
                Some(code),
                description.unwrap_or_else(|| format!("HTTP {} OAuth error", status.as_u16())),
                Some(status),
                wait(kind, headers, &usage),
            );
        }
        if let Some(flat) = serde_json::from_slice::<FlatError>(body)
            .ok()
            .filter(|flat| flat.error_message.as_deref().is_some_and(|m| !m.is_empty()))
        {
            return classify_flat(platform, status, headers, flat, endpoint);
        }
        let kind = kind_for_status(status);
        return platform_error(
            platform,
            kind,
            None,
            with_usage(
                format!("HTTP {} without a Graph error body", status.as_u16()),
                &usage,
                kind,
            ),
            Some(status),
            wait(kind, headers, &usage),
        );
    };

    let code = error.code.unwrap_or_default();
    let mut kind = kind_for_graph_code(code, error.error_subcode)
        .or_else(|| (error.is_transient == Some(true)).then_some(PlatformErrorKind::Transient))
        .unwrap_or_else(|| kind_for_status(status));
    // A token endpoint refusing the code (100: used, expired or for another redirect URI)
    // means the grant is dead, not that our request was malformed.
    // Except a long-lived token refreshed within 24 hours of its issue: the token is fine,
    // it is only too young to refresh.
    let too_young = error.message.to_ascii_lowercase().contains("24 hours old");
    if endpoint == Endpoint::Token && code == 100 && !too_young {
        kind = PlatformErrorKind::Auth;
    }
    // Instagram's wording for a token revoked by the user or a password change.
    let revoked = error
        .kind
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("REVOKED_ACCESS_TOKEN"))
        || error
            .message
            .to_ascii_lowercase()
            .contains("session has been invalidated");
    if revoked {
        kind = PlatformErrorKind::Auth;
    }

    let code_text = if too_young {
        Some(REFRESH_TOO_EARLY.to_owned())
    } else {
        None
    };
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

    platform_error(
        platform,
        kind,
        code_text.or_else(|| {
            error.code.map(|code| match error.error_subcode {
                Some(subcode) => format!("{code}/{subcode}"),
                None => code.to_string(),
            })
        }),
        with_usage(message, &usage, kind),
        Some(status),
        wait(kind, headers, &usage),
    )
}

/// The flat error of `api.instagram.com`. On the code exchange an `OAuthException` means the
/// code is invalid, expired or already used.
fn classify_flat(
    platform: Platform,
    status: StatusCode,
    headers: &HeaderMap,
    flat: FlatError,
    endpoint: Endpoint,
) -> PlatformError {
    let oauth = flat
        .error_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("OAuthException"));
    let kind = if endpoint == Endpoint::Token && oauth && status.is_client_error() {
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

/// For retryable failures: `Retry-After` when a proxy sent one, else (quota) the longest
/// `estimated_time_to_regain_access` of the usage headers.
fn wait(kind: PlatformErrorKind, headers: &HeaderMap, usage: &GraphUsage) -> Option<Duration> {
    if !kind.is_retryable() {
        return None;
    }
    retry_after(headers, OffsetDateTime::now_utc()).or_else(|| {
        (kind == PlatformErrorKind::Quota)
            .then(|| usage.regain_access_in())
            .flatten()
    })
}

fn with_usage(message: String, usage: &GraphUsage, kind: PlatformErrorKind) -> String {
    match (kind, usage.describe()) {
        (PlatformErrorKind::Quota, Some(described)) => format!("{message} ({described})"),
        _ => message,
    }
}

/// A configuration that cannot produce a request URL (a base URL that cannot take a path).
pub(crate) fn bad_base_url(which: &str) -> PlatformError {
    platform_error(
        PLATFORM,
        PlatformErrorKind::InvalidRequest,
        None,
        format!("the configured {which} cannot take a path"),
        None,
        None,
    )
}

/// Belt and braces: removes any secret the platform echoed back into its message.
pub(crate) fn redact(mut error: PlatformError, secrets: &[&SecretString]) -> PlatformError {
    for secret in secrets {
        let secret = secret.expose();
        if secret.len() >= 4 && error.message.contains(secret) {
            error.message = error.message.replace(secret, "[redacted]");
        }
    }
    error
}
