//! The [`Metrics`] port on prometheus-client: counters, gauges and histograms kept in one
//! registry, rendered in the OpenMetrics text format (which Prometheus scrapes natively) for
//! `/metrics`. Each series' labels are closed sets (enums, the code's own step names, route
//! templates), so a flood of distinct paths or ids cannot grow the registry.

use std::fmt::Write as _;
use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use socialpub_domain::{AttemptOutcome, JobStatus, Platform};
use socialpub_ports::{
    CacheLookup, CallOutcome, DeliveryOutcome, Exposition, Metrics, PoolGauges, RefreshOutcome,
};

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Methods outside this list share one label value, so a client inventing methods cannot add
/// series.
const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: &'static str,
    route: String,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    platform: &'static str,
    step: &'static str,
    error_kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PlatformOutcome {
    platform: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PlatformLabel {
    platform: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    result: &'static str,
    tier: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;
type FloatGauge = Gauge<f64, AtomicU64>;

/// 1 ms to ~16 s: an API answer.
fn http_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// 10 ms to ~5 min: a platform call, uploads included.
fn call_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.01, 2.0, 15))
}

/// 0.1 s to ~1.8 h: how late a post went live.
fn lateness_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.1, 2.0, 17))
}

/// Every series this process keeps, registered once in [`PrometheusMetrics::new`].
pub struct PrometheusMetrics {
    registry: Registry,
    http: Histograms<HttpLabels>,
    platform_calls: Histograms<CallLabels>,
    attempts: Family<PlatformOutcome, Counter>,
    lateness: Histograms<PlatformLabel>,
    jobs: Family<StatusLabel, Gauge>,
    queue_depth: Gauge,
    token_refreshes: Family<PlatformOutcome, Counter>,
    cache: Family<CacheLabels, Counter>,
    webhooks: Family<OutcomeLabel, Counter>,
    deprecations: Family<PlatformLabel, Gauge>,
    pool: Family<StateLabel, Gauge>,
    pool_max: Gauge,
    pool_waiting: Gauge,
}

impl Default for PrometheusMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl PrometheusMetrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("socialpub");
        let http = Histograms::<HttpLabels>::new_with_constructor(http_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status class",
            http.clone(),
        );
        let platform_calls = Histograms::<CallLabels>::new_with_constructor(call_histogram);
        registry.register(
            "platform_call_duration_seconds",
            "Time spent in platform calls, by platform, step and error kind (none for a success)",
            platform_calls.clone(),
        );
        let attempts = Family::<PlatformOutcome, Counter>::default();
        registry.register(
            "publish_attempts",
            "Publish attempts ended, by platform and outcome",
            attempts.clone(),
        );
        let lateness = Histograms::<PlatformLabel>::new_with_constructor(lateness_histogram);
        registry.register(
            "publish_lateness_seconds",
            "From a job's due time to its post being live, by platform",
            lateness.clone(),
        );
        let jobs = Family::<StatusLabel, Gauge>::default();
        registry.register(
            "publish_jobs",
            "Publish jobs by status across all processes, counted at scrape",
            jobs.clone(),
        );
        let queue_depth = Gauge::default();
        registry.register(
            "publish_queue_depth",
            "Jobs waiting for a worker (scheduled or pending), counted at scrape",
            queue_depth.clone(),
        );
        let token_refreshes = Family::<PlatformOutcome, Counter>::default();
        registry.register(
            "token_refreshes",
            "Platform token refreshes, by platform and outcome",
            token_refreshes.clone(),
        );
        let cache = Family::<CacheLabels, Counter>::default();
        registry.register(
            "insights_cache_lookups",
            "Insights cache reads, by result (hit or miss) and the tier that answered",
            cache.clone(),
        );
        let webhooks = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "webhook_deliveries",
            "Webhook delivery attempts, by outcome",
            webhooks.clone(),
        );
        let deprecations = Family::<PlatformLabel, Gauge>::default();
        registry.register(
            "platform_deprecation_signals",
            "Distinct signs that a platform API version this process uses is going away",
            deprecations.clone(),
        );
        let pool = Family::<StateLabel, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database pool connections by state",
            pool.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "Largest size the database pool may grow to",
            pool_max.clone(),
        );
        let pool_waiting = Gauge::default();
        registry.register(
            "db_pool_waiting",
            "Tasks waiting for a database connection (above zero: the pool is starved)",
            pool_waiting.clone(),
        );
        let uptime_since = FloatGauge::default();
        registry.register(
            "process_start_time_seconds",
            "When this process started, in seconds since the Unix epoch",
            uptime_since.clone(),
        );
        if let Ok(since) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            uptime_since.set(since.as_secs_f64());
        }
        // Series whose label sets are known up front start at zero, so that they exist before
        // their first event (Prometheus' rate() and absent() need them) and dashboards show 0,
        // not "no data".
        for platform in Platform::ALL {
            for outcome in AttemptOutcome::ALL {
                let _ = attempts.get_or_create(&PlatformOutcome {
                    platform: platform.as_str(),
                    outcome: outcome.as_str(),
                });
            }
            for outcome in [
                RefreshOutcome::Refreshed,
                RefreshOutcome::NeedsReauth,
                RefreshOutcome::Failed,
            ] {
                let _ = token_refreshes.get_or_create(&PlatformOutcome {
                    platform: platform.as_str(),
                    outcome: outcome.as_str(),
                });
            }
            let _ = deprecations.get_or_create(&PlatformLabel {
                platform: platform.as_str(),
            });
        }
        for status in JobStatus::ALL {
            let _ = jobs.get_or_create(&StatusLabel {
                status: status.as_str(),
            });
        }
        for lookup in [
            CacheLookup::MemoryHit,
            CacheLookup::RedisHit,
            CacheLookup::Miss,
        ] {
            let _ = cache.get_or_create(&CacheLabels {
                result: if lookup == CacheLookup::Miss {
                    "miss"
                } else {
                    "hit"
                },
                tier: lookup.tier(),
            });
        }
        for outcome in [
            DeliveryOutcome::Delivered,
            DeliveryOutcome::Refused,
            DeliveryOutcome::Unreachable,
        ] {
            let _ = webhooks.get_or_create(&OutcomeLabel {
                outcome: outcome.as_str(),
            });
        }
        for state in ["in_use", "idle"] {
            let _ = pool.get_or_create(&StateLabel { state });
        }
        Self {
            registry,
            http,
            platform_calls,
            attempts,
            lateness,
            jobs,
            queue_depth,
            token_refreshes,
            cache,
            webhooks,
            deprecations,
            pool,
            pool_max,
            pool_waiting,
        }
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

fn gauge_value(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Metrics for PrometheusMetrics {
    fn http_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let method = METHODS
            .iter()
            .find(|known| **known == method)
            .copied()
            .unwrap_or("OTHER");
        self.http
            .get_or_create(&HttpLabels {
                method,
                route: route.to_owned(),
                status: status_class(status),
            })
            .observe(seconds);
    }

    fn platform_call(
        &self,
        platform: Platform,
        step: &'static str,
        outcome: CallOutcome,
        seconds: f64,
    ) {
        self.platform_calls
            .get_or_create(&CallLabels {
                platform: platform.as_str(),
                step,
                error_kind: outcome.error_kind(),
            })
            .observe(seconds);
    }

    fn attempt(&self, platform: Platform, outcome: AttemptOutcome) {
        self.attempts
            .get_or_create(&PlatformOutcome {
                platform: platform.as_str(),
                outcome: outcome.as_str(),
            })
            .inc();
    }

    fn lateness(&self, platform: Platform, seconds: f64) {
        self.lateness
            .get_or_create(&PlatformLabel {
                platform: platform.as_str(),
            })
            .observe(seconds.max(0.0));
    }

    fn jobs_by_status(&self, counts: &[(JobStatus, u64)]) {
        let mut depth = 0;
        for status in JobStatus::ALL {
            let n = counts
                .iter()
                .filter(|(s, _)| *s == status)
                .map(|(_, n)| *n)
                .sum::<u64>();
            if status.is_claimable() {
                depth += n;
            }
            self.jobs
                .get_or_create(&StatusLabel {
                    status: status.as_str(),
                })
                .set(gauge_value(n));
        }
        self.queue_depth.set(gauge_value(depth));
    }

    fn token_refresh(&self, platform: Platform, outcome: RefreshOutcome) {
        self.token_refreshes
            .get_or_create(&PlatformOutcome {
                platform: platform.as_str(),
                outcome: outcome.as_str(),
            })
            .inc();
    }

    fn cache_lookup(&self, lookup: CacheLookup) {
        let result = if lookup == CacheLookup::Miss {
            "miss"
        } else {
            "hit"
        };
        self.cache
            .get_or_create(&CacheLabels {
                result,
                tier: lookup.tier(),
            })
            .inc();
    }

    fn webhook_delivery(&self, outcome: DeliveryOutcome) {
        self.webhooks
            .get_or_create(&OutcomeLabel {
                outcome: outcome.as_str(),
            })
            .inc();
    }

    fn deprecation_signals(&self, platform: Platform, distinct_signs: u64) {
        self.deprecations
            .get_or_create(&PlatformLabel {
                platform: platform.as_str(),
            })
            .set(gauge_value(distinct_signs));
    }

    fn db_pool(&self, pool: PoolGauges) {
        for (state, n) in [("in_use", pool.in_use), ("idle", pool.idle)] {
            self.pool
                .get_or_create(&StateLabel { state })
                .set(gauge_value(n));
        }
        self.pool_max.set(gauge_value(pool.max));
        self.pool_waiting.set(gauge_value(pool.waiting));
    }

    fn render(&self) -> Exposition {
        let mut out = String::with_capacity(16 * 1024);
        if encode(&mut out, &self.registry).is_err() {
            // Encoding into a String only fails if a metric's own encoder does; say so in
            // the exposition rather than serving half a page as if it were whole.
            out.clear();
            let _ = writeln!(out, "# the metrics could not be encoded\n# EOF");
        }
        Exposition {
            content_type: CONTENT_TYPE,
            body: out,
        }
    }
}

#[cfg(test)]
mod tests;
