//! LinkedIn as a [`Publisher`]. Every file is uploaded first, one step at a time: images and
//! documents by `initializeUpload` then one streamed `PUT`; videos by `initializeUpload`,
//! one `PUT` per part (keeping each part's ETag), `finalizeUpload`, then status reads while
//! LinkedIn processes the video (the job parks in between). `POST /rest/posts` then commits
//! the post, whose URN comes back in `x-restli-id`.
//!
//! Each file's upload lives in the job's progress (`linkedin.upload.{n}` as JSON), so a
//! worker that stops anywhere is replaced by one that resumes at the next part.
//!
//! After an unanswered commit: an organization's posts can be listed, so the post is looked
//! for among them; a member's cannot (that needs the closed `r_member_social`), so the
//! identical post is sent again, and LinkedIn's duplicate-content 422, which names the
//! original post, is the answer (a 201 means the first one never happened and this one is
//! the post).

use serde::{Deserialize, Serialize};
use socialpub_domain::{AssetKind, AssetUrl, Platform, PublishJob, PublishProgress};
use socialpub_platform_http::{not_yet_settled, platform_error};
use socialpub_ports::{
    PlannedStep, PlatformError, PlatformErrorKind, PublishContext, PublishedPost, Publisher,
    Reconciliation, StepOutcome,
};
use time::{Duration, OffsetDateTime};

use crate::client::LinkedinClient;
use crate::little_text;
use crate::posts::{
    ArticleContent, Distribution, ListedPost, MediaContent, MediaStatus, NewPost, PostContent,
    UploadPart, UploadResource, duplicate_of, post_url,
};
use crate::upload_body;

/// Step names, for logs, attempts and metrics.
pub const STEP_INITIALIZE_UPLOAD: &str = "initialize_upload";
pub const STEP_UPLOAD_FILE: &str = "upload_file";
pub const STEP_UPLOAD_PART: &str = "upload_part";
pub const STEP_FINALIZE_UPLOAD: &str = "finalize_upload";
pub const STEP_VIDEO_STATUS: &str = "video_status";
/// An organization's image is read back until LinkedIn has processed it: a post made on an
/// image whose processing then fails stays invisible.
pub const STEP_IMAGE_STATUS: &str = "image_status";
pub const STEP_CREATE_POST: &str = "create_post";
/// Reached when the commit was answered without the post's URN: the post is looked up (or,
/// for a member, its URN provoked by a duplicate), never created blindly again.
pub const STEP_FIND_POST: &str = "find_post";
/// The job's options cannot make a LinkedIn post; nothing is sent.
pub const STEP_CHECK_CONTENT: &str = "check_content";

const MEMBER_PREFIX: &str = "urn:li:person:";
const ORGANIZATION_PREFIX: &str = "urn:li:organization:";

/// How the LinkedIn publisher uploads, waits and reconciles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkedinPublishSettings {
    /// Bytes read from the asset per piece of a single-request upload (images, documents):
    /// the most that sits in memory, twice over, while a file streams.
    pub upload_piece: u32,
    /// Between two status reads of a processing video.
    pub video_poll_interval: Duration,
    /// Between two status reads of an organization's image.
    pub image_poll_interval: Duration,
    /// A video still processing this long after `finalizeUpload` fails the job.
    pub video_processing_timeout: Duration,
    /// How far before the commit marker an organization's post may carry its creation time
    /// (clock skew between us and LinkedIn).
    pub reconcile_lookback: Duration,
    /// Posts per page of the `q=author` finder.
    pub reconcile_page_size: u32,
    /// At most this many pages per lookup; posts left unread make the answer Unknown.
    pub reconcile_max_pages: u32,
    /// A post may take a moment to be listed: until this long after the commit marker, not
    /// finding it is no proof it is absent.
    pub reconcile_settle: Duration,
    /// A member's lost commit is reconciled by sending it again, which relies on LinkedIn
    /// refusing the duplicate. How long LinkedIn remembers content is not documented, so
    /// past this long after the commit marker the answer is Unknown rather than a risk of a
    /// second post.
    pub duplicate_window: Duration,
}

impl Default for LinkedinPublishSettings {
    fn default() -> Self {
        Self {
            upload_piece: 1024 * 1024,
            video_poll_interval: Duration::seconds(5),
            image_poll_interval: Duration::seconds(2),
            video_processing_timeout: Duration::hours(1),
            reconcile_lookback: Duration::minutes(2),
            reconcile_page_size: 50,
            reconcile_max_pages: 10,
            reconcile_settle: Duration::seconds(2),
            duplicate_window: Duration::hours(24),
        }
    }
}

/// Publishes to LinkedIn as a member or an organization. Cheap to clone.
#[derive(Debug, Clone)]
pub struct LinkedinPublisher {
    client: LinkedinClient,
    settings: LinkedinPublishSettings,
}

impl LinkedinPublisher {
    pub fn new(client: LinkedinClient) -> Self {
        Self::with_settings(client, LinkedinPublishSettings::default())
    }

    pub fn with_settings(client: LinkedinClient, settings: LinkedinPublishSettings) -> Self {
        Self { client, settings }
    }

    pub fn client(&self) -> &LinkedinClient {
        &self.client
    }
}

/// Which API a file goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum UploadKind {
    Image,
    Video,
    Document,
}

/// A file the post needs, in upload order: the job's assets, then the document, then the
/// article's thumbnail.
#[derive(Debug, Clone)]
struct Source {
    url: AssetUrl,
    kind: UploadKind,
}

/// One file's upload, stored as JSON under [`upload_key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Upload {
    /// The file this is an upload of: an edited job must not post the old file.
    source: String,
    kind: UploadKind,
    urn: String,
    total: u64,
    /// Images and documents: the one `PUT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upload_url: Option<String>,
    /// Videos: one `PUT` per part, their ETags in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    parts: Vec<UploadPart>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    etags: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    upload_token: String,
    state: UploadState,
    /// Read the image's status after its upload (organizations: a member's token may not).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    check_status: bool,
    /// When `finalizeUpload` was answered (videos), to bound the wait for processing.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    finalized_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum UploadState {
    Uploading,
    Processing,
    Ready,
}

fn upload_key(index: usize) -> String {
    format!("linkedin.upload.{index}")
}

fn stored_upload(progress: &PublishProgress, index: usize) -> Option<Upload> {
    // An unreadable entry restarts that file's upload: uploads are safe to redo.
    serde_json::from_str(progress.step(&upload_key(index))?).ok()
}

/// The job's options as LinkedIn needs them.
#[derive(Debug, Clone, Default)]
struct Options {
    visibility: Option<String>,
    reshare_disabled: bool,
    alt_text: Option<String>,
    title: Option<String>,
    article_url: Option<String>,
    article_title: Option<String>,
    article_description: Option<String>,
    article_thumbnail_url: Option<String>,
    document_url: Option<String>,
    document_title: Option<String>,
}

fn option_str(job: &PublishJob, key: &str) -> Option<String> {
    job.platform_specific_options
        .get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl Options {
    fn of(job: &PublishJob) -> Self {
        Self {
            visibility: option_str(job, "visibility"),
            reshare_disabled: job
                .platform_specific_options
                .get("is_reshare_disabled")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
            alt_text: option_str(job, "alt_text"),
            title: option_str(job, "title"),
            article_url: option_str(job, "article_url").or_else(|| option_str(job, "link")),
            article_title: option_str(job, "article_title"),
            article_description: option_str(job, "article_description"),
            article_thumbnail_url: option_str(job, "article_thumbnail_url"),
            document_url: option_str(job, "document_url"),
            document_title: option_str(job, "document_title"),
        }
    }
}

/// The files the post needs, or why the job cannot be a LinkedIn post.
fn sources(job: &PublishJob, options: &Options) -> Result<Vec<Source>, String> {
    let mut sources: Vec<Source> = job
        .assets
        .iter()
        .map(|asset| Source {
            url: asset.url.clone(),
            kind: match asset.kind {
                AssetKind::Image => UploadKind::Image,
                AssetKind::Video => UploadKind::Video,
            },
        })
        .collect();
    let videos = sources
        .iter()
        .filter(|s| s.kind == UploadKind::Video)
        .count();
    if videos > 1 || (videos == 1 && sources.len() > 1) {
        return Err("a LinkedIn post takes one video, alone".to_owned());
    }
    if sources.len() > 20 {
        return Err("a LinkedIn post takes at most 20 images".to_owned());
    }
    let attached = !sources.is_empty();
    if let Some(raw) = &options.document_url {
        if attached || options.article_url.is_some() {
            return Err("a LinkedIn document post takes no other media and no article".to_owned());
        }
        let url =
            AssetUrl::parse(raw).map_err(|e| format!("document_url is not a usable URL: {e}"))?;
        sources.push(Source {
            url,
            kind: UploadKind::Document,
        });
    }
    if options.article_url.is_some() {
        if attached {
            return Err("a LinkedIn article post takes no other media".to_owned());
        }
        if let Some(raw) = &options.article_thumbnail_url {
            let url = AssetUrl::parse(raw)
                .map_err(|e| format!("article_thumbnail_url is not a usable URL: {e}"))?;
            sources.push(Source {
                url,
                kind: UploadKind::Image,
            });
        }
    }
    Ok(sources)
}

/// What the progress leads to.
enum Plan {
    Reject(String),
    Initialize(usize, Source),
    UploadFile(usize, Source, Upload),
    UploadPart(usize, Source, Upload),
    Finalize(usize, Upload),
    VideoStatus(usize, Upload),
    ImageStatus(usize, Upload),
    Commit(Vec<Upload>),
    Find,
}

fn plan(job: &PublishJob) -> Plan {
    if job.progress.committed_at.is_some() {
        return Plan::Find;
    }
    let options = Options::of(job);
    let sources = match sources(job, &options) {
        Ok(sources) => sources,
        Err(why) => return Plan::Reject(why),
    };
    let mut ready = Vec::with_capacity(sources.len());
    for (index, source) in sources.into_iter().enumerate() {
        let Some(upload) = stored_upload(&job.progress, index)
            .filter(|u| u.source == source.url.as_str() && u.kind == source.kind)
        else {
            return Plan::Initialize(index, source);
        };
        match upload.state {
            UploadState::Uploading if upload.kind != UploadKind::Video => {
                return Plan::UploadFile(index, source, upload);
            }
            UploadState::Uploading if upload.etags.len() < upload.parts.len() => {
                return Plan::UploadPart(index, source, upload);
            }
            UploadState::Uploading => return Plan::Finalize(index, upload),
            UploadState::Processing if upload.kind == UploadKind::Video => {
                return Plan::VideoStatus(index, upload);
            }
            UploadState::Processing => return Plan::ImageStatus(index, upload),
            UploadState::Ready => ready.push(upload),
        }
    }
    Plan::Commit(ready)
}

fn li_error(kind: PlatformErrorKind, code: &str, message: impl Into<String>) -> PlatformError {
    platform_error(
        Platform::Linkedin,
        kind,
        Some(code.to_owned()),
        message,
        None,
        None,
    )
}

/// The progress to hand back: the job's, with one file's upload replaced.
fn with_upload(ctx: &PublishContext<'_>, index: usize, upload: &Upload) -> PublishProgress {
    let mut progress = ctx.job.progress.clone();
    progress.parked = false;
    progress.set_step(
        upload_key(index),
        serde_json::to_string(upload).unwrap_or_default(),
    );
    progress
}

/// The `Content-Type` of a document's upload, from the file's name or what its server said.
fn document_type(url: &AssetUrl, served: Option<&str>) -> String {
    let path = url.as_str().split(['?', '#']).next().unwrap_or("");
    let by_name = match path
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("pdf") => Some("application/pdf"),
        Some("doc") => Some("application/msword"),
        Some("docx") => {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        Some("ppt") => Some("application/vnd.ms-powerpoint"),
        Some("pptx") => {
            Some("application/vnd.openxmlformats-officedocument.presentationml.presentation")
        }
        _ => None,
    };
    by_name
        .map(str::to_owned)
        .or_else(|| served.map(|t| t.split(';').next().unwrap_or("").trim().to_owned()))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "application/octet-stream".to_owned())
}

/// A document post needs a title: the option, or the file's name.
fn document_title(options: &Options, url: &str) -> String {
    options
        .document_title
        .clone()
        .or_else(|| options.title.clone())
        .unwrap_or_else(|| {
            url.split(['?', '#'])
                .next()
                .and_then(|p| p.rsplit('/').next())
                .filter(|name| !name.is_empty())
                .unwrap_or("Document")
                .to_owned()
        })
}

/// The `POST /rest/posts` body for a job whose files are all uploaded.
fn new_post(job: &PublishJob, author: &str, uploads: &[Upload]) -> NewPost {
    let options = Options::of(job);
    let media = |upload: &Upload| MediaContent {
        id: upload.urn.clone(),
        title: None,
        alt_text: None,
    };
    let content = if let Some(source) = options.article_url.clone() {
        Some(PostContent::Article(ArticleContent {
            source,
            title: options
                .article_title
                .clone()
                .or_else(|| options.title.clone())
                .unwrap_or_else(|| options.article_url.clone().unwrap_or_default()),
            description: options.article_description.clone(),
            thumbnail: uploads.first().map(|u| u.urn.clone()),
        }))
    } else {
        match uploads {
            [] => None,
            [one] => Some(PostContent::Media(match one.kind {
                UploadKind::Image => MediaContent {
                    alt_text: options.alt_text.clone(),
                    ..media(one)
                },
                UploadKind::Video => MediaContent {
                    title: options.title.clone(),
                    ..media(one)
                },
                UploadKind::Document => MediaContent {
                    title: Some(document_title(&options, &one.source)),
                    ..media(one)
                },
            })),
            many => Some(PostContent::MultiImage {
                images: many
                    .iter()
                    .map(|u| MediaContent {
                        alt_text: options.alt_text.clone(),
                        ..media(u)
                    })
                    .collect(),
            }),
        }
    };
    NewPost {
        author: author.to_owned(),
        commentary: little_text::escape(&job.content_text),
        visibility: options.visibility.unwrap_or_else(|| "PUBLIC".to_owned()),
        distribution: Distribution::default(),
        lifecycle_state: "PUBLISHED".to_owned(),
        is_reshare_disabled_by_author: options.reshare_disabled,
        content,
    }
}

fn published(urn: String) -> PublishedPost {
    PublishedPost {
        url: Some(post_url(&urn)),
        external_id: urn,
    }
}

/// The uploads a committed or reconciled job holds, in order.
fn stored_uploads(job: &PublishJob) -> Vec<Upload> {
    (0..)
        .map_while(|index| stored_upload(&job.progress, index))
        .collect()
}

/// What a look through an organization's posts came to.
enum Lookup {
    Found(PublishedPost),
    Absent,
    Truncated,
}

/// The listed post is the job's: same text, and the same media when both say.
fn matches(post: &ListedPost, text: &str, urns: &[String]) -> bool {
    let same_text = post
        .commentary
        .as_deref()
        .is_some_and(|c| little_text::comparable(c) == little_text::comparable(text));
    if !same_text {
        return false;
    }
    let listed = post
        .content
        .as_ref()
        .map(|c| c.to_string())
        .unwrap_or_default();
    urns.is_empty() || listed.is_empty() || urns.iter().any(|u| listed.contains(u.as_str()))
}

impl LinkedinPublisher {
    async fn initialize(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
        source: Source,
    ) -> Result<StepOutcome, PlatformError> {
        let token = &ctx.account.access_token;
        let owner = &ctx.account.external_user_id;
        let info = ctx
            .assets
            .info(&source.url)
            .await
            .map_err(|e| socialpub_platform_http::unreadable_asset(Platform::Linkedin, &e))?;
        let total = info
            .content_length
            .or_else(|| {
                ctx.job
                    .assets
                    .get(index)
                    .and_then(|a| a.metadata.size_bytes)
            })
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                li_error(
                    PlatformErrorKind::Media,
                    "asset_size_unknown",
                    "the file's size is unknown or zero",
                )
            })?;
        let mut upload = Upload {
            source: source.url.as_str().to_owned(),
            kind: source.kind,
            urn: String::new(),
            total,
            upload_url: None,
            parts: Vec::new(),
            etags: Vec::new(),
            upload_token: String::new(),
            state: UploadState::Uploading,
            check_status: source.kind == UploadKind::Image
                && owner.starts_with(ORGANIZATION_PREFIX),
            finalized_at: None,
        };
        match source.kind {
            UploadKind::Video => {
                let slot = self
                    .client
                    .initialize_video_upload(token, owner, total)
                    .await?;
                upload.urn = slot.urn;
                upload.parts = slot.parts;
                upload.upload_token = slot.upload_token;
            }
            UploadKind::Image | UploadKind::Document => {
                let resource = if source.kind == UploadKind::Image {
                    UploadResource::Images
                } else {
                    UploadResource::Documents
                };
                let slot = self
                    .client
                    .initialize_upload(token, resource, owner)
                    .await?;
                upload.urn = slot.urn;
                upload.upload_url = Some(slot.upload_url);
            }
        }
        Ok(StepOutcome::Continue(with_upload(ctx, index, &upload)))
    }

    /// The whole file in one streamed `PUT` (images, documents).
    async fn upload_file(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
        source: Source,
        mut upload: Upload,
    ) -> Result<StepOutcome, PlatformError> {
        let upload_url = upload.upload_url.clone().unwrap_or_default();
        let content_type = match upload.kind {
            UploadKind::Document => document_type(&source.url, None),
            _ => "application/octet-stream".to_owned(),
        };
        let (body, feeder) = upload_body::channel(upload.total, self.settings.upload_piece);
        let (sent, fed) = tokio::join!(
            self.client
                .put_file(&ctx.account.access_token, &upload_url, &content_type, body),
            feeder.feed(ctx.assets, &source.url),
        );
        match fed {
            Err(upload_body::FeedError::Asset(error)) => {
                return Err(socialpub_platform_http::unreadable_asset(
                    Platform::Linkedin,
                    &error,
                ));
            }
            Err(upload_body::FeedError::Truncated { sent, total }) => {
                return Err(li_error(
                    PlatformErrorKind::Media,
                    "asset_truncated",
                    format!("the file ended after {sent} of its {total} bytes"),
                ));
            }
            Ok(()) => {}
        }
        sent?;
        upload.state = if upload.check_status {
            upload.finalized_at = Some(ctx.now);
            UploadState::Processing
        } else {
            UploadState::Ready
        };
        Ok(StepOutcome::Continue(with_upload(ctx, index, &upload)))
    }

    /// One part of a video, its ETag kept for `finalizeUpload`.
    async fn upload_part(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
        source: Source,
        mut upload: Upload,
    ) -> Result<StepOutcome, PlatformError> {
        let Some(part) = upload.parts.get(upload.etags.len()).cloned() else {
            return Err(li_error(
                PlatformErrorKind::InvalidRequest,
                "no_upload_part",
                "no such upload part",
            ));
        };
        let len = part.last_byte - part.first_byte + 1;
        let len = u32::try_from(len).map_err(|_| {
            li_error(
                PlatformErrorKind::Media,
                "upload_part_too_large",
                "LinkedIn asked for an upload part larger than 4 GiB",
            )
        })?;
        let bytes = ctx
            .assets
            .read_range(&source.url, part.first_byte, len)
            .await
            .map_err(|e| socialpub_platform_http::unreadable_asset(Platform::Linkedin, &e))?;
        if bytes.len() as u64 != u64::from(len) {
            return Err(li_error(
                PlatformErrorKind::Media,
                "asset_truncated",
                "the file is shorter than its announced size",
            ));
        }
        let etag = self
            .client
            .put_video_part(&ctx.account.access_token, &part.upload_url, bytes)
            .await?;
        upload.etags.push(etag);
        Ok(StepOutcome::Continue(with_upload(ctx, index, &upload)))
    }

    async fn finalize(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
        mut upload: Upload,
    ) -> Result<StepOutcome, PlatformError> {
        self.client
            .finalize_video_upload(
                &ctx.account.access_token,
                &upload.urn,
                &upload.upload_token,
                &upload.etags,
            )
            .await?;
        upload.state = UploadState::Processing;
        upload.finalized_at = Some(ctx.now);
        Ok(StepOutcome::Continue(with_upload(ctx, index, &upload)))
    }

    /// A post made before its video (or image) is AVAILABLE stays invisible if processing
    /// then fails, so the commit waits for it.
    async fn media_status(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
        mut upload: Upload,
    ) -> Result<StepOutcome, PlatformError> {
        let state = if upload.kind == UploadKind::Video {
            self.client
                .video(&ctx.account.access_token, &upload.urn)
                .await?
        } else {
            match self
                .client
                .image(&ctx.account.access_token, &upload.urn)
                .await
            {
                Ok(state) => state,
                // Not allowed to look: LinkedIn processes images in moments; go on.
                Err(error) if error.kind == PlatformErrorKind::Permission => {
                    upload.state = UploadState::Ready;
                    return Ok(StepOutcome::Continue(with_upload(ctx, index, &upload)));
                }
                Err(error) => return Err(error),
            }
        };
        match state.status {
            MediaStatus::Available => {
                upload.state = UploadState::Ready;
                Ok(StepOutcome::Continue(with_upload(ctx, index, &upload)))
            }
            MediaStatus::ProcessingFailed => Err(li_error(
                PlatformErrorKind::Media,
                "media_processing_failed",
                format!(
                    "LinkedIn could not process the {}: {}",
                    if upload.kind == UploadKind::Video {
                        "video"
                    } else {
                        "image"
                    },
                    state
                        .processing_failure_reason
                        .as_deref()
                        .unwrap_or("no reason given")
                ),
            )),
            MediaStatus::WaitingUpload | MediaStatus::Processing | MediaStatus::Other => {
                let since = upload.finalized_at.unwrap_or(ctx.now);
                if ctx.now - since > self.settings.video_processing_timeout {
                    return Err(li_error(
                        PlatformErrorKind::Media,
                        "media_processing_timeout",
                        "LinkedIn did not finish processing the file in time",
                    ));
                }
                let interval = if upload.kind == UploadKind::Video {
                    self.settings.video_poll_interval
                } else {
                    self.settings.image_poll_interval
                };
                Ok(StepOutcome::WaitUntil {
                    at: ctx.now + interval.max(Duration::seconds(1)),
                    progress: with_upload(ctx, index, &upload),
                })
            }
        }
    }

    async fn commit(
        &self,
        ctx: &PublishContext<'_>,
        uploads: &[Upload],
    ) -> Result<StepOutcome, PlatformError> {
        let post = new_post(ctx.job, &ctx.account.external_user_id, uploads);
        match self
            .client
            .create_post(&ctx.account.access_token, &post)
            .await
        {
            Ok(Some(urn)) => Ok(StepOutcome::Published(published(urn))),
            // Made, but its URN was not said: record the commit, then look the post up.
            Ok(None) => {
                let mut progress = ctx.job.progress.clone();
                progress.parked = false;
                Ok(StepOutcome::Continue(progress))
            }
            Err(error) => match duplicate_of(&error) {
                // An earlier attempt of this job may have made it: its lost answer, or a
                // commit sent again after an organization's listing lagged. That post is
                // this job's.
                Some(urn) if ctx.job.attempts > 1 => Ok(StepOutcome::Published(published(urn))),
                Some(urn) => Err(li_error(
                    PlatformErrorKind::Content,
                    "duplicate_content",
                    format!(
                        "LinkedIn refuses to post the same content twice; it is already at {}",
                        post_url(&urn)
                    ),
                )),
                None => Err(error),
            },
        }
    }

    /// Looks for the job's post among the organization's posts created since the commit
    /// marker (less the lookback), page by page.
    async fn find_listed(
        &self,
        ctx: &PublishContext<'_>,
        marker: OffsetDateTime,
    ) -> Result<Lookup, PlatformError> {
        let urns: Vec<String> = stored_uploads(ctx.job).into_iter().map(|u| u.urn).collect();
        let since_ms = (marker - self.settings.reconcile_lookback).unix_timestamp() * 1000;
        let count = self.settings.reconcile_page_size.max(1);
        let mut start = 0_u32;
        for _ in 0..self.settings.reconcile_max_pages {
            let page = socialpub_platform_http::retry_read(2, || {
                self.client.posts_by_author(
                    &ctx.account.access_token,
                    &ctx.account.external_user_id,
                    start,
                    count,
                )
            })
            .await?;
            if let Some(post) = page.posts.iter().find(|p| {
                p.created_at
                    .or(p.published_at)
                    .is_none_or(|t| t >= since_ms)
                    && matches(p, &ctx.job.content_text, &urns)
            }) {
                return Ok(Lookup::Found(published(post.id.clone())));
            }
            // Sorted by last change, newest first: once a page's posts all changed before
            // the window, nothing older can be the job's.
            let past_window = page.posts.iter().all(|p| {
                p.last_modified_at
                    .or(p.created_at)
                    .is_some_and(|t| t < since_ms)
            });
            let received = u32::try_from(page.posts.len()).unwrap_or(u32::MAX);
            start = start.saturating_add(received);
            let more = match page.total {
                Some(total) => u64::from(start) < total,
                None => received >= count,
            };
            if received == 0 || past_window || !more {
                return Ok(Lookup::Absent);
            }
        }
        Ok(Lookup::Truncated)
    }

    /// A member's post cannot be listed: send the identical post again. The duplicate 422
    /// names the original; a 201 means there was none and this is the post.
    async fn resend(&self, ctx: &PublishContext<'_>) -> Result<Reconciliation, PlatformError> {
        let post = new_post(
            ctx.job,
            &ctx.account.external_user_id,
            &stored_uploads(ctx.job),
        );
        match self
            .client
            .create_post(&ctx.account.access_token, &post)
            .await
        {
            Ok(Some(urn)) => Ok(Reconciliation::Found(published(urn))),
            Ok(None) => Ok(Reconciliation::Unknown {
                reason: "LinkedIn accepted the post again without naming it".to_owned(),
            }),
            Err(error) => match duplicate_of(&error) {
                Some(urn) => Ok(Reconciliation::Found(published(urn))),
                None => Err(error),
            },
        }
    }

    async fn reconcile(
        &self,
        ctx: &PublishContext<'_>,
        marker: OffsetDateTime,
    ) -> Result<Reconciliation, PlatformError> {
        let author = ctx.account.external_user_id.as_str();
        if author.starts_with(ORGANIZATION_PREFIX) {
            return match self.find_listed(ctx, marker).await? {
                Lookup::Found(post) => Ok(Reconciliation::Found(post)),
                Lookup::Truncated => Ok(Reconciliation::Unknown {
                    reason: format!(
                        "the organization has more than {} pages of posts changed since the commit, and the post is not among them",
                        self.settings.reconcile_max_pages
                    ),
                }),
                Lookup::Absent => {
                    let settled_at = marker + self.settings.reconcile_settle;
                    if let Some(wait) = not_yet_settled(
                        Platform::Linkedin,
                        settled_at,
                        ctx.now,
                        "the post may not be listed yet",
                    ) {
                        return Err(wait);
                    }
                    Ok(Reconciliation::Absent)
                }
            };
        }
        if !author.starts_with(MEMBER_PREFIX) {
            return Ok(Reconciliation::Unknown {
                reason: format!("`{author}` is neither a member nor an organization"),
            });
        }
        if ctx.now - marker > self.settings.duplicate_window {
            return Ok(Reconciliation::Unknown {
                reason: "a member's posts cannot be listed, and the commit is too old to rely on LinkedIn refusing a duplicate".to_owned(),
            });
        }
        self.resend(ctx).await
    }
}

#[async_trait::async_trait]
impl Publisher for LinkedinPublisher {
    fn platform(&self) -> Platform {
        Platform::Linkedin
    }

    fn next_step(&self, job: &PublishJob) -> PlannedStep {
        let (name, commits) = match plan(job) {
            Plan::Reject(_) => (STEP_CHECK_CONTENT, false),
            Plan::Initialize(..) => (STEP_INITIALIZE_UPLOAD, false),
            Plan::UploadFile(..) => (STEP_UPLOAD_FILE, false),
            Plan::UploadPart(..) => (STEP_UPLOAD_PART, false),
            Plan::Finalize(..) => (STEP_FINALIZE_UPLOAD, false),
            Plan::VideoStatus(..) => (STEP_VIDEO_STATUS, false),
            Plan::ImageStatus(..) => (STEP_IMAGE_STATUS, false),
            Plan::Commit(_) => (STEP_CREATE_POST, true),
            Plan::Find => (STEP_FIND_POST, false),
        };
        PlannedStep { name, commits }
    }

    async fn advance(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        match plan(ctx.job) {
            Plan::Reject(why) => Err(li_error(PlatformErrorKind::Content, "invalid_content", why)),
            Plan::Initialize(index, source) => self.initialize(ctx, index, source).await,
            Plan::UploadFile(index, source, upload) => {
                self.upload_file(ctx, index, source, upload).await
            }
            Plan::UploadPart(index, source, upload) => {
                self.upload_part(ctx, index, source, upload).await
            }
            Plan::Finalize(index, upload) => self.finalize(ctx, index, upload).await,
            Plan::VideoStatus(index, upload) | Plan::ImageStatus(index, upload) => {
                self.media_status(ctx, index, upload).await
            }
            Plan::Commit(uploads) => self.commit(ctx, &uploads).await,
            Plan::Find => {
                let marker = ctx.job.progress.committed_at.unwrap_or(ctx.now);
                match self.reconcile(ctx, marker).await? {
                    Reconciliation::Found(post) => Ok(StepOutcome::Published(post)),
                    // A LinkedIn post is one commit; never answered here, kept for the port.
                    Reconciliation::FoundPart(progress) => Ok(StepOutcome::Continue(progress)),
                    Reconciliation::Absent | Reconciliation::Unknown { .. } => Err(platform_error(
                        Platform::Linkedin,
                        PlatformErrorKind::Transient,
                        Some("committed_post_not_found".to_owned()),
                        "LinkedIn accepted the post but it cannot be found yet",
                        None,
                        Some(self.settings.reconcile_settle.max(Duration::seconds(1))),
                    )),
                }
            }
        }
    }

    /// An organization's posts are listed and matched on text and media; a member's post
    /// is provoked out of LinkedIn by sending it again (see the module's doc).
    async fn find_published(
        &self,
        ctx: &PublishContext<'_>,
    ) -> Result<Reconciliation, PlatformError> {
        let progress = &ctx.job.progress;
        let Some(marker) = progress.final_call_started_at.or(progress.committed_at) else {
            // This job never sent its commit: no post of it can exist. (Sending a member's
            // post to find out would make it.)
            return Ok(Reconciliation::Absent);
        };
        self.reconcile(ctx, marker).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_types_come_from_the_name_then_the_server() {
        let url = |u: &str| AssetUrl::parse(u).unwrap();
        assert_eq!(
            document_type(&url("https://cdn.example.com/deck.PPTX?v=2"), None),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        );
        assert_eq!(
            document_type(
                &url("https://cdn.example.com/file"),
                Some("application/pdf; x=y")
            ),
            "application/pdf"
        );
    }

    #[test]
    fn a_document_without_a_title_is_named_after_its_file() {
        let options = Options::default();
        assert_eq!(
            document_title(&options, "https://cdn.example.com/q3/report.pdf?x=1"),
            "report.pdf"
        );
    }
}
