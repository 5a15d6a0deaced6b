//! Pinterest API v5, from the platform notes §2.4 and §2.6. The description keeps to the
//! help centre's 500 characters (the API takes 800) so pins read well everywhere. A video pin
//! needs `cover_image_url`: the spec marks every cover optional, but Pinterest refuses a video
//! pin without a cover image, and whether a key-frame time alone satisfies it is unconfirmed.

use super::{
    AspectRatioRange, GIB, ImageRules, KindRules, MIB, OptionRule, OptionValue, PlatformRules,
    TextCounting, TextRules, VideoRules,
};
use crate::policy::ContentKind;
use crate::{AssetKind, Platform};

const IMAGE: ImageRules = ImageRules {
    max_size_bytes: Some(20 * MIB),
    ..ImageRules::of(&["image/jpeg", "image/png"])
};

/// .mp4/.mov/.m4v, 2 GB, 4 s – 15 min, between 1:2 and 1.91:1.
const VIDEO: VideoRules = VideoRules {
    max_size_bytes: Some(2 * GIB),
    min_duration_seconds: Some(4.0),
    max_duration_seconds: Some(900.0),
    aspect_ratio: Some(AspectRatioRange {
        min: 0.5,
        max: 1.91,
    }),
    ..VideoRules::of(&["video/mp4", "video/quicktime", "video/x-m4v"])
};

const BOARD: &[&str] = &["board_id"];

pub(super) static RULES: PlatformRules = PlatformRules {
    platform: Platform::Pinterest,
    text: TextRules {
        max_length: 500,
        counting: TextCounting::Characters,
        required: false,
        max_hashtags: None,
        max_mentions: None,
        max_cashtags: None,
    },
    kinds: &[
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Image],
            image: Some(IMAGE),
            required_options: BOARD,
            ..KindRules::new(ContentKind::Image)
        },
        KindRules {
            min_media: 2,
            max_media: 5,
            media_kinds: &[AssetKind::Image],
            image: Some(IMAGE),
            same_dimensions: true,
            required_options: BOARD,
            ..KindRules::new(ContentKind::Carousel)
        },
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Video],
            video: Some(VIDEO),
            required_options: &["board_id", "cover_image_url"],
            ..KindRules::new(ContentKind::Video)
        },
    ],
    options: &[
        OptionRule {
            key: "board_id",
            value: OptionValue::DigitString { max_length: 32 },
            description: "Board to pin to (required).",
        },
        OptionRule {
            key: "board_section_id",
            value: OptionValue::DigitString { max_length: 32 },
            description: "Section of the board.",
        },
        OptionRule {
            key: "title",
            value: OptionValue::Text { max_length: 100 },
            description: "Pin title.",
        },
        OptionRule {
            key: "link",
            value: OptionValue::HttpUrl { max_length: 2048 },
            description: "Destination link.",
        },
        OptionRule {
            key: "alt_text",
            value: OptionValue::Text { max_length: 500 },
            description: "Alternative text.",
        },
        OptionRule {
            key: "dominant_color",
            value: OptionValue::HexColor,
            description: "Placeholder colour, like #6E7874.",
        },
        OptionRule {
            key: "cover_image_url",
            value: OptionValue::HttpUrl { max_length: 2048 },
            description: "Cover of a video pin (required for video pins).",
        },
        OptionRule {
            key: "cover_image_key_frame_time",
            value: OptionValue::Number {
                min: 0.0,
                max: 900.0,
            },
            description: "Second of the video used as cover, besides cover_image_url.",
        },
    ],
};
