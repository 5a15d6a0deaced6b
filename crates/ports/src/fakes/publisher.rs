use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use socialpub_domain::{JobId, Platform, PublishJob};
use time::Duration;
use tokio::sync::Notify;

use super::lock;
use crate::{
    PlannedStep, PlatformError, PlatformErrorKind, PublishContext, PublishedPost, Publisher,
    PublisherRegistry, Reconciliation, StepOutcome,
};

/// What the fake does the next time a given step is taken.
#[derive(Debug, Clone)]
pub enum FakeStep {
    /// The step works (the commit step makes the post).
    Succeed,
    /// The platform answers this error; nothing is posted.
    Fail(PlatformError),
    /// The platform is processing: park the job this long, the step not done yet.
    Wait(Duration),
    /// The call never answers (a worker killed mid-step, a hung connection).
    Hang,
    /// The step works, but only after this long (a slow upload); it counts as hanging
    /// meanwhile, for [`FakePublisher::hung`].
    Slow(std::time::Duration),
    /// The commit makes the post, then the answer is lost (a timeout after the platform
    /// accepted it).
    LoseResponse,
    /// The commit makes the post, then never answers (a worker killed mid-commit).
    PostThenHang,
}

/// What the fake answers when asked whether an unanswered commit made the post.
#[derive(Debug, Clone)]
pub enum FakeLookup {
    /// Looks among the posts it made: Found or Absent, the truth.
    Search,
    /// Looks among the posts it made, and when it finds the job's, answers that the job goes
    /// on from its commit (as an X thread goes on to its next post): `FoundPart` with the
    /// commit step done.
    SearchAndGoOn,
    /// The platform cannot tell.
    Unknown,
    /// The platform could not be asked.
    Fail(PlatformError),
}

/// A post the fake platform holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakePost {
    pub job_id: JobId,
    pub external_id: String,
    pub text: String,
}

/// A platform's publisher in memory: a list of named steps, one of which commits, each
/// scriptable per call. It keeps the posts it made, so a test counts them and sees a
/// duplicate at once.
#[derive(Debug)]
pub struct FakePublisher {
    platform: Platform,
    steps: Vec<&'static str>,
    commit: &'static str,
    script: Mutex<HashMap<&'static str, VecDeque<FakeStep>>>,
    lookups: Mutex<VecDeque<FakeLookup>>,
    posts: Mutex<Vec<FakePost>>,
    calls: Mutex<Vec<(JobId, &'static str)>>,
    hung: Notify,
}

/// The name of the step [`FakePublisher::find_published`] is logged under.
pub const FIND_PUBLISHED: &str = "find_published";

impl FakePublisher {
    /// Two steps: `upload_media`, then the commit `create_post`.
    pub fn new(platform: Platform) -> Self {
        Self::with_steps(platform, &["upload_media", "create_post"], "create_post")
    }

    /// Steps in order; `commit` must be one of them. Steps after it only confirm the post.
    pub fn with_steps(platform: Platform, steps: &[&'static str], commit: &'static str) -> Self {
        Self {
            platform,
            steps: steps.to_vec(),
            commit,
            script: Mutex::default(),
            lookups: Mutex::default(),
            posts: Mutex::default(),
            calls: Mutex::default(),
            hung: Notify::new(),
        }
    }

    /// The next call of `step` behaves so; later calls follow the next scripted behaviour, and
    /// succeed once the script is used up.
    pub fn script(&self, step: &'static str, behaviour: FakeStep) -> &Self {
        lock(&self.script)
            .entry(step)
            .or_default()
            .push_back(behaviour);
        self
    }

    /// The next `find_published` answers so; then [`FakeLookup::Search`].
    pub fn script_lookup(&self, lookup: FakeLookup) -> &Self {
        lock(&self.lookups).push_back(lookup);
        self
    }

    pub fn posts(&self) -> Vec<FakePost> {
        lock(&self.posts).clone()
    }

    pub fn posts_for(&self, job: JobId) -> usize {
        lock(&self.posts).iter().filter(|p| p.job_id == job).count()
    }

    /// Every call so far, in order: the step's name, or [`FIND_PUBLISHED`].
    pub fn calls(&self) -> Vec<(JobId, &'static str)> {
        lock(&self.calls).clone()
    }

    /// How many times `step` was taken for `job`.
    pub fn calls_of(&self, job: JobId, step: &str) -> usize {
        lock(&self.calls)
            .iter()
            .filter(|(j, s)| *j == job && *s == step)
            .count()
    }

    /// Returns once a call hangs ([`FakeStep::Hang`], [`FakeStep::PostThenHang`]) or starts
    /// being slow ([`FakeStep::Slow`]).
    pub async fn hung(&self) {
        self.hung.notified().await;
    }

    fn post(&self, job: &PublishJob) -> PublishedPost {
        let mut posts = lock(&self.posts);
        let external_id = format!("{}-post-{}", self.platform.as_str(), posts.len() + 1);
        posts.push(FakePost {
            job_id: job.id,
            external_id: external_id.clone(),
            text: job.content_text.clone(),
        });
        self.published(external_id)
    }

    fn published(&self, external_id: String) -> PublishedPost {
        PublishedPost {
            url: Some(format!(
                "https://{}.fake/posts/{external_id}",
                self.platform.as_str()
            )),
            external_id,
        }
    }

    async fn hang(&self) -> ! {
        self.hung.notify_one();
        std::future::pending::<()>().await;
        unreachable!("a pending future never completes")
    }

    fn lost_response(&self) -> PlatformError {
        PlatformError {
            platform: self.platform,
            kind: PlatformErrorKind::Transient,
            code: Some("timeout".into()),
            message: "the platform did not answer in time".into(),
            http_status: None,
            retry_after: None,
        }
    }
}

#[async_trait]
impl Publisher for FakePublisher {
    fn platform(&self) -> Platform {
        self.platform
    }

    fn next_step(&self, job: &PublishJob) -> PlannedStep {
        let committed =
            job.progress.committed_at.is_some() || job.progress.step(self.commit).is_some();
        let name = self
            .steps
            .iter()
            .copied()
            .find(|s| job.progress.step(s).is_none())
            .or_else(|| self.steps.last().copied())
            .unwrap_or(self.commit);
        PlannedStep {
            name,
            commits: name == self.commit && !committed,
        }
    }

    async fn advance(&self, ctx: &PublishContext<'_>) -> Result<StepOutcome, PlatformError> {
        let job = ctx.job;
        let step = self.next_step(job).name;
        lock(&self.calls).push((job.id, step));
        let behaviour = lock(&self.script)
            .get_mut(step)
            .and_then(VecDeque::pop_front)
            .unwrap_or(FakeStep::Succeed);
        if let FakeStep::Slow(delay) = behaviour {
            self.hung.notify_one();
            tokio::time::sleep(delay).await;
        }
        let mut progress = job.progress.clone();
        let is_last = self.steps.last().copied() == Some(step);
        match behaviour {
            FakeStep::Fail(error) => Err(error),
            FakeStep::Wait(for_) => Ok(StepOutcome::WaitUntil {
                at: ctx.now + for_,
                progress,
            }),
            FakeStep::Hang => self.hang().await,
            FakeStep::LoseResponse => {
                self.post(job);
                Err(self.lost_response())
            }
            FakeStep::PostThenHang => {
                self.post(job);
                self.hang().await
            }
            FakeStep::Succeed | FakeStep::Slow(_) if step == self.commit => {
                let post = self.post(job);
                if is_last {
                    Ok(StepOutcome::Published(post))
                } else {
                    progress.set_step(step, post.external_id);
                    Ok(StepOutcome::Continue(progress))
                }
            }
            FakeStep::Succeed | FakeStep::Slow(_) if is_last => {
                let external_id = progress.step(self.commit).unwrap_or_default().to_owned();
                Ok(StepOutcome::Published(self.published(external_id)))
            }
            FakeStep::Succeed | FakeStep::Slow(_) => {
                progress.set_step(step, format!("{step}-done"));
                Ok(StepOutcome::Continue(progress))
            }
        }
    }

    async fn find_published(
        &self,
        ctx: &PublishContext<'_>,
    ) -> Result<Reconciliation, PlatformError> {
        let job = ctx.job;
        lock(&self.calls).push((job.id, FIND_PUBLISHED));
        let lookup = lock(&self.lookups)
            .pop_front()
            .unwrap_or(FakeLookup::Search);
        match lookup {
            FakeLookup::Fail(error) => Err(error),
            FakeLookup::Unknown => Ok(Reconciliation::Unknown {
                reason: "the platform lists no recent posts".into(),
            }),
            FakeLookup::Search | FakeLookup::SearchAndGoOn => {
                let found = lock(&self.posts)
                    .iter()
                    .find(|p| p.job_id == job.id)
                    .map(|p| p.external_id.clone());
                Ok(match (found, lookup) {
                    (Some(external_id), FakeLookup::SearchAndGoOn) => {
                        let mut progress = job.progress.clone();
                        progress.set_step(self.commit, external_id);
                        Reconciliation::FoundPart(progress)
                    }
                    (Some(external_id), _) => Reconciliation::Found(self.published(external_id)),
                    (None, _) => Reconciliation::Absent,
                })
            }
        }
    }
}

/// A registry holding exactly the publishers it was given.
#[derive(Default, Clone)]
pub struct StaticPublisherRegistry {
    publishers: HashMap<Platform, Arc<dyn Publisher>>,
}

impl StaticPublisherRegistry {
    pub fn with(mut self, publisher: Arc<dyn Publisher>) -> Self {
        self.publishers.insert(publisher.platform(), publisher);
        self
    }
}

impl PublisherRegistry for StaticPublisherRegistry {
    fn publisher(&self, platform: Platform) -> Option<Arc<dyn Publisher>> {
        self.publishers.get(&platform).cloned()
    }
}
