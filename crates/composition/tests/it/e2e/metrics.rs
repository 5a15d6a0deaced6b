//! `/metrics` after a real run: a post published on the simulated X, a webhook delivered, an
//! insights read served twice (a miss, then a hit). The scrape must parse as Prometheus text
//! (OpenMetrics, which Prometheus scrapes natively) under a strict parser, carry every series
//! an operator alerts on, and label HTTP latency by route template, never by raw path.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use socialpub_domain::Platform;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::publish_world::{Backend, World, text_job};

/// One sample line: `name{labels} value`.
#[derive(Debug, Clone)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// One metric family: its `# TYPE` and samples.
#[derive(Debug, Default)]
struct Family {
    kind: String,
    help: bool,
    samples: Vec<Sample>,
}

/// A strict parser of the OpenMetrics text format (the subset prometheus-client writes):
/// every line is a `# HELP`, `# TYPE`, `# UNIT` or sample of the family declared above it,
/// names and labels are well formed, values are numbers, and `# EOF` ends the text.
fn parse(text: &str) -> Result<BTreeMap<String, Family>, String> {
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut ended = false;
    for (n, line) in text.lines().enumerate() {
        let at = |what: &str| format!("line {}: {what}: {line:?}", n + 1);
        if ended {
            return Err(at("text after # EOF"));
        }
        if line == "# EOF" {
            ended = true;
            continue;
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (keyword, name) = (parts.next(), parts.next());
            let (Some(keyword), Some(name)) = (keyword, name) else {
                return Err(at("a comment that is no descriptor"));
            };
            if !valid_name(name) {
                return Err(at("bad metric name"));
            }
            let family = families.entry(name.to_owned()).or_default();
            match keyword {
                "HELP" => family.help = true,
                "TYPE" => {
                    let kind = parts.next().ok_or_else(|| at("TYPE without a type"))?;
                    if ![
                        "counter",
                        "gauge",
                        "histogram",
                        "summary",
                        "unknown",
                        "info",
                    ]
                    .contains(&kind)
                    {
                        return Err(at("unknown type"));
                    }
                    family.kind = kind.to_owned();
                }
                "UNIT" => {}
                _ => return Err(at("unknown descriptor")),
            }
            current = Some(name.to_owned());
            continue;
        }
        let sample = parse_sample(line).map_err(|e| at(&e))?;
        let family_name = current
            .as_deref()
            .ok_or_else(|| at("a sample before any TYPE"))?;
        let family = families
            .get_mut(family_name)
            .ok_or_else(|| at("no family"))?;
        let suffixes: &[&str] = match family.kind.as_str() {
            "counter" => &["_total", "_created"],
            "histogram" => &["_bucket", "_sum", "_count", "_created"],
            _ => &[""],
        };
        let belongs = suffixes
            .iter()
            .any(|s| sample.name == format!("{family_name}{s}"));
        if !belongs {
            return Err(at(&format!("a sample outside its family {family_name}")));
        }
        family.samples.push(sample);
    }
    if !ended {
        return Err("no # EOF at the end".into());
    }
    for (name, family) in &families {
        if family.kind.is_empty() || !family.help {
            return Err(format!("{name} lacks its TYPE or HELP"));
        }
        if family.kind == "histogram" {
            check_histogram(name, family)?;
        }
    }
    Ok(families)
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn parse_sample(line: &str) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ']).ok_or("a sample without a value")?;
    let name = &line[..name_end];
    if !valid_name(name) {
        return Err("bad sample name".into());
    }
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(inner) = rest.strip_prefix('{') {
        let mut chars = inner.char_indices().peekable();
        let mut key = String::new();
        loop {
            let (i, c) = chars.next().ok_or("unterminated labels")?;
            match c {
                '}' if key.is_empty() => {
                    rest = &inner[i + 1..];
                    break;
                }
                '=' => {
                    if !valid_name(&key) {
                        return Err(format!("bad label name {key:?}"));
                    }
                    if chars.next().map(|(_, c)| c) != Some('"') {
                        return Err("a label value must be quoted".into());
                    }
                    let mut value = String::new();
                    loop {
                        let (_, c) = chars.next().ok_or("unterminated label value")?;
                        match c {
                            '"' => break,
                            '\\' => match chars.next().map(|(_, c)| c) {
                                Some('n') => value.push('\n'),
                                Some(c @ ('\\' | '"')) => value.push(c),
                                _ => return Err("bad escape".into()),
                            },
                            c => value.push(c),
                        }
                    }
                    if labels.insert(std::mem::take(&mut key), value).is_some() {
                        return Err("a label given twice".into());
                    }
                    match chars.next().map(|(_, c)| c) {
                        Some(',') => {}
                        Some('}') => {
                            let (i, _) = chars.peek().copied().ok_or("no value")?;
                            rest = &inner[i..];
                            break;
                        }
                        _ => return Err("labels must be separated by commas".into()),
                    }
                }
                c => key.push(c),
            }
        }
    }
    let value = rest.strip_prefix(' ').ok_or("no space before the value")?;
    let value = value.split(' ').next().unwrap_or_default();
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse::<f64>().map_err(|_| format!("bad value {v:?}"))?,
    };
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// Buckets are cumulative and the `+Inf` bucket equals the count, for every label set.
/// One histogram series: its buckets (`le`, cumulative count) and its `_count`.
type Buckets = (Vec<(f64, f64)>, Option<f64>);

fn check_histogram(name: &str, family: &Family) -> Result<(), String> {
    let mut series: BTreeMap<Vec<(String, String)>, Buckets> = BTreeMap::new();
    for sample in &family.samples {
        let mut key: Vec<(String, String)> = sample
            .labels
            .iter()
            .filter(|(k, _)| *k != "le")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        key.sort();
        let entry = series.entry(key).or_default();
        if sample.name.ends_with("_bucket") {
            let le = sample.labels.get("le").ok_or("a bucket without le")?;
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().map_err(|_| format!("bad le {le}"))?
            };
            entry.0.push((le, sample.value));
        } else if sample.name.ends_with("_count") {
            entry.1 = Some(sample.value);
        }
    }
    for (labels, (buckets, count)) in series {
        let cumulative = buckets
            .windows(2)
            .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1);
        let inf = buckets
            .last()
            .filter(|(le, _)| le.is_infinite())
            .map(|b| b.1);
        if !cumulative || inf != count {
            return Err(format!(
                "{name}{labels:?}: buckets {buckets:?}, count {count:?}"
            ));
        }
    }
    Ok(())
}

fn samples<'a>(
    families: &'a BTreeMap<String, Family>,
    family: &str,
    name: &str,
) -> Vec<&'a Sample> {
    let found = families
        .get(family)
        .unwrap_or_else(|| panic!("no family {family} in {:?}", families.keys()));
    found.samples.iter().filter(|s| s.name == name).collect()
}

fn value(
    families: &BTreeMap<String, Family>,
    family: &str,
    name: &str,
    labels: &[(&str, &str)],
) -> f64 {
    samples(families, family, name)
        .into_iter()
        .find(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .unwrap_or_else(|| panic!("no {name}{labels:?}"))
        .value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrape_after_a_publish_parses_and_carries_every_series() {
    let world = World::start_with(Backend::Sqlite, |raw| {
        raw.allow_private_webhook_urls = Some("true".into());
    })
    .await;
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let (status, created) = world
        .post(
            "/webhooks",
            json!({"url": format!("{}/hooks", receiver.uri()), "events": ["job.published"]}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let x = world.connect(Platform::X).await;
    let job = world.publish(text_job(&x, "Counted")).await;
    let id = job["job_id"].as_str().unwrap().to_owned();
    let job = world.settle_one(&id).await;
    assert_eq!(job["status"], "published", "{job}");
    world.deliverer.drain().await.unwrap();
    // A raw path with an id, twice: it must count under its template.
    for _ in 0..2 {
        let (status, _) = world.get(&format!("/jobs/{id}")).await;
        assert_eq!(status, 200);
    }
    let tiktok = world.connect(Platform::Tiktok).await;
    for _ in 0..2 {
        let (status, body) = world
            .get(&format!(
                "/insights/tiktok/best-times?connection_id={tiktok}&tz=UTC"
            ))
            .await;
        assert_eq!(status, 200, "{body}");
    }

    let res = reqwest::get(format!("{}/metrics", world.server.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = res.text().await.unwrap();
    let families = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));

    for family in [
        "socialpub_http_request_duration_seconds",
        "socialpub_platform_call_duration_seconds",
        "socialpub_publish_attempts",
        "socialpub_publish_lateness_seconds",
        "socialpub_publish_jobs",
        "socialpub_publish_queue_depth",
        "socialpub_token_refreshes",
        "socialpub_insights_cache_lookups",
        "socialpub_webhook_deliveries",
        "socialpub_platform_deprecation_signals",
        "socialpub_db_pool_connections",
        "socialpub_db_pool_waiting",
    ] {
        assert!(families.contains_key(family), "{family} missing:\n{text}");
    }
    let route = [
        ("method", "GET"),
        ("route", "/api/v1/jobs/{id}"),
        ("status", "2xx"),
    ];
    let http = "socialpub_http_request_duration_seconds";
    // Twice here, and once more by `settle_one`'s own look.
    assert!(value(&families, http, &format!("{http}_count"), &route) >= 2.0);
    let routes: BTreeSet<&str> = samples(&families, http, &format!("{http}_count"))
        .iter()
        .map(|s| s.labels["route"].as_str())
        .collect();
    assert!(
        routes.iter().all(|r| !r.contains(&id) && !r.contains(&x)),
        "raw ids in route labels: {routes:?}"
    );
    let attempts = "socialpub_publish_attempts";
    assert_eq!(
        value(
            &families,
            attempts,
            &format!("{attempts}_total"),
            &[("platform", "x"), ("outcome", "published")]
        ),
        1.0
    );
    let calls = "socialpub_platform_call_duration_seconds";
    assert!(
        value(
            &families,
            calls,
            &format!("{calls}_count"),
            &[("platform", "x"), ("error_kind", "none")]
        ) >= 1.0
    );
    let lateness = "socialpub_publish_lateness_seconds";
    assert_eq!(
        value(
            &families,
            lateness,
            &format!("{lateness}_count"),
            &[("platform", "x")]
        ),
        1.0
    );
    let jobs = "socialpub_publish_jobs";
    assert_eq!(
        value(&families, jobs, jobs, &[("status", "published")]),
        1.0
    );
    assert_eq!(value(&families, jobs, jobs, &[("status", "pending")]), 0.0);
    let webhooks = "socialpub_webhook_deliveries";
    assert_eq!(
        value(
            &families,
            webhooks,
            &format!("{webhooks}_total"),
            &[("outcome", "delivered")]
        ),
        1.0
    );
    let cache = "socialpub_insights_cache_lookups";
    assert!(
        value(
            &families,
            cache,
            &format!("{cache}_total"),
            &[("result", "miss")]
        ) >= 1.0
    );
    assert!(
        value(
            &families,
            cache,
            &format!("{cache}_total"),
            &[("result", "hit"), ("tier", "memory")]
        ) >= 1.0
    );
    let pool = "socialpub_db_pool_connections";
    assert!(value(&families, pool, pool, &[("state", "idle")]) >= 0.0);
}

#[test]
fn the_parser_refuses_what_prometheus_would() {
    let good = "# HELP a_total x.\n# TYPE a counter\na_total{k=\"v\"} 1\n# EOF\n";
    assert!(parse(&good.replace("a_total x", "a x")).is_ok());
    for bad in [
        "# TYPE a counter\n# HELP a x\na_total{k=\"v\"} 1\n", // no EOF
        "# TYPE a counter\n# HELP a x\na_total{k=v} 1\n# EOF\n", // unquoted
        "# TYPE a counter\n# HELP a x\nb_total 1\n# EOF\n",   // outside its family
        "# TYPE a counter\n# HELP a x\na_total one\n# EOF\n", // not a number
        "# TYPE a histogram\n# HELP a x\na_bucket{le=\"1\"} 2\na_bucket{le=\"+Inf\"} 1\na_count 1\n# EOF\n",
    ] {
        assert!(parse(bad).is_err(), "{bad}");
    }
}
