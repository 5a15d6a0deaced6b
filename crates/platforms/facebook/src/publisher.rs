//! Facebook Pages as a [`Publisher`].
//!
//! - Text or link: `POST /{page-id}/feed` is the commit.
//! - One photo: `POST /{page-id}/photos` with the photo's URL and the text as caption is the
//!   commit (Facebook fetches the file itself, so no bytes pass through us).
//! - Several photos: each is uploaded unpublished (`upload_photo`, safe to repeat), then
//!   `POST /{page-id}/feed` with `attached_media` commits.
//!
//! - A video: `POST /{page-id}/videos` on the video host with the file's URL (Facebook fetches
//!   it) is the commit. A video the user wants uploaded (`video_upload` `resumable`), or one
//!   larger than `file_url_max_bytes`, goes by resumable upload instead: `upload_phase=start`
//!   (the video id and session are stored), `transfer` one bounded chunk per step, read from
//!   the asset through the guarded fetcher at the offset Graph asked for (a lost answer is
//!   resumed from the bytes Graph reports having), then `finish`, the commit.
//! - A reel (`content_kind` `reel`): `video_reels` start (the video id is stored), the upload
//!   (the file's URL for Meta to fetch, or its bytes in chunks, resumable at the stored
//!   offset), then `video_reels` finish, the commit.
//!
//! After the commit the post's URL is read from `permalink_url` (`fetch_permalink`), falling
//! back to `https://www.facebook.com/{post-id}` (`/reel/{video-id}` for a reel) when Graph will
//! not say. A reel is reconciled by its video id (reels are not in the Page's posts), the rest
//! from `published_posts`.

use socialpub_domain::{AssetKind, Platform, PublishJob, PublishProgress};
use socialpub_platform_http::{not_yet_settled, platform_error, retry_read};
use socialpub_ports::{
    PlannedStep, PlatformError, PlatformErrorKind, PublishContext, PublishedPost, Publisher,
    Reconciliation, StepOutcome,
};
use time::{Duration, OffsetDateTime};

use crate::client::FacebookClient;
use crate::posts::{AttachedMedia, NewFeedPost, NewPhoto, PagePost, PostsWindow};
use crate::videos::{NewVideo, ReelFinish, UploadWindow, VideoFinish};

pub const STEP_UPLOAD_PHOTO: &str = "upload_photo";
pub const STEP_CREATE_POST: &str = "create_post";
pub const STEP_FETCH_PERMALINK: &str = "fetch_permalink";
pub const STEP_REEL_START: &str = "reel_start";
pub const STEP_REEL_UPLOAD: &str = "reel_upload";
/// After a reel's finish: wait until Meta shows it published.
pub const STEP_REEL_STATUS: &str = "reel_status";
/// `upload_phase=start` of a resumable feed video.
pub const STEP_VIDEO_START: &str = "video_start";
/// One `upload_phase=transfer` chunk.
pub const STEP_VIDEO_TRANSFER: &str = "video_transfer";

/// Progress keys of a reel: its video id, upload URL and the bytes Meta has.
const REEL_VIDEO_ID: &str = "facebook.reel.video_id";
const REEL_UPLOAD_URL: &str = "facebook.reel.upload_url";
const REEL_SENT: &str = "facebook.reel.sent";

/// Progress keys of a resumable feed video: its video id, upload session, file size and the
/// window Graph wants next (`{start} {end}`, or [`VIDEO_DONE`] once it has every byte).
const VIDEO_ID: &str = "facebook.video.id";
const VIDEO_SESSION: &str = "facebook.video.session";
const VIDEO_SIZE: &str = "facebook.video.size";
const VIDEO_WINDOW: &str = "facebook.video.window";
const VIDEO_DONE: &str = "done";

/// The option that asks for a video to be uploaded rather than fetched by Facebook.
const VIDEO_UPLOAD_OPTION: &str = "video_upload";

/// Immediate retries of one read (a `published_posts` page, the permalink) that failed
/// with a 5xx or a dropped connection.
const PAGE_RETRIES: usize = 2;

/// Progress key of the post id the commit returned.
const POST_ID: &str = "facebook.post_id";

fn photo_key(index: usize) -> String {
    format!("facebook.photo.{index}")
}

/// How the Facebook publisher reconciles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FacebookPublishSettings {
    /// How far before the commit marker to look for the post (clock skew).
    pub reconcile_lookback: Duration,
    /// How long after the commit marker the post can have been created (the commit's request
    /// timeout plus clock skew). Once that moment is past, the lookup asks for posts up to it
    /// only, so a lookup made long after the commit still reads a bounded window.
    pub reconcile_lookahead: Duration,
    /// At most this many `published_posts` pages (100 posts each) per lookup. When posts
    /// remain after the last one, the lookup answers Unknown: not seeing the post is no proof.
    pub reconcile_max_pages: usize,
    /// Until this long after the commit marker, not finding the post is not proof it is
    /// absent: `find_published` asks to be called again instead of answering Absent.
    pub reconcile_settle: Duration,
    /// How a reel's file reaches Meta.
    pub reel_upload: ReelUpload,
    /// Bytes per reel upload request when the bytes are sent.
    pub chunk_size: u32,
    /// How long to wait between checks of a finished reel that is not published yet.
    pub reel_status_interval: Duration,
    /// Largest feed video handed to Facebook by URL (`file_url`); a larger one (by its known
    /// size) is uploaded in chunks. Meta's reference gives no cap for `file_url` (the notes
    /// mark it unconfirmed), hence a setting; the default is the 1 GB Meta has long stated
    /// for non-resumable uploads.
    pub file_url_max_bytes: u64,
}

/// How a reel's file reaches Meta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReelUpload {
    /// Meta fetches the file's URL itself: nothing passes through us, but a host whose
    /// robots.txt refuses Meta's crawler, or one Meta cannot reach, fails the upload.
    Hosted,
    /// The bytes, read from the asset a chunk at a time and sent with their offset: works for
    /// any file we can read, and resumes where Meta's count stopped.
    Bytes,
}

impl Default for FacebookPublishSettings {
    fn default() -> Self {
        Self {
            reconcile_lookback: Duration::minutes(2),
            reconcile_lookahead: Duration::minutes(5),
            reconcile_max_pages: 10,
            reconcile_settle: Duration::seconds(2),
            reel_upload: ReelUpload::Bytes,
            chunk_size: 4 * 1024 * 1024,
            reel_status_interval: Duration::seconds(10),
            file_url_max_bytes: 1 << 30,
        }
    }
}

/// Publishes to Facebook Pages with the Page token of the connection. Cheap to clone.
#[derive(Debug, Clone)]
pub struct FacebookPublisher {
    client: FacebookClient,
    settings: FacebookPublishSettings,
}

impl FacebookPublisher {
    pub fn new(client: FacebookClient) -> Self {
        Self::with_settings(client, FacebookPublishSettings::default())
    }

    pub fn with_settings(client: FacebookClient, settings: FacebookPublishSettings) -> Self {
        Self { client, settings }
    }

    pub fn client(&self) -> &FacebookClient {
        &self.client
    }
}

/// What a look through `published_posts` came to.
#[derive(Debug)]
enum Lookup {
    Found(PublishedPost),
    /// Every post of the window was read; none is the job's.
    Absent,
    /// The page bound was reached with posts of the window still unread.
    Truncated {
        pages: usize,
    },
}

enum Plan {
    UploadPhoto(usize),
    ReelStart,
    ReelUpload { url: String, sent: u64 },
    VideoStart,
    VideoTransfer(VideoSession),
    Commit,
    Permalink(String),
}

/// A resumable feed video's upload as stored in the job's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
struct VideoSession {
    video_id: String,
    session: String,
    size: u64,
    /// `None` once Graph has every byte.
    window: Option<UploadWindow>,
}

/// An unpublished photo uploaded for asset `index`, stored as `{url} {photo-id}`: a job whose
/// assets were edited since must not show the old photo.
fn uploaded_photo(job: &PublishJob, index: usize) -> Option<&str> {
    let (url, id) = job.progress.step(&photo_key(index))?.rsplit_once(' ')?;
    (job.assets.get(index)?.url.as_str() == url).then_some(id)
}

fn is_multi_photo(job: &PublishJob) -> bool {
    job.assets.len() > 1
}

/// The job is a reel (`content_kind` `reel`, one video).
fn is_reel(job: &PublishJob) -> bool {
    job.platform_specific_options
        .get("content_kind")
        .and_then(serde_json::Value::as_str)
        == Some("reel")
        && matches!(job.assets.as_slice(), [video] if video.kind == AssetKind::Video)
}

/// The reel's upload session: video id, upload URL and bytes sent (`u64::MAX` once done).
fn reel_session(job: &PublishJob) -> Option<(String, String, u64)> {
    let video_id = job.progress.step(REEL_VIDEO_ID)?;
    let url = job.progress.step(REEL_UPLOAD_URL)?;
    let sent = job
        .progress
        .step(REEL_SENT)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Some((video_id.to_owned(), url.to_owned(), sent))
}

/// The stored upload of a resumable feed video.
fn video_session(job: &PublishJob) -> Option<VideoSession> {
    let video_id = job.progress.step(VIDEO_ID)?.to_owned();
    let session = job.progress.step(VIDEO_SESSION)?.to_owned();
    let size = job.progress.step(VIDEO_SIZE)?.parse().ok()?;
    let window = match job.progress.step(VIDEO_WINDOW)? {
        VIDEO_DONE => None,
        stored => {
            let (start, end) = stored.split_once(' ')?;
            Some(UploadWindow {
                start_offset: start.parse().ok()?,
                end_offset: end.parse().ok()?,
            })
        }
    };
    Some(VideoSession {
        video_id,
        session,
        size,
        window,
    })
}

/// A single feed video (not a reel) that goes by resumable upload: one already started, one
/// the user asked to upload, or one too large to hand over by URL.
fn is_resumable_video(job: &PublishJob, settings: &FacebookPublishSettings) -> bool {
    let [video] = job.assets.as_slice() else {
        return false;
    };
    if video.kind != AssetKind::Video || is_reel(job) {
        return false;
    }
    video_session(job).is_some()
        || job
            .platform_specific_options
            .get(VIDEO_UPLOAD_OPTION)
            .and_then(serde_json::Value::as_str)
            == Some("resumable")
        || video
            .metadata
            .size_bytes
            .is_some_and(|size| size > settings.file_url_max_bytes)
}

fn plan(job: &PublishJob, settings: &FacebookPublishSettings) -> Plan {
    if let Some(post_id) = job.progress.step(POST_ID) {
        return Plan::Permalink(post_id.to_owned());
    }
    if is_resumable_video(job, settings) {
        return match video_session(job) {
            None => Plan::VideoStart,
            Some(session) if session.window.is_some() => Plan::VideoTransfer(session),
            Some(_) => Plan::Commit,
        };
    }
    if is_reel(job) {
        return match reel_session(job) {
            None => Plan::ReelStart,
            Some((_, url, sent)) if sent != u64::MAX => Plan::ReelUpload { url, sent },
            Some(_) => Plan::Commit,
        };
    }
    if is_multi_photo(job)
        && let Some(missing) = (0..job.assets.len()).find(|i| uploaded_photo(job, *i).is_none())
    {
        return Plan::UploadPhoto(missing);
    }
    Plan::Commit
}

fn fb_error(kind: PlatformErrorKind, code: &str, message: impl Into<String>) -> PlatformError {
    platform_error(
        Platform::Facebook,
        kind,
        Some(code.to_owned()),
        message,
        None,
        None,
    )
}

fn fallback_url(job: &PublishJob, post_id: &str) -> String {
    if is_reel(job) {
        format!("https://www.facebook.com/reel/{post_id}")
    } else {
        format!("https://www.facebook.com/{post_id}")
    }
}

fn title(job: &PublishJob) -> Option<String> {
    job.platform_specific_options
        .get("title")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

fn message(job: &PublishJob) -> Option<String> {
    let text = job.content_text.trim();
    (!text.is_empty()).then(|| job.content_text.clone())
}

fn link(job: &PublishJob) -> Option<String> {
    job.platform_specific_options
        .get("link")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

fn progress_with(ctx: &PublishContext<'_>, key: String, value: &str) -> PublishProgress {
    let mut progress = ctx.job.progress.clone();
    progress.parked = false;
    progress.set_step(key, value);
    progress
}

/// `{start} {end}` of the window Graph wants, or [`VIDEO_DONE`].
fn window_step(window: UploadWindow) -> String {
    if window.is_complete() {
        VIDEO_DONE.to_owned()
    } else {
        format!("{} {}", window.start_offset, window.end_offset)
    }
}

/// Graph's upload problems (6000, 6001): among them, a chunk sent at an offset Graph is
/// already past.
fn is_upload_problem(error: &PlatformError) -> bool {
    matches!(error.code.as_deref(), Some("6000" | "6001"))
}

/// Graph answered 506 "Duplicate status message": the same text is already on the Page.
fn is_duplicate(error: &PlatformError) -> bool {
    error.code.as_deref() == Some("506")
}

impl FacebookPublisher {
    async fn upload_photo(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
    ) -> Result<StepOutcome, PlatformError> {
        let asset = ctx.job.assets.get(index).ok_or_else(|| {
            fb_error(
                PlatformErrorKind::InvalidRequest,
                "no_asset",
                "no such asset",
            )
        })?;
        let photo = NewPhoto {
            url: asset.url.as_str().to_owned(),
            caption: None,
            published: false,
        };
        let created = self
            .client
            .upload_photo(
                &ctx.account.access_token,
                &ctx.account.external_user_id,
                &photo,
            )
            .await?;
        Ok(StepOutcome::Continue(progress_with(
            ctx,
            photo_key(index),
            &format!("{} {}", asset.url.as_str(), created.id),
        )))
    }

    async fn send_commit(&self, ctx: &PublishContext<'_>) -> Result<String, PlatformError> {
        let job = ctx.job;
        let token = &ctx.account.access_token;
        let page = &ctx.account.external_user_id;
        if let Some((video_id, ..)) = reel_session(job).filter(|_| is_reel(job)) {
            let finish = ReelFinish {
                video_id: video_id.clone(),
                upload_phase: "finish",
                video_state: "PUBLISHED",
                description: message(job),
                title: title(job),
            };
            self.client.reel_finish(token, page, &finish).await?;
            return Ok(video_id);
        }
        if let Some(session) =
            video_session(job).filter(|_| is_resumable_video(job, &self.settings))
        {
            let finish = VideoFinish {
                upload_session_id: session.session,
                description: message(job),
                title: title(job),
            };
            self.client
                .video_upload_finish(token, page, &finish)
                .await?;
            return Ok(session.video_id);
        }
        if job.assets.len() > 1 && job.assets.iter().any(|a| a.kind == AssetKind::Video) {
            return Err(fb_error(
                PlatformErrorKind::InvalidRequest,
                "unsupported_media_mix",
                "a Facebook post holds several photos or one video, not both",
            ));
        }
        match job.assets.as_slice() {
            [video] if video.kind == AssetKind::Video => {
                let video = NewVideo {
                    file_url: video.url.as_str().to_owned(),
                    description: message(job),
                    title: title(job),
                };
                Ok(self.client.create_video(token, page, &video).await?.id)
            }
            [] => {
                let post = NewFeedPost {
                    message: message(job),
                    link: link(job),
                    attached_media: Vec::new(),
                };
                Ok(self.client.create_feed_post(token, page, &post).await?.id)
            }
            [photo] => {
                let photo = NewPhoto {
                    url: photo.url.as_str().to_owned(),
                    caption: message(job),
                    published: true,
                };
                let created = self.client.upload_photo(token, page, &photo).await?;
                Ok(created.post_id.unwrap_or(created.id))
            }
            photos => {
                let attached_media = (0..photos.len())
                    .filter_map(|i| uploaded_photo(job, i))
                    .map(|id| AttachedMedia {
                        media_fbid: id.to_owned(),
                    })
                    .collect();
                let post = NewFeedPost {
                    message: message(job),
                    link: None,
                    attached_media,
                };
                Ok(self.client.create_feed_post(token, page, &post).await?.id)
            }
        }
    }

    async fn reel_start(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        let session = self
            .client
            .reel_start(&ctx.account.access_token, &ctx.account.external_user_id)
            .await?;
        let mut progress = progress_with(ctx, REEL_VIDEO_ID.to_owned(), &session.video_id);
        progress.set_step(REEL_UPLOAD_URL, session.upload_url);
        progress.set_step(REEL_SENT, "0");
        Ok(StepOutcome::Continue(progress))
    }

    /// One upload request: the file's URL, or the next chunk of its bytes. Once Meta has the
    /// whole file the stored count is `u64::MAX`.
    async fn reel_upload(
        &self,
        ctx: &PublishContext<'_>,
        url: &str,
        sent: u64,
    ) -> Result<StepOutcome, PlatformError> {
        let asset = ctx.job.assets.first().ok_or_else(|| {
            fb_error(
                PlatformErrorKind::InvalidRequest,
                "no_asset",
                "no such asset",
            )
        })?;
        let token = &ctx.account.access_token;
        let done = |sent: u64| {
            Ok(StepOutcome::Continue(progress_with(
                ctx,
                REEL_SENT.to_owned(),
                &sent.to_string(),
            )))
        };
        if self.settings.reel_upload == ReelUpload::Hosted {
            self.client
                .reel_upload_hosted(token, url, asset.url.as_str())
                .await?;
            return done(u64::MAX);
        }
        let total = self.asset_size(ctx, asset).await?;
        if sent >= total {
            return done(u64::MAX);
        }
        let want = u64::from(self.settings.chunk_size.max(1)).min(total - sent);
        let chunk = ctx
            .assets
            .read_range(&asset.url, sent, u32::try_from(want).unwrap_or(u32::MAX))
            .await
            .map_err(|e| socialpub_platform_http::unreadable_asset(Platform::Facebook, &e))?;
        if chunk.is_empty() {
            return Err(fb_error(
                PlatformErrorKind::Media,
                "asset_truncated",
                "the file is shorter than its announced size",
            ));
        }
        let next = sent + chunk.len() as u64;
        self.client
            .reel_upload_chunk(token, url, sent, total, chunk)
            .await?;
        done(if next >= total { u64::MAX } else { next })
    }

    /// `upload_phase=start` with the file's size: the video id and session are stored before
    /// any byte is sent, so the upload resumes and the commit can be looked up.
    async fn video_start(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        let asset = ctx.job.assets.first().ok_or_else(|| {
            fb_error(
                PlatformErrorKind::InvalidRequest,
                "no_asset",
                "no such asset",
            )
        })?;
        let size = self.asset_size(ctx, asset).await?;
        let session = self
            .client
            .video_upload_start(
                &ctx.account.access_token,
                &ctx.account.external_user_id,
                size,
            )
            .await?;
        let mut progress = progress_with(ctx, VIDEO_ID.to_owned(), &session.video_id);
        progress.set_step(VIDEO_SESSION, session.upload_session_id);
        progress.set_step(VIDEO_SIZE, size.to_string());
        progress.set_step(VIDEO_WINDOW, window_step(session.window));
        Ok(StepOutcome::Continue(progress))
    }

    /// The asset's size in bytes, from the fetcher or the asset's metadata.
    async fn asset_size(
        &self,
        ctx: &PublishContext<'_>,
        asset: &socialpub_domain::Asset,
    ) -> Result<u64, PlatformError> {
        let info = ctx
            .assets
            .info(&asset.url)
            .await
            .map_err(|e| socialpub_platform_http::unreadable_asset(Platform::Facebook, &e))?;
        info.content_length
            .or(asset.metadata.size_bytes)
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                fb_error(
                    PlatformErrorKind::Media,
                    "asset_size_unknown",
                    "the file's size is unknown or zero",
                )
            })
    }

    /// One `transfer`: at most `chunk_size` bytes of the window Graph asked for, read from the
    /// asset at its start. Graph's answer is the next window. When a transfer fails as an
    /// upload problem (a lost answer leaves the stored offset behind Graph's), the bytes
    /// Graph reports having decide where to go on.
    async fn video_transfer(
        &self,
        ctx: &PublishContext<'_>,
        session: VideoSession,
    ) -> Result<StepOutcome, PlatformError> {
        let Some(window) = session.window else {
            return Ok(StepOutcome::Continue(ctx.job.progress.clone()));
        };
        let asset = ctx.job.assets.first().ok_or_else(|| {
            fb_error(
                PlatformErrorKind::InvalidRequest,
                "no_asset",
                "no such asset",
            )
        })?;
        let want = (window.end_offset - window.start_offset)
            .min(u64::from(self.settings.chunk_size.max(1)))
            .min(session.size.saturating_sub(window.start_offset));
        if want == 0 {
            return Err(fb_error(
                PlatformErrorKind::InvalidRequest,
                "bad_upload_window",
                "Graph asked for bytes past the end of the file",
            ));
        }
        let chunk = ctx
            .assets
            .read_range(
                &asset.url,
                window.start_offset,
                u32::try_from(want).unwrap_or(u32::MAX),
            )
            .await
            .map_err(|e| socialpub_platform_http::unreadable_asset(Platform::Facebook, &e))?;
        if chunk.is_empty() {
            return Err(fb_error(
                PlatformErrorKind::Media,
                "asset_truncated",
                "the file is shorter than its announced size",
            ));
        }
        let token = &ctx.account.access_token;
        let page = &ctx.account.external_user_id;
        let next = match self
            .client
            .video_upload_transfer(token, page, &session.session, window.start_offset, &chunk)
            .await
        {
            Ok(next) => next,
            Err(error) if is_upload_problem(&error) => {
                match self.resync(ctx, &session, window).await {
                    Some(resumed) => resumed,
                    None => return Err(error),
                }
            }
            Err(error) => return Err(error),
        };
        Ok(StepOutcome::Continue(progress_with(
            ctx,
            VIDEO_WINDOW.to_owned(),
            &window_step(next),
        )))
    }

    /// Where Graph's copy of the file stands, when it is ahead of the stored window (the
    /// answer to an earlier transfer was lost): the next window from there.
    async fn resync(
        &self,
        ctx: &PublishContext<'_>,
        session: &VideoSession,
        window: UploadWindow,
    ) -> Option<UploadWindow> {
        let state = retry_read(PAGE_RETRIES, || {
            self.client
                .video_state(&ctx.account.access_token, &session.video_id)
        })
        .await
        .ok()?;
        let have = state.status.uploading_phase?.bytes_transfered?;
        (have > window.start_offset && have <= session.size).then_some(UploadWindow {
            start_offset: have,
            end_offset: session.size,
        })
    }

    async fn commit(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        match self.send_commit(ctx).await {
            Ok(post_id) => Ok(StepOutcome::Continue(progress_with(
                ctx,
                POST_ID.to_owned(),
                &post_id,
            ))),
            // The same text is already on the Page: after a lost answer to our own commit,
            // that is our post.
            Err(error) if is_duplicate(&error) => match self.find(ctx).await {
                Ok(Lookup::Found(post)) => Ok(StepOutcome::Published(post)),
                _ => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    /// After a reel's finish: Meta processes the video, then publishes it. Until it shows as
    /// published the job is parked; a failed processing is a media error.
    async fn reel_published(
        &self,
        ctx: &PublishContext<'_>,
        video_id: String,
    ) -> Result<StepOutcome, PlatformError> {
        let state = retry_read(PAGE_RETRIES, || {
            self.client
                .video_state(&ctx.account.access_token, &video_id)
        })
        .await?;
        if state.is_published() {
            return Ok(StepOutcome::Published(PublishedPost {
                url: Some(
                    state
                        .permalink_url
                        .filter(|u| !u.is_empty())
                        .unwrap_or_else(|| fallback_url(ctx.job, &video_id)),
                ),
                external_id: video_id,
            }));
        }
        if matches!(
            state.status.video_status.as_deref(),
            Some("error" | "expired" | "upload_failed")
        ) {
            return Err(fb_error(
                PlatformErrorKind::Media,
                "video_processing_failed",
                "Meta could not process the reel's video",
            ));
        }
        let mut progress = ctx.job.progress.clone();
        progress.parked = false;
        Ok(StepOutcome::WaitUntil {
            at: ctx.now + self.settings.reel_status_interval,
            progress,
        })
    }

    async fn permalink(
        &self,
        ctx: &PublishContext<'_>,
        post_id: String,
    ) -> Result<StepOutcome, PlatformError> {
        let url = match retry_read(PAGE_RETRIES, || {
            self.client.permalink(&ctx.account.access_token, &post_id)
        })
        .await
        {
            Ok(url) => url,
            // Worth another try while the job has attempts left; on its last one, failing
            // would mark a public post as failed.
            Err(error) if error.retryable() && ctx.job.attempts < ctx.job.max_attempts => {
                return Err(error);
            }
            // The post is public; a URL Graph will not give is no reason to fail it.
            Err(error) => {
                tracing::warn!(
                    platform = "facebook",
                    kind = error.kind.as_str(),
                    "permalink_url unavailable: {error}"
                );
                None
            }
        };
        Ok(StepOutcome::Published(PublishedPost {
            url: Some(url.unwrap_or_else(|| fallback_url(ctx.job, &post_id))),
            external_id: post_id,
        }))
    }

    /// From the commit marker (less the lookback) to the marker plus the lookahead; the end
    /// is only sent once it is past on any clock within the skew allowance, as Graph may
    /// read an `until` ahead of its clock differently.
    fn window(&self, job: &PublishJob, now: OffsetDateTime) -> PostsWindow {
        let marker = job.progress.final_call_started_at.unwrap_or(job.created_at);
        let until = marker + self.settings.reconcile_lookahead;
        PostsWindow {
            since: marker - self.settings.reconcile_lookback,
            until: (until + self.settings.reconcile_lookback <= now).then_some(until),
        }
    }

    /// The reel the job started: published or not, by its video id.
    async fn find_reel(
        &self,
        ctx: &PublishContext<'_>,
        video_id: String,
    ) -> Result<Lookup, PlatformError> {
        let state = retry_read(PAGE_RETRIES, || {
            self.client
                .video_state(&ctx.account.access_token, &video_id)
        })
        .await?;
        if !state.is_published() {
            return Ok(Lookup::Absent);
        }
        Ok(Lookup::Found(PublishedPost {
            url: Some(
                state
                    .permalink_url
                    .filter(|u| !u.is_empty())
                    .unwrap_or_else(|| fallback_url(ctx.job, &video_id)),
            ),
            external_id: video_id,
        }))
    }

    /// The resumable video the job started, among the Page's videos of the commit's window
    /// (matched by its video id, known before the commit).
    async fn find_video(
        &self,
        ctx: &PublishContext<'_>,
        video_id: &str,
    ) -> Result<Lookup, PlatformError> {
        let token = &ctx.account.access_token;
        let window = self.window(ctx.job, ctx.now);
        let mut page = retry_read(PAGE_RETRIES, || {
            self.client
                .page_videos(token, &ctx.account.external_user_id, window)
        })
        .await?;
        let mut read = 1;
        loop {
            if let Some(video) = page.posts.iter().find(|v| v.id == video_id) {
                return Ok(Lookup::Found(PublishedPost {
                    url: Some(
                        video
                            .permalink_url
                            .clone()
                            .filter(|u| !u.is_empty())
                            .unwrap_or_else(|| fallback_url(ctx.job, video_id)),
                    ),
                    external_id: video_id.to_owned(),
                }));
            }
            if page.next.is_none() {
                return Ok(Lookup::Absent);
            }
            if read >= self.settings.reconcile_max_pages {
                return Ok(Lookup::Truncated { pages: read });
            }
            let next = retry_read(PAGE_RETRIES, || {
                self.client.published_posts_next(token, &page)
            })
            .await?;
            match next {
                Some(next) => page = next,
                None => return Ok(Lookup::Absent),
            }
            read += 1;
        }
    }

    /// The Page's post whose message is the job's text, paging through `published_posts`.
    async fn find(&self, ctx: &PublishContext<'_>) -> Result<Lookup, PlatformError> {
        let token = &ctx.account.access_token;
        let wanted = ctx.job.content_text.trim();
        let window = self.window(ctx.job, ctx.now);
        let mut page = retry_read(PAGE_RETRIES, || {
            self.client
                .published_posts(token, &ctx.account.external_user_id, window)
        })
        .await?;
        let mut read = 1;
        loop {
            let found = page
                .posts
                .iter()
                .position(|post| post.message.as_deref().unwrap_or("").trim() == wanted);
            if let Some(at) = found {
                let PagePost {
                    id, permalink_url, ..
                } = page.posts.swap_remove(at);
                return Ok(Lookup::Found(PublishedPost {
                    url: Some(permalink_url.unwrap_or_else(|| fallback_url(ctx.job, &id))),
                    external_id: id,
                }));
            }
            if read >= self.settings.reconcile_max_pages {
                break;
            }
            let next = retry_read(PAGE_RETRIES, || {
                self.client.published_posts_next(token, &page)
            })
            .await?;
            match next {
                Some(next) => page = next,
                None => return Ok(Lookup::Absent),
            }
            read += 1;
        }
        if page.next.is_none() {
            return Ok(Lookup::Absent);
        }
        Ok(Lookup::Truncated {
            pages: self.settings.reconcile_max_pages,
        })
    }
}

#[async_trait::async_trait]
impl Publisher for FacebookPublisher {
    fn platform(&self) -> Platform {
        Platform::Facebook
    }

    fn next_step(&self, job: &PublishJob) -> PlannedStep {
        match plan(job, &self.settings) {
            Plan::UploadPhoto(_) => PlannedStep {
                name: STEP_UPLOAD_PHOTO,
                commits: false,
            },
            Plan::ReelStart => PlannedStep {
                name: STEP_REEL_START,
                commits: false,
            },
            Plan::ReelUpload { .. } => PlannedStep {
                name: STEP_REEL_UPLOAD,
                commits: false,
            },
            Plan::VideoStart => PlannedStep {
                name: STEP_VIDEO_START,
                commits: false,
            },
            Plan::VideoTransfer(_) => PlannedStep {
                name: STEP_VIDEO_TRANSFER,
                commits: false,
            },
            Plan::Commit => PlannedStep {
                name: STEP_CREATE_POST,
                commits: true,
            },
            Plan::Permalink(_) if is_reel(job) => PlannedStep {
                name: STEP_REEL_STATUS,
                commits: false,
            },
            Plan::Permalink(_) => PlannedStep {
                name: STEP_FETCH_PERMALINK,
                commits: false,
            },
        }
    }

    async fn advance(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        match plan(ctx.job, &self.settings) {
            Plan::UploadPhoto(index) => self.upload_photo(ctx, index).await,
            Plan::ReelStart => self.reel_start(ctx).await,
            Plan::ReelUpload { url, sent } => self.reel_upload(ctx, &url, sent).await,
            Plan::VideoStart => self.video_start(ctx).await,
            Plan::VideoTransfer(session) => self.video_transfer(ctx, session).await,
            Plan::Commit => self.commit(ctx).await,
            Plan::Permalink(post_id) if is_reel(ctx.job) => self.reel_published(ctx, post_id).await,
            Plan::Permalink(post_id) => self.permalink(ctx, post_id).await,
        }
    }

    /// Looks through the Page's `published_posts` around the commit marker, page by page,
    /// for one whose message is the job's text. Absent only once every post of that window
    /// was read.
    async fn find_published(
        &self,
        ctx: &PublishContext<'_>,
    ) -> Result<Reconciliation, PlatformError> {
        let lookup = match reel_session(ctx.job).filter(|_| is_reel(ctx.job)) {
            Some((video_id, ..)) => self.find_reel(ctx, video_id).await?,
            None => match video_session(ctx.job) {
                Some(session) => self.find_video(ctx, &session.video_id).await?,
                None => self.find(ctx).await?,
            },
        };
        match lookup {
            Lookup::Found(post) => return Ok(Reconciliation::Found(post)),
            Lookup::Truncated { pages } => {
                return Ok(Reconciliation::Unknown {
                    reason: format!(
                        "the Page lists more than {pages} pages of posts around the commit, and the post is not among the first {pages}"
                    ),
                });
            }
            Lookup::Absent => {}
        }
        let marker = ctx
            .job
            .progress
            .final_call_started_at
            .unwrap_or(ctx.job.created_at);
        let settled_at = marker + self.settings.reconcile_settle;
        if let Some(wait) = not_yet_settled(
            Platform::Facebook,
            settled_at,
            ctx.now,
            "the post may not be listed yet",
        ) {
            return Err(wait);
        }
        Ok(Reconciliation::Absent)
    }
}
