//! Pinterest as a [`Publisher`]. Every pin goes to the board named by the `board_id` option.
//!
//! - Image pin: `POST /v5/pins` with `image_url` is the commit (Pinterest fetches the file).
//! - Carousel (2 to 5 images of the same dimensions): the same, with `multiple_image_urls`.
//! - Video pin: `upload_video` registers the upload (`POST /v5/media`) and streams the file to
//!   the returned URL with its signed form fields, in one step, so the short-lived upload
//!   credentials are never stored; `media_status` polls `GET /v5/media/{id}`, parking the job
//!   between polls, until the video is processed; then `POST /v5/pins` with `video_id` and the
//!   `cover_image_url` option commits.
//!
//! The commit's answer holds the pin id, and the pin's URL follows from it
//! (`https://www.pinterest.com/pin/{id}/`). Pinterest has no idempotency key: after a lost
//! answer the board's pins are read (`GET /v5/boards/{board_id}/pins`, in an undocumented
//! order, so every page up to a bound) for one matching the job.

use serde::{Deserialize, Serialize};
use socialpub_domain::{Asset, AssetKind, Platform, PublishJob, PublishProgress};
use socialpub_platform_http::{not_yet_settled, platform_error, retry_read};
use socialpub_ports::{
    PlannedStep, PlatformError, PlatformErrorKind, PublishContext, PublishedPost, Publisher,
    Reconciliation, StepOutcome,
};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::client::PinterestClient;
use crate::upload::{UploadError, VideoFile};
use crate::wire::{ImageItem, MediaSource, MediaStatus, NewPin, Pin};

/// Step names, for logs, attempts and metrics.
pub const STEP_UPLOAD_VIDEO: &str = "upload_video";
pub const STEP_MEDIA_STATUS: &str = "media_status";
pub const STEP_CREATE_PIN: &str = "create_pin";
/// Only reached when a commit was recorded as answered but its pin was not stored: the pin
/// is looked up, never created again.
pub const STEP_FIND_PIN: &str = "find_pin";

/// Progress key of the uploaded video (JSON).
const VIDEO: &str = "pinterest.video";

/// Immediate retries of one board page that failed with a 5xx or a dropped connection.
const PAGE_RETRIES: usize = 2;

/// How the Pinterest publisher uploads, waits and reconciles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinterestPublishSettings {
    /// Bytes per read of a video from its asset URL while it streams to the upload URL.
    pub chunk_size: u32,
    /// The whole upload request's time limit (the client's own limit is for API calls).
    pub upload_timeout: std::time::Duration,
    /// Time between two `GET /v5/media/{id}` while the video processes.
    pub media_poll_interval: Duration,
    /// How long after the upload a video may still be processing before the pin fails.
    pub media_processing_timeout: Duration,
    /// How far before the commit marker a matching pin may have been created (clock skew).
    pub reconcile_lookback: Duration,
    /// How long after the commit marker the pin can have been created (the commit's request
    /// timeout plus clock skew).
    pub reconcile_lookahead: Duration,
    /// At most this many board pages (250 pins each) per lookup. The order of the list is
    /// undocumented, so when pins remain after the last page the lookup answers Unknown.
    pub reconcile_max_pages: usize,
    /// Until this long after the commit marker, not finding the pin is no proof it is
    /// absent: `find_published` asks to be called again instead.
    pub reconcile_settle: Duration,
}

impl Default for PinterestPublishSettings {
    fn default() -> Self {
        Self {
            chunk_size: 4 * 1024 * 1024,
            upload_timeout: std::time::Duration::from_secs(30 * 60),
            media_poll_interval: Duration::seconds(10),
            media_processing_timeout: Duration::minutes(30),
            reconcile_lookback: Duration::minutes(2),
            reconcile_lookahead: Duration::minutes(5),
            reconcile_max_pages: 10,
            reconcile_settle: Duration::seconds(2),
        }
    }
}

/// Publishes pins with the user's token. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PinterestPublisher {
    client: PinterestClient,
    settings: PinterestPublishSettings,
}

impl PinterestPublisher {
    pub fn new(client: PinterestClient) -> Self {
        Self::with_settings(client, PinterestPublishSettings::default())
    }

    pub fn with_settings(client: PinterestClient, settings: PinterestPublishSettings) -> Self {
        Self { client, settings }
    }

    pub fn client(&self) -> &PinterestClient {
        &self.client
    }
}

/// `https://www.pinterest.com/pin/{id}/`.
pub fn pin_url(id: &str) -> String {
    format!("https://www.pinterest.com/pin/{id}/")
}

/// The uploaded video, stored as JSON under [`VIDEO`]: no upload URL or signed field, only
/// what the later steps need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct VideoProgress {
    /// The file uploaded: a job whose asset was edited since must not pin the old file.
    url: String,
    media_id: String,
    /// Unix seconds of the upload, for the processing time limit.
    uploaded_at: i64,
    ready: bool,
}

fn video_progress(job: &PublishJob) -> Option<VideoProgress> {
    // An unreadable entry restarts the upload: uploads are safe to redo.
    let video: VideoProgress = serde_json::from_str(job.progress.step(VIDEO)?).ok()?;
    let asset = job.assets.first()?;
    (asset.url.as_str() == video.url).then_some(video)
}

fn is_video(job: &PublishJob) -> bool {
    job.assets.iter().any(|a| a.kind == AssetKind::Video)
}

/// What the progress leads to.
enum Plan {
    UploadVideo,
    MediaStatus(VideoProgress),
    Commit(Option<VideoProgress>),
    Find(OffsetDateTime),
}

fn plan(job: &PublishJob) -> Plan {
    if let Some(committed_at) = job.progress.committed_at {
        return Plan::Find(committed_at);
    }
    if !is_video(job) {
        return Plan::Commit(None);
    }
    match video_progress(job) {
        None => Plan::UploadVideo,
        Some(video) if !video.ready => Plan::MediaStatus(video),
        Some(video) => Plan::Commit(Some(video)),
    }
}

fn pin_error(kind: PlatformErrorKind, code: &str, message: impl Into<String>) -> PlatformError {
    platform_error(
        Platform::Pinterest,
        kind,
        Some(code.to_owned()),
        message,
        None,
        None,
    )
}

fn option_str(job: &PublishJob, key: &str) -> Option<String> {
    match job.platform_specific_options.get(key)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        // A board id sent as a JSON number is still the board.
        serde_json::Value::Number(n) if n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

fn board_id(job: &PublishJob) -> Result<String, PlatformError> {
    option_str(job, "board_id")
        .filter(|b| !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| {
            pin_error(
                PlatformErrorKind::InvalidRequest,
                "board_id_required",
                "a pin needs the board_id option: the id of one of the user's boards",
            )
        })
}

fn video_type(asset: &Asset, served: Option<&str>) -> String {
    let essence = |raw: &str| {
        raw.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    asset
        .metadata
        .mime_type
        .as_deref()
        .map(essence)
        .or_else(|| served.map(essence))
        .filter(|t| t.starts_with("video/"))
        .unwrap_or_else(|| "video/mp4".to_owned())
}

/// The `POST /v5/pins` body for the job (with its processed video, for a video pin).
fn new_pin(job: &PublishJob, video_media_id: Option<&str>) -> Result<NewPin, PlatformError> {
    let media_source = match (video_media_id, job.assets.as_slice()) {
        (Some(media_id), _) => MediaSource::VideoId {
            media_id: media_id.to_owned(),
            cover_image_url: option_str(job, "cover_image_url"),
            cover_image_key_frame_time: job
                .platform_specific_options
                .get("cover_image_key_frame_time")
                .and_then(serde_json::Value::as_f64)
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(|s| s.floor().min(f64::from(u32::MAX)) as u32),
        },
        (None, []) => {
            return Err(pin_error(
                PlatformErrorKind::InvalidRequest,
                "media_required",
                "a pin needs an image or a video",
            ));
        }
        (None, [image]) if image.kind == AssetKind::Image => MediaSource::ImageUrl {
            url: image.url.as_str().to_owned(),
        },
        (None, images) if images.iter().all(|a| a.kind == AssetKind::Image) => {
            MediaSource::MultipleImageUrls {
                items: images
                    .iter()
                    .map(|a| ImageItem {
                        url: a.url.as_str().to_owned(),
                    })
                    .collect(),
            }
        }
        (None, _) => {
            return Err(pin_error(
                PlatformErrorKind::InvalidRequest,
                "unsupported_media_mix",
                "a pin holds images or one video, not both",
            ));
        }
    };
    let text = job.content_text.trim();
    Ok(NewPin {
        board_id: board_id(job)?,
        board_section_id: option_str(job, "board_section_id"),
        title: option_str(job, "title"),
        description: (!text.is_empty()).then(|| job.content_text.clone()),
        link: option_str(job, "link"),
        alt_text: option_str(job, "alt_text"),
        dominant_color: option_str(job, "dominant_color"),
        media_source,
    })
}

fn same_text(listed: Option<&str>, sent: Option<&str>) -> bool {
    let norm = |s: Option<&str>| {
        s.unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(listed) == norm(sent)
}

fn same_link(listed: Option<&str>, sent: Option<&str>) -> bool {
    let norm = |s: Option<&str>| s.unwrap_or("").trim().trim_end_matches('/').to_owned();
    norm(listed) == norm(sent)
}

/// Whether `pin` is the one the job's commit would have made.
fn matches(pin: &Pin, sent: &NewPin, window: (OffsetDateTime, OffsetDateTime)) -> bool {
    if pin.board_id.as_deref().is_some_and(|b| b != sent.board_id) {
        return false;
    }
    if !same_text(pin.description.as_deref(), sent.description.as_deref()) {
        return false;
    }
    // Listings may leave out fields: compare only what the pin states.
    if pin.title.is_some() && !same_text(pin.title.as_deref(), sent.title.as_deref()) {
        return false;
    }
    if pin.link.is_some() && !same_link(pin.link.as_deref(), sent.link.as_deref()) {
        return false;
    }
    let wanted_type = match sent.media_source {
        MediaSource::ImageUrl { .. } => "image",
        MediaSource::MultipleImageUrls { .. } => "multiple_images",
        MediaSource::VideoId { .. } => "video",
    };
    if let Some(listed) = pin.media.as_ref().and_then(|m| m.media_type.as_deref())
        && listed != wanted_type
    {
        return false;
    }
    match pin
        .created_at
        .as_deref()
        .and_then(|at| OffsetDateTime::parse(at, &Rfc3339).ok())
    {
        Some(at) => at >= window.0 && at <= window.1,
        // An unreadable time cannot rule the pin out.
        None => true,
    }
}

/// What a look through the board came to.
#[derive(Debug)]
enum Lookup {
    Found(PublishedPost),
    /// Every pin of the board was read; none is the job's.
    Absent,
    /// The page bound was reached with pins still unread.
    Truncated {
        pages: usize,
    },
}

impl PinterestPublisher {
    async fn upload_video(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        let asset = ctx.job.assets.first().ok_or_else(|| {
            pin_error(
                PlatformErrorKind::InvalidRequest,
                "no_asset",
                "no such asset",
            )
        })?;
        let info = ctx
            .assets
            .info(&asset.url)
            .await
            .map_err(|e| socialpub_platform_http::unreadable_asset(Platform::Pinterest, &e))?;
        let len = info
            .content_length
            .or(asset.metadata.size_bytes)
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                pin_error(
                    PlatformErrorKind::Media,
                    "asset_size_unknown",
                    "the video's size is unknown or zero",
                )
            })?;
        let content_type = video_type(asset, info.content_type.as_deref());
        let token = &ctx.account.access_token;
        let upload = self.client.register_video(token).await?;
        let file = VideoFile {
            url: &asset.url,
            len,
            content_type: &content_type,
            chunk_size: self.settings.chunk_size,
        };
        match self
            .client
            .upload_video(&upload, file, ctx.assets, self.settings.upload_timeout)
            .await
        {
            Ok(()) => {}
            Err(UploadError::Asset(error)) => {
                return Err(socialpub_platform_http::unreadable_asset(
                    Platform::Pinterest,
                    &error,
                ));
            }
            Err(error @ UploadError::Truncated { .. }) => {
                return Err(pin_error(
                    PlatformErrorKind::Media,
                    "asset_truncated",
                    error.to_string(),
                ));
            }
            Err(UploadError::Platform(error)) => return Err(error),
        }
        let video = VideoProgress {
            url: asset.url.as_str().to_owned(),
            media_id: upload.media_id,
            uploaded_at: ctx.now.unix_timestamp(),
            ready: false,
        };
        Ok(StepOutcome::Continue(with_video(ctx, &video)))
    }

    async fn media_status(
        &self,
        ctx: &PublishContext<'_>,
        mut video: VideoProgress,
    ) -> Result<StepOutcome, PlatformError> {
        let media = self
            .client
            .media_status(&ctx.account.access_token, &video.media_id)
            .await?;
        match media.status {
            MediaStatus::Succeeded => {
                video.ready = true;
                Ok(StepOutcome::Continue(with_video(ctx, &video)))
            }
            MediaStatus::Failed => Err(pin_error(
                PlatformErrorKind::Media,
                "video_processing_failed",
                "Pinterest could not process the video",
            )),
            MediaStatus::Registered | MediaStatus::Processing | MediaStatus::Unknown => {
                let uploaded = OffsetDateTime::from_unix_timestamp(video.uploaded_at)
                    .unwrap_or(ctx.job.created_at);
                if ctx.now - uploaded > self.settings.media_processing_timeout {
                    return Err(pin_error(
                        PlatformErrorKind::Media,
                        "video_processing_timeout",
                        format!(
                            "Pinterest was still processing the video {} minutes after its upload",
                            self.settings.media_processing_timeout.whole_minutes()
                        ),
                    ));
                }
                Ok(StepOutcome::WaitUntil {
                    at: ctx.now + self.settings.media_poll_interval.max(Duration::seconds(1)),
                    progress: with_video(ctx, &video),
                })
            }
        }
    }

    async fn commit(
        &self,
        ctx: &PublishContext<'_>,
        video: Option<VideoProgress>,
    ) -> Result<StepOutcome, PlatformError> {
        let pin = new_pin(ctx.job, video.as_ref().map(|v| v.media_id.as_str()))?;
        let created = self
            .client
            .create_pin(&ctx.account.access_token, &pin)
            .await?;
        Ok(StepOutcome::Published(PublishedPost {
            url: Some(pin_url(&created.id)),
            external_id: created.id,
        }))
    }

    /// The board's pin matching the job, created between the marker (less the lookback) and
    /// the marker plus the lookahead, paging through the whole board up to the bound.
    async fn find(
        &self,
        ctx: &PublishContext<'_>,
        marker: OffsetDateTime,
    ) -> Result<Lookup, PlatformError> {
        let job = ctx.job;
        let video = video_progress(job);
        // Matching never reads the media id: a video job asked before its upload finished
        // is still a video pin to look for.
        let media_id = video
            .as_ref()
            .map(|v| v.media_id.as_str())
            .or(is_video(job).then_some(""));
        let sent = new_pin(job, media_id)?;
        let window = (
            marker - self.settings.reconcile_lookback,
            marker + self.settings.reconcile_lookahead,
        );
        let token = &ctx.account.access_token;
        let mut bookmark: Option<String> = None;
        for _ in 0..self.settings.reconcile_max_pages.max(1) {
            let page = retry_read(PAGE_RETRIES, || {
                self.client
                    .board_pins_page(token, &sent.board_id, bookmark.as_deref())
            })
            .await?;
            if let Some(pin) = page.items.iter().find(|p| matches(p, &sent, window)) {
                return Ok(Lookup::Found(PublishedPost {
                    external_id: pin.id.clone(),
                    url: Some(pin_url(&pin.id)),
                }));
            }
            match page.bookmark.filter(|b| !b.is_empty()) {
                // A bookmark that repeats leads nowhere new: what it hides is unread.
                Some(next) if Some(&next) == bookmark.as_ref() => break,
                Some(next) => bookmark = Some(next),
                None => return Ok(Lookup::Absent),
            }
        }
        Ok(Lookup::Truncated {
            pages: self.settings.reconcile_max_pages.max(1),
        })
    }
}

/// The progress to hand back: the job's, with the video's entry replaced.
fn with_video(ctx: &PublishContext<'_>, video: &VideoProgress) -> PublishProgress {
    let mut progress = ctx.job.progress.clone();
    progress.parked = false;
    progress.set_step(VIDEO, serde_json::to_string(video).unwrap_or_default());
    progress
}

#[async_trait::async_trait]
impl Publisher for PinterestPublisher {
    fn platform(&self) -> Platform {
        Platform::Pinterest
    }

    fn next_step(&self, job: &PublishJob) -> PlannedStep {
        let (name, commits) = match plan(job) {
            Plan::UploadVideo => (STEP_UPLOAD_VIDEO, false),
            Plan::MediaStatus(_) => (STEP_MEDIA_STATUS, false),
            Plan::Commit(_) => (STEP_CREATE_PIN, true),
            Plan::Find(_) => (STEP_FIND_PIN, false),
        };
        PlannedStep { name, commits }
    }

    async fn advance(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        match plan(ctx.job) {
            Plan::UploadVideo => self.upload_video(ctx).await,
            Plan::MediaStatus(video) => self.media_status(ctx, video).await,
            Plan::Commit(video) => self.commit(ctx, video).await,
            Plan::Find(committed_at) => match self.find(ctx, committed_at).await? {
                Lookup::Found(post) => Ok(StepOutcome::Published(post)),
                Lookup::Absent | Lookup::Truncated { .. } => Err(platform_error(
                    Platform::Pinterest,
                    PlatformErrorKind::Transient,
                    Some("committed_pin_not_found".to_owned()),
                    "Pinterest accepted the pin but it is not on the board yet",
                    None,
                    Some(self.settings.reconcile_settle.max(Duration::seconds(1))),
                )),
            },
        }
    }

    /// Looks through the board's pins for one with the job's description, title, link and
    /// kind of media, created around the commit marker. Absent only once the whole board
    /// was read and the pin had time to show.
    async fn find_published(
        &self,
        ctx: &PublishContext<'_>,
    ) -> Result<Reconciliation, PlatformError> {
        let marker = ctx
            .job
            .progress
            .final_call_started_at
            .unwrap_or(ctx.job.created_at);
        match self.find(ctx, marker).await? {
            Lookup::Found(post) => return Ok(Reconciliation::Found(post)),
            Lookup::Truncated { pages } => {
                return Ok(Reconciliation::Unknown {
                    reason: format!(
                        "the board holds more than {pages} pages of pins and the pin is not among the first {pages}"
                    ),
                });
            }
            Lookup::Absent => {}
        }
        let settled_at = marker + self.settings.reconcile_settle;
        if let Some(wait) = not_yet_settled(
            Platform::Pinterest,
            settled_at,
            ctx.now,
            "the pin may not be on the board yet",
        ) {
            return Err(wait);
        }
        Ok(Reconciliation::Absent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_urls_follow_the_id() {
        assert_eq!(
            pin_url("813744226420795884"),
            "https://www.pinterest.com/pin/813744226420795884/"
        );
    }

    #[test]
    fn links_compare_without_a_trailing_slash_and_text_without_extra_space() {
        assert!(same_link(
            Some("https://shop.example/a/"),
            Some("https://shop.example/a")
        ));
        assert!(!same_link(
            Some("https://shop.example/b"),
            Some("https://shop.example/a")
        ));
        assert!(same_text(Some("Fresh  bread\n"), Some("Fresh bread")));
        assert!(same_text(None, Some("")));
        assert!(!same_text(Some("Fresh bread"), Some("Stale bread")));
    }
}
