//! LinkedIn Posts API, from the platform notes §3.4–3.7.

use super::{
    ImageRules, KindRules, MIB, OptionRule, OptionValue, PlatformRules, TextCounting, TextRules,
    VideoRules,
};
use crate::policy::ContentKind;
use crate::{AssetKind, Platform};

const IMAGE: ImageRules = ImageRules {
    max_pixels: Some(36_152_319),
    ..ImageRules::of(&["image/jpeg", "image/png", "image/gif"])
};

/// 3 s – 30 min, 75 KB – 500 MB, MP4.
const VIDEO: VideoRules = VideoRules {
    min_size_bytes: Some(75 * 1024),
    max_size_bytes: Some(500 * MIB),
    min_duration_seconds: Some(3.0),
    max_duration_seconds: Some(1800.0),
    ..VideoRules::of(&["video/mp4"])
};

pub(super) static RULES: PlatformRules = PlatformRules {
    platform: Platform::Linkedin,
    text: TextRules {
        max_length: 3000,
        counting: TextCounting::Characters,
        required: true,
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
            image: Some(IMAGE),
            ..KindRules::new(ContentKind::Image)
        },
        KindRules {
            min_media: 2,
            max_media: 20,
            media_kinds: &[AssetKind::Image],
            image: Some(IMAGE),
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
            key: "visibility",
            value: OptionValue::OneOf {
                values: &["PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"],
            },
            description: "Who may see the post.",
        },
        OptionRule {
            key: "alt_text",
            value: OptionValue::Text { max_length: 4086 },
            description: "Alternative text for images.",
        },
        OptionRule {
            key: "title",
            value: OptionValue::Text { max_length: 400 },
            description: "Title of a video.",
        },
        OptionRule {
            key: "article_url",
            value: OptionValue::HttpUrl { max_length: 2048 },
            description: "Makes an article (link) post; LinkedIn does not read the page.",
        },
        OptionRule {
            key: "article_title",
            value: OptionValue::Text { max_length: 400 },
            description: "Title shown for the article (default: its URL).",
        },
        OptionRule {
            key: "article_description",
            value: OptionValue::Text { max_length: 4086 },
            description: "Description shown for the article.",
        },
        OptionRule {
            key: "article_thumbnail_url",
            value: OptionValue::HttpUrl { max_length: 2048 },
            description: "Image uploaded as the article's thumbnail.",
        },
        OptionRule {
            key: "document_url",
            value: OptionValue::HttpUrl { max_length: 2048 },
            description: "PDF, DOC, DOCX, PPT or PPTX (at most 100 MB) posted as a document; no other media.",
        },
        OptionRule {
            key: "document_title",
            value: OptionValue::Text { max_length: 400 },
            description: "Title of the document (default: its file name).",
        },
        OptionRule {
            key: "is_reshare_disabled",
            value: OptionValue::Boolean,
            description: "Stop others from resharing the post.",
        },
    ],
};
