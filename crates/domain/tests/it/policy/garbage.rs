//! Impossible metadata is reported, never trusted, and never panics.

use serde_json::json;
use socialpub_domain::AssetKind;
use socialpub_domain::Platform::{self, Instagram, Tiktok, X};

use super::support::*;

#[test]
fn zero_and_absurd_dimensions_are_invalid_metadata() {
    let zero = with(image(0, 1080), |_| {});
    let v = check(Instagram, "", &[zero], none());
    assert_only(&v, "invalid_metadata", "assets[0].metadata.width");
    let huge = with(image(1080, 1_000_000_000), |_| {});
    let v = check(Instagram, "", &[huge], none());
    assert_only(&v, "invalid_metadata", "assets[0].metadata.height");
}

#[test]
fn impossible_durations_and_frame_rates_are_invalid_metadata() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.0] {
        let v = check(X, "", &[video(bad)], none());
        assert_only(
            &v,
            "invalid_metadata",
            "assets[0].metadata.duration_seconds",
        );
        let fps = with(video(10.0), |m| m.frame_rate = Some(bad));
        let v = check(X, "", &[fps], none());
        assert_only(&v, "invalid_metadata", "assets[0].metadata.frame_rate");
    }
}

#[test]
fn an_empty_file_is_invalid_metadata() {
    let empty = with(image(1080, 1080), |m| m.size_bytes = Some(0));
    assert_only(
        &check(Instagram, "", &[empty], none()),
        "invalid_metadata",
        "assets[0].metadata.size_bytes",
    );
}

#[test]
fn a_mime_type_of_the_wrong_kind_is_a_mismatch() {
    let v = with(image(1080, 1080), |m| {
        m.mime_type = Some("video/mp4".into())
    });
    assert_only(
        &check(Instagram, "", &[v], none()),
        "mime_type_mismatch",
        "assets[0].metadata.mime_type",
    );
    let v = with(video(10.0), |m| m.mime_type = Some("text/html".into()));
    assert_only(
        &check(X, "", &[v], none()),
        "mime_type_mismatch",
        "assets[0].metadata.mime_type",
    );
}

#[test]
fn unknown_metadata_is_not_checked() {
    for platform in [Instagram, X] {
        assert_ok(&check(platform, "hi", &[bare(AssetKind::Image)], none()));
    }
    assert_ok(&check(
        Tiktok,
        "",
        &[bare(AssetKind::Video)],
        json!({"privacy_level": "SELF_ONLY"}),
    ));
}

#[test]
fn unknown_and_non_string_content_kinds_are_violations() {
    let v = check(
        Instagram,
        "",
        &[image(1080, 1080)],
        json!({"content_kind": "hologram"}),
    );
    assert_only(
        &v,
        "unknown_content_kind",
        "platform_specific_options.content_kind",
    );
    let v = check(
        Instagram,
        "",
        &[image(1080, 1080)],
        json!({"content_kind": 7}),
    );
    assert_only(
        &v,
        "invalid_option",
        "platform_specific_options.content_kind",
    );
}

#[test]
fn nothing_panics_on_any_platform_with_wild_input() {
    let wild = [
        with(image(u32::MAX, u32::MAX), |m| {
            m.size_bytes = Some(u64::MAX);
            m.mime_type = Some(";;".into());
            m.duration_seconds = Some(f64::MAX);
            m.frame_rate = Some(f64::MIN_POSITIVE);
        }),
        with(video(f64::MAX), |m| {
            m.frame_rate = Some(1e300);
            m.width = Some(1);
            m.height = Some(u32::MAX);
        }),
    ];
    let texts = [
        "",
        "#",
        "＃＃＃",
        "@@@",
        "$",
        "\u{FEFF}",
        "http://",
        "a.b.c.d.e.f.g",
    ];
    for platform in Platform::ALL {
        for text in texts {
            for kind in ["text", "image", "carousel", "video", "reel", "story", "??"] {
                let _ = check(
                    platform,
                    text,
                    &wild,
                    json!({"content_kind": kind, "photo_cover_index": u64::MAX}),
                );
            }
        }
    }
}
