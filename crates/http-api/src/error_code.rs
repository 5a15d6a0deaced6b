//! The one list of error codes a client can receive. `docs/api.md`'s error table and the
//! OpenAPI document's `ErrorCode` schema are checked against it by tests (and rewritten from it
//! with `UPDATE_API_DOCS=1`), so a code cannot reach a client without being documented.
//!
//! Adding a code: add one line to the macro call below (variant, wire name, status, meaning),
//! use it from [`crate::ApiError`], then run
//! `UPDATE_API_DOCS=1 cargo nextest run -p socialpub-http-api error_codes` and commit the
//! regenerated docs. Codes are part of the API: never rename or reuse one.

use actix_web::http::StatusCode;

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $status:literal, $meaning:literal;)+) => {
        /// A stable snake_case code clients branch on, with the status it is sent with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(#[doc = $meaning] $variant,)+
        }

        impl ErrorCode {
            /// Every code, in documentation order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The wire form.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)+ }
            }

            /// The HTTP status every response with this code has.
            pub fn status(self) -> StatusCode {
                let status: u16 = match self { $(ErrorCode::$variant => $status,)+ };
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }

            /// One line for the documentation.
            pub const fn meaning(self) -> &'static str {
                match self { $(ErrorCode::$variant => $meaning,)+ }
            }
        }
    };
}

error_codes! {
    MalformedJson = "malformed_json", 400, "The body is not JSON.";
    InvalidBody = "invalid_body", 400, "The body is JSON but a field is missing or has the wrong type or value; `field` names it.";
    InvalidParameter = "invalid_parameter", 400, "A query parameter is malformed or out of range; `field` names it.";
    BadRequest = "bad_request", 400, "The request could not be read as HTTP (any other 4xx the server produced by itself).";
    MissingState = "missing_state", 400, "OAuth callback without `state`.";
    InvalidState = "invalid_state", 400, "OAuth `state` unknown, already used, or another platform's.";
    StateExpired = "state_expired", 400, "OAuth `state` older than 10 minutes; start the connection again.";
    MissingCode = "missing_code", 400, "OAuth callback without `code`.";
    AuthorizationDenied = "authorization_denied", 400, "The user refused the authorization at the platform.";
    PlatformRefusedGrant = "platform_refused_grant", 400, "The platform refused the authorization code or token.";
    MissingToken = "missing_token", 401, "No `Authorization: Bearer` header (with `WWW-Authenticate: Bearer`).";
    InvalidToken = "invalid_token", 401, "The bearer token was not accepted (with `WWW-Authenticate: Bearer`).";
    TokenExpired = "token_expired", 401, "The bearer token has expired (with `WWW-Authenticate: Bearer`).";
    PlatformPermissionDenied = "platform_permission_denied", 403, "The platform refused the call for lack of permission or scope.";
    NotFound = "not_found", 404, "No such resource for this user (another user's id is also 404).";
    RouteNotFound = "route_not_found", 404, "No route matches the method and path.";
    MethodNotAllowed = "method_not_allowed", 405, "The resource does not take this method (with `Allow`).";
    NotAcceptable = "not_acceptable", 406, "The response cannot be produced in an accepted media type.";
    RequestTimeout = "request_timeout", 408, "The request body did not arrive in time; the connection is closed.";
    Conflict = "conflict", 409, "The change conflicts with the stored state.";
    InvalidJobState = "invalid_job_state", 409, "The job's state refuses the change (a worker has claimed it, or it is final).";
    ConnectionNeedsReauth = "connection_needs_reauth", 409, "The connection to publish with must be connected again first.";
    NothingToRetry = "nothing_to_retry", 409, "None of the post's targets failed or was missed.";
    IdempotencyKeyReused = "idempotency_key_reused", 409, "This `Idempotency-Key` was used with a different request.";
    IdempotencyRequestInProgress = "idempotency_request_in_progress", 409, "A request with this `Idempotency-Key` is still running; retry shortly.";
    NeedsReauth = "needs_reauth", 409, "The platform refused the connection's tokens; the user must connect again.";
    RefreshInProgress = "refresh_in_progress", 409, "Another process is refreshing the connection (with `Retry-After`).";
    NotRefreshable = "not_refreshable", 409, "The connection has no refresh token.";
    RefreshTooEarly = "refresh_too_early", 409, "The platform does not refresh a token this young (Instagram: under a day).";
    PayloadTooLarge = "payload_too_large", 413, "The body is larger than 256 KiB.";
    UriTooLong = "uri_too_long", 414, "The request target is too long.";
    UnsupportedMediaType = "unsupported_media_type", 415, "The body is not `application/json`.";
    PlatformNotEnabled = "platform_not_enabled", 422, "This server cannot connect the platform (no credentials, no simulator).";
    NoPublishableAccounts = "no_publishable_accounts", 422, "The grant gives access to no account that can publish.";
    UnsupportedLogin = "unsupported_login", 422, "The platform cannot be connected through the `login` asked for (only Instagram takes `login=facebook`); `field` is `login`.";
    NoInstagramBusinessAccount = "no_instagram_business_account", 422, "Facebook Login found no Instagram professional account linked to a Facebook Page the user granted; nothing was connected.";
    PlatformNotPublishable = "platform_not_publishable", 422, "This server cannot publish to the connection's platform yet.";
    LinkedinPersonalPublishingDisabled = "linkedin_personal_publishing_disabled", 422, "Publishing as a LinkedIn member is turned off on this server (`ENABLE_LINKEDIN_PERSONAL_PUBLISHING=false`); publish with an organization's connection.";
    PublishingDisabled = "publishing_disabled", 422, "Publishing to the connection's platform is switched off on this server (`ENABLE_TIKTOK_PUBLISHING=false`); its accounts stay connected.";
    BoardsNotSupported = "boards_not_supported", 422, "The connection's platform has no boards (only Pinterest does).";
    ContentRejected = "content_rejected", 422, "The content breaks the platform's rules; `targets` lists every violation of every target and nothing was created.";
    InvalidWebhookUrl = "invalid_webhook_url", 422, "The webhook URL is not an absolute http(s) URL with a host, carries credentials, or does not resolve; `field` is `url`.";
    WebhookUrlForbidden = "webhook_url_forbidden", 422, "The webhook URL resolves to an address that is not publicly reachable; `field` is `url`.";
    TooManyWebhooks = "too_many_webhooks", 409, "The user has as many webhooks as allowed; delete one first.";
    InvalidTargets = "invalid_targets", 422, "A post needs between one and the maximum number of targets.";
    ConnectionPlatformMismatch = "connection_platform_mismatch", 422, "The connection is another platform's account than the path names; `field` is `connection_id`.";
    DuplicateTarget = "duplicate_target", 422, "A post names the same connection twice; `field` names the second.";
    InvalidScheduleTime = "invalid_schedule_time", 422, "`schedule_time` is not an RFC 3339 instant or a local date-time.";
    ScheduleTimeWithoutZone = "schedule_time_without_zone", 422, "`schedule_time` has no offset and no `time_zone` says where it is.";
    UnknownTimeZone = "unknown_time_zone", 422, "`time_zone` is not an IANA time zone name.";
    NonexistentLocalTime = "nonexistent_local_time", 422, "The local time does not exist in `time_zone` (a daylight-saving gap).";
    ScheduleInPast = "schedule_in_past", 422, "The schedule time is not in the future (beyond a small grace).";
    ScheduleBeyondHorizon = "schedule_beyond_horizon", 422, "The schedule time is further ahead than `SCHEDULE_HORIZON_DAYS`.";
    TooManyAssetProbes = "too_many_asset_probes", 422, "More distinct asset files need reading than one request may read; `field` is `assets`.";
    PlatformRejectedContent = "platform_rejected_content", 422, "The platform refused the content or media.";
    AssetProbeBudgetExceeded = "asset_probe_budget_exceeded", 429, "This user's budget of asset reads is spent for now (with `Retry-After`).";
    PlatformRateLimited = "platform_rate_limited", 429, "The platform's rate limit is reached (with `Retry-After` when it says).";
    HeadersTooLarge = "headers_too_large", 431, "The request headers are too large.";
    InternalError = "internal_error", 500, "Our fault; the details are only in the log, under the request id.";
    PlatformError = "platform_error", 502, "The platform answered in a way we did not expect.";
    PlatformUnavailable = "platform_unavailable", 502, "The platform is down or timed out; retry later.";
    ServiceUnavailable = "service_unavailable", 503, "The database or the auth service is down or saturated (with `Retry-After`).";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// `docs/api.md`'s error table, as generated from [`ErrorCode::ALL`].
pub fn markdown_table() -> String {
    let mut out = String::from("| status | code | meaning |\n| --- | --- | --- |\n");
    for code in ErrorCode::ALL {
        out.push_str(&format!(
            "| {} | `{}` | {} |\n",
            code.status().as_u16(),
            code.as_str(),
            code.meaning()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_are_unique_snake_case_with_an_error_status() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{s} is not snake_case"
            );
            let status = u16::from(code.status());
            assert!((400..600).contains(&status), "{s}: {status}");
        }
    }
}
