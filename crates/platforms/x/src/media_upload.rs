//! X media upload v2, the chunked flow of the 2.167 spec: `POST /2/media/upload/initialize`,
//! `POST /2/media/upload/{id}/append` (multipart, one segment per call), `POST
//! /2/media/upload/{id}/finalize`, then `GET /2/media/upload?command=STATUS&media_id=` while
//! the media is processing. Used for images too: one code path, and bytes are always sent a
//! chunk at a time.

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{platform_error, send_json};
use socialpub_ports::{PlatformError, PlatformErrorKind};

use crate::client::XClient;
use crate::errors::classify;
use crate::wire::ErrorItem;

/// `media_category` of an upload meant for a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaCategory {
    TweetImage,
    TweetGif,
    TweetVideo,
}

/// `POST /2/media/upload/initialize` body.
#[derive(Debug, Clone, Serialize)]
pub struct InitializeUpload {
    pub media_type: String,
    pub total_bytes: u64,
    pub media_category: MediaCategory,
}

/// The `data` of initialize, finalize and status answers.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MediaUpload {
    pub id: String,
    #[serde(default)]
    pub media_key: Option<String>,
    #[serde(default)]
    pub expires_after_secs: Option<i64>,
    #[serde(default)]
    pub size: Option<u64>,
    /// Absent once the media is ready.
    #[serde(default)]
    pub processing_info: Option<ProcessingInfo>,
}

/// Video (and GIF) processing after finalize.
#[derive(Debug, Clone, Deserialize)]
pub struct ProcessingInfo {
    pub state: ProcessingState,
    /// Seconds to wait before asking again.
    #[serde(default)]
    pub check_after_secs: Option<i64>,
    #[serde(default)]
    pub progress_percent: Option<i64>,
    #[serde(default)]
    pub error: Option<ProcessingError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingState {
    Pending,
    InProgress,
    Succeeded,
    Failed,
    #[serde(other)]
    Unknown,
}

/// Why processing failed, as the v1.1-era `processing_info.error` object says.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProcessingError {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct MediaUploadResponse {
    #[serde(default)]
    data: Option<MediaUpload>,
    #[serde(default)]
    errors: Vec<ErrorItem>,
}

#[derive(Debug, Deserialize)]
struct AppendResponse {}

#[derive(Debug, Deserialize)]
struct MetadataResponse {}

impl XClient {
    /// `POST /2/media/upload/initialize`: opens an upload and returns its media id.
    ///
    /// # Errors
    /// As classified by [`classify`](crate::classify); InvalidRequest when the answer holds
    /// no media.
    pub async fn media_initialize(
        &self,
        access_token: &SecretString,
        upload: &InitializeUpload,
    ) -> Result<MediaUpload, PlatformError> {
        let request = self
            .http
            .post(self.api_url("/2/media/upload/initialize"))
            .bearer_auth(access_token.expose())
            .json(upload);
        media_data(send_json(request, Platform::X, classify).await?)
    }

    /// `POST /2/media/upload/{id}/append` with one segment (`segment_index` 0..=999) as
    /// `multipart/form-data`.
    ///
    /// # Errors
    /// As classified by [`classify`](crate::classify).
    pub async fn media_append(
        &self,
        access_token: &SecretString,
        media_id: &str,
        segment_index: u32,
        chunk: &[u8],
    ) -> Result<(), PlatformError> {
        let (content_type, body) = multipart_segment(segment_index, chunk);
        let request = self
            .http
            .post(self.api_url(&format!("/2/media/upload/{media_id}/append")))
            .bearer_auth(access_token.expose())
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        let _: AppendResponse = send_json(request, Platform::X, classify).await?;
        Ok(())
    }

    /// `POST /2/media/upload/{id}/finalize`: the media is ready, or processing starts
    /// (`processing_info`).
    ///
    /// # Errors
    /// As classified by [`classify`](crate::classify).
    pub async fn media_finalize(
        &self,
        access_token: &SecretString,
        media_id: &str,
    ) -> Result<MediaUpload, PlatformError> {
        let request = self
            .http
            .post(self.api_url(&format!("/2/media/upload/{media_id}/finalize")))
            .bearer_auth(access_token.expose());
        media_data(send_json(request, Platform::X, classify).await?)
    }

    /// `GET /2/media/upload?command=STATUS&media_id={id}`.
    ///
    /// # Errors
    /// As classified by [`classify`](crate::classify).
    pub async fn media_status(
        &self,
        access_token: &SecretString,
        media_id: &str,
    ) -> Result<MediaUpload, PlatformError> {
        let request = self
            .http
            .get(self.api_url("/2/media/upload"))
            .query(&[("command", "STATUS"), ("media_id", media_id)])
            .bearer_auth(access_token.expose());
        media_data(send_json(request, Platform::X, classify).await?)
    }
}

impl XClient {
    /// `POST /2/media/metadata` with the alt text (at most 1,000 characters) of an uploaded
    /// image, before it is attached to a post.
    ///
    /// # Errors
    /// As classified by [`classify`](crate::classify).
    pub async fn media_alt_text(
        &self,
        access_token: &SecretString,
        media_id: &str,
        alt_text: &str,
    ) -> Result<(), PlatformError> {
        let request = self
            .http
            .post(self.api_url("/2/media/metadata"))
            .bearer_auth(access_token.expose())
            .json(&serde_json::json!({
                "id": media_id,
                "metadata": {"alt_text": {"text": alt_text}},
            }));
        let _: MetadataResponse = send_json(request, Platform::X, classify).await?;
        Ok(())
    }
}

fn media_data(response: MediaUploadResponse) -> Result<MediaUpload, PlatformError> {
    match response.data {
        Some(data) if !data.id.is_empty() => Ok(data),
        _ if !response.errors.is_empty() => Err(crate::errors::from_body(
            StatusCode::OK,
            &crate::wire::ErrorBody {
                errors: response.errors,
                ..crate::wire::ErrorBody::default()
            },
        )),
        _ => Err(platform_error(
            Platform::X,
            PlatformErrorKind::InvalidRequest,
            Some("malformed_response".to_owned()),
            "media upload answered without a media id",
            Some(StatusCode::OK),
            None,
        )),
    }
}

/// A `multipart/form-data` body with `segment_index` and `media` (the raw chunk).
pub(crate) fn multipart_segment(segment_index: u32, chunk: &[u8]) -> (String, Vec<u8>) {
    socialpub_platform_http::multipart_form(
        &[("segment_index", &segment_index.to_string())],
        "media",
        chunk,
    )
}
