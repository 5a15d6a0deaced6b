use serde_json::json;
use socialpub_domain::Platform::Linkedin;

use super::support::*;

#[test]
fn linkedin_commentary_is_required_and_stops_at_3000_characters() {
    assert_only(
        &check(Linkedin, " ", &[image(1200, 627)], none()),
        "text_required",
        "text_content",
    );
    assert_ok(&check(Linkedin, &"a".repeat(3000), &[], none()));
    assert_only(
        &check(Linkedin, &"a".repeat(3001), &[], none()),
        "text_too_long",
        "text_content",
    );
}

#[test]
fn linkedin_takes_twenty_images_and_refuses_twenty_one() {
    assert_ok(&check(
        Linkedin,
        "post",
        &vec![image(1200, 627); 20],
        none(),
    ));
    assert_only(
        &check(Linkedin, "post", &vec![image(1200, 627); 21], none()),
        "too_many_media",
        "assets",
    );
}

#[test]
fn linkedin_images_stay_under_36_152_320_pixels() {
    // 6016 × 6009 = 36,150,144 pixels; 6016 × 6010 = 36,156,160.
    assert_ok(&check(Linkedin, "post", &[image(6016, 6009)], none()));
    assert_only(
        &check(Linkedin, "post", &[image(6016, 6010)], none()),
        "too_many_pixels",
        "assets[0].metadata",
    );
}

#[test]
fn linkedin_videos_last_3_s_to_30_min_and_weigh_75_kb_to_500_mib() {
    assert_ok(&check(Linkedin, "post", &[video(3.0)], none()));
    assert_ok(&check(Linkedin, "post", &[video(1800.0)], none()));
    assert_only(
        &check(Linkedin, "post", &[video(2.9)], none()),
        "video_too_short",
        "assets[0].metadata.duration_seconds",
    );
    assert_only(
        &check(Linkedin, "post", &[video(1800.1)], none()),
        "video_too_long",
        "assets[0].metadata.duration_seconds",
    );
    let sized = |bytes| with(video(10.0), |m| m.size_bytes = Some(bytes));
    assert_ok(&check(Linkedin, "post", &[sized(75 * 1024)], none()));
    assert_only(
        &check(Linkedin, "post", &[sized(75 * 1024 - 1)], none()),
        "video_too_small",
        "assets[0].metadata.size_bytes",
    );
    assert_ok(&check(
        Linkedin,
        "post",
        &[sized(500 * 1024 * 1024)],
        none(),
    ));
    assert_only(
        &check(Linkedin, "post", &[sized(500 * 1024 * 1024 + 1)], none()),
        "video_too_large",
        "assets[0].metadata.size_bytes",
    );
}

#[test]
fn linkedin_visibility_must_be_a_linkedin_value() {
    assert_ok(&check(
        Linkedin,
        "post",
        &[],
        json!({"visibility": "CONNECTIONS"}),
    ));
    assert_only(
        &check(Linkedin, "post", &[], json!({"visibility": "friends"})),
        "invalid_option",
        "platform_specific_options.visibility",
    );
}
