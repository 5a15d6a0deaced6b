use serde_json::json;
use socialpub_domain::Platform::Instagram;

use super::support::*;

/// Five since December 2025 (thirty before), for posts and Reels alike.
#[test]
fn instagram_accepts_five_hashtags_and_refuses_six() {
    let photo = [image(1080, 1080)];
    assert_ok(&check(Instagram, &hashtags(5), &photo, none()));
    let v = check(Instagram, &hashtags(6), &photo, none());
    assert_only(&v, "too_many_hashtags", "text_content");
    assert_eq!(v[0].limit, Some(json!(5)));
    assert_eq!(v[0].actual, Some(json!(6)));
    let reel = [video(30.0)];
    assert_ok(&check(Instagram, &hashtags(5), &reel, none()));
    assert_only(
        &check(Instagram, &hashtags(6), &reel, none()),
        "too_many_hashtags",
        "text_content",
    );
}

#[test]
fn instagram_accepts_twenty_mentions_and_refuses_twenty_one() {
    let photo = [image(1080, 1080)];
    assert_ok(&check(Instagram, &mentions(20), &photo, none()));
    assert_only(
        &check(Instagram, &mentions(21), &photo, none()),
        "too_many_mentions",
        "text_content",
    );
}

#[test]
fn instagram_captions_stop_at_2200_characters() {
    let photo = [image(1080, 1080)];
    assert_ok(&check(Instagram, &"é".repeat(2200), &photo, none()));
    assert_only(
        &check(Instagram, &"é".repeat(2201), &photo, none()),
        "text_too_long",
        "text_content",
    );
}

#[test]
fn instagram_needs_media() {
    assert_only(
        &check(Instagram, "hello", &[], none()),
        "media_required",
        "assets",
    );
}

#[test]
fn instagram_feed_images_must_be_jpeg() {
    let png = with(image(1080, 1080), |m| {
        m.mime_type = Some("image/png".into())
    });
    assert_only(
        &check(Instagram, "", &[png], none()),
        "unsupported_media_type",
        "assets[0].metadata.mime_type",
    );
    let jpg = with(image(1080, 1080), |m| {
        m.mime_type = Some("image/jpg".into())
    });
    assert_ok(&check(Instagram, "", &[jpg], none()));
}

#[test]
fn instagram_feed_images_weigh_at_most_8_mib() {
    let at_limit = with(image(1080, 1080), |m| m.size_bytes = Some(8 * 1024 * 1024));
    assert_ok(&check(Instagram, "", &[at_limit], none()));
    let over = with(image(1080, 1080), |m| {
        m.size_bytes = Some(8 * 1024 * 1024 + 1)
    });
    assert_only(
        &check(Instagram, "", &[over], none()),
        "image_too_large",
        "assets[0].metadata.size_bytes",
    );
}

#[test]
fn instagram_feed_images_keep_between_4_5_and_1_91_1() {
    assert_ok(&check(Instagram, "", &[image(1080, 1350)], none()));
    assert_ok(&check(Instagram, "", &[image(1910, 1000)], none()));
    assert_only(
        &check(Instagram, "", &[image(1079, 1350)], none()),
        "aspect_ratio_out_of_range",
        "assets[0].metadata",
    );
    assert_only(
        &check(Instagram, "", &[image(1911, 1000)], none()),
        "aspect_ratio_out_of_range",
        "assets[0].metadata",
    );
}

#[test]
fn instagram_carousels_take_two_to_ten_items() {
    let one = json!({"content_kind": "carousel"});
    let v = check(Instagram, "", &[image(1080, 1080)], one.clone());
    assert_only(&v, "too_few_media", "assets");
    assert_ok(&check(Instagram, "", &vec![image(1080, 1080); 2], none()));
    assert_ok(&check(Instagram, "", &vec![image(1080, 1080); 10], none()));
    assert_only(
        &check(Instagram, "", &vec![image(1080, 1080); 11], none()),
        "too_many_media",
        "assets",
    );
}

#[test]
fn instagram_carousels_may_mix_images_and_videos() {
    assert_ok(&check(
        Instagram,
        "",
        &[image(1080, 1080), video(10.0)],
        none(),
    ));
}

#[test]
fn instagram_reels_last_three_seconds_to_fifteen_minutes() {
    assert_ok(&check(Instagram, "", &[video(3.0)], none()));
    assert_ok(&check(Instagram, "", &[video(900.0)], none()));
    assert_only(
        &check(Instagram, "", &[video(2.99)], none()),
        "video_too_short",
        "assets[0].metadata.duration_seconds",
    );
    assert_only(
        &check(Instagram, "", &[video(900.01)], none()),
        "video_too_long",
        "assets[0].metadata.duration_seconds",
    );
}

#[test]
fn instagram_reels_run_at_23_to_60_fps() {
    for fps in [23.0, 60.0] {
        let ok = with(video(10.0), |m| m.frame_rate = Some(fps));
        assert_ok(&check(Instagram, "", &[ok], none()));
    }
    for fps in [22.9, 60.1] {
        let bad = with(video(10.0), |m| m.frame_rate = Some(fps));
        assert_only(
            &check(Instagram, "", &[bad], none()),
            "frame_rate_out_of_range",
            "assets[0].metadata.frame_rate",
        );
    }
}

#[test]
fn instagram_reels_weigh_at_most_300_mib_and_stories_100_mib() {
    let mib = 1024 * 1024;
    let reel = with(video(10.0), |m| m.size_bytes = Some(300 * mib));
    assert_ok(&check(Instagram, "", std::slice::from_ref(&reel), none()));
    let big = with(video(10.0), |m| m.size_bytes = Some(300 * mib + 1));
    assert_only(
        &check(Instagram, "", &[big], none()),
        "video_too_large",
        "assets[0].metadata.size_bytes",
    );
    let story = json!({"content_kind": "story"});
    let at = with(video(10.0), |m| m.size_bytes = Some(100 * mib));
    assert_ok(&check(Instagram, "", &[at], story.clone()));
    let over = with(video(10.0), |m| m.size_bytes = Some(100 * mib + 1));
    assert_only(
        &check(Instagram, "", &[over], story),
        "video_too_large",
        "assets[0].metadata.size_bytes",
    );
}

#[test]
fn instagram_story_videos_last_at_most_sixty_seconds() {
    let story = json!({"content_kind": "story"});
    assert_ok(&check(Instagram, "", &[video(60.0)], story.clone()));
    assert_only(
        &check(Instagram, "", &[video(60.5)], story),
        "video_too_long",
        "assets[0].metadata.duration_seconds",
    );
}

#[test]
fn instagram_reel_videos_are_at_most_1920_px_wide() {
    let ok = with(video(10.0), |m| {
        (m.width, m.height) = (Some(1920), Some(1080))
    });
    assert_ok(&check(Instagram, "", &[ok], none()));
    let wide = with(video(10.0), |m| {
        (m.width, m.height) = (Some(1921), Some(1080))
    });
    assert_only(
        &check(Instagram, "", &[wide], none()),
        "dimensions_out_of_range",
        "assets[0].metadata.width",
    );
}

#[test]
fn instagram_takes_no_text_only_kind_even_when_asked() {
    let v = check(Instagram, "hi", &[], json!({"content_kind": "text"}));
    assert_only(
        &v,
        "unsupported_content_kind",
        "platform_specific_options.content_kind",
    );
}

#[test]
fn instagram_options_are_type_checked() {
    let v = check(
        Instagram,
        "",
        &[video(10.0)],
        json!({"share_to_feed": "yes", "collaborators": ["a", "b", "c", "d"]}),
    );
    assert_eq!(codes(&v), ["invalid_option", "invalid_option"]);
    assert_ok(&check(
        Instagram,
        "",
        &[video(10.0)],
        json!({"share_to_feed": true, "collaborators": ["a", "b", "c"], "unknown_key": 1}),
    ));
}
