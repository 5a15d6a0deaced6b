//! The rules as the API publishes them, kind inference, and many violations at once.

use serde_json::json;
use socialpub_domain::AssetKind;
use socialpub_domain::Platform::{self, Instagram, Linkedin, X};
use socialpub_domain::policy::{
    ContentKind, RULES_VERSION, resolve_content_kind, rules_for, versioned_rules,
};

use super::support::*;

#[test]
fn every_platform_publishes_its_rules_as_json() {
    for platform in Platform::ALL {
        let json = serde_json::to_value(versioned_rules(platform)).unwrap();
        assert_eq!(json["version"], RULES_VERSION);
        assert_eq!(json["rules"]["platform"], platform.as_str());
        assert!(
            json["rules"]["kinds"]
                .as_array()
                .is_some_and(|k| !k.is_empty())
        );
    }
    let instagram = serde_json::to_value(rules_for(Instagram)).unwrap();
    assert_eq!(instagram["text"]["max_hashtags"], 5);
    assert_eq!(instagram["kinds"][1]["kind"], "carousel");
}

#[test]
fn kinds_are_inferred_from_the_assets() {
    let none = options(json!({}));
    let kind = |platform, assets: &[_]| resolve_content_kind(platform, assets, &none).unwrap();
    assert_eq!(kind(X, &[]), ContentKind::Text);
    assert_eq!(kind(X, &[image(1, 1)]), ContentKind::Image);
    assert_eq!(kind(X, &[video(1.0)]), ContentKind::Video);
    assert_eq!(kind(Instagram, &[video(1.0)]), ContentKind::Reel);
    assert_eq!(
        kind(Linkedin, &[image(1, 1), image(1, 1)]),
        ContentKind::Carousel
    );
    let story = options(json!({"content_kind": "Story"}));
    assert_eq!(
        resolve_content_kind(Instagram, &[], &story).unwrap(),
        ContentKind::Story
    );
}

#[test]
fn a_post_breaking_several_rules_gets_every_violation() {
    let text = format!(
        "{} {} #tag-with-dash #followforfollow",
        hashtags(31),
        "x".repeat(2200)
    );
    let assets = [
        with(image(1080, 1080), |m| {
            m.mime_type = Some("image/png".into())
        }),
        with(image(3000, 1000), |m| m.size_bytes = Some(9 * 1024 * 1024)),
        with(video(1.0), |m| m.frame_rate = Some(f64::NAN)),
        with(video(1000.0), |m| m.frame_rate = Some(120.0)),
        bare(AssetKind::Image),
        bare(AssetKind::Image),
        bare(AssetKind::Image),
        bare(AssetKind::Image),
        bare(AssetKind::Image),
        bare(AssetKind::Image),
        bare(AssetKind::Image),
    ];
    let v = check(Instagram, &text, &assets, json!({"share_to_feed": "sure"}));
    let found: Vec<(&str, &str)> = v.iter().map(|v| (v.code, v.field.as_str())).collect();
    let expected = [
        ("text_too_long", "text_content"),
        ("too_many_hashtags", "text_content"),
        ("malformed_hashtag", "text_content"),
        ("banned_hashtag", "text_content"),
        ("too_many_media", "assets"),
        ("unsupported_media_type", "assets[0].metadata.mime_type"),
        ("image_too_large", "assets[1].metadata.size_bytes"),
        ("aspect_ratio_out_of_range", "assets[1].metadata"),
        ("invalid_metadata", "assets[2].metadata.frame_rate"),
        ("video_too_short", "assets[2].metadata.duration_seconds"),
        ("video_too_long", "assets[3].metadata.duration_seconds"),
        ("frame_rate_out_of_range", "assets[3].metadata.frame_rate"),
        ("invalid_option", "platform_specific_options.share_to_feed"),
    ];
    assert_eq!(found, expected, "{v:#?}");
    let json = serde_json::to_value(&v[0]).unwrap();
    assert_eq!(json["code"], "text_too_long");
    assert_eq!(json["limit"], 2200);
}
