//! Facebook Pages as a [`Publisher`].
//!
//! - Text or link: `POST /{page-id}/feed` is the commit.
//! - One photo: `POST /{page-id}/photos` with the photo's URL and the text as caption is the
//!   commit (Facebook fetches the file itself, so no bytes pass through us).
//! - Several photos: each is uploaded unpublished (`upload_photo`, safe to repeat), then
//!   `POST /{page-id}/feed` with `attached_media` commits.
//!
//! After the commit the post's URL is read from `permalink_url` (`fetch_permalink`), falling
//! back to `https://www.facebook.com/{post-id}` when Graph will not say.

use socialpub_domain::{AssetKind, Platform, PublishJob, PublishProgress};
use socialpub_platform_http::{platform_error, retry_read};
use socialpub_ports::{
    PlannedStep, PlatformError, PlatformErrorKind, PublishContext, PublishedPost, Publisher,
    Reconciliation, StepOutcome,
};
use time::{Duration, OffsetDateTime};

use crate::client::FacebookClient;
use crate::posts::{AttachedMedia, NewFeedPost, NewPhoto, PagePost, PostsWindow};

pub const STEP_UPLOAD_PHOTO: &str = "upload_photo";
pub const STEP_CREATE_POST: &str = "create_post";
pub const STEP_FETCH_PERMALINK: &str = "fetch_permalink";

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
}

impl Default for FacebookPublishSettings {
    fn default() -> Self {
        Self {
            reconcile_lookback: Duration::minutes(2),
            reconcile_lookahead: Duration::minutes(5),
            reconcile_max_pages: 10,
            reconcile_settle: Duration::seconds(2),
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
    Commit,
    Permalink(String),
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

fn plan(job: &PublishJob) -> Plan {
    if let Some(post_id) = job.progress.step(POST_ID) {
        return Plan::Permalink(post_id.to_owned());
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

fn fallback_url(post_id: &str) -> String {
    format!("https://www.facebook.com/{post_id}")
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
        if job.assets.iter().any(|a| a.kind == AssetKind::Video) {
            return Err(fb_error(
                PlatformErrorKind::InvalidRequest,
                "unsupported_media_kind",
                "Facebook video posts are not supported yet",
            ));
        }
        match job.assets.as_slice() {
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
            url: Some(url.unwrap_or_else(|| fallback_url(&post_id))),
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
                    url: Some(permalink_url.unwrap_or_else(|| fallback_url(&id))),
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
        match plan(job) {
            Plan::UploadPhoto(_) => PlannedStep {
                name: STEP_UPLOAD_PHOTO,
                commits: false,
            },
            Plan::Commit => PlannedStep {
                name: STEP_CREATE_POST,
                commits: true,
            },
            Plan::Permalink(_) => PlannedStep {
                name: STEP_FETCH_PERMALINK,
                commits: false,
            },
        }
    }

    async fn advance(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        match plan(ctx.job) {
            Plan::UploadPhoto(index) => self.upload_photo(ctx, index).await,
            Plan::Commit => self.commit(ctx).await,
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
        match self.find(ctx).await? {
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
        if ctx.now < settled_at {
            return Err(platform_error(
                Platform::Facebook,
                PlatformErrorKind::Transient,
                Some("not_settled".to_owned()),
                "the post may not be listed yet",
                None,
                Some(settled_at - ctx.now),
            ));
        }
        Ok(Reconciliation::Absent)
    }
}
