use serde_json::json;
use socialpub_domain::Platform::Facebook;

use super::support::*;

#[test]
fn facebook_text_posts_stop_at_63206_characters() {
    assert_ok(&check(Facebook, &"a".repeat(63_206), &[], none()));
    assert_only(
        &check(Facebook, &"a".repeat(63_207), &[], none()),
        "text_too_long",
        "text_content",
    );
}

#[test]
fn facebook_feed_photos_weigh_at_most_4_mib() {
    let mib = 1024 * 1024;
    let at = with(image(1200, 630), |m| m.size_bytes = Some(4 * mib));
    assert_ok(&check(Facebook, "", &[at], none()));
    let over = with(image(1200, 630), |m| m.size_bytes = Some(4 * mib + 1));
    assert_only(
        &check(Facebook, "", &[over], none()),
        "image_too_large",
        "assets[0].metadata.size_bytes",
    );
}

#[test]
fn facebook_reels_last_3_to_90_seconds_at_least_540_by_960() {
    let reel = json!({"content_kind": "reel"});
    let sized = |secs, w, h| with(video(secs), |m| (m.width, m.height) = (Some(w), Some(h)));
    assert_ok(&check(Facebook, "", &[sized(90.0, 540, 960)], reel.clone()));
    assert_only(
        &check(Facebook, "", &[sized(90.5, 1080, 1920)], reel.clone()),
        "video_too_long",
        "assets[0].metadata.duration_seconds",
    );
    assert_only(
        &check(Facebook, "", &[sized(10.0, 539, 960)], reel),
        "dimensions_out_of_range",
        "assets[0].metadata.width",
    );
}

#[test]
fn facebook_story_videos_last_at_most_sixty_seconds() {
    let story = json!({"content_kind": "story"});
    assert_ok(&check(Facebook, "", &[video(60.0)], story.clone()));
    assert_only(
        &check(Facebook, "", &[video(61.0)], story),
        "video_too_long",
        "assets[0].metadata.duration_seconds",
    );
}

#[test]
fn facebook_multi_photo_posts_take_ten_photos() {
    assert_ok(&check(Facebook, "", &vec![image(1200, 630); 10], none()));
    assert_only(
        &check(Facebook, "", &vec![image(1200, 630); 11], none()),
        "too_many_media",
        "assets",
    );
}
