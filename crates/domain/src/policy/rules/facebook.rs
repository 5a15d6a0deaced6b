//! Facebook Pages, from the platform notes §2.2 and §2.4. Feed-photo limits come from the
//! error Meta returns (subcode 1366046: "< 4 MB, JPG/PNG"), feed-video limits are not
//! documented and so not checked.

use super::{
    Dimensions, ImageRules, KindRules, MIB, OptionRule, OptionValue, PlatformRules, TextCounting,
    TextRules, VideoRules,
};
use crate::policy::ContentKind;
use crate::{AssetKind, Platform};

const PHOTO_TYPES: &[&str] = &["image/jpeg", "image/png"];
const STORY_PHOTO_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/bmp",
    "image/gif",
    "image/tiff",
];
const MOV_MP4: &[&str] = &["video/mp4", "video/quicktime"];

const FEED_PHOTO: ImageRules = ImageRules {
    max_size_bytes: Some(4 * MIB),
    ..ImageRules::of(PHOTO_TYPES)
};

const STORY_PHOTO: ImageRules = ImageRules {
    max_size_bytes: Some(10 * MIB),
    ..ImageRules::of(STORY_PHOTO_TYPES)
};

const FEED_VIDEO: VideoRules = VideoRules::of(MOV_MP4);

/// Reels: 3–90 s, 24–60 fps, at least 540×960.
const REEL_VIDEO: VideoRules = VideoRules {
    min_duration_seconds: Some(3.0),
    max_duration_seconds: Some(90.0),
    min_frame_rate: Some(24.0),
    max_frame_rate: Some(60.0),
    dimensions: Dimensions {
        min_width: Some(540),
        min_height: Some(960),
        ..Dimensions::ANY
    },
    ..VideoRules::of(MOV_MP4)
};

const STORY_VIDEO: VideoRules = VideoRules {
    max_duration_seconds: Some(60.0),
    ..REEL_VIDEO
};

pub(super) static RULES: PlatformRules = PlatformRules {
    platform: Platform::Facebook,
    text: TextRules {
        max_length: 63_206,
        counting: TextCounting::Characters,
        required: false,
        max_hashtags: None,
        max_mentions: None,
        max_cashtags: None,
    },
    kinds: &[
        KindRules::new(ContentKind::Text),
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Image],
            image: Some(FEED_PHOTO),
            ..KindRules::new(ContentKind::Image)
        },
        KindRules {
            min_media: 2,
            max_media: 10,
            media_kinds: &[AssetKind::Image],
            image: Some(FEED_PHOTO),
            ..KindRules::new(ContentKind::Carousel)
        },
        KindRules {
            min_media: 1,
            max_media: 1,
            media_kinds: &[AssetKind::Video],
            video: Some(FEED_VIDEO),
            ..KindRules::new(ContentKind::Video)
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
            image: Some(STORY_PHOTO),
            video: Some(STORY_VIDEO),
            ..KindRules::new(ContentKind::Story)
        },
    ],
    options: &[
        OptionRule {
            key: "link",
            value: OptionValue::HttpUrl { max_length: 2048 },
            description: "Link attached to a text post.",
        },
        OptionRule {
            key: "title",
            value: OptionValue::Text { max_length: 255 },
            description: "Title of a video or reel.",
        },
        OptionRule {
            key: "video_upload",
            value: OptionValue::OneOf {
                values: &["resumable", "file_url"],
            },
            description: "How a feed video reaches Facebook: `file_url` (Facebook fetches the file; the default up to the configured size) or `resumable` (uploaded in chunks; always used above that size).",
        },
    ],
};
