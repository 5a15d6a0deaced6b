use socialpub_domain::{AttemptOutcome, JobStatus, Platform};
use socialpub_ports::{CacheLookup, CallOutcome, Metrics, PlatformErrorKind};

use crate::PrometheusMetrics;

fn sample(out: &str, series: &str) -> Option<f64> {
    out.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn counters_count_by_their_labels() {
    let metrics = PrometheusMetrics::new();
    metrics.attempt(Platform::X, AttemptOutcome::Published);
    metrics.attempt(Platform::X, AttemptOutcome::Published);
    metrics.attempt(Platform::Linkedin, AttemptOutcome::Retrying);
    metrics.cache_lookup(CacheLookup::RedisHit);
    metrics.cache_lookup(CacheLookup::Miss);
    let out = metrics.render().body;
    assert_eq!(
        sample(
            &out,
            r#"socialpub_publish_attempts_total{platform="x",outcome="published"}"#
        ),
        Some(2.0),
        "{out}"
    );
    assert_eq!(
        sample(
            &out,
            r#"socialpub_publish_attempts_total{platform="linkedin",outcome="retrying"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &out,
            r#"socialpub_insights_cache_lookups_total{result="hit",tier="redis"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &out,
            r#"socialpub_insights_cache_lookups_total{result="miss",tier="none"}"#
        ),
        Some(1.0)
    );
    assert!(out.ends_with("# EOF\n"), "{out}");
}

#[test]
fn http_latency_is_a_histogram_by_route_template_and_status_class() {
    let metrics = PrometheusMetrics::new();
    metrics.http_request("GET", "/api/v1/jobs/{id}", 200, 0.003);
    metrics.http_request("GET", "/api/v1/jobs/{id}", 204, 0.5);
    metrics.http_request("BREW", "unmatched", 404, 0.000_1);
    let out = metrics.render().body;
    let labels = r#"method="GET",route="/api/v1/jobs/{id}",status="2xx""#;
    assert_eq!(
        sample(
            &out,
            &format!("socialpub_http_request_duration_seconds_count{{{labels}}}")
        ),
        Some(2.0),
        "{out}"
    );
    assert_eq!(
        sample(
            &out,
            &format!("socialpub_http_request_duration_seconds_sum{{{labels}}}")
        ),
        Some(0.503)
    );
    // 0.003 s falls in the 4 ms bucket, 0.5 s does not.
    assert_eq!(
        sample(
            &out,
            &format!("socialpub_http_request_duration_seconds_bucket{{le=\"0.004\",{labels}}}")
        ),
        Some(1.0),
        "{out}"
    );
    // An invented method shares one label value: clients cannot add series.
    assert!(
        out.contains(r#"method="OTHER",route="unmatched",status="4xx""#),
        "{out}"
    );
    assert!(!out.contains("BREW"));
}

#[test]
fn jobs_by_status_covers_every_status_and_sums_the_queue() {
    let metrics = PrometheusMetrics::new();
    metrics.jobs_by_status(&[
        (JobStatus::Scheduled, 4),
        (JobStatus::Pending, 2),
        (JobStatus::Published, 9),
    ]);
    let out = metrics.render().body;
    assert_eq!(
        sample(&out, r#"socialpub_publish_jobs{status="published"}"#),
        Some(9.0)
    );
    assert_eq!(
        sample(&out, r#"socialpub_publish_jobs{status="failed"}"#),
        Some(0.0),
        "{out}"
    );
    assert_eq!(sample(&out, "socialpub_publish_queue_depth"), Some(6.0));
    // A later count replaces the earlier one.
    metrics.jobs_by_status(&[(JobStatus::Published, 15)]);
    let out = metrics.render().body;
    assert_eq!(
        sample(&out, r#"socialpub_publish_jobs{status="scheduled"}"#),
        Some(0.0)
    );
    assert_eq!(sample(&out, "socialpub_publish_queue_depth"), Some(0.0));
}

#[test]
fn platform_calls_carry_the_error_kind() {
    let metrics = PrometheusMetrics::new();
    metrics.platform_call(
        Platform::Instagram,
        "create_container",
        CallOutcome::Ok,
        0.2,
    );
    metrics.platform_call(
        Platform::Instagram,
        "create_container",
        CallOutcome::Error(PlatformErrorKind::Quota),
        0.1,
    );
    metrics.platform_call(Platform::Instagram, "publish", CallOutcome::Timeout, 30.0);
    let out = metrics.render().body;
    for kind in ["none", "quota"] {
        let series = format!(
            "socialpub_platform_call_duration_seconds_count{{platform=\"instagram\",step=\"create_container\",error_kind=\"{kind}\"}}"
        );
        assert_eq!(sample(&out, &series), Some(1.0), "{out}");
    }
    assert!(out.contains(r#"step="publish",error_kind="timeout""#));
}
