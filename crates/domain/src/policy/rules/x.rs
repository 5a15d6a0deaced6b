//! X API v2, from the platform notes §1.4 and §1.6 (non-Premium baseline).

use super::{
    AspectRatioRange, Dimensions, ImageRules, KindRules, MIB, MimeSizeLimit, OptionRule,
    OptionValue, PlatformRules, TextCounting, TextRules, VideoRules,
};
use crate::policy::ContentKind;
use crate::{AssetKind, Platform};

/// JPG, PNG, GIF, WEBP; 5 MB, but an animated GIF may weigh 15 MB.
const IMAGE: ImageRules = ImageRules {
    max_size_bytes: Some(5 * MIB),
    mime_size_limits: &[MimeSizeLimit {
        mime_type: "image/gif",
        max_size_bytes: 15 * MIB,
    }],
    ..ImageRules::of(&["image/jpeg", "image/png", "image/gif", "image/webp"])
};

/// 512 MB, 0.5–140 s, ≤ 60 fps, 32×32 to 1280×1024, 1:3 to 3:1.
const VIDEO: VideoRules = VideoRules {
    max_size_bytes: Some(512 * MIB),
    min_duration_seconds: Some(0.5),
    max_duration_seconds: Some(140.0),
    max_frame_rate: Some(60.0),
    dimensions: Dimensions {
        min_width: Some(32),
        max_width: Some(1280),
        min_height: Some(32),
        max_height: Some(1024),
    },
    aspect_ratio: Some(AspectRatioRange {
        min: 1.0 / 3.0,
        max: 3.0,
    }),
    ..VideoRules::of(&["video/mp4", "video/quicktime"])
};

pub(super) static RULES: PlatformRules = PlatformRules {
    platform: Platform::X,
    text: TextRules {
        max_length: 280,
        counting: TextCounting::XWeighted,
        required: false,
        max_hashtags: None,
        max_mentions: None,
        max_cashtags: Some(1),
    },
    kinds: &[
        KindRules::new(ContentKind::Text),
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Image],
            image: Some(IMAGE),
            ..KindRules::new(ContentKind::Image)
        },
        KindRules {
            min_media: 2,
            max_media: 4,
            media_kinds: &[AssetKind::Image],
            image: Some(IMAGE),
            gif_alone: true,
            ..KindRules::new(ContentKind::Carousel)
        },
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Video],
            video: Some(VIDEO),
            ..KindRules::new(ContentKind::Video)
        },
    ],
    options: &[
        OptionRule {
            key: "reply_settings",
            value: OptionValue::OneOf {
                values: &["following", "mentionedUsers", "subscribers", "verified"],
            },
            description: "Who may reply.",
        },
        OptionRule {
            key: "alt_text",
            value: OptionValue::Text { max_length: 1000 },
            description: "Alternative text for images.",
        },
        OptionRule {
            key: "alt_texts",
            value: OptionValue::StringList {
                max_items: 4,
                max_length: 1000,
            },
            description: "Alternative text per image, in the order of the files (overrides alt_text).",
        },
        OptionRule {
            key: "thread",
            value: OptionValue::StringList {
                max_items: 24,
                max_length: 280,
            },
            description: "Posts after the first, each replying to the one before.",
        },
        OptionRule {
            key: "quote_tweet_id",
            value: OptionValue::DigitString { max_length: 19 },
            description: "Post to quote.",
        },
        OptionRule {
            key: "in_reply_to_tweet_id",
            value: OptionValue::DigitString { max_length: 19 },
            description: "Post to reply to (only when its author summoned this account).",
        },
        OptionRule {
            key: "made_with_ai",
            value: OptionValue::Boolean,
            description: "Label the post as made with AI.",
        },
        OptionRule {
            key: "paid_partnership",
            value: OptionValue::Boolean,
            description: "Label the post as a paid partnership.",
        },
    ],
};
