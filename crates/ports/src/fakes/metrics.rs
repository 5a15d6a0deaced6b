use std::sync::Mutex;

use socialpub_domain::{AttemptOutcome, JobStatus, Platform};

use super::lock;
use crate::{
    CacheLookup, CallOutcome, DeliveryOutcome, Exposition, Metrics, NoMetrics, PoolGauges,
    RefreshOutcome,
};

/// One event handed to [`RecordingMetrics`].
#[derive(Debug, Clone, PartialEq)]
pub enum MetricEvent {
    Http {
        method: String,
        route: String,
        status: u16,
    },
    PlatformCall {
        platform: Platform,
        step: &'static str,
        outcome: CallOutcome,
    },
    Attempt {
        platform: Platform,
        outcome: AttemptOutcome,
    },
    Lateness {
        platform: Platform,
        seconds: f64,
    },
    JobsByStatus(Vec<(JobStatus, u64)>),
    TokenRefresh {
        platform: Platform,
        outcome: RefreshOutcome,
    },
    Cache(CacheLookup),
    Webhook(DeliveryOutcome),
    Deprecation {
        platform: Platform,
        distinct_signs: u64,
    },
    Pool(PoolGauges),
}

/// Keeps every event, in order, for tests to look at (durations other than lateness are
/// dropped: tests pin what was counted, not how long it took).
#[derive(Debug, Default)]
pub struct RecordingMetrics(Mutex<Vec<MetricEvent>>);

impl RecordingMetrics {
    pub fn events(&self) -> Vec<MetricEvent> {
        lock(&self.0).clone()
    }

    fn push(&self, event: MetricEvent) {
        lock(&self.0).push(event);
    }
}

impl Metrics for RecordingMetrics {
    fn http_request(&self, method: &str, route: &str, status: u16, _: f64) {
        self.push(MetricEvent::Http {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        });
    }
    fn platform_call(&self, platform: Platform, step: &'static str, outcome: CallOutcome, _: f64) {
        self.push(MetricEvent::PlatformCall {
            platform,
            step,
            outcome,
        });
    }
    fn attempt(&self, platform: Platform, outcome: AttemptOutcome) {
        self.push(MetricEvent::Attempt { platform, outcome });
    }
    fn lateness(&self, platform: Platform, seconds: f64) {
        self.push(MetricEvent::Lateness { platform, seconds });
    }
    fn jobs_by_status(&self, counts: &[(JobStatus, u64)]) {
        self.push(MetricEvent::JobsByStatus(counts.to_vec()));
    }
    fn token_refresh(&self, platform: Platform, outcome: RefreshOutcome) {
        self.push(MetricEvent::TokenRefresh { platform, outcome });
    }
    fn cache_lookup(&self, lookup: CacheLookup) {
        self.push(MetricEvent::Cache(lookup));
    }
    fn webhook_delivery(&self, outcome: DeliveryOutcome) {
        self.push(MetricEvent::Webhook(outcome));
    }
    fn deprecation_signals(&self, platform: Platform, distinct_signs: u64) {
        self.push(MetricEvent::Deprecation {
            platform,
            distinct_signs,
        });
    }
    fn db_pool(&self, pool: PoolGauges) {
        self.push(MetricEvent::Pool(pool));
    }
    fn render(&self) -> Exposition {
        NoMetrics.render()
    }
}
