use serde_json::json;
use socialpub_domain::Platform::X;

use super::support::*;

#[test]
fn x_counts_280_weighted_characters() {
    assert_ok(&check(X, &"a".repeat(280), &[], none()));
    let v = check(X, &"a".repeat(281), &[], none());
    assert_only(&v, "text_too_long", "text_content");
    assert_eq!(v[0].actual, Some(json!(281)));
}

#[test]
fn x_weighs_cjk_double_and_urls_as_twenty_three() {
    assert_ok(&check(X, &"日".repeat(140), &[], none()));
    assert_only(
        &check(X, &"日".repeat(141), &[], none()),
        "text_too_long",
        "text_content",
    );
    let long_url = format!(
        "{} https://example.com/{}",
        "a".repeat(256),
        "p".repeat(300)
    );
    assert_ok(&check(X, &long_url, &[], none()));
}

#[test]
fn x_refuses_invalid_characters() {
    assert_only(
        &check(X, "bad \u{FFFE}", &[], none()),
        "invalid_characters",
        "text_content",
    );
}

#[test]
fn x_text_posts_need_text_but_media_posts_do_not() {
    assert_only(
        &check(X, "  ", &[], none()),
        "text_required",
        "text_content",
    );
    assert_ok(&check(X, "", &[image(1200, 675)], none()));
}

#[test]
fn x_allows_one_cashtag_and_refuses_two() {
    assert_ok(&check(X, "$AAPL up", &[], none()));
    assert_only(
        &check(X, "$AAPL $MSFT", &[], none()),
        "too_many_cashtags",
        "text_content",
    );
}

#[test]
fn x_takes_four_images_and_refuses_five() {
    assert_ok(&check(X, "", &vec![image(1200, 675); 4], none()));
    assert_only(
        &check(X, "", &vec![image(1200, 675); 5], none()),
        "too_many_media",
        "assets",
    );
}

#[test]
fn x_does_not_mix_images_and_video() {
    let v = check(X, "", &[image(1200, 675), video(10.0)], none());
    assert_only(&v, "unsupported_media_type", "assets[1].type");
}

#[test]
fn x_images_weigh_5_mib_but_gifs_15_mib() {
    let mib = 1024 * 1024;
    let jpeg = with(image(1200, 675), |m| m.size_bytes = Some(5 * mib));
    assert_ok(&check(X, "", &[jpeg], none()));
    let big = with(image(1200, 675), |m| m.size_bytes = Some(5 * mib + 1));
    assert_only(
        &check(X, "", &[big], none()),
        "image_too_large",
        "assets[0].metadata.size_bytes",
    );
    let gif = with(image(480, 270), |m| {
        m.mime_type = Some("image/gif".into());
        m.size_bytes = Some(15 * mib);
    });
    assert_ok(&check(X, "", std::slice::from_ref(&gif), none()));
    let heavy = with(gif.clone(), |m| m.size_bytes = Some(15 * mib + 1));
    assert_only(
        &check(X, "", &[heavy], none()),
        "image_too_large",
        "assets[0].metadata.size_bytes",
    );
    let v = check(X, "", &[gif, image(1200, 675)], none());
    assert_only(&v, "gif_must_be_alone", "assets[0].metadata.mime_type");
}

#[test]
fn x_videos_last_half_a_second_to_140_seconds() {
    assert_ok(&check(X, "", &[video(0.5)], none()));
    assert_ok(&check(X, "", &[video(140.0)], none()));
    assert_only(
        &check(X, "", &[video(0.49)], none()),
        "video_too_short",
        "assets[0].metadata.duration_seconds",
    );
    assert_only(
        &check(X, "", &[video(140.1)], none()),
        "video_too_long",
        "assets[0].metadata.duration_seconds",
    );
}

#[test]
fn x_videos_keep_between_1_3_and_3_1_and_60_fps() {
    let sized = |w, h| with(video(10.0), |m| (m.width, m.height) = (Some(w), Some(h)));
    assert_ok(&check(X, "", &[sized(1200, 400)], none()));
    assert_only(
        &check(X, "", &[sized(1201, 400)], none()),
        "aspect_ratio_out_of_range",
        "assets[0].metadata",
    );
    let fps = |f| with(video(10.0), |m| m.frame_rate = Some(f));
    assert_ok(&check(X, "", &[fps(60.0)], none()));
    assert_only(
        &check(X, "", &[fps(60.5)], none()),
        "frame_rate_out_of_range",
        "assets[0].metadata.frame_rate",
    );
}

#[test]
fn x_reply_settings_must_be_known() {
    assert_ok(&check(X, "hi", &[], json!({"reply_settings": "following"})));
    assert_only(
        &check(X, "hi", &[], json!({"reply_settings": "everyone"})),
        "invalid_option",
        "platform_specific_options.reply_settings",
    );
}
