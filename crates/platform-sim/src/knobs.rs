//! Fault-injection knobs (latency, 5xx, rate limits, token lifetimes) and the middleware that
//! applies them to every token and API request of a platform. The publishing endpoints'
//! own faults (timeouts, ambiguous answers, storms) are in `faults`, set through
//! [`KnobSettings::faults`].

use std::time::Duration as StdDuration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web;
use serde::{Deserialize, Serialize};
use socialpub_domain::Platform;
use time::Duration;

use crate::faults::FaultSettings;
use crate::oauth::{Flavor, Params, bearer};
use crate::platforms;
use crate::state::{Shared, SimState};

/// One platform's current knob settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Knobs {
    /// How many of the next requests get an injected error.
    pub fail_next: u32,
    /// The injected error's HTTP status (default 503).
    pub fail_status: u16,
    /// How many of the next requests get an injected rate-limit answer.
    pub rate_limit_next: u32,
    /// `Retry-After` (and the platform's reset headers) of injected rate limits, in seconds.
    pub retry_after_seconds: u64,
    /// HTTP status of injected rate limits; `None` = the platform's own (429; Meta answers 400
    /// with error code 4 / 80001 / 80002 as Graph does).
    pub rate_limit_status: Option<u16>,
    /// Delay added to every request, in milliseconds.
    pub latency_ms: u64,
    /// Lifetime of access tokens issued from now on (0 or negative = already expired).
    pub access_token_ttl_seconds: Option<i64>,
    /// Lifetime of refresh tokens issued from now on.
    pub refresh_token_ttl_seconds: Option<i64>,
}

impl Default for Knobs {
    fn default() -> Self {
        Self {
            fail_next: 0,
            fail_status: 503,
            rate_limit_next: 0,
            retry_after_seconds: 60,
            rate_limit_status: None,
            latency_ms: 0,
            access_token_ttl_seconds: None,
            refresh_token_ttl_seconds: None,
        }
    }
}

/// Body of `POST /_sim/knobs` (and argument of [`crate::SimulatorHandle::set_knobs`]). Every
/// field is optional; `platform` absent means every platform.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KnobSettings {
    /// Platform to change (`x`, `pinterest`, `tiktok`, `facebook`, `instagram`, `linkedin`).
    pub platform: Option<Platform>,
    /// Answer the next N token/API requests with an error.
    pub fail_next: Option<u32>,
    /// Status of those errors (400–599, default 503).
    pub status: Option<u16>,
    /// Answer the next N token/API requests with a rate limit.
    pub rate_limit_next: Option<u32>,
    /// Seconds announced in `Retry-After` and the platform's reset headers.
    pub retry_after_seconds: Option<u64>,
    /// Override the rate-limit status (400–599).
    pub rate_limit_status: Option<u16>,
    /// Delay every request by this many milliseconds (0 turns it off).
    pub latency_ms: Option<u64>,
    /// Expire every access token issued so far (Facebook Page tokens included).
    pub expire_all_tokens: Option<bool>,
    /// Expire every refresh token issued so far.
    pub expire_refresh_tokens: Option<bool>,
    /// Revoke every grant (all tokens) issued so far.
    pub revoke_all: Option<bool>,
    /// Lifetime of access tokens issued from now on (0 or negative: born expired).
    pub access_token_ttl_seconds: Option<i64>,
    /// Lifetime of refresh tokens issued from now on.
    pub refresh_token_ttl_seconds: Option<i64>,
    /// Forget both lifetime overrides.
    pub clear_token_ttls: Option<bool>,
    /// Global: skip the consent page.
    pub auto_approve: Option<bool>,
    /// Global: move the simulator's clock forward (or back) by this many seconds.
    pub advance_clock_seconds: Option<i64>,
    /// Faults of the publishing endpoints (of `platform`, or one `faults.endpoint`).
    pub faults: Option<FaultSettings>,
    /// Global: refuse a post identical to one already public, as X and Facebook do.
    pub reject_duplicate_posts: Option<bool>,
}

/// A knob value that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KnobError(pub String);

impl SimState {
    /// Apply `settings`; returns the knobs of the affected platforms.
    pub(crate) fn apply_knobs(&mut self, settings: &KnobSettings) -> Result<(), KnobError> {
        for (name, status) in [
            ("status", settings.status),
            ("rate_limit_status", settings.rate_limit_status),
        ] {
            if let Some(s) = status
                && !(400..=599).contains(&s)
            {
                return Err(KnobError(format!("{name} must be between 400 and 599")));
            }
        }
        if let Some(faults) = &settings.faults {
            self.faults.apply(faults, settings.platform)?;
        }
        if let Some(reject) = settings.reject_duplicate_posts {
            self.reject_duplicate_posts = reject;
        }
        if let Some(auto) = settings.auto_approve {
            self.auto_approve = auto;
        }
        if let Some(secs) = settings.advance_clock_seconds {
            self.clock_offset = self.clock_offset.saturating_add(Duration::seconds(secs));
        }
        let platforms: Vec<Platform> = match settings.platform {
            Some(p) => vec![p],
            None => Platform::ALL.to_vec(),
        };
        for platform in platforms {
            let knobs = self.knobs_mut(platform);
            if let Some(n) = settings.fail_next {
                knobs.fail_next = n;
            }
            if let Some(s) = settings.status {
                knobs.fail_status = s;
            }
            if let Some(n) = settings.rate_limit_next {
                knobs.rate_limit_next = n;
            }
            if let Some(s) = settings.retry_after_seconds {
                knobs.retry_after_seconds = s;
            }
            if let Some(s) = settings.rate_limit_status {
                knobs.rate_limit_status = Some(s);
            }
            if let Some(ms) = settings.latency_ms {
                knobs.latency_ms = ms;
            }
            if settings.clear_token_ttls == Some(true) {
                knobs.access_token_ttl_seconds = None;
                knobs.refresh_token_ttl_seconds = None;
            }
            if let Some(ttl) = settings.access_token_ttl_seconds {
                knobs.access_token_ttl_seconds = Some(ttl);
            }
            if let Some(ttl) = settings.refresh_token_ttl_seconds {
                knobs.refresh_token_ttl_seconds = Some(ttl);
            }
            if settings.expire_all_tokens == Some(true) {
                self.expire_all(platform, false);
            }
            if settings.expire_refresh_tokens == Some(true) {
                self.expire_all(platform, true);
            }
            if settings.revoke_all == Some(true) {
                self.revoke_all(platform);
            }
        }
        Ok(())
    }

    /// Count the request and decide whether to inject something.
    fn gate(&mut self, platform: Platform) -> (u64, Option<Injected>) {
        let knobs = self.knobs_mut(platform);
        let latency = knobs.latency_ms;
        let injected = if knobs.fail_next > 0 {
            knobs.fail_next -= 1;
            Some(Injected::Failure(
                StatusCode::from_u16(knobs.fail_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            ))
        } else if knobs.rate_limit_next > 0 {
            knobs.rate_limit_next -= 1;
            Some(Injected::RateLimited {
                status: knobs
                    .rate_limit_status
                    .and_then(|s| StatusCode::from_u16(s).ok()),
                retry_after: knobs.retry_after_seconds,
            })
        } else {
            None
        };
        let stats = self.stats_mut(platform);
        stats.requests += 1;
        match injected {
            Some(Injected::Failure(_)) => stats.injected_failures += 1,
            Some(Injected::RateLimited { .. }) => stats.injected_rate_limits += 1,
            None => {}
        }
        (latency, injected)
    }
}

enum Injected {
    Failure(StatusCode),
    RateLimited {
        status: Option<StatusCode>,
        retry_after: u64,
    },
}

/// `/<platform>/<role>/...` → the platform, unless this is a browser-facing authorize page.
fn gated_platform(method: &Method, path: &str) -> Option<Platform> {
    let mut segments = path.trim_start_matches('/').split('/');
    let platform = match segments.next()? {
        "x" => Platform::X,
        "pinterest" => Platform::Pinterest,
        "tiktok" => Platform::Tiktok,
        "facebook" => Platform::Facebook,
        "instagram" => Platform::Instagram,
        "linkedin" => Platform::Linkedin,
        _ => return None,
    };
    match segments.next()? {
        "oauth" if method == Method::GET => None,
        "oauth" | "api" | "token" => Some(platform),
        _ => None,
    }
}

/// Middleware: latency, injected failures and rate limits, and the platforms' usage headers.
pub(crate) async fn gate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let platform = gated_platform(req.method(), req.path());
    let shared = req.app_data::<web::Data<Shared>>().cloned();
    let (Some(platform), Some(shared)) = (platform, shared) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let (latency, injected, now) = {
        let mut state = shared.lock();
        let (latency, injected) = state.gate(platform);
        (latency, injected, state.now())
    };
    if latency > 0 {
        tokio::time::sleep(StdDuration::from_millis(latency)).await;
    }
    match injected {
        Some(Injected::Failure(status)) => {
            let response = platforms::injected_failure(platform, status);
            Ok(req.into_response(response).map_into_right_body())
        }
        Some(Injected::RateLimited {
            status,
            retry_after,
        }) => {
            let page_id = facebook_page_of(&req, &shared);
            let response =
                platforms::rate_limited(platform, status, retry_after, now, page_id.as_deref());
            Ok(req.into_response(response).map_into_right_body())
        }
        None => {
            let mut response = next.call(req).await?;
            platforms::decorate(platform, response.headers_mut(), now);
            Ok(response.map_into_left_body())
        }
    }
}

/// For Meta's BUC header: the Page id when the request carries a Page token.
fn facebook_page_of(req: &ServiceRequest, shared: &Shared) -> Option<String> {
    let token = Params::from_query(req.request())
        .get("access_token")
        .map(str::to_owned)
        .or_else(|| bearer(req.request()))?;
    let state = shared.lock();
    match state.tokens.get(&token).map(|t| &t.flavor) {
        Some(Flavor::FacebookPage(page)) => Some(page.clone()),
        _ => None,
    }
}
