//! The video file's trip to the upload URL `POST /v5/media` returned (an S3 bucket): one
//! `multipart/form-data` POST with every signed `upload_parameters` field, then the file as
//! the `file` field, last. No Pinterest token goes there.
//!
//! The file is read from its asset URL a chunk at a time through the [`AssetFetcher`] (so the
//! one address policy applies) and handed to the request as it goes, with at most
//! [`QUEUED_CHUNKS`] chunks waiting: a 500 MB video never sits whole in memory. The body's
//! exact length is announced up front, as S3 takes no chunked uploads.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use socialpub_domain::{AssetUrl, Platform};
use socialpub_platform_http::{platform_error, retry_after_header, transport_error};
use socialpub_ports::{AssetFetchError, AssetFetcher, PlatformError, PlatformErrorKind};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use url::Url;

use crate::client::PinterestClient;
use crate::wire::MediaUpload;

/// Chunks read ahead of the request: memory use is about `(QUEUED_CHUNKS + 2) × chunk`.
pub const QUEUED_CHUNKS: usize = 2;

/// The file to send, and how to read it.
#[derive(Debug, Clone, Copy)]
pub struct VideoFile<'a> {
    pub url: &'a AssetUrl,
    /// Bytes to send: the file's announced length.
    pub len: u64,
    /// `video/mp4`, `video/quicktime`...
    pub content_type: &'a str,
    /// Bytes per read from the asset server.
    pub chunk_size: u32,
}

/// Why an upload failed: the file could not be read, or the upload URL refused it.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the video could not be read: {0}")]
    Asset(AssetFetchError),
    #[error("the video ended before its announced {expected} bytes ({read} read)")]
    Truncated { expected: u64, read: u64 },
    #[error(transparent)]
    Platform(#[from] PlatformError),
}

impl PinterestClient {
    /// `POST {upload_url}` as `multipart/form-data`: each of `upload_parameters`, then `file`.
    /// `timeout` replaces the client's request timeout, which is sized for API calls, not for
    /// a large file.
    ///
    /// # Errors
    /// [`UploadError::Asset`] / [`UploadError::Truncated`] when the file cannot be read whole;
    /// [`UploadError::Platform`] when the upload URL is unusable or answers an error
    /// (classified by [`classify_upload`]), or the connection fails.
    pub async fn upload_video(
        &self,
        upload: &MediaUpload,
        file: VideoFile<'_>,
        assets: &dyn AssetFetcher,
        timeout: Duration,
    ) -> Result<(), UploadError> {
        let target = self.upload_target(upload.upload_url.as_deref())?;
        let form = MultipartFrame::new(upload, file.content_type);
        let total = form.head.len() as u64 + file.len + form.tail.len() as u64;
        let (sender, receiver) = mpsc::channel(QUEUED_CHUNKS);
        let request = self
            .http
            .post(target)
            .timeout(timeout)
            .header(reqwest::header::CONTENT_TYPE, form.content_type())
            .body(reqwest::Body::wrap(StreamedBody {
                receiver,
                len: total,
            }));
        let head = Bytes::from(form.head);
        let tail = Bytes::from(form.tail);
        let (fed, answer) = tokio::join!(feed(sender, head, tail, file, assets), request.send());
        // A file that could not be read explains a broken request better than the break.
        fed?;
        let response = answer.map_err(|e| transport_error(Platform::Pinterest, &e))?;
        let status = response.status();
        let headers = response.headers().clone();
        if status.is_success() {
            return Ok(());
        }
        let body = response.bytes().await.unwrap_or_default();
        Err(classify_upload(status, &headers, &body).into())
    }

    /// The upload URL, if it is one we may send a file to: absolute, and `https` (or `http`
    /// when the API itself is reached over `http`, as against a local simulator).
    fn upload_target(&self, raw: Option<&str>) -> Result<Url, PlatformError> {
        let refuse = |message: &str| {
            platform_error(
                Platform::Pinterest,
                PlatformErrorKind::InvalidRequest,
                Some("unusable_upload_url".to_owned()),
                message,
                None,
                None,
            )
        };
        let raw = raw.ok_or_else(|| refuse("POST /v5/media answered without an upload_url"))?;
        let url = Url::parse(raw).map_err(|_| refuse("the upload_url is not a URL"))?;
        let allowed = url.scheme() == "https"
            || (url.scheme() == "http" && self.config.api_base_url.scheme() == "http");
        if !allowed || url.host_str().is_none() {
            return Err(refuse("the upload_url is not an https URL"));
        }
        Ok(url)
    }
}

/// Hands the form's head, the file chunk by chunk, then the tail to the request body. Stops
/// quietly when the request is gone (it failed or was answered early); on a read failure it
/// breaks the body, so the upload cannot complete with a partial file.
async fn feed(
    sender: mpsc::Sender<Result<Bytes, std::io::Error>>,
    head: Bytes,
    tail: Bytes,
    file: VideoFile<'_>,
    assets: &dyn AssetFetcher,
) -> Result<(), UploadError> {
    if sender.send(Ok(head)).await.is_err() {
        return Ok(());
    }
    let mut sent = 0_u64;
    while sent < file.len {
        let want = u64::from(file.chunk_size.max(1)).min(file.len - sent);
        let want = u32::try_from(want).unwrap_or(u32::MAX);
        let read = match assets.read_range(file.url, sent, want).await {
            Ok(chunk) if chunk.is_empty() => Err(UploadError::Truncated {
                expected: file.len,
                read: sent,
            }),
            Ok(mut chunk) => {
                chunk.truncate(want as usize);
                Ok(chunk)
            }
            Err(error) => Err(UploadError::Asset(error)),
        };
        let chunk = match read {
            Ok(chunk) => chunk,
            Err(error) => {
                let _ = sender
                    .send(Err(std::io::Error::other("the file could not be read")))
                    .await;
                return Err(error);
            }
        };
        sent += chunk.len() as u64;
        if sender.send(Ok(Bytes::from(chunk))).await.is_err() {
            return Ok(());
        }
    }
    let _ = sender.send(Ok(tail)).await;
    Ok(())
}

/// A request body fed through a bounded channel, with its exact length announced.
struct StreamedBody {
    receiver: mpsc::Receiver<Result<Bytes, std::io::Error>>,
    len: u64,
}

impl http_body::Body for StreamedBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        self.receiver
            .poll_recv(cx)
            .map(|item| item.map(|chunk| chunk.map(Frame::data)))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len)
    }
}

/// The parts of the form around the file.
struct MultipartFrame {
    boundary: String,
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl MultipartFrame {
    fn new(upload: &MediaUpload, content_type: &str) -> Self {
        // The file is streamed, so it cannot be searched for the boundary first: 128 random
        // bits make a collision practically impossible.
        let random = |salt: u64| RandomState::new().hash_one(salt);
        let boundary = format!("socialpub-pinterest-{:016x}{:016x}", random(1), random(2));
        let mut head = Vec::with_capacity(2048);
        for (name, value) in &upload.upload_parameters {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            head.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n",
                    quoted(name)
                )
                .as_bytes(),
            );
        }
        head.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"video\"\r\nContent-Type: {}\r\n\r\n",
                quoted(content_type)
            )
            .as_bytes(),
        );
        let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
        Self {
            boundary,
            head,
            tail,
        }
    }

    fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
}

/// A header value with no way to end its line or quoted string early.
fn quoted(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, '"' | '\r' | '\n'))
        .collect()
}

/// Classifies the upload URL's error answer (S3's XML `<Error><Code>..</Code>`): a refused
/// or expired signature (403) is Transient, since the next attempt registers anew and gets
/// fresh credentials; a file S3 will not take (`EntityTooLarge`, other 4xx) is Media; 5xx is
/// Transient. Only `Retry-After` sets a wait.
pub fn classify_upload(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> PlatformError {
    let code = s3_code(body);
    let kind = if status.is_server_error() || status == StatusCode::FORBIDDEN {
        PlatformErrorKind::Transient
    } else if status == StatusCode::TOO_MANY_REQUESTS {
        PlatformErrorKind::Quota
    } else {
        PlatformErrorKind::Media
    };
    let message = format!(
        "the video upload was refused: HTTP {}{}",
        status.as_u16(),
        code.as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default()
    );
    let retry = kind
        .is_retryable()
        .then(|| retry_after_header(headers, OffsetDateTime::now_utc()))
        .flatten();
    platform_error(
        Platform::Pinterest,
        kind,
        Some(code.unwrap_or_else(|| "upload_failed".to_owned())),
        message,
        Some(status),
        retry,
    )
}

/// `<Code>..</Code>` of an S3 error body, when it is a plain word.
fn s3_code(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Code>")? + "<Code>".len();
    let end = start + text.get(start..)?.find("</Code>")?;
    let code = text.get(start..end)?.trim();
    (!code.is_empty() && code.len() <= 64 && code.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_codes_are_read_only_when_plain() {
        assert_eq!(
            s3_code(b"<Error><Code>EntityTooLarge</Code><Message>x</Message></Error>").as_deref(),
            Some("EntityTooLarge")
        );
        assert_eq!(s3_code(b"<Error><Code>a b</Code></Error>"), None);
        assert_eq!(s3_code(b"not xml"), None);
    }

    #[test]
    fn upload_answers_are_classified_by_status() {
        let headers = HeaderMap::new();
        let expired = classify_upload(
            StatusCode::FORBIDDEN,
            &headers,
            b"<Error><Code>AccessDenied</Code></Error>",
        );
        assert_eq!(expired.kind, PlatformErrorKind::Transient);
        assert_eq!(expired.code.as_deref(), Some("AccessDenied"));
        let too_large = classify_upload(
            StatusCode::BAD_REQUEST,
            &headers,
            b"<Error><Code>EntityTooLarge</Code></Error>",
        );
        assert_eq!(too_large.kind, PlatformErrorKind::Media);
        let down = classify_upload(StatusCode::SERVICE_UNAVAILABLE, &headers, b"");
        assert_eq!(down.kind, PlatformErrorKind::Transient);
        assert_eq!(down.retry_after, None);
    }
}
