//! Creating publish jobs (now, scheduled, or one post to several accounts), following posts,
//! and the user's changes to jobs that need the content rules (edits).

mod caps;
mod error;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::sync::Arc;

use socialpub_domain::policy::Violation;
use socialpub_domain::webhook::{creation_events, user_change_events};
use socialpub_domain::{
    Asset, ConnectionId, ConnectionStatus, JobId, JobStatus, NewPublishJob, Platform, Post, PostId,
    PostState, PublishJob, ScheduleTime, SocialConnection, UserId, check_schedule_window,
};
use socialpub_ports::{
    Clock, ConnectionRepository, JobRepository, PlatformRegistry, PublisherRegistry,
    RepositoryError,
};

pub use caps::{KnownCap, known_cap};
pub use error::{PublishError, TargetViolations};

use crate::{ContentToCheck, JobServiceError, PublishSettings, ValidationService};

type Options = serde_json::Map<String, serde_json::Value>;

/// The ports publishing use cases need.
#[derive(Clone)]
pub struct PublishingPorts {
    pub jobs: Arc<dyn JobRepository>,
    pub connections: Arc<dyn ConnectionRepository>,
    /// Which platforms this server has enabled (credentials or the simulator).
    pub platforms: Arc<dyn PlatformRegistry>,
    /// Which platforms this server can publish to.
    pub publishers: Arc<dyn PublisherRegistry>,
    pub clock: Arc<dyn Clock>,
}

/// One piece of content for one connection (`POST /publish`, `POST /schedule`).
#[derive(Debug, Clone)]
pub struct PublishRequest {
    pub connection_id: ConnectionId,
    pub text: String,
    pub assets: Vec<Asset>,
    pub options: Options,
    pub metadata: Options,
    /// `None` publishes now.
    pub schedule: Option<ScheduleTime>,
}

/// One target of a post: a connection, and what it changes of the shared content.
#[derive(Debug, Clone, Default)]
pub struct PostTarget {
    pub connection_id: ConnectionId,
    pub text: Option<String>,
    pub assets: Option<Vec<Asset>>,
    pub options: Option<Options>,
}

/// One piece of content for several connections (`POST /posts`).
#[derive(Debug, Clone)]
pub struct NewPost {
    pub text: String,
    pub assets: Vec<Asset>,
    pub options: Options,
    pub metadata: Options,
    pub schedule: Option<ScheduleTime>,
    pub targets: Vec<PostTarget>,
}

/// Something the client should know about an accepted request (nothing was refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: &'static str,
    pub detail: String,
    pub connection_id: Option<ConnectionId>,
}

/// Warning code: the account's known volume cap may be reached around this time.
pub const VOLUME_CAP_WARNING: &str = "volume_cap_may_be_exceeded";
/// Warning code: the local time happens twice; the earlier was taken.
pub const AMBIGUOUS_LOCAL_TIME_WARNING: &str = "ambiguous_local_time";

/// What a create request made.
#[derive(Debug, Clone)]
pub struct Created {
    pub post: Option<Post>,
    pub jobs: Vec<PublishJob>,
    pub warnings: Vec<Warning>,
}

/// A post with its targets' jobs and the state they add up to.
#[derive(Debug, Clone)]
pub struct PostView {
    pub post: Post,
    pub jobs: Vec<PublishJob>,
    pub state: PostState,
}

/// A user's change to a job no worker has taken (`PATCH /jobs/{id}`): `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct JobEdit {
    pub text: Option<String>,
    pub assets: Option<Vec<Asset>>,
    pub options: Option<Options>,
    pub schedule: Option<ScheduleTime>,
}

/// A LinkedIn connection of a member's own account (`urn:li:person:…`), as opposed to an
/// organization's (`urn:li:organization:…`).
fn is_linkedin_member(connection: &SocialConnection) -> bool {
    connection.platform == Platform::Linkedin
        && connection.external_user_id.starts_with("urn:li:person:")
}

/// Most targets one post may have.
pub const MAX_TARGETS: usize = 20;

/// A target's content ready to become a job.
struct Checked {
    connection: SocialConnection,
    text: String,
    assets: Vec<Asset>,
    options: Options,
}

/// Publishing use cases.
#[derive(Clone)]
pub struct PublishingService {
    ports: PublishingPorts,
    validation: ValidationService,
    settings: PublishSettings,
    /// Platforms whose accounts stay connected but may not be published to
    /// (`ENABLE_TIKTOK_PUBLISHING=false`).
    switched_off: Vec<Platform>,
}

impl PublishingService {
    pub fn new(
        ports: PublishingPorts,
        validation: ValidationService,
        settings: PublishSettings,
    ) -> Self {
        Self {
            ports,
            validation,
            settings,
            switched_off: Vec::new(),
        }
    }

    /// Refuses, before anything is created, every target on these platforms: their
    /// publishing is switched off by the operator (TikTok until the app passes its audit).
    #[must_use]
    pub fn with_publishing_switched_off(mut self, platforms: Vec<Platform>) -> Self {
        self.switched_off = platforms;
        self
    }

    /// Creates one job for one connection, now or at `request.schedule`.
    ///
    /// # Errors
    /// [`PublishError`]: the connection is unknown, not active or its platform unavailable;
    /// the time is out of the window; the content breaks rules (every violation).
    pub async fn publish(
        &self,
        user: &UserId,
        request: PublishRequest,
    ) -> Result<Created, PublishError> {
        let now = self.ports.clock.now();
        self.check_window(request.schedule.as_ref())?;
        let connection = self.usable_connection(user, request.connection_id).await?;
        let checked = self
            .check_content(connection, request.text, request.assets, request.options)
            .await?
            .map_err(|(platform, violations)| {
                PublishError::ContentRejected(vec![TargetViolations {
                    index: None,
                    connection_id: request.connection_id,
                    platform,
                    violations,
                }])
            })?;
        let job = self.new_job(
            user,
            None,
            checked,
            request.schedule.as_ref(),
            request.metadata,
            now,
        );
        let mut warnings = self.time_warnings(request.schedule.as_ref());
        warnings.extend(self.cap_warning(&job).await?);
        let jobs = std::slice::from_ref(&job);
        self.ports
            .jobs
            .create_with_events(None, jobs, &creation_events(jobs))
            .await?;
        tracing::info!(job_id = %job.id, platform = %job.platform, status = %job.status, "publish job created");
        Ok(Created {
            post: None,
            jobs: vec![job],
            warnings,
        })
    }

    /// Creates a post and one job per target, all or nothing: any violation on any target
    /// refuses the whole post with every violation of every target.
    ///
    /// # Errors
    /// As [`PublishingService::publish`], plus [`PublishError::Targets`] and
    /// [`PublishError::DuplicateTarget`].
    pub async fn create_post(&self, user: &UserId, new: NewPost) -> Result<Created, PublishError> {
        let now = self.ports.clock.now();
        if new.targets.is_empty() || new.targets.len() > MAX_TARGETS {
            return Err(PublishError::Targets {
                max: MAX_TARGETS,
                actual: new.targets.len(),
            });
        }
        let mut seen = HashSet::new();
        for (index, target) in new.targets.iter().enumerate() {
            if !seen.insert(target.connection_id) {
                return Err(PublishError::DuplicateTarget {
                    index,
                    connection_id: target.connection_id,
                });
            }
        }
        self.check_window(new.schedule.as_ref())?;
        let mut connections = Vec::with_capacity(new.targets.len());
        for target in &new.targets {
            connections.push(self.usable_connection(user, target.connection_id).await?);
        }
        let mut checked = Vec::with_capacity(new.targets.len());
        let mut rejected = Vec::new();
        for (index, (target, connection)) in new.targets.into_iter().zip(connections).enumerate() {
            let connection_id = connection.id;
            let outcome = self
                .check_content(
                    connection,
                    target.text.unwrap_or_else(|| new.text.clone()),
                    target.assets.unwrap_or_else(|| new.assets.clone()),
                    target.options.unwrap_or_else(|| new.options.clone()),
                )
                .await?;
            match outcome {
                Ok(ok) => checked.push(ok),
                Err((platform, violations)) => rejected.push(TargetViolations {
                    index: Some(index),
                    connection_id,
                    platform,
                    violations,
                }),
            }
        }
        if !rejected.is_empty() {
            return Err(PublishError::ContentRejected(rejected));
        }
        let post = Post {
            id: PostId::new(),
            user_id: user.clone(),
            scheduled_at: new.schedule.as_ref().map(|s| s.at),
            time_zone: new.schedule.as_ref().and_then(|s| s.time_zone.clone()),
            metadata: new.metadata.clone(),
            created_at: now,
        };
        let jobs: Vec<PublishJob> = checked
            .into_iter()
            .map(|c| {
                self.new_job(
                    user,
                    Some(post.id),
                    c,
                    new.schedule.as_ref(),
                    new.metadata.clone(),
                    now,
                )
            })
            .collect();
        let mut warnings = self.time_warnings(new.schedule.as_ref());
        for job in &jobs {
            warnings.extend(self.cap_warning(job).await?);
        }
        self.ports
            .jobs
            .create_with_events(Some(&post), &jobs, &creation_events(&jobs))
            .await?;
        tracing::info!(post_id = %post.id, targets = jobs.len(), "post created");
        Ok(Created {
            post: Some(post),
            jobs,
            warnings,
        })
    }

    /// The user's post with its targets.
    ///
    /// # Errors
    /// [`PublishError::PostNotFound`] for an unknown or another user's post.
    pub async fn get_post(&self, user: &UserId, id: PostId) -> Result<PostView, PublishError> {
        let (post, jobs) = self
            .ports
            .jobs
            .get_post(user, id)
            .await?
            .ok_or(PublishError::PostNotFound(id))?;
        let statuses: Vec<JobStatus> = jobs.iter().map(|j| j.status).collect();
        Ok(PostView {
            state: PostState::of(&statuses),
            post,
            jobs,
        })
    }

    /// Sends the post's failed and missed targets back to the queue; the others are left as
    /// they are.
    ///
    /// # Errors
    /// [`PublishError::NothingToRetry`] when no target can be retried.
    pub async fn retry_post(&self, user: &UserId, id: PostId) -> Result<PostView, PublishError> {
        let view = self.get_post(user, id).await?;
        let now = self.ports.clock.now();
        let mut retried = 0;
        for job in &view.jobs {
            if !job.status.is_retryable_by_user() {
                continue;
            }
            let mut changed = job.clone();
            changed.retry_by_user(now).map_err(JobServiceError::from)?;
            match self
                .ports
                .jobs
                .save_user_change_with_events(
                    &changed,
                    job.status,
                    &user_change_events(job.status, &changed),
                )
                .await
            {
                Ok(()) => retried += 1,
                Err(RepositoryError::Conflict(_)) => {
                    tracing::info!(job_id = %job.id, "target changed meanwhile; not retried");
                }
                Err(other) => return Err(other.into()),
            }
        }
        if retried == 0 {
            return Err(PublishError::NothingToRetry(id));
        }
        self.get_post(user, id).await
    }

    /// Edits and/or reschedules a job no worker has taken yet; new content is checked
    /// against the rules again.
    ///
    /// # Errors
    /// [`PublishError::Job`] (not found, not editable in its state, claimed meanwhile), or
    /// the content and schedule errors of a create.
    pub async fn edit_job(
        &self,
        user: &UserId,
        id: JobId,
        edit: JobEdit,
    ) -> Result<PublishJob, PublishError> {
        let now = self.ports.clock.now();
        let mut job = self
            .ports
            .jobs
            .get(user, id)
            .await?
            .ok_or(JobServiceError::NotFound(id))?;
        let expected = job.status;
        if !expected.is_claimable() {
            // Refused before any validation work.
            let refused = socialpub_domain::JobStateTransitionError {
                from: expected,
                action: "edited",
            };
            return Err(JobServiceError::Refused(refused.into()).into());
        }
        self.check_window(edit.schedule.as_ref())?;
        let content_changed =
            edit.text.is_some() || edit.assets.is_some() || edit.options.is_some();
        if content_changed {
            let connection = self
                .usable_connection(user, job.social_connection_id)
                .await?;
            let checked = self
                .check_content(
                    connection,
                    edit.text.unwrap_or_else(|| job.content_text.clone()),
                    edit.assets.unwrap_or_else(|| job.assets.clone()),
                    edit.options
                        .unwrap_or_else(|| job.platform_specific_options.clone()),
                )
                .await?
                .map_err(|(platform, violations)| {
                    PublishError::ContentRejected(vec![TargetViolations {
                        index: None,
                        connection_id: job.social_connection_id,
                        platform,
                        violations,
                    }])
                })?;
            job.edit_content(checked.text, checked.assets, checked.options, now)
                .map_err(JobServiceError::from)?;
        }
        if let Some(schedule) = edit.schedule {
            job.reschedule(schedule.at, now)
                .map_err(JobServiceError::from)?;
            job.time_zone = schedule.time_zone;
        }
        let events = user_change_events(expected, &job);
        match self
            .ports
            .jobs
            .save_user_change_with_events(&job, expected, &events)
            .await
        {
            Ok(()) => Ok(job),
            Err(RepositoryError::Conflict(_)) => Err(JobServiceError::ClaimedMeanwhile(id).into()),
            Err(other) => Err(other.into()),
        }
    }

    fn check_window(&self, schedule: Option<&ScheduleTime>) -> Result<(), PublishError> {
        if let Some(schedule) = schedule {
            check_schedule_window(
                schedule.at,
                self.ports.clock.now(),
                self.settings.schedule_grace,
                self.settings.schedule_horizon,
            )?;
        }
        Ok(())
    }

    /// The user's connection, if it can publish now.
    async fn usable_connection(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<SocialConnection, PublishError> {
        let connection = self
            .ports
            .connections
            .get(user, id)
            .await?
            .ok_or(PublishError::ConnectionNotFound(id))?;
        if !self
            .ports
            .platforms
            .enabled()
            .contains(&connection.platform)
        {
            return Err(PublishError::PlatformNotEnabled(connection.platform));
        }
        if self.switched_off.contains(&connection.platform) {
            return Err(PublishError::PublishingSwitchedOff(connection.platform));
        }
        if self
            .ports
            .publishers
            .publisher(connection.platform)
            .is_none()
        {
            return Err(PublishError::PlatformNotPublishable(connection.platform));
        }
        if !self.settings.linkedin_personal_publishing && is_linkedin_member(&connection) {
            return Err(PublishError::LinkedinPersonalPublishingDisabled(id));
        }
        if connection.status != ConnectionStatus::Active {
            return Err(PublishError::ConnectionNeedsReauth(id));
        }
        Ok(connection)
    }

    /// The content checked against the connection's platform; on refusal, every violation.
    async fn check_content(
        &self,
        connection: SocialConnection,
        text: String,
        assets: Vec<Asset>,
        options: Options,
    ) -> Result<Result<Checked, (Platform, Vec<Violation>)>, PublishError> {
        let platform = connection.platform;
        let report = self
            .validation
            .validate(
                &connection.user_id,
                ContentToCheck {
                    connection_id: None,
                    platform: Some(platform),
                    text: text.clone(),
                    assets,
                    options: options.clone(),
                },
            )
            .await;
        let report = report.map_err(PublishError::Validation)?;
        if report.is_valid() {
            Ok(Ok(Checked {
                connection,
                text,
                assets: report.assets,
                options,
            }))
        } else {
            Ok(Err((platform, report.violations)))
        }
    }

    fn new_job(
        &self,
        user: &UserId,
        post_id: Option<PostId>,
        checked: Checked,
        schedule: Option<&ScheduleTime>,
        metadata: Options,
        now: time::OffsetDateTime,
    ) -> PublishJob {
        PublishJob::new(
            NewPublishJob {
                id: JobId::new(),
                post_id,
                user_id: user.clone(),
                social_connection_id: checked.connection.id,
                platform: checked.connection.platform,
                content_text: checked.text,
                assets: checked.assets,
                platform_specific_options: checked.options,
                scheduled_at: schedule.map(|s| s.at),
                time_zone: schedule.and_then(|s| s.time_zone.clone()),
                metadata,
                max_attempts: self.settings.job_max_attempts,
            },
            now,
        )
    }

    fn time_warnings(&self, schedule: Option<&ScheduleTime>) -> Vec<Warning> {
        schedule
            .and_then(|s| s.note.clone())
            .map(|detail| Warning {
                code: AMBIGUOUS_LOCAL_TIME_WARNING,
                detail,
                connection_id: None,
            })
            .into_iter()
            .collect()
    }

    /// A warning when the account already has as many posts as its platform's known cap
    /// allows in the window before the job's time.
    async fn cap_warning(&self, job: &PublishJob) -> Result<Option<Warning>, PublishError> {
        let Some(cap) = known_cap(job.platform) else {
            return Ok(None);
        };
        let at = job.scheduled_at.unwrap_or(job.created_at);
        let mut planned = 0;
        for status in [
            JobStatus::Scheduled,
            JobStatus::Pending,
            JobStatus::Processing,
            JobStatus::Published,
        ] {
            let filter = socialpub_ports::JobFilter {
                connection_id: Some(job.social_connection_id),
                status: Some(status),
                from: Some(at - cap.window),
                until: Some(at + time::Duration::seconds(1)),
                ..Default::default()
            };
            planned += self
                .ports
                .jobs
                .list(
                    &job.user_id,
                    &filter,
                    socialpub_ports::PageRequest::new(1, 0),
                )
                .await?
                .total;
        }
        if planned < u64::from(cap.posts) {
            return Ok(None);
        }
        Ok(Some(Warning {
            code: VOLUME_CAP_WARNING,
            detail: format!(
                "{} allows about {} posts per {} hours on an account ({}), and this account already has {planned} in that time: the job will wait until the cap frees",
                job.platform.display_name(),
                cap.posts,
                cap.window.whole_hours(),
                cap.what
            ),
            connection_id: Some(job.social_connection_id),
        }))
    }
}
