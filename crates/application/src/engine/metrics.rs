use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use socialpub_domain::{AttemptOutcome, JobStatus, Platform};

use crate::lock;

#[derive(Debug, Default, Clone, Copy)]
struct Summary {
    count: u64,
    sum_seconds: f64,
}

impl Summary {
    fn add(&mut self, seconds: f64) {
        self.count += 1;
        self.sum_seconds += seconds;
    }
}

#[derive(Debug, Default)]
struct State {
    attempts: BTreeMap<(&'static str, &'static str), u64>,
    steps: BTreeMap<(&'static str, &'static str), Summary>,
    lateness: BTreeMap<&'static str, Summary>,
    jobs_by_status: Vec<(JobStatus, u64)>,
}

/// What the publishing engine counts, rendered in the Prometheus text format for `/metrics`.
#[derive(Debug, Default)]
pub struct EngineMetrics {
    state: Mutex<State>,
}

impl EngineMetrics {
    pub(crate) fn attempt(&self, platform: Platform, outcome: AttemptOutcome) {
        *lock(&self.state)
            .attempts
            .entry((platform.as_str(), outcome.as_str()))
            .or_default() += 1;
    }

    pub(crate) fn step(&self, platform: Platform, step: &'static str, seconds: f64) {
        lock(&self.state)
            .steps
            .entry((platform.as_str(), step))
            .or_default()
            .add(seconds);
    }

    pub(crate) fn lateness(&self, platform: Platform, seconds: f64) {
        lock(&self.state)
            .lateness
            .entry(platform.as_str())
            .or_default()
            .add(seconds.max(0.0));
    }

    pub(crate) fn set_jobs_by_status(&self, counts: Vec<(JobStatus, u64)>) {
        lock(&self.state).jobs_by_status = counts;
    }

    /// How many attempts ended so, on this platform.
    pub fn attempts(&self, platform: Platform, outcome: AttemptOutcome) -> u64 {
        lock(&self.state)
            .attempts
            .get(&(platform.as_str(), outcome.as_str()))
            .copied()
            .unwrap_or(0)
    }

    /// Appends the exposition lines (`# HELP`, `# TYPE`, samples).
    pub fn render(&self, out: &mut String) {
        let state = lock(&self.state);
        out.push_str("# HELP socialpub_publish_jobs Publish jobs by status (all processes), as last counted by this worker.\n");
        out.push_str("# TYPE socialpub_publish_jobs gauge\n");
        for (status, n) in &state.jobs_by_status {
            let _ = writeln!(out, "socialpub_publish_jobs{{status=\"{status}\"}} {n}");
        }
        let depth: u64 = state
            .jobs_by_status
            .iter()
            .filter(|(s, _)| s.is_claimable())
            .map(|(_, n)| n)
            .sum();
        out.push_str("# HELP socialpub_publish_queue_depth Jobs waiting for a worker (scheduled or pending).\n");
        out.push_str("# TYPE socialpub_publish_queue_depth gauge\n");
        let _ = writeln!(out, "socialpub_publish_queue_depth {depth}");
        out.push_str(
            "# HELP socialpub_publish_attempts_total Publish attempts, by platform and outcome.\n",
        );
        out.push_str("# TYPE socialpub_publish_attempts_total counter\n");
        for ((platform, outcome), n) in &state.attempts {
            let _ = writeln!(
                out,
                "socialpub_publish_attempts_total{{platform=\"{platform}\",outcome=\"{outcome}\"}} {n}"
            );
        }
        out.push_str("# HELP socialpub_platform_call_duration_seconds Time spent in platform calls, by platform and step.\n");
        out.push_str("# TYPE socialpub_platform_call_duration_seconds summary\n");
        for ((platform, step), s) in &state.steps {
            let labels = format!("platform=\"{platform}\",step=\"{step}\"");
            let _ = writeln!(
                out,
                "socialpub_platform_call_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "socialpub_platform_call_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out.push_str("# HELP socialpub_publish_lateness_seconds From a job's due time to its post being live.\n");
        out.push_str("# TYPE socialpub_publish_lateness_seconds summary\n");
        for (platform, s) in &state.lateness {
            let labels = format!("platform=\"{platform}\"");
            let _ = writeln!(
                out,
                "socialpub_publish_lateness_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "socialpub_publish_lateness_seconds_count{{{labels}}} {}",
                s.count
            );
        }
    }
}
