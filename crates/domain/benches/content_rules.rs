//! Throughput of the content rules: the X weighted length and a full validation, on texts and
//! drafts like the ones the web app sends. Prints nanoseconds per operation; asserts nothing.
//!
//! These machines are shared and noisy, so each case is printed beside a reference measured in
//! the same run, right after it: one trivial pass over the same text (the UTF-16 length of
//! each character, summed). The `× ref` column (case ÷ reference) moves with the code, not with
//! the load: when both figures grow together the machine was busy; when only the ratio grows,
//! the code got slower.
//!
//! `just bench` runs every case; `just bench linkedin` (any argument) only the cases whose
//! name contains it, which keeps a profiler's output to the case under study.

use std::hint::black_box;
use std::time::{Duration, Instant};

use socialpub_domain::policy::{ContentDraft, PlatformPolicyValidator};
use socialpub_domain::{Asset, AssetKind, AssetMetadata, AssetUrl, Platform};
use socialpub_twitter_text::{TwitterTextConfig, parse_tweet};

/// Runs `op` repeatedly for about `budget` and returns the mean time per call.
fn measure(budget: Duration, mut op: impl FnMut()) -> (f64, u64) {
    for _ in 0..100 {
        op();
    }
    let started = Instant::now();
    let mut iterations = 0u64;
    while started.elapsed() < budget {
        for _ in 0..100 {
            op();
        }
        iterations += 100;
    }
    (
        started.elapsed().as_nanos() as f64 / iterations as f64,
        iterations,
    )
}

/// The cases named on the command line (cargo adds `--bench`, which is not a name).
fn selected(name: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .map(|arg| arg.to_lowercase())
        .collect();
    filters.is_empty() || filters.iter().any(|f| name.to_lowercase().contains(f))
}

/// The reference: a full pass over `text` that does next to nothing with each character.
/// Half the budget is plenty for something this steady, and keeps `just bench` short.
fn reference(budget: Duration, text: &str) -> f64 {
    measure(budget / 2, || {
        black_box(black_box(text).chars().map(char::len_utf16).sum::<usize>());
    })
    .0
}

fn header() {
    println!(
        "{:<58} {:>10} {:>10} {:>8}  iterations",
        "case", "ns/op", "ref ns/op", "× ref"
    );
}

fn report(name: &str, (ns, iterations): (f64, u64), reference_ns: f64) {
    println!(
        "{name:<58} {ns:>10.0} {reference_ns:>10.0} {:>8.1}  {iterations}",
        ns / reference_ns.max(1.0)
    );
}

fn main() {
    let budget = Duration::from_millis(
        std::env::var("BENCH_MILLIS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000),
    );
    header();
    let v3 = TwitterTextConfig::v3();
    let texts = [
        ("ascii, 120 chars", "Launching our new collection today! Check it out at https://example.com/new #fashion #launch @friends ok".to_owned()),
        ("emoji and CJK, 140 chars", "新しいコレクション 🎉🎉👩‍👩‍👧‍👦 ".repeat(6)),
        ("long, 2 000 chars with URLs", "Read more at https://example.com/a/b?c=d and example.org ".repeat(36)),
    ];
    for (name, text) in &texts {
        let name = format!("twitter-text weighted length: {name}");
        if !selected(&name) {
            continue;
        }
        let measured = measure(budget, || {
            black_box(parse_tweet(black_box(text), &v3));
        });
        report(&name, measured, reference(budget, text));
    }

    let validator = PlatformPolicyValidator::default();
    let options = serde_json::Map::new();
    let image = |w: u32, h: u32| Asset {
        url: AssetUrl::parse("https://cdn.example.com/a.jpg").unwrap_or_else(|e| panic!("{e}")),
        kind: AssetKind::Image,
        metadata: AssetMetadata {
            width: Some(w),
            height: Some(h),
            size_bytes: Some(2_000_000),
            mime_type: Some("image/jpeg".into()),
            ..AssetMetadata::default()
        },
    };
    let carousel: Vec<Asset> = (0..10).map(|_| image(1080, 1350)).collect();
    let caption = format!(
        "{} {}",
        "Behind the scenes of our shoot.".repeat(20),
        "#tag ".repeat(25)
    );
    let drafts = [
        ("X text post", Platform::X, texts[0].1.clone(), Vec::new()),
        (
            "Instagram 10-image carousel, 25 hashtags",
            Platform::Instagram,
            caption,
            carousel,
        ),
        (
            "LinkedIn image post",
            Platform::Linkedin,
            texts[2].1.clone(),
            vec![image(1200, 627)],
        ),
    ];
    for (name, platform, text, assets) in &drafts {
        let name = format!("validate: {name}");
        if !selected(&name) {
            continue;
        }
        let measured = measure(budget, || {
            let draft = ContentDraft::new(*platform, text, assets, &options);
            black_box(validator.validate(black_box(&draft)));
        });
        report(&name, measured, reference(budget, text));
    }
}
