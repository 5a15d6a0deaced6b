//! Pinterest API v5 wire types (OpenAPI 5.23.0: `Account`, `Board`, `Error`, `PinCreate`,
//! `Pin`, `MediaUpload`, `Media`).

use serde::{Deserialize, Serialize};

/// `GET /v5/user_account`.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    /// Numeric id as a string.
    pub id: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub account_type: Option<AccountType>,
    #[serde(default)]
    pub business_name: Option<String>,
    #[serde(default)]
    pub profile_image: Option<String>,
    #[serde(default)]
    pub website_url: Option<String>,
    #[serde(default)]
    pub about: Option<String>,
    #[serde(default)]
    pub board_count: Option<u64>,
    #[serde(default)]
    pub pin_count: Option<u64>,
    #[serde(default)]
    pub follower_count: Option<u64>,
    #[serde(default)]
    pub following_count: Option<u64>,
    #[serde(default)]
    pub monthly_views: Option<i64>,
}

impl Account {
    /// `business_name`, else `username`, else the id.
    pub fn display_name(&self) -> String {
        [self.business_name.as_deref(), self.username.as_deref()]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
            .unwrap_or(&self.id)
            .to_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountType {
    Pinner,
    Business,
    #[serde(other)]
    Other,
}

/// A board (`BoardBase` + `privacy`).
#[derive(Debug, Clone, Deserialize)]
pub struct Board {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub privacy: Option<BoardPrivacy>,
    #[serde(default)]
    pub pin_count: Option<u64>,
    #[serde(default)]
    pub follower_count: Option<u64>,
    #[serde(default)]
    pub is_ads_only: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BoardPrivacy {
    Public,
    Protected,
    Secret,
    #[serde(other)]
    Other,
}

/// One page of a bookmark-paginated list.
#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `bookmark` for the next page; `None` on the last page.
    #[serde(default)]
    pub bookmark: Option<String>,
}

/// `{"code": 8, "message": "..."}`, Pinterest's error body for every 4xx/5xx.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
}

/// `POST /v5/pins` body (`PinCreate`): the fields Socialpub sends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewPin {
    /// Digits only (`^\d+$`).
    pub board_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub board_section_id: Option<String>,
    /// At most 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// At most 800 characters (500 shown in Pinterest's own apps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The destination URL, at most 2,048 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// `#6E7874`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dominant_color: Option<String>,
    pub media_source: MediaSource,
}

/// `PinMediaSource`, told apart by `source_type`. Pinterest fetches image URLs itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "source_type", rename_all = "snake_case")]
pub enum MediaSource {
    ImageUrl {
        url: String,
    },
    /// A carousel of 2 to 5 images of the same dimensions.
    MultipleImageUrls {
        items: Vec<ImageItem>,
    },
    /// A video uploaded through `POST /v5/media`. Pinterest refuses a video pin without a
    /// cover image in practice, although the spec marks every cover field optional.
    VideoId {
        media_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        cover_image_url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cover_image_key_frame_time: Option<u32>,
    },
}

/// One image of a carousel (`PinMediaSourceImagesURLItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageItem {
    pub url: String,
}

/// A Pin as `POST /v5/pins` and the board listings answer it. Only what reconciliation reads
/// is kept; every field but `id` is optional, as listings may leave them out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Pin {
    pub id: String,
    /// RFC 3339 in the spec; kept as sent and parsed where it is compared.
    pub created_at: Option<String>,
    pub board_id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub link: Option<String>,
    pub media: Option<PinMedia>,
}

/// `Pin.media`: only its type matters here.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PinMedia {
    pub media_type: Option<String>,
}

/// `POST /v5/media` body (`MediaUploadCreate`).
#[derive(Debug, Clone, Serialize)]
pub struct NewMediaUpload {
    pub media_type: MediaType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    Video,
    #[serde(other)]
    Other,
}

/// `POST /v5/media` answer (`MediaUpload`): where to send the file, with the signed form
/// fields that must go with it. The fields hold short-lived upload credentials: they are
/// used at once and never stored or printed.
#[derive(Clone, Deserialize)]
pub struct MediaUpload {
    pub media_id: String,
    #[serde(default)]
    pub upload_url: Option<String>,
    #[serde(default)]
    pub upload_parameters: std::collections::BTreeMap<String, serde_json::Value>,
}

impl std::fmt::Debug for MediaUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaUpload")
            .field("media_id", &self.media_id)
            .field("upload_parameters", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// `GET /v5/media/{media_id}` answer (`Media`).
#[derive(Debug, Clone, Deserialize)]
pub struct Media {
    #[serde(default)]
    pub media_id: Option<String>,
    pub status: MediaStatus,
}

/// `MediaUploadStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaStatus {
    Registered,
    Processing,
    Succeeded,
    Failed,
    /// A status this client does not know yet: treated as still processing.
    #[serde(other)]
    Unknown,
}
