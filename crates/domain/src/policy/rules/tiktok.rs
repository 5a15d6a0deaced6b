//! TikTok Content Posting API (direct post), from the platform notes §3.4 and §3.6. The
//! creator's own limits (privacy levels, maximum duration) come in `AccountLimits`.

use super::{
    Dimensions, GIB, ImageRules, KindRules, MIB, OptionRule, OptionValue, PlatformRules,
    TextCounting, TextRules, VideoRules,
};
use crate::policy::ContentKind;
use crate::{AssetKind, Platform};

pub(crate) const PRIVACY_LEVELS: &[&str] = &[
    "PUBLIC_TO_EVERYONE",
    "MUTUAL_FOLLOW_FRIENDS",
    "FOLLOWER_OF_CREATOR",
    "SELF_ONLY",
];

/// JPG or WEBP (PNG is refused), 20 MB each.
const PHOTO: ImageRules = ImageRules {
    max_size_bytes: Some(20 * MIB),
    ..ImageRules::of(&["image/jpeg", "image/webp"])
};

/// MP4/WebM/MOV, 23–60 fps, 360–4096 px each side, at most 10 min, 4 GB. The ~3 s minimum
/// is unconfirmed, so it is not enforced.
const VIDEO: VideoRules = VideoRules {
    max_size_bytes: Some(4 * GIB),
    max_duration_seconds: Some(600.0),
    min_frame_rate: Some(23.0),
    max_frame_rate: Some(60.0),
    dimensions: Dimensions {
        min_width: Some(360),
        max_width: Some(4096),
        min_height: Some(360),
        max_height: Some(4096),
    },
    ..VideoRules::of(&["video/mp4", "video/webm", "video/quicktime"])
};

/// Video captions: 2,200 UTF-16 code units, hashtags and mentions included.
const CAPTION: TextRules = TextRules {
    max_length: 2200,
    counting: TextCounting::Utf16CodeUnits,
    required: false,
    max_hashtags: None,
    max_mentions: None,
    max_cashtags: None,
};

/// Photo posts carry the text as their description (4,000 characters).
const PHOTO_TEXT: TextRules = TextRules {
    max_length: 4000,
    counting: TextCounting::Characters,
    ..CAPTION
};

const PRIVACY: &[&str] = &["privacy_level"];

pub(super) static RULES: PlatformRules = PlatformRules {
    platform: Platform::Tiktok,
    text: CAPTION,
    kinds: &[
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Video],
            video: Some(VIDEO),
            required_options: PRIVACY,
            ..KindRules::new(ContentKind::Video)
        },
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Image],
            text: Some(PHOTO_TEXT),
            image: Some(PHOTO),
            required_options: PRIVACY,
            ..KindRules::new(ContentKind::Image)
        },
        KindRules {
            min_media: 2,
            max_media: 35,
            media_kinds: &[AssetKind::Image],
            text: Some(PHOTO_TEXT),
            image: Some(PHOTO),
            required_options: PRIVACY,
            ..KindRules::new(ContentKind::Carousel)
        },
    ],
    options: &[
        OptionRule {
            key: "privacy_level",
            value: OptionValue::OneOf {
                values: PRIVACY_LEVELS,
            },
            description: "Who may watch; the user must choose (no default).",
        },
        OptionRule {
            key: "title",
            value: OptionValue::Text { max_length: 90 },
            description: "Title of a photo post.",
        },
        OptionRule {
            key: "disable_comment",
            value: OptionValue::Boolean,
            description: "Turn comments off.",
        },
        OptionRule {
            key: "disable_duet",
            value: OptionValue::Boolean,
            description: "Turn duets off (videos).",
        },
        OptionRule {
            key: "disable_stitch",
            value: OptionValue::Boolean,
            description: "Turn stitches off (videos).",
        },
        OptionRule {
            key: "video_cover_timestamp_ms",
            value: OptionValue::Integer {
                min: 0,
                max: 600_000,
            },
            description: "Cover frame of a video, in milliseconds.",
        },
        OptionRule {
            key: "photo_cover_index",
            value: OptionValue::Integer { min: 0, max: 34 },
            description: "Which photo is the cover.",
        },
        OptionRule {
            key: "brand_content_toggle",
            value: OptionValue::Boolean,
            description: "Paid partnership disclosure (cannot be SELF_ONLY).",
        },
        OptionRule {
            key: "brand_organic_toggle",
            value: OptionValue::Boolean,
            description: "Promotes the creator's own brand.",
        },
        OptionRule {
            key: "is_aigc",
            value: OptionValue::Boolean,
            description: "Label the video as AI-generated.",
        },
        OptionRule {
            key: "auto_add_music",
            value: OptionValue::Boolean,
            description: "Add music to a photo post.",
        },
    ],
};
