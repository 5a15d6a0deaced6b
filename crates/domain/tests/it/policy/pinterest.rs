use serde_json::json;
use socialpub_domain::Platform::Pinterest;

use super::support::*;

fn board() -> serde_json::Value {
    json!({"board_id": "549755885175"})
}

#[test]
fn pinterest_needs_a_board_made_of_digits() {
    assert_ok(&check(Pinterest, "", &[image(1000, 1500)], board()));
    assert_only(
        &check(Pinterest, "", &[image(1000, 1500)], none()),
        "option_required",
        "platform_specific_options.board_id",
    );
    assert_only(
        &check(
            Pinterest,
            "",
            &[image(1000, 1500)],
            json!({"board_id": "my-board"}),
        ),
        "invalid_option",
        "platform_specific_options.board_id",
    );
}

#[test]
fn pinterest_carousels_take_two_to_five_images_of_one_size() {
    assert_ok(&check(Pinterest, "", &vec![image(1000, 1500); 5], board()));
    assert_only(
        &check(Pinterest, "", &vec![image(1000, 1500); 6], board()),
        "too_many_media",
        "assets",
    );
    let v = check(
        Pinterest,
        "",
        &[image(1000, 1500), image(1000, 1000), image(1000, 1500)],
        board(),
    );
    assert_only(&v, "carousel_mixed_dimensions", "assets[1].metadata");
}

#[test]
fn pinterest_descriptions_keep_to_500_characters() {
    assert_ok(&check(
        Pinterest,
        &"a".repeat(500),
        &[image(1000, 1500)],
        board(),
    ));
    assert_only(
        &check(Pinterest, &"a".repeat(501), &[image(1000, 1500)], board()),
        "text_too_long",
        "text_content",
    );
}

#[test]
fn pinterest_titles_keep_to_100_characters() {
    let ok = json!({"board_id": "1", "title": "t".repeat(100)});
    assert_ok(&check(Pinterest, "", &[image(1000, 1500)], ok));
    let long = json!({"board_id": "1", "title": "t".repeat(101)});
    assert_only(
        &check(Pinterest, "", &[image(1000, 1500)], long),
        "invalid_option",
        "platform_specific_options.title",
    );
}

#[test]
fn pinterest_images_weigh_at_most_20_mib() {
    let mib = 1024 * 1024;
    let at = with(image(1000, 1500), |m| m.size_bytes = Some(20 * mib));
    assert_ok(&check(Pinterest, "", &[at], board()));
    let over = with(image(1000, 1500), |m| m.size_bytes = Some(20 * mib + 1));
    assert_only(
        &check(Pinterest, "", &[over], board()),
        "image_too_large",
        "assets[0].metadata.size_bytes",
    );
}

#[test]
fn pinterest_videos_need_a_cover_and_last_4_s_to_15_min() {
    let with_cover = json!({"board_id": "1", "cover_image_url": "https://cdn.example.com/c.jpg"});
    assert_ok(&check(Pinterest, "", &[video(4.0)], with_cover.clone()));
    assert_ok(&check(Pinterest, "", &[video(900.0)], with_cover.clone()));
    assert_only(
        &check(Pinterest, "", &[video(3.9)], with_cover.clone()),
        "video_too_short",
        "assets[0].metadata.duration_seconds",
    );
    assert_only(
        &check(Pinterest, "", &[video(900.1)], with_cover),
        "video_too_long",
        "assets[0].metadata.duration_seconds",
    );
    assert_only(
        &check(Pinterest, "", &[video(10.0)], board()),
        "option_required",
        "platform_specific_options.cover_image_url",
    );
}

/// A key-frame time is not known to satisfy Pinterest's cover check on its own.
#[test]
fn a_key_frame_time_alone_is_no_cover() {
    let key_frame = json!({"board_id": "1", "cover_image_key_frame_time": 1.5});
    assert_only(
        &check(Pinterest, "", &[video(10.0)], key_frame),
        "option_required",
        "platform_specific_options.cover_image_url",
    );
    let both = json!({
        "board_id": "1",
        "cover_image_url": "https://cdn.example.com/c.jpg",
        "cover_image_key_frame_time": 1.5,
    });
    assert_ok(&check(Pinterest, "", &[video(10.0)], both));
}

#[test]
fn pinterest_videos_keep_between_1_2_and_1_91_1() {
    let cover = json!({"board_id": "1", "cover_image_url": "https://cdn.example.com/c.jpg"});
    let sized = |w, h| with(video(10.0), |m| (m.width, m.height) = (Some(w), Some(h)));
    assert_ok(&check(Pinterest, "", &[sized(1000, 2000)], cover.clone()));
    assert_only(
        &check(Pinterest, "", &[sized(999, 2000)], cover),
        "aspect_ratio_out_of_range",
        "assets[0].metadata",
    );
}
