//! The Posts, Images, Videos and Documents APIs: `POST /rest/posts` (the commit; the post's
//! URN comes back in `x-restli-id`), the `initializeUpload` actions and the uploads they
//! lead to, `finalizeUpload` and status reads of videos, and the `q=author` finder that
//! lists an organization's posts.

use reqwest::Method;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{malformed_body, platform_error};
use socialpub_ports::{PlatformError, PlatformErrorKind};
use url::Url;

use crate::client::LinkedinClient;
use crate::upload_body::ChannelBody;

/// `https://www.linkedin.com/feed/update/{urn}`: LinkedIn has no permalink field; this form
/// works for `share` and `ugcPost` URNs alike.
pub fn post_url(urn: &str) -> String {
    format!("https://www.linkedin.com/feed/update/{urn}")
}

/// The `POST /rest/posts` body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPost {
    /// `urn:li:person:{sub}` or `urn:li:organization:{id}`.
    pub author: String,
    /// In little-text format (see [`crate::little_text::escape`]).
    pub commentary: String,
    pub visibility: String,
    pub distribution: Distribution,
    pub lifecycle_state: String,
    pub is_reshare_disabled_by_author: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<PostContent>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Distribution {
    pub feed_distribution: String,
    pub target_entities: Vec<serde_json::Value>,
    pub third_party_distribution_channels: Vec<serde_json::Value>,
}

impl Default for Distribution {
    fn default() -> Self {
        Self {
            feed_distribution: "MAIN_FEED".to_owned(),
            target_entities: Vec::new(),
            third_party_distribution_channels: Vec::new(),
        }
    }
}

/// One of `content.media`, `content.multiImage`, `content.article`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PostContent {
    /// One image, one video or one document.
    Media(MediaContent),
    /// 2–20 images.
    MultiImage {
        images: Vec<MediaContent>,
    },
    Article(ArticleContent),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaContent {
    /// `urn:li:image:…`, `urn:li:video:…` or `urn:li:document:…`.
    pub id: String,
    /// Required for documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
}

/// A link post. LinkedIn does not read the page: title and thumbnail come from us.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArticleContent {
    pub source: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `urn:li:image:…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
}

/// An upload slot from `initializeUpload` (images and documents: one `PUT` of the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadSlot {
    pub urn: String,
    pub upload_url: String,
}

/// A video upload from `initializeUpload`: one `PUT` per instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoSlot {
    pub urn: String,
    pub upload_token: String,
    pub parts: Vec<UploadPart>,
}

/// Bytes `first_byte..=last_byte` of the file go to `upload_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadPart {
    pub upload_url: String,
    pub first_byte: u64,
    pub last_byte: u64,
}

/// `status` of an image or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MediaStatus {
    WaitingUpload,
    Processing,
    Available,
    ProcessingFailed,
    #[serde(other)]
    Other,
}

/// `GET /rest/videos/{urn}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoState {
    pub status: MediaStatus,
    #[serde(default)]
    pub processing_failure_reason: Option<String>,
}

/// A post as the `q=author` finder lists it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListedPost {
    /// `urn:li:share:…` or `urn:li:ugcPost:…`.
    pub id: String,
    pub author: Option<String>,
    pub commentary: Option<String>,
    /// Milliseconds since the epoch.
    pub created_at: Option<i64>,
    pub last_modified_at: Option<i64>,
    pub published_at: Option<i64>,
    pub content: Option<serde_json::Value>,
}

/// One page of an organization's posts.
#[derive(Debug, Clone, Default)]
pub struct PostsPage {
    pub posts: Vec<ListedPost>,
    /// LinkedIn reports a total on some finders only.
    pub total: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Wrapped<T> {
    value: T,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InitializedUpload {
    upload_url: String,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    document: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InitializedVideo {
    video: String,
    #[serde(default)]
    upload_instructions: Vec<UploadPart>,
    #[serde(default)]
    upload_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PostsElements {
    elements: Vec<ListedPost>,
    paging: Option<Paging>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Paging {
    total: Option<u64>,
}

/// The kinds of upload LinkedIn has an `initializeUpload` action for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadResource {
    Images,
    Documents,
}

impl UploadResource {
    fn path(self) -> &'static str {
        match self {
            UploadResource::Images => "images",
            UploadResource::Documents => "documents",
        }
    }
}

/// A successful body as `T`; another shape is InvalidRequest, never quoted.
fn decode<T: DeserializeOwned>(
    platform: Platform,
    status: StatusCode,
    body: &[u8],
) -> Result<T, PlatformError> {
    serde_json::from_slice(body).map_err(|e| malformed_body(platform, status, &e))
}

fn malformed(message: &str) -> PlatformError {
    platform_error(
        Platform::Linkedin,
        PlatformErrorKind::InvalidRequest,
        Some("malformed_response".to_owned()),
        message,
        Some(StatusCode::OK),
        None,
    )
}

impl LinkedinClient {
    fn rest_url(&self, resource: &str, action: Option<&str>) -> Result<Url, PlatformError> {
        let mut url = self.api_url(&["rest", resource])?;
        if let Some(action) = action {
            url.query_pairs_mut().append_pair("action", action);
        }
        Ok(url)
    }

    /// `POST /rest/posts`: the commit. Answers the new post's URN from `x-restli-id` (or
    /// `None` when a 201 came without it: the post exists, its id must be looked up).
    ///
    /// # Errors
    /// The classified failure; a duplicate of an earlier post is a 422 whose message names
    /// that post (see [`duplicate_of`]).
    pub async fn create_post(
        &self,
        token: &SecretString,
        post: &NewPost,
    ) -> Result<Option<String>, PlatformError> {
        let request = self
            .rest(Method::POST, self.rest_url("posts", None)?, token)
            .json(post);
        let received = self.send_rest(request, &[token]).await?;
        Ok(["x-restli-id", "x-linkedin-id"].iter().find_map(|name| {
            received
                .headers
                .get(*name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| v.starts_with("urn:li:"))
                .map(str::to_owned)
        }))
    }

    /// `POST /rest/{images|documents}?action=initializeUpload` for `owner`.
    ///
    /// # Errors
    /// The classified failure, or InvalidRequest when the answer names no upload.
    pub async fn initialize_upload(
        &self,
        token: &SecretString,
        resource: UploadResource,
        owner: &str,
    ) -> Result<UploadSlot, PlatformError> {
        let request = self
            .rest(
                Method::POST,
                self.rest_url(resource.path(), Some("initializeUpload"))?,
                token,
            )
            .json(&serde_json::json!({"initializeUploadRequest": {"owner": owner}}));
        let received = self.send_rest(request, &[token]).await?;
        let answer: Wrapped<InitializedUpload> =
            decode(Platform::Linkedin, received.status, &received.body)?;
        let urn = answer
            .value
            .image
            .or(answer.value.document)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| malformed("initializeUpload answered without an asset URN"))?;
        if answer.value.upload_url.is_empty() {
            return Err(malformed("initializeUpload answered without an upload URL"));
        }
        Ok(UploadSlot {
            urn,
            upload_url: answer.value.upload_url,
        })
    }

    /// `POST /rest/videos?action=initializeUpload` for a file of `size` bytes, without
    /// captions or thumbnail.
    ///
    /// # Errors
    /// The classified failure, or InvalidRequest when the answer holds no video or no part.
    pub async fn initialize_video_upload(
        &self,
        token: &SecretString,
        owner: &str,
        size: u64,
    ) -> Result<VideoSlot, PlatformError> {
        let request = self
            .rest(
                Method::POST,
                self.rest_url("videos", Some("initializeUpload"))?,
                token,
            )
            .json(&serde_json::json!({"initializeUploadRequest": {
                "owner": owner,
                "fileSizeBytes": size,
                "uploadCaptions": false,
                "uploadThumbnail": false,
            }}));
        let received = self.send_rest(request, &[token]).await?;
        let answer: Wrapped<InitializedVideo> =
            decode(Platform::Linkedin, received.status, &received.body)?;
        let value = answer.value;
        let covered = value
            .upload_instructions
            .iter()
            .all(|p| p.first_byte <= p.last_byte && p.last_byte < size);
        if value.video.is_empty() || value.upload_instructions.is_empty() || !covered {
            return Err(malformed(
                "initializeUpload answered without a video or with unusable upload parts",
            ));
        }
        Ok(VideoSlot {
            urn: value.video,
            upload_token: value.upload_token.unwrap_or_default(),
            parts: value.upload_instructions,
        })
    }

    /// An upload URL LinkedIn handed out, refused unless it is on LinkedIn (or on the
    /// configured API host, as the simulator's are): the upload carries the access token.
    fn upload_url(&self, raw: &str) -> Result<Url, PlatformError> {
        let url = Url::parse(raw).map_err(|_| malformed("the upload URL is not a URL"))?;
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        let on_linkedin = ["linkedin.com", "licdn.com"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")));
        let configured = [&self.config.api_base_url, &self.config.oauth_base_url]
            .iter()
            .any(|base| base.host_str() == url.host_str() && base.port() == url.port());
        let secure = url.scheme() == "https" || configured;
        if !(on_linkedin || configured) || !secure {
            return Err(platform_error(
                Platform::Linkedin,
                PlatformErrorKind::InvalidRequest,
                Some("foreign_upload_url".to_owned()),
                "LinkedIn handed out an upload URL outside LinkedIn; the file was not sent",
                None,
                None,
            ));
        }
        Ok(url)
    }

    /// `PUT {upload_url}` with the whole file, streamed from `body` (images and documents
    /// take one request). Needs the access token.
    ///
    /// # Errors
    /// The classified failure.
    pub(crate) async fn put_file(
        &self,
        token: &SecretString,
        upload_url: &str,
        content_type: &str,
        body: ChannelBody,
    ) -> Result<(), PlatformError> {
        let request = self
            .http
            .put(self.upload_url(upload_url)?)
            .bearer_auth(token.expose())
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(reqwest::Body::wrap(body));
        self.send_rest(request, &[token]).await.map(|_| ())
    }

    /// `PUT {upload_url}` with one part of a video; answers the part's `ETag`.
    ///
    /// # Errors
    /// The classified failure, or InvalidRequest when the answer carries no `ETag`.
    pub async fn put_video_part(
        &self,
        token: &SecretString,
        upload_url: &str,
        bytes: Vec<u8>,
    ) -> Result<String, PlatformError> {
        let request = self
            .http
            .put(self.upload_url(upload_url)?)
            .bearer_auth(token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes);
        let received = self.send_rest(request, &[token]).await?;
        received
            .headers
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| malformed("a video part was accepted without an ETag"))
    }

    /// `POST /rest/videos?action=finalizeUpload` with every part's ETag, in order.
    ///
    /// # Errors
    /// The classified failure.
    pub async fn finalize_video_upload(
        &self,
        token: &SecretString,
        video: &str,
        upload_token: &str,
        etags: &[String],
    ) -> Result<(), PlatformError> {
        let request = self
            .rest(
                Method::POST,
                self.rest_url("videos", Some("finalizeUpload"))?,
                token,
            )
            .json(&serde_json::json!({"finalizeUploadRequest": {
                "video": video,
                "uploadToken": upload_token,
                "uploadedPartIds": etags,
            }}));
        self.send_rest(request, &[token]).await.map(|_| ())
    }

    /// `GET /rest/videos/{urn}`.
    ///
    /// # Errors
    /// The classified failure.
    pub async fn video(
        &self,
        token: &SecretString,
        video: &str,
    ) -> Result<VideoState, PlatformError> {
        let mut url = self.api_url(&["rest", "videos"])?;
        let path = format!("{}/{}", url.path(), encode_urn(video));
        url.set_path(&path);
        let received = self.send_rest(self.rest_get(url, token), &[token]).await?;
        decode(Platform::Linkedin, received.status, &received.body)
    }

    /// `GET /rest/images/{urn}`. Needs an organization or read scope: a member's token with
    /// only `w_member_social` is refused (403).
    ///
    /// # Errors
    /// The classified failure.
    pub async fn image(
        &self,
        token: &SecretString,
        image: &str,
    ) -> Result<VideoState, PlatformError> {
        let mut url = self.api_url(&["rest", "images"])?;
        let path = format!("{}/{}", url.path(), encode_urn(image));
        url.set_path(&path);
        let received = self.send_rest(self.rest_get(url, token), &[token]).await?;
        decode(Platform::Linkedin, received.status, &received.body)
    }

    /// `GET /rest/posts?q=author&author={urn}&sortBy=LAST_MODIFIED&start&count` (header
    /// `X-RestLi-Method: FINDER`, scope `r_organization_social`): an organization's posts,
    /// most recently changed first. Member posts cannot be listed this way.
    ///
    /// # Errors
    /// The classified failure (403 without the scope).
    pub async fn posts_by_author(
        &self,
        token: &SecretString,
        author: &str,
        start: u32,
        count: u32,
    ) -> Result<PostsPage, PlatformError> {
        let mut url = self.rest_url("posts", None)?;
        url.query_pairs_mut()
            .append_pair("q", "author")
            .append_pair("author", author)
            .append_pair("sortBy", "LAST_MODIFIED")
            .append_pair("start", &start.to_string())
            .append_pair("count", &count.to_string());
        let request = self
            .rest_get(url, token)
            .header("X-RestLi-Method", "FINDER");
        let received = self.send_rest(request, &[token]).await?;
        let page: PostsElements = decode(Platform::Linkedin, received.status, &received.body)?;
        Ok(PostsPage {
            posts: page.elements,
            total: page.paging.and_then(|p| p.total),
        })
    }
}

/// A URN as one path segment: LinkedIn wants its colons (and Rest.li's reserved
/// characters) percent-encoded, e.g. `urn%3Ali%3Avideo%3AC5F10AQ`.
fn encode_urn(urn: &str) -> String {
    let mut out = String::with_capacity(urn.len() + 12);
    for c in urn.chars() {
        match c {
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '/' => out.push_str("%2F"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            ' ' => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

/// The post a duplicate-content 422 names ("Content is a duplicate of urn:li:share:N"):
/// only `share`, `ugcPost` and `activity` URNs are post ids.
pub fn duplicate_of(error: &PlatformError) -> Option<String> {
    if error.http_status != Some(422) {
        return None;
    }
    let message = &error.message;
    ["urn:li:share:", "urn:li:ugcPost:", "urn:li:activity:"]
        .iter()
        .filter_map(|prefix| {
            let at = message.find(prefix)?;
            let digits: String = message[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            (!digits.is_empty()).then(|| (at, format!("{prefix}{digits}")))
        })
        .min_by_key(|(at, _)| *at)
        .map(|(_, urn)| urn)
}
