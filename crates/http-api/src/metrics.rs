//! Prometheus metrics in the text exposition format, hand-rolled: a handful of atomic
//! counters do not justify a metrics stack.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::http::Method;

const METHODS: [&str; 5] = ["GET", "POST", "PATCH", "DELETE", "OTHER"];
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Gauges a process adds to `/metrics` from outside this crate (the database pool).
pub trait MetricsSource: Send + Sync {
    /// Appends complete exposition lines (`# HELP`, `# TYPE` and samples).
    fn render(&self, out: &mut String);
}

/// Counters of the HTTP traffic this process served.
#[derive(Default)]
pub struct HttpMetrics {
    requests: [[AtomicU64; CLASSES.len()]; METHODS.len()],
    duration_micros_sum: AtomicU64,
    duration_count: AtomicU64,
}

impl HttpMetrics {
    pub fn record(&self, method: &Method, status: u16, elapsed_micros: u64) {
        let m = METHODS
            .iter()
            .position(|m| *m == method.as_str())
            .unwrap_or(METHODS.len() - 1);
        let c = usize::from(status / 100)
            .saturating_sub(1)
            .min(CLASSES.len() - 1);
        if let Some(counter) = self.requests.get(m).and_then(|row| row.get(c)) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        self.duration_micros_sum
            .fetch_add(elapsed_micros, Ordering::Relaxed);
        self.duration_count.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self, out: &mut String) {
        out.push_str("# HELP socialpub_http_requests_total HTTP requests served, by method and status class.\n");
        out.push_str("# TYPE socialpub_http_requests_total counter\n");
        for (method, row) in METHODS.iter().zip(&self.requests) {
            for (class, counter) in CLASSES.iter().zip(row) {
                let n = counter.load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "socialpub_http_requests_total{{method=\"{method}\",status=\"{class}\"}} {n}"
                    );
                }
            }
        }
        let sum = self.duration_micros_sum.load(Ordering::Relaxed) as f64 / 1e6;
        let count = self.duration_count.load(Ordering::Relaxed);
        out.push_str(
            "# HELP socialpub_http_request_duration_seconds Time spent serving HTTP requests.\n",
        );
        out.push_str("# TYPE socialpub_http_request_duration_seconds summary\n");
        let _ = writeln!(out, "socialpub_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "socialpub_http_request_duration_seconds_count {count}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_method_and_status_class() {
        let metrics = HttpMetrics::default();
        metrics.record(&Method::GET, 200, 1_500);
        metrics.record(&Method::GET, 204, 500);
        metrics.record(&Method::PUT, 405, 100);
        metrics.record(&Method::POST, 503, 100);
        let mut out = String::new();
        metrics.render(&mut out);
        assert!(
            out.contains("socialpub_http_requests_total{method=\"GET\",status=\"2xx\"} 2\n"),
            "{out}"
        );
        assert!(out.contains("socialpub_http_requests_total{method=\"OTHER\",status=\"4xx\"} 1\n"));
        assert!(out.contains("socialpub_http_requests_total{method=\"POST\",status=\"5xx\"} 1\n"));
        assert!(out.contains("socialpub_http_request_duration_seconds_sum 0.0022\n"));
        assert!(out.contains("socialpub_http_request_duration_seconds_count 4\n"));
    }
}
