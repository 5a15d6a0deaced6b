//! Any draft on any platform: the validator must answer with violations, never panic.
//!
//! Input layout: byte 0 picks the platform, byte 1 the number of assets (0–15), then 34 bytes
//! per asset (kind, width, height, duration, size, frame rate, MIME choice), then the text;
//! options are parsed from the text after a NUL when it is JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use socialpub_domain::policy::{AccountLimits, ContentDraft, PlatformPolicyValidator};
use socialpub_domain::{Asset, AssetKind, AssetMetadata, AssetUrl, Platform};

const MIMES: [&str; 8] = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "video/mp4",
    "video/quicktime",
    "text/html",
    "",
    ";",
];

fn asset(chunk: &[u8]) -> Option<Asset> {
    let u32_at = |i: usize| Some(u32::from_le_bytes(chunk.get(i..i + 4)?.try_into().ok()?));
    let u64_at = |i: usize| Some(u64::from_le_bytes(chunk.get(i..i + 8)?.try_into().ok()?));
    let kind = if chunk.first()? % 2 == 0 {
        AssetKind::Image
    } else {
        AssetKind::Video
    };
    Some(Asset {
        url: AssetUrl::parse("https://cdn.example.com/fuzz").ok()?,
        kind,
        metadata: AssetMetadata {
            width: u32_at(1),
            height: u32_at(5),
            duration_seconds: u64_at(9).map(f64::from_bits),
            size_bytes: u64_at(17),
            frame_rate: u64_at(25).map(f64::from_bits),
            mime_type: Some(MIMES[usize::from(*chunk.get(33)?) % MIMES.len()].to_owned()),
        },
    })
}

fuzz_target!(|data: &[u8]| {
    let (Some(&platform), Some(&count)) = (data.first(), data.get(1)) else {
        return;
    };
    let platform = Platform::ALL[usize::from(platform) % Platform::ALL.len()];
    let count = usize::from(count % 16);
    let assets_end = (2 + count * 34).min(data.len());
    let assets: Vec<Asset> = data[2..assets_end].chunks(34).filter_map(asset).collect();
    let Ok(rest) = std::str::from_utf8(&data[assets_end..]) else {
        return;
    };
    let (text, raw_options) = rest.split_once('\0').unwrap_or((rest, ""));
    let options: Map<String, Value> = serde_json::from_str(raw_options).unwrap_or_default();
    let account = AccountLimits {
        privacy_level_options: Some(vec!["SELF_ONLY".into()]),
        max_video_duration_seconds: Some(f64::from(count as u32)),
        comment_disabled: true,
        ..AccountLimits::default()
    };
    let validator = PlatformPolicyValidator::default();
    let draft = ContentDraft::new(platform, text, &assets, &options);
    let _ = validator.validate(&draft);
    let _ = validator.validate(&draft.with_account_limits(&account));
});
