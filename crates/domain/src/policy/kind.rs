use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::violation::{Violation, codes};
use crate::{Asset, AssetKind, Platform};

/// The shape of a post, which decides the media it takes and the API flow that publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    /// Text (and links) only.
    Text,
    /// One image in the feed (a photo post, an image pin, a TikTok photo post of one).
    Image,
    /// Several items in one post: Instagram/Pinterest carousels, Facebook multi-photo,
    /// LinkedIn multi-image, X multi-photo, TikTok photo posts.
    Carousel,
    /// A feed video.
    Video,
    /// A short vertical video (Instagram, Facebook).
    Reel,
    /// An ephemeral story (Instagram, Facebook).
    Story,
}

impl ContentKind {
    pub const ALL: [ContentKind; 6] = [
        ContentKind::Text,
        ContentKind::Image,
        ContentKind::Carousel,
        ContentKind::Video,
        ContentKind::Reel,
        ContentKind::Story,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ContentKind::Text => "text",
            ContentKind::Image => "image",
            ContentKind::Carousel => "carousel",
            ContentKind::Video => "video",
            ContentKind::Reel => "reel",
            ContentKind::Story => "story",
        }
    }
}

impl fmt::Display for ContentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `content_kind` option named no kind Socialpub knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown content kind `{0}`; expected one of text, image, carousel, video, reel, story")]
pub struct UnknownContentKind(pub String);

impl FromStr for ContentKind {
    type Err = UnknownContentKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        ContentKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == wanted)
            .ok_or_else(|| UnknownContentKind(s.to_owned()))
    }
}

pub(crate) const CONTENT_KIND_FIELD: &str = "platform_specific_options.content_kind";

/// `content_kind` was given but names no kind.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContentKindError {
    #[error(transparent)]
    Unknown(#[from] UnknownContentKind),
    #[error("content_kind must be a string")]
    NotAString(Value),
}

impl ContentKindError {
    /// The violation reported for this error (`unknown_content_kind` or `invalid_option`).
    pub fn to_violation(&self) -> Violation {
        match self {
            ContentKindError::Unknown(unknown) => Violation::new(
                codes::UNKNOWN_CONTENT_KIND,
                CONTENT_KIND_FIELD,
                self.to_string(),
            )
            .limit(kind_names())
            .actual(unknown.0.clone()),
            ContentKindError::NotAString(value) => {
                Violation::new(codes::INVALID_OPTION, CONTENT_KIND_FIELD, self.to_string())
                    .actual(value.clone())
            }
        }
    }
}

/// The kind a draft is: `platform_specific_options.content_kind` when given, else inferred.
///
/// Inference, for callers that say nothing: no asset is a text post; one image is an image
/// post; one video is a reel on Instagram (feed videos are published as reels there since
/// 2023) and a video elsewhere; two or more assets are a carousel. Stories are never inferred:
/// they must be asked for.
///
/// # Errors
/// [`ContentKindError`] when the option is present but is not a string naming a kind.
pub fn resolve_content_kind(
    platform: Platform,
    assets: &[Asset],
    options: &Map<String, Value>,
) -> Result<ContentKind, ContentKindError> {
    match options.get("content_kind") {
        None | Some(Value::Null) => Ok(infer(platform, assets)),
        Some(Value::String(name)) => Ok(name.parse()?),
        Some(other) => Err(ContentKindError::NotAString(other.clone())),
    }
}

fn kind_names() -> Vec<&'static str> {
    ContentKind::ALL.iter().map(|k| k.as_str()).collect()
}

fn infer(platform: Platform, assets: &[Asset]) -> ContentKind {
    match assets {
        [] => ContentKind::Text,
        [single] => match single.kind {
            AssetKind::Image => ContentKind::Image,
            AssetKind::Video if platform == Platform::Instagram => ContentKind::Reel,
            AssetKind::Video => ContentKind::Video,
        },
        _ => ContentKind::Carousel,
    }
}
