use serde_json::json;
use socialpub_domain::Platform::Tiktok;
use socialpub_domain::policy::AccountLimits;

use super::support::*;

fn public() -> serde_json::Value {
    json!({"privacy_level": "PUBLIC_TO_EVERYONE"})
}

#[test]
fn tiktok_needs_a_privacy_level_chosen_from_the_four() {
    assert_ok(&check(Tiktok, "", &[video(30.0)], public()));
    assert_only(
        &check(Tiktok, "", &[video(30.0)], none()),
        "option_required",
        "platform_specific_options.privacy_level",
    );
    assert_only(
        &check(
            Tiktok,
            "",
            &[video(30.0)],
            json!({"privacy_level": "FRIENDS"}),
        ),
        "invalid_option",
        "platform_specific_options.privacy_level",
    );
}

#[test]
fn tiktok_privacy_level_must_be_one_the_creator_may_use() {
    let account = AccountLimits {
        privacy_level_options: Some(vec!["SELF_ONLY".into(), "MUTUAL_FOLLOW_FRIENDS".into()]),
        ..AccountLimits::default()
    };
    let private = json!({"privacy_level": "SELF_ONLY"});
    assert_ok(&check_with_account(
        Tiktok,
        "",
        &[video(30.0)],
        private,
        &account,
    ));
    assert_only(
        &check_with_account(Tiktok, "", &[video(30.0)], public(), &account),
        "privacy_level_not_allowed",
        "platform_specific_options.privacy_level",
    );
}

#[test]
fn tiktok_videos_respect_the_creators_maximum_duration() {
    let account = AccountLimits {
        max_video_duration_seconds: Some(60.0),
        ..AccountLimits::default()
    };
    assert_ok(&check_with_account(
        Tiktok,
        "",
        &[video(60.0)],
        public(),
        &account,
    ));
    let v = check_with_account(Tiktok, "", &[video(61.0)], public(), &account);
    assert_only(&v, "video_too_long", "assets[0].metadata.duration_seconds");
    assert_eq!(v[0].limit, Some(json!(60.0)));
}

#[test]
fn tiktok_videos_last_at_most_ten_minutes_without_creator_info() {
    assert_ok(&check(Tiktok, "", &[video(600.0)], public()));
    assert_only(
        &check(Tiktok, "", &[video(600.5)], public()),
        "video_too_long",
        "assets[0].metadata.duration_seconds",
    );
}

#[test]
fn tiktok_videos_are_360_to_4096_px_and_23_to_60_fps() {
    let sized = |w, h| with(video(30.0), |m| (m.width, m.height) = (Some(w), Some(h)));
    assert_ok(&check(Tiktok, "", &[sized(360, 4096)], public()));
    assert_only(
        &check(Tiktok, "", &[sized(359, 640)], public()),
        "dimensions_out_of_range",
        "assets[0].metadata.width",
    );
    assert_only(
        &check(Tiktok, "", &[sized(1080, 4097)], public()),
        "dimensions_out_of_range",
        "assets[0].metadata.height",
    );
    let fps = |f| with(video(30.0), |m| m.frame_rate = Some(f));
    assert_ok(&check(Tiktok, "", &[fps(23.0)], public()));
    assert_only(
        &check(Tiktok, "", &[fps(22.0)], public()),
        "frame_rate_out_of_range",
        "assets[0].metadata.frame_rate",
    );
}

#[test]
fn tiktok_captions_count_2200_utf16_units() {
    // An emoji outside the BMP is two UTF-16 units.
    assert_ok(&check(Tiktok, &"😀".repeat(1100), &[video(30.0)], public()));
    assert_only(
        &check(
            Tiktok,
            &format!("{}a", "😀".repeat(1100)),
            &[video(30.0)],
            public(),
        ),
        "text_too_long",
        "text_content",
    );
}

#[test]
fn tiktok_photo_posts_take_up_to_35_jpeg_or_webp_photos() {
    assert_ok(&check(Tiktok, "", &vec![image(1080, 1350); 35], public()));
    assert_only(
        &check(Tiktok, "", &vec![image(1080, 1350); 36], public()),
        "too_many_media",
        "assets",
    );
    let png = with(image(1080, 1350), |m| {
        m.mime_type = Some("image/png".into())
    });
    assert_only(
        &check(Tiktok, "", &[png], public()),
        "unsupported_media_type",
        "assets[0].metadata.mime_type",
    );
}

#[test]
fn tiktok_photo_descriptions_take_4000_characters() {
    assert_ok(&check(
        Tiktok,
        &"a".repeat(4000),
        &[image(1080, 1350)],
        public(),
    ));
    assert_only(
        &check(Tiktok, &"a".repeat(4001), &[image(1080, 1350)], public()),
        "text_too_long",
        "text_content",
    );
}

#[test]
fn tiktok_branded_content_cannot_be_private() {
    let v = check(
        Tiktok,
        "",
        &[video(30.0)],
        json!({"privacy_level": "SELF_ONLY", "brand_content_toggle": true}),
    );
    assert_only(
        &v,
        "branded_content_cannot_be_private",
        "platform_specific_options.privacy_level",
    );
}

#[test]
fn tiktok_interactions_the_creator_disabled_stay_disabled() {
    let account = AccountLimits {
        comment_disabled: true,
        ..AccountLimits::default()
    };
    let on = json!({"privacy_level": "PUBLIC_TO_EVERYONE", "disable_comment": false});
    assert_only(
        &check_with_account(Tiktok, "", &[video(30.0)], on, &account),
        "interaction_disabled_by_creator",
        "platform_specific_options.disable_comment",
    );
    let off = json!({"privacy_level": "PUBLIC_TO_EVERYONE", "disable_comment": true});
    assert_ok(&check_with_account(
        Tiktok,
        "",
        &[video(30.0)],
        off,
        &account,
    ));
}

#[test]
fn tiktok_photo_cover_index_points_at_a_photo() {
    let photos = vec![image(1080, 1350); 3];
    let ok = json!({"privacy_level": "SELF_ONLY", "photo_cover_index": 2});
    assert_ok(&check(Tiktok, "", &photos, ok));
    let past = json!({"privacy_level": "SELF_ONLY", "photo_cover_index": 3});
    assert_only(
        &check(Tiktok, "", &photos, past),
        "invalid_option",
        "platform_specific_options.photo_cover_index",
    );
}
