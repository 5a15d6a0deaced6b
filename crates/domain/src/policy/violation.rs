use serde::Serialize;
use serde_json::Value;

/// One reason a draft would be refused by its platform.
///
/// `code` is stable (clients branch on it); `field` points at the input that is wrong, in the
/// request's own terms (`text_content`, `assets[2].metadata.duration_seconds`,
/// `platform_specific_options.privacy_level`); `message` is for people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    pub code: &'static str,
    pub field: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<Value>,
}

impl Violation {
    pub(crate) fn new(
        code: &'static str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            field: field.into(),
            message: message.into(),
            limit: None,
            actual: None,
        }
    }

    /// An asset whose file could not be read to learn what the rules need to know about it.
    pub fn asset_unreachable(index: usize, reason: impl Into<String>) -> Self {
        Self::new(
            codes::ASSET_UNREACHABLE,
            format!("assets[{index}].url"),
            format!("the asset could not be inspected: {}", reason.into()),
        )
    }

    pub(crate) fn limit(mut self, limit: impl Into<Value>) -> Self {
        self.limit = Some(limit.into());
        self
    }

    pub(crate) fn actual(mut self, actual: impl Into<Value>) -> Self {
        self.actual = Some(actual.into());
        self
    }
}

/// Every code a [`Violation`] can carry. Codes are API: add new ones, never rename.
pub mod codes {
    pub const ASSET_UNREACHABLE: &str = "asset_unreachable";
    pub const TEXT_REQUIRED: &str = "text_required";
    pub const TEXT_TOO_LONG: &str = "text_too_long";
    pub const INVALID_CHARACTERS: &str = "invalid_characters";
    pub const TOO_MANY_HASHTAGS: &str = "too_many_hashtags";
    pub const TOO_MANY_MENTIONS: &str = "too_many_mentions";
    pub const TOO_MANY_CASHTAGS: &str = "too_many_cashtags";
    pub const MALFORMED_HASHTAG: &str = "malformed_hashtag";
    pub const BANNED_HASHTAG: &str = "banned_hashtag";
    pub const UNKNOWN_CONTENT_KIND: &str = "unknown_content_kind";
    pub const UNSUPPORTED_CONTENT_KIND: &str = "unsupported_content_kind";
    pub const MEDIA_REQUIRED: &str = "media_required";
    pub const TOO_FEW_MEDIA: &str = "too_few_media";
    pub const TOO_MANY_MEDIA: &str = "too_many_media";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    pub const MIME_TYPE_MISMATCH: &str = "mime_type_mismatch";
    pub const INVALID_METADATA: &str = "invalid_metadata";
    pub const IMAGE_TOO_LARGE: &str = "image_too_large";
    pub const VIDEO_TOO_LARGE: &str = "video_too_large";
    pub const VIDEO_TOO_SMALL: &str = "video_too_small";
    pub const DIMENSIONS_OUT_OF_RANGE: &str = "dimensions_out_of_range";
    pub const TOO_MANY_PIXELS: &str = "too_many_pixels";
    pub const ASPECT_RATIO_OUT_OF_RANGE: &str = "aspect_ratio_out_of_range";
    pub const VIDEO_TOO_SHORT: &str = "video_too_short";
    pub const VIDEO_TOO_LONG: &str = "video_too_long";
    pub const FRAME_RATE_OUT_OF_RANGE: &str = "frame_rate_out_of_range";
    pub const CAROUSEL_MIXED_DIMENSIONS: &str = "carousel_mixed_dimensions";
    pub const GIF_MUST_BE_ALONE: &str = "gif_must_be_alone";
    pub const OPTION_REQUIRED: &str = "option_required";
    pub const INVALID_OPTION: &str = "invalid_option";
    pub const PRIVACY_LEVEL_NOT_ALLOWED: &str = "privacy_level_not_allowed";
    pub const BRANDED_CONTENT_CANNOT_BE_PRIVATE: &str = "branded_content_cannot_be_private";
    pub const INTERACTION_DISABLED_BY_CREATOR: &str = "interaction_disabled_by_creator";
}
