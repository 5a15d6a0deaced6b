//! What the service counts for its operators. The use cases and the HTTP layer record events
//! through [`Metrics`]; one adapter (`socialpub-metrics`, on prometheus-client) keeps the
//! series and renders them for `/metrics`. Every label a caller can pass is an enum or a
//! `&'static str` chosen by the code, except the HTTP route, which is the matched route
//! *template* (never a raw path), so the number of series stays bounded whatever the traffic.

use socialpub_domain::{AttemptOutcome, JobStatus, Platform};

use crate::PlatformErrorKind;

/// How one platform call ended, for the call latency and error series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallOutcome {
    /// The platform answered and the step went on.
    Ok,
    /// The platform (or our wait for it) failed, by kind.
    Error(PlatformErrorKind),
    /// The step did not answer within the step timeout.
    Timeout,
}

impl CallOutcome {
    /// The `error_kind` label: `none` for a success.
    pub const fn error_kind(self) -> &'static str {
        match self {
            CallOutcome::Ok => "none",
            CallOutcome::Error(kind) => kind.as_str(),
            CallOutcome::Timeout => "timeout",
        }
    }
}

/// How a token refresh ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefreshOutcome {
    Refreshed,
    /// The platform refused the refresh token: the user must reconnect.
    NeedsReauth,
    /// Anything else (the platform was down, the store failed); retried later.
    Failed,
}

impl RefreshOutcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            RefreshOutcome::Refreshed => "refreshed",
            RefreshOutcome::NeedsReauth => "needs_reauth",
            RefreshOutcome::Failed => "failed",
        }
    }
}

/// Where an insights cache read was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CacheLookup {
    /// The process's own cache had it.
    MemoryHit,
    /// The shared Redis tier had it.
    RedisHit,
    /// Neither: the platform will be asked.
    Miss,
}

impl CacheLookup {
    /// The `tier` label of a hit (`memory`, `redis`), `none` for a miss.
    pub const fn tier(self) -> &'static str {
        match self {
            CacheLookup::MemoryHit => "memory",
            CacheLookup::RedisHit => "redis",
            CacheLookup::Miss => "none",
        }
    }
}

/// How one webhook delivery attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryOutcome {
    /// The receiver answered 2xx.
    Delivered,
    /// The receiver answered something else: retried on the schedule.
    Refused,
    /// No answer (connection refused, timeout, address policy): retried on the schedule.
    Unreachable,
}

impl DeliveryOutcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Refused => "refused",
            DeliveryOutcome::Unreachable => "unreachable",
        }
    }
}

/// The database pool as seen at one scrape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolGauges {
    pub in_use: u64,
    pub idle: u64,
    pub max: u64,
    /// Tasks waiting for a connection: above zero, the pool is starved.
    pub waiting: u64,
}

/// The one place events are counted. Recording never fails and never blocks on I/O: a
/// metric must not be able to break the work it measures.
pub trait Metrics: Send + Sync {
    /// One HTTP request served: `route` is the matched route template (`/api/v1/jobs/{id}`),
    /// or `unmatched`.
    fn http_request(&self, method: &str, route: &str, status: u16, seconds: f64);
    /// One call to a platform (a publish step, a reconciliation look-up).
    fn platform_call(
        &self,
        platform: Platform,
        step: &'static str,
        outcome: CallOutcome,
        seconds: f64,
    );
    /// One publish attempt ended.
    fn attempt(&self, platform: Platform, outcome: AttemptOutcome);
    /// A post went live this long after it was due (a publish-now job is due when created).
    fn lateness(&self, platform: Platform, seconds: f64);
    /// Publish jobs by status across all processes, as counted at this scrape.
    fn jobs_by_status(&self, counts: &[(JobStatus, u64)]);
    /// One token refresh ended.
    fn token_refresh(&self, platform: Platform, outcome: RefreshOutcome);
    /// One insights cache read.
    fn cache_lookup(&self, lookup: CacheLookup);
    /// One webhook delivery attempt ended.
    fn webhook_delivery(&self, outcome: DeliveryOutcome);
    /// How many distinct signs of an API version going away (a `Sunset` or `Deprecation`
    /// header, a deprecated-version error) this process has seen from `platform`.
    fn deprecation_signals(&self, platform: Platform, distinct_signs: u64);
    /// The database pool at this scrape.
    fn db_pool(&self, pool: PoolGauges);
    /// Every series, for a Prometheus scrape.
    fn render(&self) -> Exposition;
}

/// A rendering of every series, with the media type it is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposition {
    /// The `Content-Type` to serve it with.
    pub content_type: &'static str,
    pub body: String,
}

/// Counts nothing: the default of services built without metrics (tools, unit tests).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoMetrics;

impl Metrics for NoMetrics {
    fn http_request(&self, _: &str, _: &str, _: u16, _: f64) {}
    fn platform_call(&self, _: Platform, _: &'static str, _: CallOutcome, _: f64) {}
    fn attempt(&self, _: Platform, _: AttemptOutcome) {}
    fn lateness(&self, _: Platform, _: f64) {}
    fn jobs_by_status(&self, _: &[(JobStatus, u64)]) {}
    fn token_refresh(&self, _: Platform, _: RefreshOutcome) {}
    fn cache_lookup(&self, _: CacheLookup) {}
    fn webhook_delivery(&self, _: DeliveryOutcome) {}
    fn deprecation_signals(&self, _: Platform, _: u64) {}
    fn db_pool(&self, _: PoolGauges) {}
    fn render(&self) -> Exposition {
        Exposition {
            content_type: "text/plain; version=0.0.4; charset=utf-8",
            body: String::new(),
        }
    }
}
