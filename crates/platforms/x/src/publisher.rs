//! X as a [`Publisher`]: each attached file goes through the chunked media upload
//! (initialize, one append per chunk, finalize, status polls while a video or GIF processes,
//! alt text), then `POST /2/tweets` with the media ids commits the post.
//!
//! A `thread` option (a list of texts) adds posts after the first, each replying to the one
//! before. Each post is its own commit: its id goes into the progress (`x.post.{n}`) as soon
//! as X answers, so a thread that fails halfway resumes at the post that failed and never
//! posts an earlier one again; a lost answer is reconciled like any commit, and finding a
//! middle post lets the job go on ([`Reconciliation::FoundPart`]). The job's post is the
//! thread's first.
//!
//! Every step's result lives in the job's progress (`x.media.{n}` holds one file's upload as
//! JSON), so a worker that stops anywhere is replaced by one that resumes at the next chunk.
//! Media ids stay usable for a day after finalize, so a retried commit reuses them; one that
//! has expired (or is about to) is uploaded again.

use serde::{Deserialize, Serialize};
use socialpub_domain::{Asset, AssetKind, Platform, PublishJob, PublishProgress};
use socialpub_platform_http::{not_yet_settled, platform_error, retry_read};
use socialpub_ports::{
    PlannedStep, PlatformError, PlatformErrorKind, PublishContext, PublishedPost, Publisher,
    Reconciliation, StepOutcome,
};
use time::{Duration, OffsetDateTime};

use crate::client::XClient;
use crate::media_upload::{InitializeUpload, MediaCategory, MediaUpload, ProcessingState};
use crate::tweets::{NewTweet, TimelineWindow, Tweet, TweetMedia, TweetReply};

/// Step names, for logs, attempts and metrics.
pub const STEP_MEDIA_INITIALIZE: &str = "media_initialize";
pub const STEP_MEDIA_APPEND: &str = "media_append";
pub const STEP_MEDIA_FINALIZE: &str = "media_finalize";
pub const STEP_MEDIA_STATUS: &str = "media_status";
pub const STEP_MEDIA_ALT_TEXT: &str = "media_alt_text";
pub const STEP_CREATE_POST: &str = "create_post";
/// A thread's later post (each its own commit).
pub const STEP_CREATE_THREAD_POST: &str = "create_thread_post";
/// Only reached when a commit was recorded as answered but its post was not stored: the post
/// is looked up, never created again.
pub const STEP_FIND_POST: &str = "find_post";

/// Immediate retries of one timeline page that failed with a 5xx or a dropped connection.
const PAGE_RETRIES: usize = 2;

/// X's append endpoint takes segments 0..=999.
const MAX_SEGMENTS: u64 = 1000;

/// How the X publisher uploads and reconciles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XPublishSettings {
    /// Bytes per append (X documents 1 MB in examples and at most 5 MB per chunk). Grown when
    /// a file would need more than 1,000 segments.
    pub chunk_size: u32,
    /// How far before the commit marker to look for the post (clock skew between us and X).
    pub reconcile_lookback: Duration,
    /// How long after the commit marker the post can have been created (the commit's request
    /// timeout plus clock skew). Once that moment is past, the lookup asks for posts up to it
    /// only, so a lookup made long after the commit still reads a bounded window.
    pub reconcile_lookahead: Duration,
    /// At most this many timeline pages (100 posts each) per lookup. When posts remain after
    /// the last one, the lookup answers Unknown: not seeing the post is no proof.
    pub reconcile_max_pages: usize,
    /// A post may take a moment to show on the timeline: until this long after the commit
    /// marker, not finding it is not proof it is absent, and `find_published` asks to be
    /// called again (a Transient error with `retry_after`) instead of answering Absent.
    pub reconcile_settle: Duration,
    /// An uploaded media id that expires within this long of the job's last change is
    /// uploaded again rather than attached: the commit may come a little later, and X
    /// refuses an expired id.
    pub media_expiry_margin: Duration,
}

impl Default for XPublishSettings {
    fn default() -> Self {
        Self {
            chunk_size: 4 * 1024 * 1024,
            reconcile_lookback: Duration::minutes(2),
            reconcile_lookahead: Duration::minutes(5),
            reconcile_max_pages: 10,
            reconcile_settle: Duration::seconds(2),
            media_expiry_margin: Duration::minutes(10),
        }
    }
}

/// Publishes to X. Cheap to clone.
#[derive(Debug, Clone)]
pub struct XPublisher {
    client: XClient,
    settings: XPublishSettings,
}

impl XPublisher {
    pub fn new(client: XClient) -> Self {
        Self::with_settings(client, XPublishSettings::default())
    }

    pub fn with_settings(client: XClient, settings: XPublishSettings) -> Self {
        Self { client, settings }
    }

    pub fn client(&self) -> &XClient {
        &self.client
    }
}

/// What a look through the timeline came to.
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

/// One file's upload, stored as JSON under [`media_key`] in the job's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct MediaProgress {
    /// The file this upload is of: a job whose assets were edited since must not post the
    /// old file.
    #[serde(default)]
    url: String,
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    total: u64,
    sent: u64,
    segment: u32,
    state: MediaState,
    /// The alt text option was attached (images and GIFs only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    described: bool,
    /// When X forgets the media id (Unix seconds), from the last `expires_after_secs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum MediaState {
    Uploading,
    Processing,
    Ready,
}

/// When an upload answer says the media id expires (Unix seconds).
fn expiry(now: OffsetDateTime, answer: &MediaUpload) -> Option<i64> {
    answer
        .expires_after_secs
        .filter(|secs| *secs > 0)
        .map(|secs| now.unix_timestamp().saturating_add(secs))
}

fn media_key(index: usize) -> String {
    format!("x.media.{index}")
}

fn media_progress(progress: &PublishProgress, index: usize) -> Option<MediaProgress> {
    // An unreadable entry (an older format) restarts that file's upload: uploads are safe to
    // redo, and X forgets unused media ids by itself.
    serde_json::from_str(progress.step(&media_key(index))?).ok()
}

/// Progress key of the id of the thread's post `n` (0 is the job's own post).
fn post_key(index: usize) -> String {
    format!("x.post.{index}")
}

fn posted(job: &PublishJob, index: usize) -> Option<&str> {
    job.progress.step(&post_key(index))
}

/// The follow-up texts of the `thread` option, in order.
fn thread(job: &PublishJob) -> Vec<String> {
    job.platform_specific_options
        .get("thread")
        .and_then(serde_json::Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(serde_json::Value::as_str)
                .filter(|text| !text.trim().is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The text of the thread's post `index`.
fn item_text(job: &PublishJob, index: usize) -> String {
    match index {
        0 => job.content_text.clone(),
        n => thread(job).into_iter().nth(n - 1).unwrap_or_default(),
    }
}

/// Alt text for file `index`: its entry in `alt_texts`, else `alt_text`.
fn alt_text(job: &PublishJob, index: usize) -> Option<String> {
    job.platform_specific_options
        .get("alt_texts")
        .and_then(serde_json::Value::as_array)
        .and_then(|texts| texts.get(index))
        .and_then(serde_json::Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
        .or_else(|| option_str(job, "alt_text"))
}

/// What the progress leads to.
enum Plan {
    Initialize(usize),
    Append(usize, MediaProgress),
    Finalize(usize, MediaProgress),
    Status(usize, MediaProgress),
    AltText(usize, MediaProgress, String),
    /// Post the thread's post `index` (the job's own post, with the media, when 0).
    Commit(usize, Vec<MediaProgress>),
    Find(OffsetDateTime),
    /// Every post of the thread is up (the last answer was stored, not yet reported).
    Done(String),
}

/// The step the progress leads to. `job.updated_at` (the job's last save, so the time of this
/// run's previous step) stands in for the clock, since this must stay pure.
fn plan(job: &PublishJob, expiry_margin: Duration) -> Plan {
    let Some(head) = posted(job, 0) else {
        if let Some(committed_at) = job.progress.committed_at {
            return Plan::Find(committed_at);
        }
        return plan_media(job, expiry_margin);
    };
    let last = thread(job).len();
    match (1..=last).find(|n| posted(job, *n).is_none()) {
        Some(next) => Plan::Commit(next, Vec::new()),
        None => Plan::Done(head.to_owned()),
    }
}

fn plan_media(job: &PublishJob, expiry_margin: Duration) -> Plan {
    let fresh_until = (job.updated_at + expiry_margin).unix_timestamp();
    let mut ready = Vec::with_capacity(job.assets.len());
    for index in 0..job.assets.len() {
        let Some(media) = media_progress(&job.progress, index).filter(|m| {
            job.assets
                .get(index)
                .is_some_and(|a| a.url.as_str() == m.url)
        }) else {
            return Plan::Initialize(index);
        };
        if media.expires_at.is_some_and(|at| at <= fresh_until) {
            return Plan::Initialize(index);
        }
        match media.state {
            MediaState::Uploading if media.sent < media.total => {
                return Plan::Append(index, media);
            }
            MediaState::Uploading => return Plan::Finalize(index, media),
            MediaState::Processing => return Plan::Status(index, media),
            MediaState::Ready => {
                let image = job
                    .assets
                    .get(index)
                    .is_some_and(|a| a.kind == AssetKind::Image);
                if let Some(alt) = alt_text(job, index).filter(|_| image && !media.described) {
                    return Plan::AltText(index, media, alt);
                }
                ready.push(media);
            }
        }
    }
    Plan::Commit(0, ready)
}

fn x_error(kind: PlatformErrorKind, code: &str, message: impl Into<String>) -> PlatformError {
    platform_error(
        Platform::X,
        kind,
        Some(code.to_owned()),
        message,
        None,
        None,
    )
}

fn media_type(asset: &Asset, served: Option<&str>) -> String {
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
        .filter(|t| t.contains('/') && t != "application/octet-stream")
        // A common misspelling X does not accept.
        .map(|t| {
            if t == "image/jpg" {
                "image/jpeg".to_owned()
            } else {
                t
            }
        })
        .unwrap_or_else(|| match asset.kind {
            AssetKind::Image => "image/jpeg".to_owned(),
            AssetKind::Video => "video/mp4".to_owned(),
        })
}

fn category(asset: &Asset, media_type: &str) -> MediaCategory {
    match asset.kind {
        AssetKind::Video => MediaCategory::TweetVideo,
        AssetKind::Image if media_type == "image/gif" => MediaCategory::TweetGif,
        AssetKind::Image => MediaCategory::TweetImage,
    }
}

/// The progress to hand back: the job's, with one file's upload replaced.
fn with_media(ctx: &PublishContext<'_>, index: usize, media: &MediaProgress) -> PublishProgress {
    let mut progress = ctx.job.progress.clone();
    progress.parked = false;
    progress.set_step(
        media_key(index),
        serde_json::to_string(media).unwrap_or_default(),
    );
    progress
}

/// `https://x.com/{username}/status/{id}`, or the username-less form when the account's
/// handle is unknown.
pub fn post_url(username: &str, id: &str) -> String {
    let username = username.trim().trim_start_matches('@');
    let valid = !username.is_empty()
        && username.len() <= 15
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if valid {
        format!("https://x.com/{username}/status/{id}")
    } else {
        format!("https://x.com/i/web/status/{id}")
    }
}

/// Text as compared for reconciliation: X shortens links to `t.co`, appends a link for
/// attached media and escapes `&`, `<`, `>`, so links are dropped, entities decoded and
/// whitespace collapsed on both sides.
fn comparable(text: &str) -> String {
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded
        .split_whitespace()
        .filter(|word| !(word.starts_with("http://") || word.starts_with("https://")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a post of the job looks like on the timeline.
struct Wanted {
    text: String,
    /// Keys of the media attached (none for a thread's later posts).
    media_keys: Vec<String>,
    /// The post it must reply to (a thread's later posts).
    replied_to: Option<String>,
}

/// The post matches on text (links and entities aside) and, when X lists them, on media; a
/// post without text matches on media alone, so two media-only posts are told apart by what
/// they show; a thread's later post must also reply to the one before.
fn matches(tweet: &Tweet, wanted: &Wanted) -> bool {
    if comparable(&tweet.text) != comparable(&wanted.text) {
        return false;
    }
    if let Some(parent) = &wanted.replied_to
        && tweet.replied_to() != Some(parent.as_str())
    {
        return false;
    }
    let listed = tweet
        .attachments
        .as_ref()
        .map(|a| a.media_keys.as_slice())
        .unwrap_or_default();
    let shares_media = wanted.media_keys.iter().any(|k| listed.contains(k));
    if comparable(&wanted.text).is_empty() {
        return shares_media;
    }
    wanted.media_keys.is_empty() || listed.is_empty() || shares_media
}

fn option_str(job: &PublishJob, key: &str) -> Option<String> {
    job.platform_specific_options
        .get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

fn option_bool(job: &PublishJob, key: &str) -> Option<bool> {
    job.platform_specific_options
        .get(key)
        .and_then(serde_json::Value::as_bool)
}

/// The `POST /2/tweets` body of a thread's later post: its text, replying to `parent`.
fn thread_tweet(text: String, parent: &str) -> NewTweet {
    NewTweet {
        text: Some(text),
        reply: Some(TweetReply {
            in_reply_to_tweet_id: parent.to_owned(),
        }),
        ..NewTweet::default()
    }
}

/// The `POST /2/tweets` body for a job whose media are all uploaded.
pub(crate) fn new_tweet(job: &PublishJob, media_ids: Vec<String>) -> NewTweet {
    NewTweet {
        text: (!job.content_text.is_empty()).then(|| job.content_text.clone()),
        media: (!media_ids.is_empty()).then_some(TweetMedia { media_ids }),
        reply: option_str(job, "in_reply_to_tweet_id").map(|id| TweetReply {
            in_reply_to_tweet_id: id,
        }),
        quote_tweet_id: option_str(job, "quote_tweet_id"),
        reply_settings: option_str(job, "reply_settings"),
        made_with_ai: option_bool(job, "made_with_ai"),
        paid_partnership: option_bool(job, "paid_partnership"),
    }
}

impl XPublisher {
    async fn initialize(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
    ) -> Result<StepOutcome, PlatformError> {
        let asset = ctx.job.assets.get(index).ok_or_else(|| {
            x_error(
                PlatformErrorKind::InvalidRequest,
                "no_asset",
                "no such asset",
            )
        })?;
        let info = ctx
            .assets
            .info(&asset.url)
            .await
            .map_err(|e| socialpub_platform_http::unreadable_asset(Platform::X, &e))?;
        let total = info
            .content_length
            .or(asset.metadata.size_bytes)
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                x_error(
                    PlatformErrorKind::Media,
                    "asset_size_unknown",
                    "the file's size is unknown or zero",
                )
            })?;
        let media_type = media_type(asset, info.content_type.as_deref());
        let upload = InitializeUpload {
            media_category: category(asset, &media_type),
            media_type,
            total_bytes: total,
        };
        let created = self
            .client
            .media_initialize(&ctx.account.access_token, &upload)
            .await?;
        let media = MediaProgress {
            url: asset.url.as_str().to_owned(),
            expires_at: expiry(ctx.now, &created),
            id: created.id,
            key: created.media_key,
            total,
            sent: 0,
            segment: 0,
            state: MediaState::Uploading,
            described: false,
        };
        Ok(StepOutcome::Continue(with_media(ctx, index, &media)))
    }

    fn chunk_len(&self, media: &MediaProgress) -> u32 {
        let floor = media.total.div_ceil(MAX_SEGMENTS);
        let chunk = u64::from(self.settings.chunk_size.max(1))
            .max(floor)
            .min(media.total - media.sent);
        u32::try_from(chunk).unwrap_or(u32::MAX)
    }

    async fn append(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
        mut media: MediaProgress,
    ) -> Result<StepOutcome, PlatformError> {
        let asset = ctx.job.assets.get(index).ok_or_else(|| {
            x_error(
                PlatformErrorKind::InvalidRequest,
                "no_asset",
                "no such asset",
            )
        })?;
        if u64::from(media.segment) >= MAX_SEGMENTS {
            return Err(x_error(
                PlatformErrorKind::Media,
                "too_many_segments",
                "the file needs more than 1,000 upload segments",
            ));
        }
        let chunk = ctx
            .assets
            .read_range(&asset.url, media.sent, self.chunk_len(&media))
            .await
            .map_err(|e| socialpub_platform_http::unreadable_asset(Platform::X, &e))?;
        if chunk.is_empty() {
            return Err(x_error(
                PlatformErrorKind::Media,
                "asset_truncated",
                "the file is shorter than its announced size",
            ));
        }
        self.client
            .media_append(&ctx.account.access_token, &media.id, media.segment, &chunk)
            .await?;
        media.sent += chunk.len() as u64;
        media.segment += 1;
        Ok(StepOutcome::Continue(with_media(ctx, index, &media)))
    }

    /// After finalize or a status check: ready, still processing (park until X says to look
    /// again), or failed.
    fn processed(
        ctx: &PublishContext<'_>,
        index: usize,
        mut media: MediaProgress,
        answer: MediaUpload,
    ) -> Result<StepOutcome, PlatformError> {
        if let Some(at) = expiry(ctx.now, &answer) {
            media.expires_at = Some(at);
        }
        let Some(info) = answer.processing_info else {
            media.state = MediaState::Ready;
            return Ok(StepOutcome::Continue(with_media(ctx, index, &media)));
        };
        match info.state {
            ProcessingState::Succeeded => {
                media.state = MediaState::Ready;
                Ok(StepOutcome::Continue(with_media(ctx, index, &media)))
            }
            ProcessingState::Failed => {
                let error = info.error.unwrap_or_default();
                let message = error
                    .message
                    .or(error.name)
                    .unwrap_or_else(|| "X could not process the media".to_owned());
                Err(x_error(
                    PlatformErrorKind::Media,
                    "media_processing_failed",
                    message,
                ))
            }
            ProcessingState::Pending | ProcessingState::InProgress | ProcessingState::Unknown => {
                media.state = MediaState::Processing;
                let wait = info.check_after_secs.unwrap_or(1).clamp(1, 600);
                Ok(StepOutcome::WaitUntil {
                    at: ctx.now + Duration::seconds(wait),
                    progress: with_media(ctx, index, &media),
                })
            }
        }
    }

    /// The post the job stands for: the thread's first (the job's own post).
    fn head_post(ctx: &PublishContext<'_>, id: String) -> PublishedPost {
        PublishedPost {
            url: Some(post_url(&ctx.account.display_name, &id)),
            external_id: id,
        }
    }

    /// After post `index` of the thread is up (`id`): the next post, or the job is done.
    fn posted(ctx: &PublishContext<'_>, index: usize, id: String) -> StepOutcome {
        if index >= thread(ctx.job).len() {
            let head = match index {
                0 => id,
                _ => posted(ctx.job, 0).map_or(id, str::to_owned),
            };
            return StepOutcome::Published(Self::head_post(ctx, head));
        }
        StepOutcome::Continue(Self::with_post(ctx, index, id))
    }

    fn with_post(ctx: &PublishContext<'_>, index: usize, id: String) -> PublishProgress {
        let mut progress = ctx.job.progress.clone();
        progress.parked = false;
        progress.set_step(post_key(index), id);
        progress
    }

    /// How post `index` of the thread shows on the timeline.
    fn wanted(job: &PublishJob, index: usize) -> Wanted {
        match index {
            0 => Wanted {
                text: job.content_text.clone(),
                media_keys: (0..job.assets.len())
                    .filter_map(|i| media_progress(&job.progress, i).and_then(|m| m.key))
                    .collect(),
                replied_to: None,
            },
            n => Wanted {
                text: item_text(job, n),
                media_keys: Vec::new(),
                replied_to: posted(job, n - 1).map(str::to_owned),
            },
        }
    }

    async fn commit(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
        media: Vec<MediaProgress>,
    ) -> Result<StepOutcome, PlatformError> {
        let tweet = match index {
            0 => new_tweet(ctx.job, media.into_iter().map(|m| m.id).collect()),
            n => {
                let parent = posted(ctx.job, n - 1).ok_or_else(|| {
                    x_error(
                        PlatformErrorKind::InvalidRequest,
                        "thread_out_of_order",
                        "the previous post of the thread is not recorded",
                    )
                })?;
                thread_tweet(item_text(ctx.job, n), parent)
            }
        };
        match self
            .client
            .create_tweet(&ctx.account.access_token, &tweet)
            .await
        {
            Ok(created) => Ok(Self::posted(ctx, index, created.id)),
            // X refuses identical text: after a lost answer to our own commit, that is our
            // post. Find it rather than fail.
            Err(error)
                if error.kind == PlatformErrorKind::Content
                    && error.message.to_ascii_lowercase().contains("duplicate") =>
            {
                match self.find(ctx, index, None).await {
                    Ok(Lookup::Found(post)) => Ok(Self::posted(ctx, index, post.external_id)),
                    _ => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// The account's post matching the job among those created from the commit marker
    /// (less the lookback) to the marker plus the lookahead, paging through the timeline.
    async fn find(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
        since: Option<OffsetDateTime>,
    ) -> Result<Lookup, PlatformError> {
        let job = ctx.job;
        let wanted = Self::wanted(job, index);
        let marker = since
            .or(job.progress.final_call_started_at)
            .unwrap_or(job.created_at);
        // X may refuse an `end_time` ahead of its own clock: send one only when it is past
        // on any clock within the skew allowance.
        let end = marker + self.settings.reconcile_lookahead;
        let window = TimelineWindow {
            start: marker - self.settings.reconcile_lookback,
            end: (end + self.settings.reconcile_lookback <= ctx.now).then_some(end),
        };
        let mut token: Option<String> = None;
        for _ in 0..self.settings.reconcile_max_pages {
            let page = retry_read(PAGE_RETRIES, || {
                self.client.user_tweets(
                    &ctx.account.access_token,
                    &ctx.account.external_user_id,
                    window,
                    token.as_deref(),
                )
            })
            .await?;
            if let Some(tweet) = page.tweets.iter().find(|t| matches(t, &wanted)) {
                return Ok(Lookup::Found(PublishedPost {
                    external_id: tweet.id.clone(),
                    url: Some(post_url(&ctx.account.display_name, &tweet.id)),
                }));
            }
            match page.next_token {
                Some(next) => token = Some(next),
                None => return Ok(Lookup::Absent),
            }
        }
        Ok(Lookup::Truncated {
            pages: self.settings.reconcile_max_pages,
        })
    }
}

#[async_trait::async_trait]
impl Publisher for XPublisher {
    fn platform(&self) -> Platform {
        Platform::X
    }

    fn next_step(&self, job: &PublishJob) -> PlannedStep {
        let (name, commits) = match plan(job, self.settings.media_expiry_margin) {
            Plan::Initialize(_) => (STEP_MEDIA_INITIALIZE, false),
            Plan::Append(..) => (STEP_MEDIA_APPEND, false),
            Plan::Finalize(..) => (STEP_MEDIA_FINALIZE, false),
            Plan::Status(..) => (STEP_MEDIA_STATUS, false),
            Plan::AltText(..) => (STEP_MEDIA_ALT_TEXT, false),
            Plan::Commit(0, _) => (STEP_CREATE_POST, true),
            Plan::Commit(..) => (STEP_CREATE_THREAD_POST, true),
            Plan::Find(_) | Plan::Done(_) => (STEP_FIND_POST, false),
        };
        PlannedStep { name, commits }
    }

    async fn advance(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        match plan(ctx.job, self.settings.media_expiry_margin) {
            Plan::Initialize(index) => self.initialize(ctx, index).await,
            Plan::Append(index, media) => self.append(ctx, index, media).await,
            Plan::Finalize(index, media) => {
                let answer = self
                    .client
                    .media_finalize(&ctx.account.access_token, &media.id)
                    .await?;
                Self::processed(ctx, index, media, answer)
            }
            Plan::Status(index, media) => {
                let answer = self
                    .client
                    .media_status(&ctx.account.access_token, &media.id)
                    .await?;
                Self::processed(ctx, index, media, answer)
            }
            Plan::AltText(index, mut media, alt) => {
                self.client
                    .media_alt_text(&ctx.account.access_token, &media.id, &alt)
                    .await?;
                media.described = true;
                Ok(StepOutcome::Continue(with_media(ctx, index, &media)))
            }
            Plan::Commit(index, media) => self.commit(ctx, index, media).await,
            Plan::Done(head) => Ok(StepOutcome::Published(Self::head_post(ctx, head))),
            Plan::Find(committed_at) => match self.find(ctx, 0, Some(committed_at)).await? {
                Lookup::Found(post) => Ok(Self::posted(ctx, 0, post.external_id)),
                Lookup::Absent | Lookup::Truncated { .. } => Err(platform_error(
                    Platform::X,
                    PlatformErrorKind::Transient,
                    Some("committed_post_not_found".to_owned()),
                    "X accepted the post but it is not on the timeline yet",
                    None,
                    Some(self.settings.reconcile_settle.max(Duration::seconds(1))),
                )),
            },
        }
    }

    /// Looks through the account's posts around the commit marker, page by page, for the
    /// post the unanswered commit was sending: the job's text (links and entities aside) and,
    /// when X lists them, its media (media alone for a post without text); a thread's later
    /// post also replies to the one before. Absent only once every post of that window was
    /// read.
    async fn find_published(
        &self,
        ctx: &PublishContext<'_>,
    ) -> Result<Reconciliation, PlatformError> {
        let job = ctx.job;
        let index = (0..=thread(job).len())
            .find(|n| posted(job, *n).is_none())
            .unwrap_or(0);
        match self.find(ctx, index, None).await? {
            Lookup::Found(post) => {
                return Ok(match Self::posted(ctx, index, post.external_id) {
                    StepOutcome::Published(head) => Reconciliation::Found(head),
                    StepOutcome::Continue(progress) | StepOutcome::WaitUntil { progress, .. } => {
                        Reconciliation::FoundPart(progress)
                    }
                });
            }
            Lookup::Truncated { pages } => {
                return Ok(Reconciliation::Unknown {
                    reason: format!(
                        "X lists more than {pages} pages of the account's posts around the commit, and the post is not among the first {pages}"
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
            Platform::X,
            settled_at,
            ctx.now,
            "the post may not be on the timeline yet",
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
    fn urls_use_the_handle_without_at() {
        assert_eq!(
            post_url("@XDevelopers", "1445880548472328192"),
            "https://x.com/XDevelopers/status/1445880548472328192"
        );
        assert_eq!(post_url("", "1"), "https://x.com/i/web/status/1");
        assert_eq!(
            post_url("Not A Handle", "1"),
            "https://x.com/i/web/status/1"
        );
    }

    #[test]
    fn media_types_come_from_metadata_then_the_server_then_the_kind() {
        let mut asset = Asset {
            url: socialpub_domain::AssetUrl::parse("https://cdn.example.com/a").unwrap(),
            kind: AssetKind::Image,
            metadata: socialpub_domain::AssetMetadata::default(),
        };
        assert_eq!(
            media_type(&asset, Some("image/PNG; charset=x")),
            "image/png"
        );
        assert_eq!(media_type(&asset, Some("image/jpg")), "image/jpeg");
        assert_eq!(
            media_type(&asset, Some("application/octet-stream")),
            "image/jpeg"
        );
        asset.metadata.mime_type = Some("image/gif".into());
        assert_eq!(media_type(&asset, Some("image/png")), "image/gif");
        assert_eq!(category(&asset, "image/gif"), MediaCategory::TweetGif);
        asset.kind = AssetKind::Video;
        asset.metadata.mime_type = None;
        assert_eq!(media_type(&asset, None), "video/mp4");
    }

    #[test]
    fn comparison_ignores_links_and_entities() {
        assert_eq!(
            comparable("Fish &amp; chips https://t.co/abc\n at https://t.co/xyz"),
            comparable("Fish & chips https://example.com/menu at")
        );
        assert_ne!(comparable("Fish & chips"), comparable("Fish and chips"));
    }
}
