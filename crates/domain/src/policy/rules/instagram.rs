//! Instagram (Graph API content publishing), from the platform notes §1.5. Since December
//! 2025 a post or Reel takes at most 5 hashtags (30 before); the API reference still says 30,
//! but Instagram refuses more than 5, so captions are held to 5.

use super::{
    AspectRatioRange, Dimensions, ImageRules, KindRules, MIB, OptionRule, OptionValue,
    PlatformRules, TextCounting, TextRules, VideoRules,
};
use crate::policy::ContentKind;
use crate::{AssetKind, Platform};

const JPEG_ONLY: &[&str] = &["image/jpeg"];
const MOV_MP4: &[&str] = &["video/mp4", "video/quicktime"];

/// Feed images: JPEG only (PNG/WebP fail with 36001), 8 MB, 4:5 to 1.91:1. Widths outside
/// 320–1440 are scaled by Instagram, so they are not refused.
const FEED_IMAGE: ImageRules = ImageRules {
    max_size_bytes: Some(8 * MIB),
    aspect_ratio: Some(AspectRatioRange {
        min: 0.8,
        max: 1.91,
    }),
    ..ImageRules::of(JPEG_ONLY)
};

const STORY_IMAGE: ImageRules = ImageRules {
    max_size_bytes: Some(8 * MIB),
    ..ImageRules::of(JPEG_ONLY)
};

/// Reels (and carousel videos): 3 s – 15 min, 300 MB, 23–60 fps, ≤ 1920 px wide.
const REEL_VIDEO: VideoRules = VideoRules {
    max_size_bytes: Some(300 * MIB),
    min_duration_seconds: Some(3.0),
    max_duration_seconds: Some(900.0),
    min_frame_rate: Some(23.0),
    max_frame_rate: Some(60.0),
    dimensions: Dimensions {
        max_width: Some(1920),
        ..Dimensions::ANY
    },
    aspect_ratio: Some(AspectRatioRange {
        min: 0.01,
        max: 10.0,
    }),
    ..VideoRules::of(MOV_MP4)
};

const STORY_VIDEO: VideoRules = VideoRules {
    max_size_bytes: Some(100 * MIB),
    max_duration_seconds: Some(60.0),
    aspect_ratio: Some(AspectRatioRange {
        min: 0.1,
        max: 10.0,
    }),
    ..REEL_VIDEO
};

pub(super) static RULES: PlatformRules = PlatformRules {
    platform: Platform::Instagram,
    text: TextRules {
        max_length: 2200,
        counting: TextCounting::Characters,
        required: false,
        max_hashtags: Some(5),
        max_mentions: Some(20),
        max_cashtags: None,
    },
    kinds: &[
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Image],
            image: Some(FEED_IMAGE),
            ..KindRules::new(ContentKind::Image)
        },
        KindRules {
            min_media: 2,
            max_media: 10,
            media_kinds: &[AssetKind::Image, AssetKind::Video],
            image: Some(FEED_IMAGE),
            video: Some(REEL_VIDEO),
            ..KindRules::new(ContentKind::Carousel)
        },
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Video],
            video: Some(REEL_VIDEO),
            ..KindRules::new(ContentKind::Reel)
        },
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Image, AssetKind::Video],
            image: Some(STORY_IMAGE),
            video: Some(STORY_VIDEO),
            ..KindRules::new(ContentKind::Story)
        },
    ],
    options: &[
        OptionRule {
            key: "alt_text",
            value: OptionValue::Text { max_length: 1000 },
            description: "Alternative text for images.",
        },
        OptionRule {
            key: "share_to_feed",
            value: OptionValue::Boolean,
            description: "Also show a reel in the feed.",
        },
        OptionRule {
            key: "cover_url",
            value: OptionValue::HttpUrl { max_length: 2048 },
            description: "JPEG cover of a reel (wins over thumb_offset).",
        },
        OptionRule {
            key: "thumb_offset",
            value: OptionValue::Integer {
                min: 0,
                max: 900_000,
            },
            description: "Reel cover frame, in milliseconds.",
        },
        OptionRule {
            key: "location_id",
            value: OptionValue::DigitString { max_length: 32 },
            description: "Page id of a location.",
        },
        OptionRule {
            key: "collaborators",
            value: OptionValue::StringList {
                max_items: 3,
                max_length: 30,
            },
            description: "Up to 3 usernames invited as collaborators.",
        },
    ],
};
