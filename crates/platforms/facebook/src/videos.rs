//! Page videos and reels on the Graph API.
//!
//! - Feed video by URL: `POST /{page-id}/videos` on the video host (`graph-video`) with
//!   `file_url` (Facebook fetches the file) and the text as `description` is the commit.
//! - Feed video from a file, resumable: `POST /{page-id}/videos` on the video host with
//!   `upload_phase=start` and `file_size` (a video id, an upload session and the first byte
//!   window), `transfer` (one multipart `video_file_chunk` at the window's `start_offset`,
//!   answered with the next window) until the window is empty, then `finish` with the text
//!   as `description`, the commit.
//! - Reel, in three phases: `POST /{page-id}/video_reels` `upload_phase=start` (a `video_id`
//!   and an `upload_url`), the upload to that URL (the file's URL in a `file_url` header, or
//!   the bytes in chunks with `offset` and `file_size` headers, resumable at any offset), then
//!   `upload_phase=finish` with `video_state=PUBLISHED`, the commit.
//! - `GET /{video-id}?fields=status,permalink_url`: where a video stands, which also tells
//!   whether an unanswered reel commit went through (reels are not in the Page's feed).

use reqwest::header::{HeaderName, HeaderValue};
use serde::{Deserialize, Deserializer, Serialize};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::meta_graph::classify_graph;
use socialpub_platform_http::platform_error;
use socialpub_ports::{PlatformError, PlatformErrorKind};
use url::Url;

use crate::client::FacebookClient;

/// `POST /{page-id}/videos` fields.
#[derive(Debug, Clone, Serialize)]
pub struct NewVideo {
    pub file_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `{"id": "{video-id}"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedVideo {
    pub id: String,
}

/// The answer to `upload_phase=start`.
#[derive(Debug, Clone, Deserialize)]
pub struct ReelUploadSession {
    pub video_id: String,
    /// Used exactly as given: Meta's examples disagree on its shape.
    pub upload_url: String,
}

/// `upload_phase=finish` fields.
#[derive(Debug, Clone, Serialize)]
pub struct ReelFinish {
    pub video_id: String,
    pub upload_phase: &'static str,
    pub video_state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Success {
    success: bool,
}

/// Graph sends upload offsets as strings (`"1048576"`); numbers are taken too.
fn offset<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Offset {
        Number(u64),
        Text(String),
    }
    match Offset::deserialize(deserializer)? {
        Offset::Number(n) => Ok(n),
        Offset::Text(text) => text.trim().parse().map_err(serde::de::Error::custom),
    }
}

/// The bytes Graph wants next: `[start_offset, end_offset)`. An empty window
/// (`start_offset == end_offset`) means it has the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct UploadWindow {
    #[serde(deserialize_with = "offset")]
    pub start_offset: u64,
    #[serde(deserialize_with = "offset")]
    pub end_offset: u64,
}

impl UploadWindow {
    /// Graph has every byte.
    pub fn is_complete(&self) -> bool {
        self.start_offset >= self.end_offset
    }
}

/// The answer to `upload_phase=start` on `/{page-id}/videos`.
#[derive(Debug, Clone, Deserialize)]
pub struct VideoUploadSession {
    pub video_id: String,
    pub upload_session_id: String,
    #[serde(flatten)]
    pub window: UploadWindow,
}

/// `upload_phase=finish` fields of a resumable feed video: the commit.
#[derive(Debug, Clone, Serialize)]
pub struct VideoFinish {
    pub upload_session_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `GET /{video-id}?fields=status,permalink_url`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VideoState {
    pub id: String,
    pub permalink_url: Option<String>,
    pub status: VideoStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VideoStatus {
    /// `uploading|processing|ready|upload_complete|error|expired|upload_failed`.
    pub video_status: Option<String>,
    pub uploading_phase: Option<UploadingPhase>,
    pub publishing_phase: Option<PublishingPhase>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UploadingPhase {
    pub status: Option<String>,
    /// Meta's spelling.
    pub bytes_transfered: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PublishingPhase {
    pub status: Option<String>,
    /// `published`, `scheduled` or `draft`.
    pub publish_status: Option<String>,
}

impl VideoState {
    /// Meta shows the video as published.
    pub fn is_published(&self) -> bool {
        self.status
            .publishing_phase
            .as_ref()
            .and_then(|p| p.publish_status.as_deref())
            == Some("published")
    }
}

/// The host Meta's reel uploads go to in production.
const RUPLOAD_HOST: &str = "rupload.facebook.com";

impl FacebookClient {
    /// `POST /{page-id}/videos` with `file_url` on the video host: the commit of a feed video.
    ///
    /// # Errors
    /// As classified by [`classify_graph`] (389 unable to fetch the file is Media).
    pub async fn create_video(
        &self,
        page_token: &SecretString,
        page_id: &str,
        video: &NewVideo,
    ) -> Result<CreatedVideo, PlatformError> {
        let request = self
            .http
            .post(self.video_url(&[page_id, "videos"])?)
            .bearer_auth(page_token.expose())
            .json(video);
        self.call(request, classify_graph, &[page_token]).await
    }

    /// `upload_phase=start` of a resumable feed video of `file_size` bytes: safe to repeat (an
    /// unfinished upload is never published). The video id comes back before the commit.
    ///
    /// # Errors
    /// As classified by [`classify_graph`] (382 file too small, 6000/6001 upload problems).
    pub async fn video_upload_start(
        &self,
        page_token: &SecretString,
        page_id: &str,
        file_size: u64,
    ) -> Result<VideoUploadSession, PlatformError> {
        let request = self
            .http
            .post(self.video_url(&[page_id, "videos"])?)
            .bearer_auth(page_token.expose())
            .json(&serde_json::json!({
                "upload_phase": "start",
                "file_size": file_size,
            }));
        self.call(request, classify_graph, &[page_token]).await
    }

    /// `upload_phase=transfer`: `chunk` as the multipart `video_file_chunk` at `start_offset`.
    /// Answers the next window Graph wants.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn video_upload_transfer(
        &self,
        page_token: &SecretString,
        page_id: &str,
        upload_session_id: &str,
        start_offset: u64,
        chunk: &[u8],
    ) -> Result<UploadWindow, PlatformError> {
        let (content_type, body) = socialpub_platform_http::multipart_form(
            &[
                ("upload_phase", "transfer"),
                ("upload_session_id", upload_session_id),
                ("start_offset", &start_offset.to_string()),
            ],
            "video_file_chunk",
            chunk,
        );
        let request = self
            .http
            .post(self.video_url(&[page_id, "videos"])?)
            .bearer_auth(page_token.expose())
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        self.call(request, classify_graph, &[page_token]).await
    }

    /// `upload_phase=finish`: the commit of a resumable feed video.
    ///
    /// # Errors
    /// As classified by [`classify_graph`]; an answer without `success` is InvalidRequest.
    pub async fn video_upload_finish(
        &self,
        page_token: &SecretString,
        page_id: &str,
        finish: &VideoFinish,
    ) -> Result<(), PlatformError> {
        let mut body = serde_json::to_value(finish).unwrap_or_default();
        body["upload_phase"] = serde_json::Value::from("finish");
        let request = self
            .http
            .post(self.video_url(&[page_id, "videos"])?)
            .bearer_auth(page_token.expose())
            .json(&body);
        let answer: Success = self.call(request, classify_graph, &[page_token]).await?;
        if answer.success {
            Ok(())
        } else {
            Err(platform_error(
                Platform::Facebook,
                PlatformErrorKind::InvalidRequest,
                Some("video_not_finished".to_owned()),
                "videos finish answered without success",
                None,
                None,
            ))
        }
    }

    /// `GET /{page-id}/videos?since=..[&until=..]&limit=100`: the first page (newest first) of
    /// the Page's published videos created in `window`; further pages come from
    /// [`FacebookClient::published_posts_next`]. Each video's text is its `description`.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn page_videos(
        &self,
        page_token: &SecretString,
        page_id: &str,
        window: crate::posts::PostsWindow,
    ) -> Result<crate::posts::PagePostsPage, PlatformError> {
        self.listing(
            page_token,
            page_id,
            "videos",
            "id,created_time,description,permalink_url",
            window,
        )
        .await
    }

    /// `POST /{page-id}/video_reels` `upload_phase=start`: safe to repeat (an unused video id
    /// is simply never finished).
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn reel_start(
        &self,
        page_token: &SecretString,
        page_id: &str,
    ) -> Result<ReelUploadSession, PlatformError> {
        let request = self
            .http
            .post(self.graph_url(&[page_id, "video_reels"])?)
            .bearer_auth(page_token.expose())
            .json(&serde_json::json!({"upload_phase": "start"}));
        self.call(request, classify_graph, &[page_token]).await
    }

    /// The upload URL of a reel, refused unless it is on the API host or Meta's upload host,
    /// as the Page token goes with it.
    fn upload_url(&self, raw: &str) -> Result<Url, PlatformError> {
        Url::parse(raw)
            .ok()
            .filter(|url| self.is_api_host(url) || url.host_str() == Some(RUPLOAD_HOST))
            .filter(|url| url.scheme() == "https" || self.is_api_host(url))
            .ok_or_else(|| {
                platform_error(
                    Platform::Facebook,
                    PlatformErrorKind::InvalidRequest,
                    Some("unusable_upload_url".to_owned()),
                    "video_reels answered with an upload_url off Meta's hosts",
                    None,
                    None,
                )
            })
    }

    /// Upload of a hosted file: Meta fetches `file_url` itself.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn reel_upload_hosted(
        &self,
        page_token: &SecretString,
        upload_url: &str,
        file_url: &str,
    ) -> Result<(), PlatformError> {
        let request = self
            .http
            .post(self.upload_url(upload_url)?)
            .header(
                reqwest::header::AUTHORIZATION,
                format!("OAuth {}", page_token.expose()),
            )
            .header(HeaderName::from_static("file_url"), header(file_url)?);
        let _: Success = self.call(request, classify_graph, &[page_token]).await?;
        Ok(())
    }

    /// One chunk of the file's bytes at `offset` of `file_size`.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn reel_upload_chunk(
        &self,
        page_token: &SecretString,
        upload_url: &str,
        offset: u64,
        file_size: u64,
        chunk: Vec<u8>,
    ) -> Result<(), PlatformError> {
        let request = self
            .http
            .post(self.upload_url(upload_url)?)
            .header(
                reqwest::header::AUTHORIZATION,
                format!("OAuth {}", page_token.expose()),
            )
            .header(HeaderName::from_static("offset"), offset.to_string())
            .header(HeaderName::from_static("file_size"), file_size.to_string())
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(chunk);
        let _: Success = self.call(request, classify_graph, &[page_token]).await?;
        Ok(())
    }

    /// `POST /{page-id}/video_reels` `upload_phase=finish`: the commit of a reel.
    ///
    /// # Errors
    /// As classified by [`classify_graph`]; an answer without `success` is InvalidRequest.
    pub async fn reel_finish(
        &self,
        page_token: &SecretString,
        page_id: &str,
        finish: &ReelFinish,
    ) -> Result<(), PlatformError> {
        let request = self
            .http
            .post(self.graph_url(&[page_id, "video_reels"])?)
            .bearer_auth(page_token.expose())
            .json(finish);
        let answer: Success = self.call(request, classify_graph, &[page_token]).await?;
        if answer.success {
            Ok(())
        } else {
            Err(platform_error(
                Platform::Facebook,
                PlatformErrorKind::InvalidRequest,
                Some("reel_not_finished".to_owned()),
                "video_reels finish answered without success",
                None,
                None,
            ))
        }
    }

    /// `GET /{video-id}?fields=status,permalink_url`.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn video_state(
        &self,
        page_token: &SecretString,
        video_id: &str,
    ) -> Result<VideoState, PlatformError> {
        let request = self
            .http
            .get(self.graph_url(&[video_id])?)
            .query(&[("fields", "status,permalink_url")])
            .bearer_auth(page_token.expose());
        self.call(request, classify_graph, &[page_token]).await
    }
}

fn header(value: &str) -> Result<HeaderValue, PlatformError> {
    HeaderValue::from_str(value).map_err(|_| {
        platform_error(
            Platform::Facebook,
            PlatformErrorKind::InvalidRequest,
            Some("unusable_file_url".to_owned()),
            "the file's URL cannot be sent in a header",
            None,
            None,
        )
    })
}
