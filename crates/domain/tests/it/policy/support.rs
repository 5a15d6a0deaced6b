use serde_json::{Map, Value, json};
use socialpub_domain::policy::{AccountLimits, ContentDraft, PlatformPolicyValidator, Violation};
use socialpub_domain::{Asset, AssetKind, AssetMetadata, AssetUrl, Platform};

pub fn image(width: u32, height: u32) -> Asset {
    Asset {
        url: AssetUrl::parse("https://cdn.example.com/a.jpg").expect("a valid test URL"),
        kind: AssetKind::Image,
        metadata: AssetMetadata {
            width: Some(width),
            height: Some(height),
            mime_type: Some("image/jpeg".into()),
            size_bytes: Some(1_000_000),
            ..AssetMetadata::default()
        },
    }
}

pub fn video(seconds: f64) -> Asset {
    Asset {
        url: AssetUrl::parse("https://cdn.example.com/v.mp4").expect("a valid test URL"),
        kind: AssetKind::Video,
        metadata: AssetMetadata {
            duration_seconds: Some(seconds),
            mime_type: Some("video/mp4".into()),
            ..AssetMetadata::default()
        },
    }
}

pub fn bare(kind: AssetKind) -> Asset {
    Asset {
        url: AssetUrl::parse("https://cdn.example.com/x").expect("a valid test URL"),
        kind,
        metadata: AssetMetadata::default(),
    }
}

pub fn with(mut asset: Asset, change: impl FnOnce(&mut AssetMetadata)) -> Asset {
    change(&mut asset.metadata);
    asset
}

pub fn options(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub fn check(platform: Platform, text: &str, assets: &[Asset], opts: Value) -> Vec<Violation> {
    let opts = options(opts);
    PlatformPolicyValidator::default().validate(&ContentDraft::new(platform, text, assets, &opts))
}

pub fn check_with_account(
    platform: Platform,
    text: &str,
    assets: &[Asset],
    opts: Value,
    account: &AccountLimits,
) -> Vec<Violation> {
    let opts = options(opts);
    let draft = ContentDraft::new(platform, text, assets, &opts).with_account_limits(account);
    PlatformPolicyValidator::default().validate(&draft)
}

pub fn codes(violations: &[Violation]) -> Vec<&'static str> {
    violations.iter().map(|v| v.code).collect()
}

/// Asserts the draft passes, showing the violations when it does not.
pub fn assert_ok(violations: &[Violation]) {
    assert!(
        violations.is_empty(),
        "expected no violation, got {violations:#?}"
    );
}

/// Asserts exactly one violation with `code` on `field`.
pub fn assert_only(violations: &[Violation], code: &str, field: &str) {
    assert_eq!(
        violations.len(),
        1,
        "expected only {code}, got {violations:#?}"
    );
    assert_eq!(violations[0].code, code);
    assert_eq!(violations[0].field, field);
}

pub fn none() -> Value {
    json!({})
}

pub fn hashtags(count: usize) -> String {
    (0..count)
        .map(|i| format!("#tag{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn mentions(count: usize) -> String {
    (0..count)
        .map(|i| format!("@user{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}
