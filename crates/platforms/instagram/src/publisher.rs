//! Instagram as a [`Publisher`], on either login's host.
//!
//! Every kind goes through containers Instagram fetches the media for (no bytes pass through
//! us): an image (`image_url`), a reel (`REELS`, `video_url`, `cover_url`, `share_to_feed`,
//! `thumb_offset`), a story (`STORIES`, an image or a video), or a carousel (one child
//! container per item, images and videos mixed, then the `CAROUSEL` container naming them).
//! Each container is polled (`status_code`) until `FINISHED`, parking the job with
//! `WaitUntil` while it is `IN_PROGRESS`; then the 24-hour publishing quota is read live,
//! `media_publish` commits, and the media's `permalink` is the post's URL.
//!
//! After an unanswered commit the container tells what happened: `PUBLISHED` means the post
//! went out (found among the account's recent media, matched on caption, media type and
//! time), `FINISHED` means it did not.

use serde::{Deserialize, Serialize};
use socialpub_domain::policy::{ContentKind, resolve_content_kind};
use socialpub_domain::{AssetKind, Platform, PublishJob, PublishProgress};
use socialpub_platform_http::meta_graph::kind_for_graph_code;
use socialpub_platform_http::{not_yet_settled, platform_error, retry_read};
use socialpub_ports::{
    PlannedStep, PlatformError, PlatformErrorKind, PublishContext, PublishedPost, Publisher,
    Reconciliation, StepOutcome, VOLUME_CAP_REACHED,
};
use time::{Duration, OffsetDateTime};
use url::Url;

use crate::client::InstagramClient;
use crate::media::{
    ContainerMediaType, ContainerState, GraphHost, LoginPath, MediaEdge, MediaObject, MediaWindow,
    NewContainer,
};

/// Step names, for logs, attempts and metrics.
pub const STEP_CREATE_ITEM_CONTAINER: &str = "create_item_container";
pub const STEP_POLL_ITEM_CONTAINER: &str = "poll_item_container";
pub const STEP_CREATE_CONTAINER: &str = "create_container";
pub const STEP_POLL_CONTAINER: &str = "poll_container";
pub const STEP_CHECK_QUOTA: &str = "check_quota";
pub const STEP_MEDIA_PUBLISH: &str = "media_publish";
pub const STEP_FETCH_PERMALINK: &str = "fetch_permalink";

/// Immediate retries of one read (a status, a listing page, the permalink) that failed with
/// a 5xx or a dropped connection.
const READ_RETRIES: usize = 2;

/// Media per listing page.
const LISTING_LIMIT: u32 = 50;

/// Subcodes of a container `ERROR` that a fresh container can get past (media expired,
/// unknown upload error, media builder expired), besides the transient ones.
const RECREATE_SUBCODES: [i64; 3] = [2_207_020, 2_207_053, 2_207_008];

/// Graph's code for a daily publishing quota used up.
const QUOTA_CODE: &str = "9/2207042";

/// Progress keys.
const CONTAINER: &str = "instagram.container";
const QUOTA_CHECKED: &str = "instagram.quota_checked_attempt";
const MEDIA_ID: &str = "instagram.media_id";

fn item_key(index: usize) -> String {
    format!("instagram.item.{index}")
}

/// How the Instagram publisher waits, bounds and reconciles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstagramPublishSettings {
    /// `graph.facebook.com` (or a stand-in): the host of accounts connected through Facebook
    /// Login. Instagram Login accounts use the client's API base URL.
    pub facebook_graph_base_url: Url,
    /// How long to park a job while a container is `IN_PROGRESS` (Meta: poll once a minute).
    pub poll_interval: Duration,
    /// A container still processing this long after its creation fails the job (Meta: poll
    /// for at most five minutes; videos may need longer).
    pub max_processing: Duration,
    /// Fresh containers made for one job when a container ends in an error a new one can get
    /// past (expired media, a transient failure) before the error is final.
    pub max_recreations: u32,
    /// The most items a carousel may have (documented as 10; third parties claim 20).
    pub max_carousel_items: usize,
    /// When the quota is used up and the account's media do not say when it frees.
    pub quota_retry_after: Duration,
    /// How far before the commit marker to look for the post (clock skew).
    pub reconcile_lookback: Duration,
    /// How long after the commit marker the post can have been made (the commit's request
    /// timeout plus clock skew).
    pub reconcile_lookahead: Duration,
    /// At most this many listing pages per lookup; past them, not seeing the post is no proof.
    pub reconcile_max_pages: usize,
    /// Until this long after the commit marker, a container that is not `PUBLISHED` may
    /// still be publishing: the lookup asks to be called again instead of answering Absent.
    pub reconcile_settle: Duration,
}

impl InstagramPublishSettings {
    pub fn new(facebook_graph_base_url: Url) -> Self {
        Self {
            facebook_graph_base_url,
            poll_interval: Duration::seconds(30),
            max_processing: Duration::minutes(30),
            max_recreations: 2,
            max_carousel_items: 10,
            quota_retry_after: Duration::hours(1),
            reconcile_lookback: Duration::minutes(2),
            reconcile_lookahead: Duration::minutes(5),
            reconcile_max_pages: 5,
            reconcile_settle: Duration::seconds(2),
        }
    }
}

/// Publishes to Instagram professional accounts, with an Instagram Login token on the
/// client's API host or a Facebook Login token on the Facebook Graph host. Cheap to clone.
#[derive(Debug, Clone)]
pub struct InstagramPublisher {
    client: InstagramClient,
    settings: InstagramPublishSettings,
}

impl InstagramPublisher {
    /// With the default settings, Facebook Login accounts on `https://graph.facebook.com`.
    ///
    /// # Panics
    /// Never: the default host is a constant URL.
    pub fn new(client: InstagramClient) -> Self {
        #[expect(clippy::expect_used, reason = "a constant URL")]
        let facebook = Url::parse(crate::config::FACEBOOK_GRAPH_BASE_URL)
            .expect("the Facebook Graph host parses");
        Self::with_settings(client, InstagramPublishSettings::new(facebook))
    }

    pub fn with_settings(client: InstagramClient, settings: InstagramPublishSettings) -> Self {
        Self { client, settings }
    }

    pub fn client(&self) -> &InstagramClient {
        &self.client
    }

    pub fn settings(&self) -> &InstagramPublishSettings {
        &self.settings
    }

    fn host(&self, path: LoginPath) -> GraphHost<'_> {
        GraphHost {
            base_url: match path {
                LoginPath::InstagramLogin => &self.client.config().api_base_url,
                LoginPath::FacebookLogin => &self.settings.facebook_graph_base_url,
            },
        }
    }
}

/// The kinds Instagram publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Image,
    Carousel,
    Reel,
    Story,
}

impl Kind {
    fn of(job: &PublishJob) -> Result<Self, PlatformError> {
        let kind = resolve_content_kind(
            Platform::Instagram,
            &job.assets,
            &job.platform_specific_options,
        )
        .map_err(|e| {
            ig_error(
                PlatformErrorKind::InvalidRequest,
                "invalid_option",
                e.to_string(),
            )
        })?;
        match kind {
            ContentKind::Image => Ok(Kind::Image),
            ContentKind::Carousel => Ok(Kind::Carousel),
            // Single feed videos are published as reels since 2023.
            ContentKind::Reel | ContentKind::Video => Ok(Kind::Reel),
            ContentKind::Story => Ok(Kind::Story),
            ContentKind::Text => Err(ig_error(
                PlatformErrorKind::InvalidRequest,
                "media_required",
                "Instagram posts need an image or a video",
            )),
        }
    }

    const fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Carousel => "carousel",
            Kind::Reel => "reel",
            Kind::Story => "story",
        }
    }
}

/// A container as stored in the job's progress (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ContainerProgress {
    /// What the container was made from (kind and media URLs, or the children's ids): a job
    /// whose content changed since must not publish the old container.
    source: String,
    /// `None` once a failed container is dropped, to be made afresh.
    id: Option<String>,
    #[serde(default)]
    ready: bool,
    /// Unix seconds of the container's creation.
    #[serde(default)]
    created_at: i64,
    /// Fresh containers made after failures, bounded by the settings.
    #[serde(default)]
    recreations: u32,
}

fn stored(progress: &PublishProgress, key: &str, source: &str) -> Option<ContainerProgress> {
    // An unreadable entry (an older format) makes the container again: containers are safe
    // to redo, and unused ones expire by themselves.
    serde_json::from_str::<ContainerProgress>(progress.step(key)?)
        .ok()
        .filter(|c| c.source == source)
}

fn item_source(job: &PublishJob, index: usize) -> Option<String> {
    let asset = job.assets.get(index)?;
    let kind = match asset.kind {
        AssetKind::Image => "image",
        AssetKind::Video => "video",
    };
    Some(format!("item {kind} {}", asset.url.as_str()))
}

/// The source of the post's own container: its kind and media, or (carousel) the children.
fn container_source(job: &PublishJob, kind: Kind, children: &[String]) -> String {
    if kind == Kind::Carousel {
        return format!("carousel {}", children.join(","));
    }
    let urls: Vec<&str> = job.assets.iter().map(|a| a.url.as_str()).collect();
    format!("{} {}", kind.as_str(), urls.join(" "))
}

/// What the progress leads to.
enum Plan {
    Invalid(PlatformError),
    CreateItem(usize, Option<ContainerProgress>),
    PollItem(usize, ContainerProgress),
    CreateContainer(String, Option<ContainerProgress>),
    PollContainer(ContainerProgress),
    CheckQuota,
    Publish(String),
    Permalink(String),
}

fn plan(job: &PublishJob) -> Plan {
    if let Some(media_id) = job.progress.step(MEDIA_ID) {
        return Plan::Permalink(media_id.to_owned());
    }
    let kind = match Kind::of(job) {
        Ok(kind) => kind,
        Err(error) => return Plan::Invalid(error),
    };
    let mut children = Vec::new();
    if kind == Kind::Carousel {
        let items: Vec<(usize, String, Option<ContainerProgress>)> = (0..job.assets.len())
            .filter_map(|i| {
                let source = item_source(job, i)?;
                let item = stored(&job.progress, &item_key(i), &source);
                Some((i, source, item))
            })
            .collect();
        for (index, _, item) in &items {
            if item.as_ref().is_none_or(|c| c.id.is_none()) {
                return Plan::CreateItem(*index, item.clone());
            }
        }
        for (index, _, item) in items {
            let Some(item) = item else { continue };
            if !item.ready {
                return Plan::PollItem(index, item);
            }
            children.extend(item.id);
        }
    }
    let source = container_source(job, kind, &children);
    match stored(&job.progress, CONTAINER, &source) {
        Some(container) if container.id.is_some() && !container.ready => {
            Plan::PollContainer(container)
        }
        Some(ContainerProgress { id: Some(id), .. }) => {
            if job.progress.step(QUOTA_CHECKED) == Some(job.attempts.to_string().as_str()) {
                Plan::Publish(id)
            } else {
                Plan::CheckQuota
            }
        }
        previous => Plan::CreateContainer(source, previous),
    }
}

fn ig_error(kind: PlatformErrorKind, code: &str, message: impl Into<String>) -> PlatformError {
    platform_error(
        Platform::Instagram,
        kind,
        Some(code.to_owned()),
        message,
        None,
        None,
    )
}

fn option_str(job: &PublishJob, key: &str) -> Option<String> {
    job.platform_specific_options
        .get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn option_bool(job: &PublishJob, key: &str) -> Option<bool> {
    job.platform_specific_options
        .get(key)
        .and_then(serde_json::Value::as_bool)
}

fn option_u64(job: &PublishJob, key: &str) -> Option<u64> {
    job.platform_specific_options
        .get(key)
        .and_then(serde_json::Value::as_u64)
}

fn option_list(job: &PublishJob, key: &str) -> Vec<String> {
    job.platform_specific_options
        .get(key)
        .and_then(serde_json::Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(serde_json::Value::as_str)
                .map(|s| s.trim().trim_start_matches('@').to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn caption(job: &PublishJob) -> Option<String> {
    (!job.content_text.trim().is_empty()).then(|| job.content_text.clone())
}

/// The post's own container for a single-media kind.
fn single_container(job: &PublishJob, kind: Kind) -> Result<NewContainer, PlatformError> {
    let [asset] = job.assets.as_slice() else {
        return Err(ig_error(
            PlatformErrorKind::InvalidRequest,
            "media_count",
            format!("an Instagram {} takes exactly one file", kind.as_str()),
        ));
    };
    let url = asset.url.as_str().to_owned();
    let mut container = NewContainer::default();
    match (kind, asset.kind) {
        (Kind::Image, AssetKind::Image) => {
            container.image_url = Some(url);
            container.caption = caption(job);
            container.alt_text = option_str(job, "alt_text");
        }
        (Kind::Reel, AssetKind::Video) => {
            container.media_type = Some(ContainerMediaType::Reels);
            container.video_url = Some(url);
            container.caption = caption(job);
            container.share_to_feed = option_bool(job, "share_to_feed");
            container.cover_url = option_str(job, "cover_url");
            // Instagram takes the cover over the frame when both are sent.
            container.thumb_offset =
                option_u64(job, "thumb_offset").filter(|_| container.cover_url.is_none());
        }
        (Kind::Story, AssetKind::Image) => {
            container.media_type = Some(ContainerMediaType::Stories);
            container.image_url = Some(url);
        }
        (Kind::Story, AssetKind::Video) => {
            container.media_type = Some(ContainerMediaType::Stories);
            container.video_url = Some(url);
        }
        (kind, media) => {
            return Err(ig_error(
                PlatformErrorKind::InvalidRequest,
                "media_kind",
                format!(
                    "an Instagram {} cannot be made of {}",
                    kind.as_str(),
                    match media {
                        AssetKind::Image => "an image",
                        AssetKind::Video => "a video",
                    }
                ),
            ));
        }
    }
    if matches!(kind, Kind::Image | Kind::Reel) {
        container.location_id = option_str(job, "location_id");
        container.collaborators = option_list(job, "collaborators");
    }
    Ok(container)
}

fn with_step(ctx: &PublishContext<'_>, key: &str, value: String) -> PublishProgress {
    let mut progress = ctx.job.progress.clone();
    progress.parked = false;
    progress.set_step(key, value);
    progress
}

fn with_container(
    ctx: &PublishContext<'_>,
    key: &str,
    container: &ContainerProgress,
) -> PublishProgress {
    with_step(
        ctx,
        key,
        serde_json::to_string(container).unwrap_or_default(),
    )
}

/// The media types a published post of `kind` lists with.
fn listed_as(job: &PublishJob, kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Image => &["IMAGE"],
        Kind::Carousel => &["CAROUSEL_ALBUM"],
        Kind::Reel => &["VIDEO", "REELS"],
        Kind::Story => match job.assets.first().map(|a| a.kind) {
            Some(AssetKind::Video) => &["VIDEO"],
            _ => &["IMAGE"],
        },
    }
}

/// What a look through the account's media came to.
#[derive(Debug)]
enum Lookup {
    Found(PublishedPost),
    /// Every media of the window was read; none is the job's.
    Absent,
    /// Several media fit and none carries the job's caption: which one is ours is unknown.
    Ambiguous(usize),
    /// The page bound was reached with media of the window still unread.
    Truncated(usize),
}

impl InstagramPublisher {
    fn login(ctx: &PublishContext<'_>) -> LoginPath {
        LoginPath::of_token(&ctx.account.access_token)
    }

    async fn create(
        &self,
        ctx: &PublishContext<'_>,
        key: &str,
        source: String,
        previous: Option<ContainerProgress>,
        container: NewContainer,
    ) -> Result<StepOutcome, PlatformError> {
        let path = Self::login(ctx);
        let id = self
            .client
            .create_container(
                self.host(path),
                &ctx.account.access_token,
                &ctx.account.external_user_id,
                &container,
            )
            .await?;
        let stored = ContainerProgress {
            source,
            id: Some(id),
            ready: false,
            created_at: ctx.now.unix_timestamp(),
            recreations: previous.map_or(0, |p| p.recreations),
        };
        Ok(StepOutcome::Continue(with_container(ctx, key, &stored)))
    }

    async fn create_item(
        &self,
        ctx: &PublishContext<'_>,
        index: usize,
        previous: Option<ContainerProgress>,
    ) -> Result<StepOutcome, PlatformError> {
        let job = ctx.job;
        if !(2..=self.settings.max_carousel_items).contains(&job.assets.len()) {
            return Err(ig_error(
                PlatformErrorKind::Content,
                "carousel_size",
                format!(
                    "an Instagram carousel takes 2 to {} items, not {}",
                    self.settings.max_carousel_items,
                    job.assets.len()
                ),
            ));
        }
        let (Some(asset), Some(source)) = (job.assets.get(index), item_source(job, index)) else {
            return Err(ig_error(
                PlatformErrorKind::InvalidRequest,
                "no_asset",
                "no such asset",
            ));
        };
        let url = asset.url.as_str().to_owned();
        let container = match asset.kind {
            AssetKind::Image => NewContainer {
                is_carousel_item: true,
                image_url: Some(url),
                ..NewContainer::default()
            },
            AssetKind::Video => NewContainer {
                is_carousel_item: true,
                media_type: Some(ContainerMediaType::Video),
                video_url: Some(url),
                ..NewContainer::default()
            },
        };
        self.create(ctx, &item_key(index), source, previous, container)
            .await
    }

    async fn create_container(
        &self,
        ctx: &PublishContext<'_>,
        source: String,
        previous: Option<ContainerProgress>,
    ) -> Result<StepOutcome, PlatformError> {
        let job = ctx.job;
        let kind = Kind::of(job)?;
        let container = if kind == Kind::Carousel {
            let children = source
                .strip_prefix("carousel ")
                .unwrap_or_default()
                .to_owned();
            NewContainer {
                media_type: Some(ContainerMediaType::Carousel),
                children: Some(children),
                caption: caption(job),
                location_id: option_str(job, "location_id"),
                collaborators: option_list(job, "collaborators"),
                ..NewContainer::default()
            }
        } else {
            single_container(job, kind)?
        };
        self.create(ctx, CONTAINER, source, previous, container)
            .await
    }

    /// One status read of a container: ready, still processing (park), failed for good, or
    /// failed in a way a fresh container can get past (dropped, to be made again).
    async fn poll(
        &self,
        ctx: &PublishContext<'_>,
        key: &str,
        mut container: ContainerProgress,
    ) -> Result<StepOutcome, PlatformError> {
        let path = Self::login(ctx);
        let id = container.id.clone().unwrap_or_default();
        let state = retry_read(READ_RETRIES, || {
            self.client
                .container_state(self.host(path), &ctx.account.access_token, &id)
        })
        .await?;
        match state {
            ContainerState::Finished => {
                container.ready = true;
                Ok(StepOutcome::Continue(with_container(ctx, key, &container)))
            }
            ContainerState::InProgress | ContainerState::Other(_) => {
                let created =
                    OffsetDateTime::from_unix_timestamp(container.created_at).unwrap_or(ctx.now);
                if ctx.now - created > self.settings.max_processing {
                    return Err(ig_error(
                        PlatformErrorKind::Media,
                        "processing_timeout",
                        format!(
                            "Instagram was still processing the media {} minutes after it was sent",
                            self.settings.max_processing.whole_minutes()
                        ),
                    ));
                }
                Ok(StepOutcome::WaitUntil {
                    at: ctx.now + self.settings.poll_interval,
                    progress: with_container(ctx, key, &container),
                })
            }
            ContainerState::Published => {
                // Published already (only our own commit can have done it): find the post.
                match self.locate(ctx).await? {
                    Lookup::Found(post) => Ok(StepOutcome::Published(post)),
                    _ => Err(platform_error(
                        Platform::Instagram,
                        PlatformErrorKind::Transient,
                        Some("published_not_listed".to_owned()),
                        "the container is published but its post is not listed yet",
                        None,
                        Some(self.settings.reconcile_settle.max(Duration::seconds(1))),
                    )),
                }
            }
            ContainerState::Error { subcode, status } => {
                let kind = subcode
                    .and_then(|sub| kind_for_graph_code(0, Some(sub)))
                    .unwrap_or(PlatformErrorKind::Media);
                let code = subcode.map_or_else(
                    || "container_error".to_owned(),
                    |sub| format!("container_error/{sub}"),
                );
                let renewable = kind == PlatformErrorKind::Transient
                    || subcode.is_some_and(|sub| RECREATE_SUBCODES.contains(&sub));
                self.renew_or_fail(ctx, key, container, renewable, kind, &code, status)
            }
            ContainerState::Expired => self.renew_or_fail(
                ctx,
                key,
                container,
                true,
                PlatformErrorKind::Media,
                "container_expired",
                "the container expired before it was published".to_owned(),
            ),
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the failed container, whether it can be renewed, and the error to give otherwise"
    )]
    fn renew_or_fail(
        &self,
        ctx: &PublishContext<'_>,
        key: &str,
        mut container: ContainerProgress,
        renewable: bool,
        kind: PlatformErrorKind,
        code: &str,
        message: String,
    ) -> Result<StepOutcome, PlatformError> {
        if renewable && container.recreations < self.settings.max_recreations {
            tracing::warn!(
                platform = "instagram",
                code,
                "container failed ({message}); making a fresh one"
            );
            container.id = None;
            container.ready = false;
            container.recreations += 1;
            return Ok(StepOutcome::Continue(with_container(ctx, key, &container)));
        }
        Err(ig_error(kind, code, message))
    }

    /// Reads the 24-hour publishing quota; used up, the job is deferred until it frees.
    async fn check_quota(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        let path = Self::login(ctx);
        let token = &ctx.account.access_token;
        let account = &ctx.account.external_user_id;
        let limit = match retry_read(READ_RETRIES, || {
            self.client
                .publishing_limit(self.host(path), token, account)
        })
        .await
        {
            Ok(limit) => Some(limit),
            // The quota cannot be read (the endpoint refused, not failed): the commit is the
            // judge, as Graph refuses it over the quota (9/2207042).
            Err(error)
                if matches!(
                    error.kind,
                    PlatformErrorKind::InvalidRequest | PlatformErrorKind::Permission
                ) =>
            {
                tracing::warn!(
                    platform = "instagram",
                    kind = error.kind.as_str(),
                    "content_publishing_limit unavailable: {error}"
                );
                None
            }
            Err(error) => return Err(error),
        };
        if let Some(limit) = limit.filter(|l| l.exhausted()) {
            let window =
                Duration::seconds(i64::try_from(limit.quota_duration_seconds).unwrap_or(86_400));
            let retry_after = self.quota_frees_in(ctx, window).await;
            return Err(volume_cap(
                format!(
                    "Instagram's publishing quota is used up ({} of {} posts in {} hours)",
                    limit.quota_usage,
                    limit.quota_total.unwrap_or_default(),
                    window.whole_hours()
                ),
                retry_after,
            ));
        }
        Ok(StepOutcome::Continue(with_step(
            ctx,
            QUOTA_CHECKED,
            ctx.job.attempts.to_string(),
        )))
    }

    /// When the oldest publish of the quota window leaves it, from the account's media of the
    /// window; the configured wait when they cannot tell.
    async fn quota_frees_in(&self, ctx: &PublishContext<'_>, window: Duration) -> Duration {
        let path = Self::login(ctx);
        let page = self
            .client
            .recent_media(
                self.host(path),
                path,
                &ctx.account.access_token,
                &ctx.account.external_user_id,
                MediaEdge::Media,
                MediaWindow {
                    since: ctx.now - window,
                    until: None,
                },
                LISTING_LIMIT,
                None,
            )
            .await;
        let oldest = match page {
            // With more pages the oldest is beyond this one: the fallback is safer.
            Ok(page) if page.after.is_none() => page
                .media
                .iter()
                .filter_map(MediaObject::published_at)
                .filter(|at| *at > ctx.now - window)
                .min(),
            _ => None,
        };
        oldest.map_or(self.settings.quota_retry_after, |at| {
            (at + window - ctx.now).max(Duration::minutes(1))
        })
    }

    async fn publish(
        &self,
        ctx: &PublishContext<'_>,
        container_id: String,
    ) -> Result<StepOutcome, PlatformError> {
        let path = Self::login(ctx);
        match self
            .client
            .media_publish(
                self.host(path),
                &ctx.account.access_token,
                &ctx.account.external_user_id,
                &container_id,
            )
            .await
        {
            Ok(media_id) => Ok(StepOutcome::Continue(with_step(ctx, MEDIA_ID, media_id))),
            Err(error) if error.code.as_deref() == Some(QUOTA_CODE) => Err(volume_cap(
                format!("{} ({QUOTA_CODE})", error.message),
                self.settings.quota_retry_after,
            )),
            Err(error) => Err(error),
        }
    }

    async fn permalink(
        &self,
        ctx: &PublishContext<'_>,
        media_id: String,
    ) -> Result<StepOutcome, PlatformError> {
        let path = Self::login(ctx);
        let object = match retry_read(READ_RETRIES, || {
            self.client
                .media_object(self.host(path), path, &ctx.account.access_token, &media_id)
        })
        .await
        {
            Ok(object) => Some(object),
            // Worth another try while the job has attempts left; on its last one, failing
            // would mark a public post as failed.
            Err(error) if error.retryable() && ctx.job.attempts < ctx.job.max_attempts => {
                return Err(error);
            }
            Err(error) => {
                tracing::warn!(
                    platform = "instagram",
                    kind = error.kind.as_str(),
                    "permalink unavailable: {error}"
                );
                None
            }
        };
        Ok(StepOutcome::Published(PublishedPost {
            url: object
                .and_then(|o| o.permalink)
                .filter(|url| !url.is_empty()),
            external_id: media_id,
        }))
    }

    /// From the commit marker (less the lookback) to the marker plus the lookahead, the end
    /// sent only once it is past on any clock within the skew allowance.
    fn window(&self, job: &PublishJob, now: OffsetDateTime) -> MediaWindow {
        let marker = job.progress.final_call_started_at.unwrap_or(job.created_at);
        let until = marker + self.settings.reconcile_lookahead;
        MediaWindow {
            since: marker - self.settings.reconcile_lookback,
            until: (until + self.settings.reconcile_lookback <= now).then_some(until),
        }
    }

    /// The job's post among the account's media (stories for a story) around the commit
    /// marker: of the media type the kind publishes as, with the job's caption where Graph
    /// reads captions back (Facebook Login only), newest first.
    async fn locate(&self, ctx: &PublishContext<'_>) -> Result<Lookup, PlatformError> {
        let job = ctx.job;
        let kind = Kind::of(job)?;
        let path = Self::login(ctx);
        let edge = if kind == Kind::Story {
            MediaEdge::Stories
        } else {
            MediaEdge::Media
        };
        let types = listed_as(job, kind);
        let wanted_caption = job.content_text.trim();
        let window = self.window(job, ctx.now);
        let mut candidates: Vec<MediaObject> = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..self.settings.reconcile_max_pages {
            let page = retry_read(READ_RETRIES, || {
                self.client.recent_media(
                    self.host(path),
                    path,
                    &ctx.account.access_token,
                    &ctx.account.external_user_id,
                    edge,
                    window,
                    LISTING_LIMIT,
                    after.as_deref(),
                )
            })
            .await?;
            for media in page.media {
                let in_window = media.published_at().is_none_or(|at| {
                    at >= window.since
                        && window
                            .until
                            .is_none_or(|until| at <= until + Duration::seconds(1))
                });
                let typed = media
                    .media_type
                    .as_deref()
                    .is_none_or(|t| types.iter().any(|wanted| t.eq_ignore_ascii_case(wanted)));
                let captioned = media
                    .caption
                    .as_deref()
                    .is_none_or(|c| c.trim() == wanted_caption);
                if in_window && typed && captioned {
                    candidates.push(media);
                }
            }
            match page.after {
                Some(next) => after = Some(next),
                None => return Ok(Self::pick(candidates)),
            }
        }
        match Self::pick(candidates) {
            Lookup::Absent => Ok(Lookup::Truncated(self.settings.reconcile_max_pages)),
            other => Ok(other),
        }
    }

    /// One candidate, or the one whose caption Graph read back as ours.
    fn pick(candidates: Vec<MediaObject>) -> Lookup {
        let captioned = candidates.iter().position(|m| m.caption.is_some());
        let chosen = match (candidates.len(), captioned) {
            (0, _) => return Lookup::Absent,
            (_, Some(at)) => at,
            (1, None) => 0,
            (n, None) => return Lookup::Ambiguous(n),
        };
        let media = candidates.into_iter().nth(chosen);
        match media {
            Some(media) => Lookup::Found(PublishedPost {
                url: media.permalink.filter(|u| !u.is_empty()),
                external_id: media.id,
            }),
            None => Lookup::Absent,
        }
    }

    /// The job's post container, if one was made (its id, whatever its source).
    fn committed_container(job: &PublishJob) -> Option<String> {
        serde_json::from_str::<ContainerProgress>(job.progress.step(CONTAINER)?)
            .ok()?
            .id
    }

    fn not_settled(&self, ctx: &PublishContext<'_>) -> Option<PlatformError> {
        let marker = ctx
            .job
            .progress
            .final_call_started_at
            .unwrap_or(ctx.job.created_at);
        let settled_at = marker + self.settings.reconcile_settle;
        not_yet_settled(
            Platform::Instagram,
            settled_at,
            ctx.now,
            "the post may still be publishing",
        )
    }

    fn from_lookup(lookup: Lookup) -> Reconciliation {
        match lookup {
            Lookup::Found(post) => Reconciliation::Found(post),
            Lookup::Absent => Reconciliation::Absent,
            Lookup::Ambiguous(n) => Reconciliation::Unknown {
                reason: format!(
                    "{n} of the account's recent posts could be this one, and Instagram does not read captions back on this login"
                ),
            },
            Lookup::Truncated(pages) => Reconciliation::Unknown {
                reason: format!(
                    "the account lists more than {pages} pages of media around the commit, and the post is not among the first {pages}"
                ),
            },
        }
    }
}

fn volume_cap(message: String, retry_after: Duration) -> PlatformError {
    platform_error(
        Platform::Instagram,
        PlatformErrorKind::Quota,
        Some(VOLUME_CAP_REACHED.to_owned()),
        message,
        None,
        Some(retry_after),
    )
}

#[async_trait::async_trait]
impl Publisher for InstagramPublisher {
    fn platform(&self) -> Platform {
        Platform::Instagram
    }

    fn next_step(&self, job: &PublishJob) -> PlannedStep {
        let (name, commits) = match plan(job) {
            Plan::Invalid(_) | Plan::CreateContainer(..) => (STEP_CREATE_CONTAINER, false),
            Plan::CreateItem(..) => (STEP_CREATE_ITEM_CONTAINER, false),
            Plan::PollItem(..) => (STEP_POLL_ITEM_CONTAINER, false),
            Plan::PollContainer(_) => (STEP_POLL_CONTAINER, false),
            Plan::CheckQuota => (STEP_CHECK_QUOTA, false),
            Plan::Publish(_) => (STEP_MEDIA_PUBLISH, true),
            Plan::Permalink(_) => (STEP_FETCH_PERMALINK, false),
        };
        PlannedStep { name, commits }
    }

    async fn advance(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        match plan(ctx.job) {
            Plan::Invalid(error) => Err(error),
            Plan::CreateItem(index, previous) => self.create_item(ctx, index, previous).await,
            Plan::PollItem(index, item) => self.poll(ctx, &item_key(index), item).await,
            Plan::CreateContainer(source, previous) => {
                self.create_container(ctx, source, previous).await
            }
            Plan::PollContainer(container) => self.poll(ctx, CONTAINER, container).await,
            Plan::CheckQuota => self.check_quota(ctx).await,
            Plan::Publish(container_id) => self.publish(ctx, container_id).await,
            Plan::Permalink(media_id) => self.permalink(ctx, media_id).await,
        }
    }

    /// Asks the committed container: `PUBLISHED` went out (the post is then found among the
    /// account's recent media), `FINISHED` did not (Absent once the settle time is past), a
    /// failed or expired one cannot have. A container Graph no longer knows falls back on the
    /// account's media alone.
    async fn find_published(
        &self,
        ctx: &PublishContext<'_>,
    ) -> Result<Reconciliation, PlatformError> {
        let path = Self::login(ctx);
        let state = match Self::committed_container(ctx.job) {
            Some(id) => {
                let read = retry_read(READ_RETRIES, || {
                    self.client
                        .container_state(self.host(path), &ctx.account.access_token, &id)
                })
                .await;
                match read {
                    Ok(state) => Some(state),
                    // 100/33: no such object (any more).
                    Err(error) if error.kind == PlatformErrorKind::InvalidRequest => None,
                    Err(error) => return Err(error),
                }
            }
            None => None,
        };
        match state {
            Some(ContainerState::Published) => match self.locate(ctx).await? {
                Lookup::Found(post) => Ok(Reconciliation::Found(post)),
                Lookup::Ambiguous(n) => Ok(Self::from_lookup(Lookup::Ambiguous(n))),
                Lookup::Absent | Lookup::Truncated(_) => Err(platform_error(
                    Platform::Instagram,
                    PlatformErrorKind::Transient,
                    Some("published_not_listed".to_owned()),
                    "the container is published but its post is not listed yet",
                    None,
                    Some(self.settings.reconcile_settle.max(Duration::seconds(1))),
                )),
            },
            Some(ContainerState::Error { .. } | ContainerState::Expired) => {
                Ok(Reconciliation::Absent)
            }
            Some(_) => match self.not_settled(ctx) {
                Some(error) => Err(error),
                None => Ok(Reconciliation::Absent),
            },
            None => match self.locate(ctx).await? {
                Lookup::Absent => match self.not_settled(ctx) {
                    Some(error) => Err(error),
                    None => Ok(Reconciliation::Absent),
                },
                other => Ok(Self::from_lookup(other)),
            },
        }
    }
}
