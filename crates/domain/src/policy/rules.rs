//! The shape of a platform's rules. The values live in one file per platform beside this one.
//!
//! Everything here is `Serialize` because the HTTP API publishes these tables as they are
//! (`GET /platforms/{platform}/rules`), so clients check drafts with the very numbers the
//! server uses. Sizes are bytes, durations seconds, ratios width ÷ height.

mod facebook;
mod instagram;
mod linkedin;
mod pinterest;
mod tiktok;
mod x;

use serde::Serialize;

use super::kind::ContentKind;
use crate::{AssetKind, Platform};

/// Bump whenever any value in the tables changes (date, then a counter for that day), so
/// clients that cache the catalogue know to fetch it again.
pub const RULES_VERSION: &str = "2026-11-30.1";

pub(crate) const MIB: u64 = 1024 * 1024;
pub(crate) const GIB: u64 = 1024 * MIB;

/// Everything one platform checks.
#[derive(Debug, Serialize)]
pub struct PlatformRules {
    pub platform: Platform,
    /// Caption or post text, unless a kind says otherwise.
    pub text: TextRules,
    /// The kinds of post the platform takes; a kind not listed is refused.
    pub kinds: &'static [KindRules],
    /// Options the platform reads from `platform_specific_options` (others are ignored).
    pub options: &'static [OptionRule],
}

impl PlatformRules {
    pub fn kind(&self, kind: ContentKind) -> Option<&KindRules> {
        self.kinds.iter().find(|rules| rules.kind == kind)
    }
}

/// How a platform measures text length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextCounting {
    /// Unicode code points.
    Characters,
    /// UTF-16 code units (TikTok), where an emoji often counts two.
    Utf16CodeUnits,
    /// X's weighted length (twitter-text v3).
    XWeighted,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct TextRules {
    pub max_length: usize,
    pub counting: TextCounting,
    /// Blank text is refused for every kind (a text post always needs text).
    pub required: bool,
    pub max_hashtags: Option<usize>,
    pub max_mentions: Option<usize>,
    pub max_cashtags: Option<usize>,
}

/// What one kind of post takes.
#[derive(Debug, Serialize)]
pub struct KindRules {
    pub kind: ContentKind,
    pub min_media: usize,
    pub max_media: usize,
    pub media_kinds: &'static [AssetKind],
    /// Replaces the platform's text rules for this kind (TikTok photo descriptions).
    pub text: Option<TextRules>,
    pub image: Option<ImageRules>,
    pub video: Option<VideoRules>,
    /// Every item must have the same width and height (Pinterest carousels).
    pub same_dimensions: bool,
    /// An animated GIF must be the only media of the post (X).
    pub gif_alone: bool,
    /// Options that must be present for this kind.
    pub required_options: &'static [&'static str],
}

impl KindRules {
    /// A kind with no media and no requirements; tables override what they need.
    pub(crate) const fn new(kind: ContentKind) -> Self {
        Self {
            kind,
            min_media: 0,
            max_media: 0,
            media_kinds: &[],
            text: None,
            image: None,
            video: None,
            same_dimensions: false,
            gif_alone: false,
            required_options: &[],
        }
    }
}

/// Allowed pixel sizes; `None` is not checked.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Dimensions {
    pub min_width: Option<u32>,
    pub max_width: Option<u32>,
    pub min_height: Option<u32>,
    pub max_height: Option<u32>,
}

impl Dimensions {
    pub(crate) const ANY: Self = Self {
        min_width: None,
        max_width: None,
        min_height: None,
        max_height: None,
    };
}

/// Inclusive range of width ÷ height.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AspectRatioRange {
    pub min: f64,
    pub max: f64,
}

/// A tighter size cap for one MIME type (X: GIFs may be larger than other images).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MimeSizeLimit {
    pub mime_type: &'static str,
    pub max_size_bytes: u64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ImageRules {
    pub mime_types: &'static [&'static str],
    pub max_size_bytes: Option<u64>,
    pub mime_size_limits: &'static [MimeSizeLimit],
    pub dimensions: Dimensions,
    pub max_pixels: Option<u64>,
    pub aspect_ratio: Option<AspectRatioRange>,
}

impl ImageRules {
    pub(crate) const fn of(mime_types: &'static [&'static str]) -> Self {
        Self {
            mime_types,
            max_size_bytes: None,
            mime_size_limits: &[],
            dimensions: Dimensions::ANY,
            max_pixels: None,
            aspect_ratio: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct VideoRules {
    pub mime_types: &'static [&'static str],
    pub min_size_bytes: Option<u64>,
    pub max_size_bytes: Option<u64>,
    pub min_duration_seconds: Option<f64>,
    pub max_duration_seconds: Option<f64>,
    pub min_frame_rate: Option<f64>,
    pub max_frame_rate: Option<f64>,
    pub dimensions: Dimensions,
    pub aspect_ratio: Option<AspectRatioRange>,
}

impl VideoRules {
    pub(crate) const fn of(mime_types: &'static [&'static str]) -> Self {
        Self {
            mime_types,
            min_size_bytes: None,
            max_size_bytes: None,
            min_duration_seconds: None,
            max_duration_seconds: None,
            min_frame_rate: None,
            max_frame_rate: None,
            dimensions: Dimensions::ANY,
            aspect_ratio: None,
        }
    }
}

/// One key of `platform_specific_options` the platform understands.
#[derive(Debug, Serialize)]
pub struct OptionRule {
    pub key: &'static str,
    pub value: OptionValue,
    pub description: &'static str,
}

/// What an option's value must be.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OptionValue {
    OneOf {
        values: &'static [&'static str],
    },
    Boolean,
    /// A platform id made of digits (Pinterest boards, X posts).
    DigitString {
        max_length: usize,
    },
    Text {
        max_length: usize,
    },
    HttpUrl {
        max_length: usize,
    },
    Integer {
        min: i64,
        max: i64,
    },
    Number {
        min: f64,
        max: f64,
    },
    /// `#RRGGBB`.
    HexColor,
    StringList {
        max_items: usize,
        max_length: usize,
    },
}

/// The rules of `platform`.
pub fn rules_for(platform: Platform) -> &'static PlatformRules {
    match platform {
        Platform::Instagram => &instagram::RULES,
        Platform::Facebook => &facebook::RULES,
        Platform::Linkedin => &linkedin::RULES,
        Platform::X => &x::RULES,
        Platform::Pinterest => &pinterest::RULES,
        Platform::Tiktok => &tiktok::RULES,
    }
}

/// The rules of a platform with the catalogue version, as the API publishes them.
#[derive(Debug, Serialize)]
pub struct VersionedRules {
    pub version: &'static str,
    pub rules: &'static PlatformRules,
}

pub fn versioned_rules(platform: Platform) -> VersionedRules {
    VersionedRules {
        version: RULES_VERSION,
        rules: rules_for(platform),
    }
}
