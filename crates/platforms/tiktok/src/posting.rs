//! TikTok's Content Posting API (direct post): creator info, video and photo inits, the
//! chunked upload to `upload_url`, and publish status. Request and response shapes follow the
//! Content Posting API reference; TikTok publishes no OpenAPI spec.

use reqwest::header::{CONTENT_RANGE, CONTENT_TYPE};
use serde::{Deserialize, Serialize};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{platform_error, send_checked};
use socialpub_ports::{PlatformError, PlatformErrorKind};
use url::Url;

use crate::client::TiktokClient;
use crate::errors::classify;

/// `data` of `POST /v2/post/publish/creator_info/query/`: what this creator may do now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CreatorInfo {
    #[serde(default)]
    pub creator_username: Option<String>,
    #[serde(default)]
    pub creator_nickname: Option<String>,
    #[serde(default)]
    pub creator_avatar_url: Option<String>,
    /// `PUBLIC_TO_EVERYONE`, `MUTUAL_FOLLOW_FRIENDS`, `FOLLOWER_OF_CREATOR`, `SELF_ONLY`; only
    /// `SELF_ONLY` for an unaudited app.
    #[serde(default)]
    pub privacy_level_options: Vec<String>,
    #[serde(default)]
    pub comment_disabled: bool,
    #[serde(default)]
    pub duet_disabled: bool,
    #[serde(default)]
    pub stitch_disabled: bool,
    #[serde(default)]
    pub max_video_post_duration_sec: Option<u32>,
}

/// `post_info` of a video init. `brand_content_toggle` is required by TikTok, so it is never
/// skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VideoPostInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub privacy_level: String,
    pub disable_duet: bool,
    pub disable_comment: bool,
    pub disable_stitch: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_cover_timestamp_ms: Option<u64>,
    pub brand_content_toggle: bool,
    pub brand_organic_toggle: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_aigc: Option<bool>,
}

/// Where the video's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VideoSource {
    /// We send the bytes to `upload_url` in `total_chunk_count` chunks.
    FileUpload {
        video_size: u64,
        chunk_size: u64,
        total_chunk_count: u32,
    },
    /// TikTok fetches the file itself from a verified domain.
    PullFromUrl { video_url: String },
}

/// Body of `POST /v2/post/publish/video/init/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VideoInit {
    pub post_info: VideoPostInfo,
    pub source_info: VideoSource,
}

/// `post_info` of a photo post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoPostInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub privacy_level: String,
    pub disable_comment: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_add_music: Option<bool>,
    pub brand_content_toggle: bool,
    pub brand_organic_toggle: bool,
    /// Where `is_aigc` goes for photos is unconfirmed (two clients put it at the root); see
    /// [`PhotoInit::is_aigc`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_aigc: Option<bool>,
}

/// `source_info` of a photo post: photos are only pulled from URLs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoSource {
    pub source: &'static str,
    pub photo_cover_index: u32,
    pub photo_images: Vec<String>,
}

/// Body of `POST /v2/post/publish/content/init/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoInit {
    pub media_type: &'static str,
    pub post_mode: &'static str,
    pub post_info: PhotoPostInfo,
    pub source_info: PhotoSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_aigc: Option<bool>,
}

/// `data` of an init: the publish id, and the upload URL for FILE_UPLOAD.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PublishInit {
    pub publish_id: String,
    #[serde(default)]
    pub upload_url: Option<String>,
}

/// Where a publish stands (`status` of `POST /v2/post/publish/status/fetch/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishState {
    ProcessingUpload,
    ProcessingDownload,
    SendToUserInbox,
    PublishComplete,
    Failed,
    /// A status this client does not know: treated as still processing.
    Other(String),
}

impl<'de> Deserialize<'de> for PublishState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(match raw.as_str() {
            "PROCESSING_UPLOAD" => Self::ProcessingUpload,
            "PROCESSING_DOWNLOAD" => Self::ProcessingDownload,
            "SEND_TO_USER_INBOX" => Self::SendToUserInbox,
            "PUBLISH_COMPLETE" => Self::PublishComplete,
            "FAILED" => Self::Failed,
            _ => Self::Other(raw),
        })
    }
}

/// `data` of a status fetch.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PublishStatus {
    pub status: PublishState,
    #[serde(default)]
    pub fail_reason: Option<String>,
    /// Numeric post ids, filled once the post is publicly viewable (after moderation); never
    /// for `SELF_ONLY`. TikTok's spelling.
    #[serde(default, rename = "publicaly_available_post_id")]
    pub public_post_ids: Vec<PostId>,
    #[serde(default)]
    pub uploaded_bytes: Option<u64>,
    #[serde(default)]
    pub downloaded_bytes: Option<u64>,
}

/// A post id, sent as a JSON number (int64) or a string depending on the client library
/// TikTok's docs were copied from: both are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostId(pub String);

impl<'de> Deserialize<'de> for PostId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::Number(n) => PostId(n.to_string()),
            Raw::Text(s) => PostId(s),
        })
    }
}

#[derive(Serialize)]
struct PublishIdBody<'a> {
    publish_id: &'a str,
}

/// One chunk of a FILE_UPLOAD: bytes `first..=last` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkRange {
    pub first: u64,
    pub last: u64,
    pub total: u64,
}

impl TiktokClient {
    fn post_json<B: Serialize + ?Sized>(
        &self,
        access_token: &SecretString,
        path: &str,
        body: &B,
    ) -> reqwest::RequestBuilder {
        self.http
            .post(self.api_url(path))
            .bearer_auth(access_token.expose())
            .header(CONTENT_TYPE, "application/json; charset=UTF-8")
            .json(body)
    }

    /// `POST /v2/post/publish/creator_info/query/` (scope `video.publish`). TikTok asks for
    /// it fresh before each post; it already answers the creator's daily cap.
    ///
    /// # Errors
    /// Auth, Permission (scope), Quota (rate limit or a volume cap).
    pub async fn creator_info(
        &self,
        access_token: &SecretString,
    ) -> Result<CreatorInfo, PlatformError> {
        let request = self.post_json(
            access_token,
            "/v2/post/publish/creator_info/query/",
            &serde_json::json!({}),
        );
        self.send_envelope(request).await
    }

    /// `POST /v2/post/publish/video/init/`: direct post of a video. With PULL_FROM_URL this
    /// call makes the post (TikTok starts pulling at once); with FILE_UPLOAD nothing is
    /// posted until the last chunk arrives.
    ///
    /// # Errors
    /// As [`classify`]: Permission for an unverified URL or an unaudited app, Content for
    /// spam checks, InvalidRequest for bad parameters.
    pub async fn init_video(
        &self,
        access_token: &SecretString,
        init: &VideoInit,
    ) -> Result<PublishInit, PlatformError> {
        let request = self.post_json(access_token, "/v2/post/publish/video/init/", init);
        self.send_envelope(request).await
    }

    /// `POST /v2/post/publish/content/init/`: a photo post (pulled from URLs); this call
    /// makes the post.
    ///
    /// # Errors
    /// As [`TiktokClient::init_video`].
    pub async fn init_photos(
        &self,
        access_token: &SecretString,
        init: &PhotoInit,
    ) -> Result<PublishInit, PlatformError> {
        let request = self.post_json(access_token, "/v2/post/publish/content/init/", init);
        self.send_envelope(request).await
    }

    /// `POST /v2/post/publish/status/fetch/`.
    ///
    /// # Errors
    /// As [`classify`]; `invalid_params` for an unknown publish id.
    pub async fn publish_status(
        &self,
        access_token: &SecretString,
        publish_id: &str,
    ) -> Result<PublishStatus, PlatformError> {
        let request = self.post_json(
            access_token,
            "/v2/post/publish/status/fetch/",
            &PublishIdBody { publish_id },
        );
        self.send_envelope(request).await
    }

    /// `PUT {upload_url}` with one chunk (`Content-Range: bytes first-last/total`). The
    /// upload URL carries its own token: no bearer is sent, and the URL never reaches an
    /// error or a log line.
    ///
    /// # Errors
    /// As [`classify`]; InvalidRequest when `upload_url` is not on TikTok's upload host (or
    /// the API host, for a simulator), so that an answer cannot send our bytes elsewhere.
    pub async fn upload_chunk(
        &self,
        upload_url: &str,
        content_type: &str,
        range: ChunkRange,
        bytes: Vec<u8>,
    ) -> Result<(), PlatformError> {
        let url = self.checked_upload_url(upload_url)?;
        let request = self
            .http
            .put(url)
            .header(CONTENT_TYPE, content_type)
            .header(
                CONTENT_RANGE,
                format!("bytes {}-{}/{}", range.first, range.last, range.total),
            )
            .body(bytes);
        send_checked(request, Platform::Tiktok, classify, &[]).await?;
        Ok(())
    }

    /// TikTok's upload URLs are on `*.tiktokapis.com` over https; a stand-in API host (a
    /// simulator) may serve its own.
    fn checked_upload_url(&self, raw: &str) -> Result<Url, PlatformError> {
        let refused = || {
            platform_error(
                Platform::Tiktok,
                PlatformErrorKind::InvalidRequest,
                Some("unexpected_upload_url".to_owned()),
                "TikTok answered an upload URL outside its upload hosts",
                None,
                None,
            )
        };
        let url = Url::parse(raw).map_err(|_| refused())?;
        let api = &self.config.api_base_url;
        let same_as_api = url.scheme() == api.scheme()
            && url.host_str() == api.host_str()
            && url.port_or_known_default() == api.port_or_known_default();
        let tiktok_upload_host = url.scheme() == "https"
            && url
                .host_str()
                .is_some_and(|host| host == "tiktokapis.com" || host.ends_with(".tiktokapis.com"));
        if same_as_api || tiktok_upload_host {
            Ok(url)
        } else {
            Err(refused())
        }
    }
}
