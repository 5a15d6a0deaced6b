use std::sync::Arc;

use async_trait::async_trait;
use socialpub_domain::{Platform, PublishJob, PublishProgress, SecretString};
use time::OffsetDateTime;

use crate::{AssetFetcher, PlatformError};

/// [`PlatformError::code`](crate::PlatformError) of a `Quota` error meaning a volume cap is
/// reached (Instagram's 24-hour publishing quota, X's daily cap, TikTok's pending shares), with
/// `retry_after` set to when it frees. The engine defers the job until then without spending
/// an attempt, since nothing failed; the platform's own code goes into the message.
pub const VOLUME_CAP_REACHED: &str = "volume_cap_reached";

/// The account a job publishes as, with a token that is valid now (the engine refreshed it if
/// it was near expiry).
#[derive(Debug, Clone)]
pub struct PublishAccount {
    /// The platform's id of the account (X user id, Page id, LinkedIn member or organization
    /// URN, Instagram professional account id...).
    pub external_user_id: String,
    /// The account's handle or name as the platform shows it (X builds post URLs from it).
    pub display_name: String,
    pub access_token: SecretString,
}

/// Everything an adapter needs to take the next step of one job.
#[derive(Clone, Copy)]
pub struct PublishContext<'a> {
    /// The job: its content, assets, platform options and stored progress.
    pub job: &'a PublishJob,
    pub account: &'a PublishAccount,
    /// Reads asset bytes piecewise through the one address policy, for platforms that need
    /// an upload: a file is streamed in chunks, never held whole.
    pub assets: &'a dyn AssetFetcher,
    pub now: OffsetDateTime,
}

/// The step an adapter would take next for a job, decided from its stored progress alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedStep {
    /// A stable name for logs, attempts and metrics (`upload_media`, `create_container`,
    /// `create_post`, `poll_status`...).
    pub name: &'static str,
    /// This step is the one call that makes the post public. The engine stores a commit
    /// marker before taking it, and never sends it again without looking for the post first.
    pub commits: bool,
}

/// A public post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPost {
    pub external_id: String,
    /// The live post's URL, when the platform gives or implies one.
    pub url: Option<String>,
}

/// What one step achieved.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOutcome {
    /// The step is done: store this progress and take the next step.
    Continue(PublishProgress),
    /// The platform is processing (a container, a video, a TikTok post): park the job until
    /// `at` with this progress, holding no worker meanwhile.
    WaitUntil {
        at: OffsetDateTime,
        progress: PublishProgress,
    },
    /// The post is live.
    Published(PublishedPost),
}

/// What looking for a post after an unanswered commit found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reconciliation {
    /// The commit went through: this is the post.
    Found(PublishedPost),
    /// The commit went through, and it was one of several (a thread's posts, each its own
    /// commit): the job goes on from this progress, which records the post found, as if the
    /// commit had answered [`StepOutcome::Continue`].
    FoundPart(PublishProgress),
    /// The platform shows for sure that no such post exists: committing again is safe.
    Absent,
    /// The platform cannot tell (it lists no posts of this kind, or the post may not be
    /// visible yet): a person must decide.
    Unknown { reason: String },
}

/// One platform's publishing side, as a resumable step machine.
///
/// A job is advanced one step at a time from its stored [`PublishProgress`], so that a worker
/// that stops anywhere (crash, deploy, lease expiry) can be replaced by another that resumes
/// after the last stored step. Steps before the commit (uploads, containers, media ids) are
/// safe to redo; the commit is not, which is why the engine asks [`Publisher::next_step`]
/// before each step and stores a marker before a commit.
#[async_trait]
pub trait Publisher: Send + Sync {
    fn platform(&self) -> Platform;

    /// The step the job's progress leads to. Pure: no I/O, so the engine can store a commit
    /// marker before the step runs.
    fn next_step(&self, job: &PublishJob) -> PlannedStep;

    /// Takes the step [`Publisher::next_step`] names and says what came of it. The progress it
    /// returns replaces the stored one, so it carries forward everything later steps need.
    ///
    /// # Errors
    /// A classified [`PlatformError`]. A timeout, reset or 5xx answer to the commit step
    /// means the outcome is unknown; the engine then calls [`Publisher::find_published`].
    async fn advance(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError>;

    /// Looks for the post an unanswered commit may have made, matched on what was sent
    /// (text, media, time) among the account's recent posts or by a stored publish id.
    /// Platforms that cannot list what was posted answer [`Reconciliation::Unknown`].
    ///
    /// # Errors
    /// A classified [`PlatformError`] when the platform could not be asked; the engine tries
    /// again later and never commits meanwhile.
    async fn find_published(
        &self,
        ctx: &PublishContext<'_>,
    ) -> Result<Reconciliation, PlatformError>;
}

/// The publishers this process can use; a platform without one is not publishable.
pub trait PublisherRegistry: Send + Sync {
    fn publisher(&self, platform: Platform) -> Option<Arc<dyn Publisher>>;
}
