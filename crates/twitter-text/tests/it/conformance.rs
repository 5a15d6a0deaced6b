//! twitter-text's own conformance data, run case by case against our port.
//!
//! `tests/data/validate.yml` is upstream's file, unmodified (see `tests/data/NOTICE`), read at
//! test time so that a newer copy dropped in its place is run without touching code.

use std::path::Path;

use serde::Deserialize;
use socialpub_twitter_text::{TwitterTextConfig, parse_tweet};

#[derive(Deserialize)]
struct ValidateFile {
    tests: Sections,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Sections {
    #[serde(rename = "tweets")]
    tweets: Vec<Case<bool>>,
    weighted_tweets_counter_test: Vec<Case<Expected>>,
    weighted_tweets_with_discounted_emoji_counter_test: Vec<Case<Expected>>,
    unicode_directional_marker_counter_test: Vec<Case<Expected>>,
}

#[derive(Deserialize)]
struct Case<E> {
    description: String,
    text: String,
    expected: E,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Expected {
    weighted_length: u64,
    valid: bool,
    permillage: u64,
    display_range_start: Option<usize>,
    display_range_end: Option<usize>,
    valid_range_start: Option<usize>,
    valid_range_end: Option<usize>,
}

const SECTIONS: [&str; 4] = [
    "tweets",
    "WeightedTweetsCounterTest",
    "WeightedTweetsWithDiscountedEmojiCounterTest",
    "UnicodeDirectionalMarkerCounterTest",
];

fn validate_yml() -> (ValidateFile, usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/validate.yml");
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "twitter-text conformance data missing at {}: {e}",
            path.display()
        )
    });
    let parsed = serde_yaml::from_str(&raw).expect("validate.yml has the expected shape");
    // Counted from the raw document too, so a case the typed reading skipped cannot hide.
    let value: serde_yaml::Value = serde_yaml::from_str(&raw).expect("validate.yml is YAML");
    let in_file = SECTIONS
        .iter()
        .map(|section| {
            value["tests"][*section]
                .as_sequence()
                .map_or(0, |cases| cases.len())
        })
        .sum();
    (parsed, in_file)
}

/// Every case's mismatches, so that one run shows them all instead of the first.
fn check_weighted(
    section: &str,
    cases: &[Case<Expected>],
    config: &TwitterTextConfig,
) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        let parsed = parse_tweet(&case.text, config);
        let e = &case.expected;
        let mut checks = vec![
            ("weightedLength", e.weighted_length, parsed.weighted_length),
            ("valid", u64::from(e.valid), u64::from(parsed.valid)),
            ("permillage", e.permillage, parsed.permillage),
        ];
        let ranges = [
            (
                "displayRangeStart",
                e.display_range_start,
                parsed.display_range.start,
            ),
            (
                "displayRangeEnd",
                e.display_range_end,
                parsed.display_range.end,
            ),
            (
                "validRangeStart",
                e.valid_range_start,
                parsed.valid_range.start,
            ),
            ("validRangeEnd", e.valid_range_end, parsed.valid_range.end),
        ];
        for (name, expected, actual) in ranges {
            if let Some(expected) = expected {
                checks.push((name, expected as u64, actual as u64));
            }
        }
        for (name, expected, actual) in checks {
            if expected != actual {
                failures.push(format!(
                    "{section} / {}: {name} expected {expected}, got {actual}",
                    case.description
                ));
            }
        }
    }
    failures
}

#[test]
fn every_twitter_text_length_case_passes() {
    let (file, in_file) = validate_yml();
    let sections = &file.tests;
    let mut failures = Vec::new();
    let mut ran = 0;

    for case in &sections.tweets {
        let parsed = parse_tweet(&case.text, &TwitterTextConfig::v1());
        if parsed.valid != case.expected {
            failures.push(format!(
                "tweets / {}: valid expected {}, got {}",
                case.description, case.expected, parsed.valid
            ));
        }
    }
    ran += sections.tweets.len();

    let weighted = [
        (
            "WeightedTweetsCounterTest",
            &sections.weighted_tweets_counter_test,
            TwitterTextConfig::v2(),
        ),
        (
            "WeightedTweetsWithDiscountedEmojiCounterTest",
            &sections.weighted_tweets_with_discounted_emoji_counter_test,
            TwitterTextConfig::v3(),
        ),
        (
            "UnicodeDirectionalMarkerCounterTest",
            &sections.unicode_directional_marker_counter_test,
            TwitterTextConfig::v3(),
        ),
    ];
    for (section, cases, config) in &weighted {
        failures.extend(check_weighted(section, cases, config));
        ran += cases.len();
        println!("{section}: {} cases", cases.len());
    }
    println!(
        "tweets: {} cases; {ran} cases in all",
        sections.tweets.len()
    );

    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        ran, in_file,
        "every case of the four sections in the file ran"
    );
    // 8 + 20 + 22 + 2 in the copy of 2020-03-31 (twitter-text 3.1.0); a new copy changes this.
    assert_eq!(ran, 52, "every case of the four sections ran");
}
