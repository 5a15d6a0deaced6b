//! TikTok as a [`Publisher`] (Content Posting API, direct post).
//!
//! Every attempt starts with `creator_info` (TikTok asks for it fresh at posting time): the
//! privacy level, the video's duration and the interaction switches are checked against what
//! this creator may do, and refused with the creator's own limits in the message.
//!
//! - Video, FILE_UPLOAD (the default): `init_upload` (no post yet, safe to redo), then one
//!   `upload_chunk` per chunk read from the asset through the [`AssetFetcher`] port; the
//!   **last chunk is the commit**.
//! - Video, PULL_FROM_URL (`video_source` option): `init_pull` is the commit (TikTok starts
//!   fetching at once).
//! - Photos (always pulled from their URLs): `init_photos` is the commit.
//!
//! Then `poll_status` until `PUBLISH_COMPLETE` and, for a post others may see, its public
//! post id (after moderation), which gives the URL. A `SELF_ONLY` post has no public id: it
//! is published under its publish id, without URL.
//!
//! An upload that is not committed is redone from `init_upload` in a later attempt: the
//! `upload_url` lives an hour, and a new attempt comes after a failure or a dead worker.
//!
//! [`AssetFetcher`]: socialpub_ports::AssetFetcher

use serde::{Deserialize, Serialize};
use serde_json::Value;
use socialpub_domain::{AssetKind, Platform, PublishJob, PublishProgress};
use socialpub_platform_http::platform_error;
use socialpub_ports::{
    PlannedStep, PlatformError, PlatformErrorKind, PublishContext, PublishedPost, Publisher,
    Reconciliation, StepOutcome,
};
use time::{Duration, OffsetDateTime};

use crate::client::TiktokClient;
use crate::errors::kind_for_code;
use crate::posting::{
    ChunkRange, CreatorInfo, PhotoInit, PhotoPostInfo, PhotoSource, PublishState, PublishStatus,
    VideoInit, VideoPostInfo, VideoSource,
};

pub const STEP_CREATOR_INFO: &str = "creator_info";
pub const STEP_INIT_UPLOAD: &str = "init_upload";
pub const STEP_UPLOAD_CHUNK: &str = "upload_chunk";
/// The commit of a FILE_UPLOAD: nothing is posted until the last bytes arrive.
pub const STEP_UPLOAD_LAST_CHUNK: &str = "upload_last_chunk";
pub const STEP_INIT_PULL: &str = "init_pull";
pub const STEP_INIT_PHOTOS: &str = "init_photos";
pub const STEP_POLL_STATUS: &str = "poll_status";

/// TikTok's privacy level for a post only its creator sees (the only one an unaudited app
/// may use).
pub const SELF_ONLY: &str = "SELF_ONLY";

/// Chunk rules: at least 5 MB, at most 64 MB, except the last which absorbs the remainder.
/// 5 MB is read as 5 MiB and 64 MB as 64,000,000 bytes, so both readings of "MB" hold.
pub const MIN_CHUNK_BYTES: u64 = 5 * 1024 * 1024;
pub const MAX_CHUNK_BYTES: u64 = 64_000_000;
const MAX_CHUNKS: u64 = 1000;
/// One read from the asset: the asset fetcher caps a single range read.
const READ_PIECE: u64 = 4 * 1024 * 1024;

const CREATOR_KEY: &str = "tiktok.creator";
const PUBLISH_KEY: &str = "tiktok.publish";

/// How the TikTok publisher posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TiktokPublishSettings {
    /// TikTok has audited the app. Until then every post must be `SELF_ONLY`: anything else
    /// is refused before a call is made (`TIKTOK_APP_AUDITED`).
    pub app_audited: bool,
    /// Preferred FILE_UPLOAD chunk, clamped to TikTok's 5–64 MB; one chunk is in memory at
    /// a time.
    pub chunk_size: u64,
    /// Between status checks while TikTok processes.
    pub poll_interval: Duration,
    /// How long after the commit to wait for a public post's id (moderation, usually under a
    /// minute, sometimes hours); past it the job is published without its URL.
    pub public_id_wait: Duration,
    /// Right after an unanswered last chunk, an incomplete upload is not yet proof that the
    /// bytes did not arrive.
    pub reconcile_settle: Duration,
    /// Path segment of photo post URLs (`https://www.tiktok.com/@user/{segment}/{id}`);
    /// `photo` is likely but unconfirmed.
    pub photo_url_segment: String,
    /// Send `is_aigc` at the root of a photo init (as two clients do) rather than inside
    /// `post_info`; unconfirmed.
    pub photo_aigc_at_root: bool,
}

impl Default for TiktokPublishSettings {
    fn default() -> Self {
        Self {
            app_audited: false,
            chunk_size: 8 * 1024 * 1024,
            poll_interval: Duration::seconds(5),
            public_id_wait: Duration::minutes(30),
            reconcile_settle: Duration::seconds(2),
            photo_url_segment: "photo".to_owned(),
            photo_aigc_at_root: true,
        }
    }
}

/// Publishes to TikTok. Cheap to clone.
#[derive(Debug, Clone)]
pub struct TiktokPublisher {
    client: TiktokClient,
    settings: TiktokPublishSettings,
}

impl TiktokPublisher {
    pub fn new(client: TiktokClient) -> Self {
        Self::with_settings(client, TiktokPublishSettings::default())
    }

    pub fn with_settings(client: TiktokClient, settings: TiktokPublishSettings) -> Self {
        Self { client, settings }
    }

    pub fn client(&self) -> &TiktokClient {
        &self.client
    }
}

/// `(chunk_size, total_chunk_count)` for a file of `total` bytes, by TikTok's rules: a file
/// no larger than the chunk goes whole; otherwise `floor(total / chunk)` chunks, the last
/// absorbing the remainder (under 2 chunks, so at most 128 MB); a file over 64 MB is never
/// one chunk; at most 1,000 chunks.
pub fn chunk_plan(total: u64, preferred: u64) -> (u64, u32) {
    let preferred = preferred.clamp(MIN_CHUNK_BYTES, MAX_CHUNK_BYTES);
    if total <= preferred {
        return (total, 1);
    }
    let mut chunk = preferred.max(total.div_ceil(MAX_CHUNKS));
    if total / chunk < 2 && total > MAX_CHUNK_BYTES {
        chunk = total / 2;
    }
    let count = u32::try_from(total / chunk).unwrap_or(u32::MAX);
    (chunk, count)
}

/// What the creator's limits made of the job's options, for this attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Creator {
    attempt: u32,
    #[serde(default)]
    username: Option<String>,
    privacy_level: String,
    disable_comment: bool,
    disable_duet: bool,
    disable_stitch: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Source {
    FileUpload,
    PullFromUrl,
    Photos,
}

/// One publish: stored the moment TikTok answers the init (its id is the only handle on it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Publish {
    attempt: u32,
    /// The files this publish is of: a job whose assets were edited since starts over.
    assets: Vec<String>,
    source: Source,
    publish_id: String,
    #[serde(default)]
    username: Option<String>,
    privacy_level: String,
    /// FILE_UPLOAD only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upload_url: Option<String>,
    #[serde(default)]
    content_type: String,
    #[serde(default)]
    total: u64,
    #[serde(default)]
    chunk_size: u64,
    #[serde(default)]
    chunks: u32,
    /// Chunks TikTok acknowledged.
    #[serde(default)]
    sent: u32,
}

impl Publish {
    fn chunk_range(&self) -> ChunkRange {
        let first = u64::from(self.sent) * self.chunk_size;
        let last = if self.sent + 1 >= self.chunks {
            self.total - 1
        } else {
            first + self.chunk_size - 1
        };
        ChunkRange {
            first,
            last,
            total: self.total,
        }
    }
}

fn stored<T: for<'de> Deserialize<'de>>(job: &PublishJob, key: &str) -> Option<T> {
    // An unreadable entry (an older format) is as good as none: the steps before the commit
    // are safe to redo.
    serde_json::from_str(job.progress.step(key)?).ok()
}

fn asset_urls(job: &PublishJob) -> Vec<String> {
    job.assets
        .iter()
        .map(|a| a.url.as_str().to_owned())
        .collect()
}

fn publish_of(job: &PublishJob) -> Option<Publish> {
    stored::<Publish>(job, PUBLISH_KEY).filter(|p| p.assets == asset_urls(job))
}

fn is_photo_post(job: &PublishJob) -> bool {
    !job.assets.is_empty() && job.assets.iter().all(|a| a.kind == AssetKind::Image)
}

fn option<'a>(job: &'a PublishJob, key: &str) -> Option<&'a Value> {
    job.platform_specific_options
        .get(key)
        .filter(|v| !v.is_null())
}

fn option_bool(job: &PublishJob, key: &str) -> Option<bool> {
    option(job, key).and_then(Value::as_bool)
}

fn option_str<'a>(job: &'a PublishJob, key: &str) -> Option<&'a str> {
    option(job, key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn source_of(job: &PublishJob) -> Source {
    if is_photo_post(job) {
        return Source::Photos;
    }
    match option_str(job, "video_source") {
        Some(s) if s.eq_ignore_ascii_case("PULL_FROM_URL") => Source::PullFromUrl,
        _ => Source::FileUpload,
    }
}

enum Plan {
    CreatorInfo,
    Init(Creator, Source),
    Chunk(Publish),
    Poll(Publish),
    /// Committed, but the publish id was never stored.
    Lost,
}

fn plan(job: &PublishJob) -> Plan {
    let publish = publish_of(job);
    if job.progress.committed_at.is_some() {
        return publish.map_or(Plan::Lost, Plan::Poll);
    }
    if let Some(publish) = publish.filter(|p| {
        p.attempt == job.attempts && p.source == Source::FileUpload && p.sent < p.chunks
    }) {
        return Plan::Chunk(publish);
    }
    match stored::<Creator>(job, CREATOR_KEY).filter(|c| c.attempt == job.attempts) {
        Some(creator) => Plan::Init(creator, source_of(job)),
        None => Plan::CreatorInfo,
    }
}

fn tiktok_error(kind: PlatformErrorKind, code: &str, message: impl Into<String>) -> PlatformError {
    platform_error(
        Platform::Tiktok,
        kind,
        Some(code.to_owned()),
        message,
        None,
        None,
    )
}

fn with_step(ctx: &PublishContext<'_>, key: &str, value: &impl Serialize) -> PublishProgress {
    let mut progress = ctx.job.progress.clone();
    progress.parked = false;
    progress.set_step(key, serde_json::to_string(value).unwrap_or_default());
    progress
}

/// One refusal of what the creator may not do.
struct Refusal {
    code: &'static str,
    message: String,
}

impl TiktokPublisher {
    /// The job's options checked against the creator's limits (and the app's audit state):
    /// the post's privacy and interaction switches, or every refusal.
    fn creator_choices(
        &self,
        job: &PublishJob,
        info: &CreatorInfo,
        attempt: u32,
    ) -> Result<Creator, Vec<Refusal>> {
        let mut refusals = Vec::new();
        let asked = option_str(job, "privacy_level");
        let privacy = match asked {
            Some(level) => level.to_owned(),
            // An unaudited app has one level only, so there is nothing to choose.
            None if !self.settings.app_audited => SELF_ONLY.to_owned(),
            None => {
                refusals.push(Refusal {
                    code: "option_required",
                    message: format!(
                        "TikTok needs a privacy_level chosen by the user; this creator may use {}",
                        info.privacy_level_options.join(", ")
                    ),
                });
                String::new()
            }
        };
        if !privacy.is_empty() {
            if !self.settings.app_audited && privacy != SELF_ONLY {
                refusals.push(Refusal {
                    code: "privacy_level_not_allowed",
                    message: format!(
                        "this TikTok app is not audited yet (TIKTOK_APP_AUDITED=false), so it can only post as SELF_ONLY, not {privacy}"
                    ),
                });
            } else if !info.privacy_level_options.contains(&privacy) {
                refusals.push(Refusal {
                    code: "privacy_level_not_allowed",
                    message: format!(
                        "this creator can post as {}, not {privacy}",
                        info.privacy_level_options.join(", ")
                    ),
                });
            }
        }
        if let Some(max) = info.max_video_post_duration_sec {
            for asset in job.assets.iter().filter(|a| a.kind == AssetKind::Video) {
                if let Some(duration) = asset.metadata.duration_seconds
                    && duration > f64::from(max)
                {
                    refusals.push(Refusal {
                        code: "video_too_long",
                        message: format!(
                            "this creator's videos may last at most {max} s; this one lasts {duration:.1} s"
                        ),
                    });
                }
            }
        }
        let photos = is_photo_post(job);
        let mut switch = |key: &str, disabled: bool, what: &str| {
            let asked = option_bool(job, key);
            if disabled && asked == Some(false) {
                refusals.push(Refusal {
                    code: "interaction_disabled_by_creator",
                    message: format!(
                        "this creator has turned {what} off, so {key} cannot be false"
                    ),
                });
            }
            asked.unwrap_or(false) || disabled
        };
        let disable_comment = switch("disable_comment", info.comment_disabled, "comments");
        let (disable_duet, disable_stitch) = if photos {
            (false, false)
        } else {
            (
                switch("disable_duet", info.duet_disabled, "duets"),
                switch("disable_stitch", info.stitch_disabled, "stitches"),
            )
        };
        if option_bool(job, "brand_content_toggle") == Some(true) && privacy == SELF_ONLY {
            refusals.push(Refusal {
                code: "branded_content_cannot_be_private",
                message: "branded content (brand_content_toggle) cannot be posted as SELF_ONLY"
                    .to_owned(),
            });
        }
        if !refusals.is_empty() {
            return Err(refusals);
        }
        Ok(Creator {
            attempt,
            username: info
                .creator_username
                .clone()
                .filter(|u| !u.trim().is_empty()),
            privacy_level: privacy,
            disable_comment,
            disable_duet,
            disable_stitch,
        })
    }

    async fn creator_info(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        let info = self.client.creator_info(&ctx.account.access_token).await?;
        match self.creator_choices(ctx.job, &info, ctx.job.attempts) {
            Ok(creator) => Ok(StepOutcome::Continue(with_step(ctx, CREATOR_KEY, &creator))),
            Err(refusals) => {
                let code = refusals.first().map_or("refused", |r| r.code);
                let message = refusals
                    .iter()
                    .map(|r| r.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                Err(tiktok_error(PlatformErrorKind::Content, code, message))
            }
        }
    }

    fn video_post_info(job: &PublishJob, creator: &Creator) -> VideoPostInfo {
        VideoPostInfo {
            title: (!job.content_text.trim().is_empty()).then(|| job.content_text.clone()),
            privacy_level: creator.privacy_level.clone(),
            disable_duet: creator.disable_duet,
            disable_comment: creator.disable_comment,
            disable_stitch: creator.disable_stitch,
            video_cover_timestamp_ms: option(job, "video_cover_timestamp_ms")
                .and_then(Value::as_u64),
            brand_content_toggle: option_bool(job, "brand_content_toggle").unwrap_or(false),
            brand_organic_toggle: option_bool(job, "brand_organic_toggle").unwrap_or(false),
            is_aigc: option_bool(job, "is_aigc"),
        }
    }

    fn publish(
        ctx: &PublishContext<'_>,
        creator: &Creator,
        source: Source,
        publish_id: String,
    ) -> Publish {
        Publish {
            attempt: ctx.job.attempts,
            assets: asset_urls(ctx.job),
            source,
            publish_id,
            username: creator.username.clone(),
            privacy_level: creator.privacy_level.clone(),
            upload_url: None,
            content_type: String::new(),
            total: 0,
            chunk_size: 0,
            chunks: 0,
            sent: 0,
        }
    }

    async fn init_upload(
        &self,
        ctx: &PublishContext<'_>,
        creator: &Creator,
    ) -> Result<StepOutcome, PlatformError> {
        let asset = ctx.job.assets.first().ok_or_else(|| {
            tiktok_error(
                PlatformErrorKind::InvalidRequest,
                "no_asset",
                "a TikTok post needs a video or photos",
            )
        })?;
        let info = ctx
            .assets
            .info(&asset.url)
            .await
            .map_err(|e| socialpub_platform_http::unreadable_asset(Platform::Tiktok, &e))?;
        let total = info
            .content_length
            .or(asset.metadata.size_bytes)
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                tiktok_error(
                    PlatformErrorKind::Media,
                    "asset_size_unknown",
                    "the video's size is unknown or zero",
                )
            })?;
        let content_type = video_type(
            asset.metadata.mime_type.as_deref(),
            info.content_type.as_deref(),
        );
        let (chunk_size, chunks) = chunk_plan(total, self.settings.chunk_size);
        let init = VideoInit {
            post_info: Self::video_post_info(ctx.job, creator),
            source_info: VideoSource::FileUpload {
                video_size: total,
                chunk_size,
                total_chunk_count: chunks,
            },
        };
        let answer = self
            .client
            .init_video(&ctx.account.access_token, &init)
            .await?;
        let upload_url = answer.upload_url.ok_or_else(|| {
            tiktok_error(
                PlatformErrorKind::InvalidRequest,
                "malformed_response",
                "TikTok answered a FILE_UPLOAD init without upload_url",
            )
        })?;
        let publish = Publish {
            upload_url: Some(upload_url),
            content_type,
            total,
            chunk_size,
            chunks,
            ..Self::publish(ctx, creator, Source::FileUpload, answer.publish_id)
        };
        Ok(StepOutcome::Continue(with_step(ctx, PUBLISH_KEY, &publish)))
    }

    async fn upload_chunk(
        &self,
        ctx: &PublishContext<'_>,
        mut publish: Publish,
    ) -> Result<StepOutcome, PlatformError> {
        let asset = ctx.job.assets.first().ok_or_else(|| {
            tiktok_error(PlatformErrorKind::InvalidRequest, "no_asset", "no video")
        })?;
        let range = publish.chunk_range();
        let len = range.last - range.first + 1;
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        let mut at = range.first;
        while at <= range.last {
            let piece = READ_PIECE.min(range.last - at + 1);
            let read = ctx
                .assets
                .read_range(&asset.url, at, u32::try_from(piece).unwrap_or(u32::MAX))
                .await
                .map_err(|e| socialpub_platform_http::unreadable_asset(Platform::Tiktok, &e))?;
            if read.is_empty() {
                return Err(tiktok_error(
                    PlatformErrorKind::Media,
                    "asset_truncated",
                    "the video is shorter than its announced size",
                ));
            }
            at += read.len() as u64;
            bytes.extend_from_slice(&read);
        }
        bytes.truncate(usize::try_from(len).unwrap_or(usize::MAX));
        let upload_url = publish.upload_url.clone().unwrap_or_default();
        self.client
            .upload_chunk(&upload_url, &publish.content_type, range, bytes)
            .await?;
        publish.sent += 1;
        Ok(StepOutcome::Continue(with_step(ctx, PUBLISH_KEY, &publish)))
    }

    async fn init_pull(
        &self,
        ctx: &PublishContext<'_>,
        creator: &Creator,
    ) -> Result<StepOutcome, PlatformError> {
        let asset = ctx.job.assets.first().ok_or_else(|| {
            tiktok_error(PlatformErrorKind::InvalidRequest, "no_asset", "no video")
        })?;
        let init = VideoInit {
            post_info: Self::video_post_info(ctx.job, creator),
            source_info: VideoSource::PullFromUrl {
                video_url: asset.url.as_str().to_owned(),
            },
        };
        let answer = self
            .client
            .init_video(&ctx.account.access_token, &init)
            .await?;
        let publish = Self::publish(ctx, creator, Source::PullFromUrl, answer.publish_id);
        Ok(StepOutcome::Continue(with_step(ctx, PUBLISH_KEY, &publish)))
    }

    async fn init_photos(
        &self,
        ctx: &PublishContext<'_>,
        creator: &Creator,
    ) -> Result<StepOutcome, PlatformError> {
        let job = ctx.job;
        let is_aigc = option_bool(job, "is_aigc");
        let at_root = self.settings.photo_aigc_at_root;
        let init = PhotoInit {
            media_type: "PHOTO",
            post_mode: "DIRECT_POST",
            post_info: PhotoPostInfo {
                title: option_str(job, "title").map(str::to_owned),
                description: (!job.content_text.trim().is_empty())
                    .then(|| job.content_text.clone()),
                privacy_level: creator.privacy_level.clone(),
                disable_comment: creator.disable_comment,
                auto_add_music: option_bool(job, "auto_add_music"),
                brand_content_toggle: option_bool(job, "brand_content_toggle").unwrap_or(false),
                brand_organic_toggle: option_bool(job, "brand_organic_toggle").unwrap_or(false),
                is_aigc: is_aigc.filter(|_| !at_root),
            },
            source_info: PhotoSource {
                source: "PULL_FROM_URL",
                photo_cover_index: option(job, "photo_cover_index")
                    .and_then(Value::as_u64)
                    .and_then(|i| u32::try_from(i).ok())
                    .unwrap_or(0),
                photo_images: asset_urls(job),
            },
            is_aigc: is_aigc.filter(|_| at_root),
        };
        let answer = self
            .client
            .init_photos(&ctx.account.access_token, &init)
            .await?;
        let publish = Self::publish(ctx, creator, Source::Photos, answer.publish_id);
        Ok(StepOutcome::Continue(with_step(ctx, PUBLISH_KEY, &publish)))
    }

    fn post_url(&self, publish: &Publish, post_id: &str) -> Option<String> {
        let username = publish.username.as_deref()?.trim().trim_start_matches('@');
        if username.is_empty() {
            return None;
        }
        let segment = match publish.source {
            Source::Photos => self.settings.photo_url_segment.as_str(),
            Source::FileUpload | Source::PullFromUrl => "video",
        };
        Some(format!(
            "https://www.tiktok.com/@{username}/{segment}/{post_id}"
        ))
    }

    /// The post a finished publish became: its public id and URL, or, for a post nobody else
    /// sees (or one still in moderation past the wait), its publish id alone.
    fn post_of(&self, publish: &Publish, status: &PublishStatus) -> PublishedPost {
        match status.public_post_ids.first() {
            Some(id) => PublishedPost {
                url: self.post_url(publish, &id.0),
                external_id: id.0.clone(),
            },
            None => PublishedPost {
                external_id: publish.publish_id.clone(),
                url: None,
            },
        }
    }

    /// Whether a complete publish may still get its public id.
    fn awaits_public_id(
        &self,
        publish: &Publish,
        status: &PublishStatus,
        since: OffsetDateTime,
        now: OffsetDateTime,
    ) -> bool {
        status.public_post_ids.is_empty()
            && publish.privacy_level != SELF_ONLY
            && now < since + self.settings.public_id_wait
    }

    async fn poll(
        &self,
        ctx: &PublishContext<'_>,
        publish: Publish,
    ) -> Result<StepOutcome, PlatformError> {
        let status = self
            .client
            .publish_status(&ctx.account.access_token, &publish.publish_id)
            .await?;
        let committed_at = ctx.job.progress.committed_at.unwrap_or(ctx.now);
        let wait = || StepOutcome::WaitUntil {
            at: ctx.now + self.settings.poll_interval.max(Duration::seconds(1)),
            progress: {
                let mut progress = ctx.job.progress.clone();
                progress.parked = false;
                progress
            },
        };
        match status.status {
            PublishState::PublishComplete => {
                if self.awaits_public_id(&publish, &status, committed_at, ctx.now) {
                    Ok(wait())
                } else {
                    Ok(StepOutcome::Published(self.post_of(&publish, &status)))
                }
            }
            PublishState::SendToUserInbox => {
                Ok(StepOutcome::Published(self.post_of(&publish, &status)))
            }
            PublishState::Failed => Err(failed(&status)),
            PublishState::ProcessingUpload
            | PublishState::ProcessingDownload
            | PublishState::Other(_) => Ok(wait()),
        }
    }
}

/// TikTok gave up on a committed publish. The commit is never sent again by itself, so the
/// error is final whatever TikTok's reason; the user may retry the job.
fn failed(status: &PublishStatus) -> PlatformError {
    let reason = status
        .fail_reason
        .clone()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    let kind = match kind_for_code(&reason) {
        Some(kind) if !kind.is_retryable() => kind,
        _ => PlatformErrorKind::Media,
    };
    tiktok_error(
        kind,
        &reason,
        format!("TikTok could not publish the post (fail_reason {reason})"),
    )
}

fn video_type(given: Option<&str>, served: Option<&str>) -> String {
    let essence = |raw: &str| {
        raw.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    [given, served]
        .into_iter()
        .flatten()
        .map(essence)
        .find(|t| matches!(t.as_str(), "video/mp4" | "video/quicktime" | "video/webm"))
        .unwrap_or_else(|| "video/mp4".to_owned())
}

#[async_trait::async_trait]
impl Publisher for TiktokPublisher {
    fn platform(&self) -> Platform {
        Platform::Tiktok
    }

    fn next_step(&self, job: &PublishJob) -> PlannedStep {
        let (name, commits) = match plan(job) {
            Plan::CreatorInfo => (STEP_CREATOR_INFO, false),
            Plan::Init(_, Source::FileUpload) => (STEP_INIT_UPLOAD, false),
            Plan::Init(_, Source::PullFromUrl) => (STEP_INIT_PULL, true),
            Plan::Init(_, Source::Photos) => (STEP_INIT_PHOTOS, true),
            Plan::Chunk(publish) if publish.sent + 1 >= publish.chunks => {
                (STEP_UPLOAD_LAST_CHUNK, true)
            }
            Plan::Chunk(_) => (STEP_UPLOAD_CHUNK, false),
            Plan::Poll(_) | Plan::Lost => (STEP_POLL_STATUS, false),
        };
        PlannedStep { name, commits }
    }

    async fn advance(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        match plan(ctx.job) {
            Plan::CreatorInfo => self.creator_info(ctx).await,
            Plan::Init(creator, Source::FileUpload) => self.init_upload(ctx, &creator).await,
            Plan::Init(creator, Source::PullFromUrl) => self.init_pull(ctx, &creator).await,
            Plan::Init(creator, Source::Photos) => self.init_photos(ctx, &creator).await,
            Plan::Chunk(publish) => self.upload_chunk(ctx, publish).await,
            Plan::Poll(publish) => self.poll(ctx, publish).await,
            Plan::Lost => Err(tiktok_error(
                PlatformErrorKind::InvalidRequest,
                "publish_id_missing",
                "TikTok accepted the post but its publish id was not stored; check the account",
            )),
        }
    }

    /// By the stored publish id: only a FILE_UPLOAD whose last chunk went unanswered has
    /// one. A lost init answer (PULL_FROM_URL, photos) leaves no handle, and TikTok's video
    /// list shows public posts only, so that case is Unknown.
    async fn find_published(
        &self,
        ctx: &PublishContext<'_>,
    ) -> Result<Reconciliation, PlatformError> {
        let Some(publish) = publish_of(ctx.job)
            .filter(|p| p.source == Source::FileUpload && p.sent + 1 >= p.chunks)
        else {
            return Ok(Reconciliation::Unknown {
                reason:
                    "TikTok gives no publish id until the init answers, and lists only public posts"
                        .to_owned(),
            });
        };
        let status = self
            .client
            .publish_status(&ctx.account.access_token, &publish.publish_id)
            .await?;
        let marker = ctx
            .job
            .progress
            .final_call_started_at
            .unwrap_or(ctx.job.updated_at);
        let look_again = |why: &str, after: Duration| {
            Err(platform_error(
                Platform::Tiktok,
                PlatformErrorKind::Transient,
                Some("not_settled".to_owned()),
                why,
                None,
                Some(after.max(Duration::seconds(1))),
            ))
        };
        let all_bytes = status.uploaded_bytes.is_some_and(|b| b >= publish.total);
        match status.status {
            PublishState::PublishComplete => {
                if self.awaits_public_id(&publish, &status, marker, ctx.now) {
                    look_again(
                        "TikTok published the post; its public id is not out yet",
                        self.settings.poll_interval,
                    )
                } else {
                    Ok(Reconciliation::Found(self.post_of(&publish, &status)))
                }
            }
            PublishState::SendToUserInbox => {
                Ok(Reconciliation::Found(self.post_of(&publish, &status)))
            }
            PublishState::Failed => Ok(Reconciliation::Absent),
            PublishState::ProcessingUpload if !all_bytes => {
                let settled_at = marker + self.settings.reconcile_settle;
                if ctx.now < settled_at {
                    look_again("the last chunk may still be arriving", settled_at - ctx.now)
                } else {
                    Ok(Reconciliation::Absent)
                }
            }
            PublishState::ProcessingUpload
            | PublishState::ProcessingDownload
            | PublishState::Other(_) => look_again(
                "TikTok has every byte and is processing the video",
                self.settings.poll_interval,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_is_five_chunks() {
        // 50,000,123 bytes with 10,000,000-byte chunks: 5 chunks, the last 10,000,123.
        assert_eq!(chunk_plan(50_000_123, 10_000_000), (10_000_000, 5));
    }

    #[test]
    fn small_files_go_whole_and_large_ones_never_do() {
        assert_eq!(chunk_plan(1_000, 8 << 20), (1_000, 1));
        assert_eq!(chunk_plan(8 << 20, 8 << 20), (8 << 20, 1));
        // A preferred chunk above TikTok's maximum is clamped.
        let (chunk, count) = chunk_plan(100_000_000, 200_000_000);
        assert_eq!((chunk, count), (50_000_000, 2));
        // Below the minimum too.
        assert_eq!(chunk_plan(20 << 20, 1).0, MIN_CHUNK_BYTES);
    }

    #[test]
    fn every_plan_keeps_the_rules() {
        for total in [
            5_000_000_u64,
            5 << 20,
            (5 << 20) + 1,
            64_000_000,
            64_000_001,
            127_999_999,
            500 << 20,
            4 << 30,
        ] {
            for preferred in [1, 5 << 20, 8 << 20, 10_000_000, 64_000_000, u64::MAX] {
                let (chunk, count) = chunk_plan(total, preferred);
                let last = total - u64::from(count - 1) * chunk;
                assert!((1..=1000).contains(&count), "{total} {preferred}");
                assert_eq!(u64::from(count), total / chunk, "{total} {preferred}");
                if count == 1 {
                    assert!(total <= MAX_CHUNK_BYTES, "{total} {preferred}");
                } else {
                    assert!((MIN_CHUNK_BYTES..=MAX_CHUNK_BYTES).contains(&chunk));
                    assert!(last >= chunk && last <= 128_000_000, "{total} {preferred}");
                }
            }
        }
    }
}
