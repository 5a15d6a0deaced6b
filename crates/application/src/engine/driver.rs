//! One job's run: from its claim to its next stop.

use std::future::Future;
use std::time::Instant;

use socialpub_domain::webhook::{EventType, JobEvent};
use socialpub_domain::{
    AttemptId, AttemptOutcome, JobAttempt, JobError, PublishJob, SecretString, SocialConnection,
    UserAction,
};
use socialpub_ports::{
    CallOutcome, PlannedStep, PlatformError, PlatformErrorKind, PublishAccount, PublishContext,
    Publisher, Reconciliation, RepositoryError, StepOutcome, VOLUME_CAP_REACHED,
};
use time::{Duration, OffsetDateTime};
use tokio::sync::watch;
use tracing::Instrument as _;

use super::{PublishEngine, retry_delay, to_std};
use crate::{ConnectionError, lock};

/// Error code of a job whose connection the platform no longer accepts.
pub const CONNECTION_NEEDS_REAUTH: &str = "connection_needs_reauth";
/// Error code of a job whose connection was deleted.
pub const CONNECTION_NOT_FOUND: &str = "connection_not_found";
/// Error code of a job whose platform has no publisher in this process.
pub const PLATFORM_NOT_PUBLISHABLE: &str = "platform_not_publishable";

/// Why a run stopped early.
#[derive(Debug, thiserror::Error)]
enum Stop {
    /// The lease is gone (it expired and another worker took the job): whatever we learnt is
    /// for that worker to find out again.
    #[error("lost the lease")]
    LeaseLost,
    #[error(transparent)]
    Repository(RepositoryError),
    #[error(transparent)]
    Transition(#[from] JobError),
}

impl From<RepositoryError> for Stop {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::LeaseNotHeld(_) => Stop::LeaseLost,
            other => Stop::Repository(other),
        }
    }
}

/// How an attempt ended, for its record.
struct Ending<'e> {
    outcome: AttemptOutcome,
    error: Option<&'e PlatformError>,
    message: Option<String>,
}

impl<'e> Ending<'e> {
    fn new(outcome: AttemptOutcome) -> Self {
        Self {
            outcome,
            error: None,
            message: None,
        }
    }

    fn error(outcome: AttemptOutcome, error: &'e PlatformError) -> Self {
        Self {
            outcome,
            error: Some(error),
            message: Some(error.message.clone()),
        }
    }

    fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// What the user should do about a permanent platform error.
fn user_action(kind: PlatformErrorKind) -> Option<UserAction> {
    match kind {
        PlatformErrorKind::Auth => Some(UserAction::Reconnect),
        PlatformErrorKind::Permission => Some(UserAction::GrantPermissions),
        PlatformErrorKind::Content => Some(UserAction::EditContent),
        PlatformErrorKind::Media => Some(UserAction::ChangeMedia),
        PlatformErrorKind::Quota
        | PlatformErrorKind::Transient
        | PlatformErrorKind::PlatformDown => Some(UserAction::Wait),
        PlatformErrorKind::InvalidRequest => None,
    }
}

/// An error after which a commit may or may not have gone through.
fn is_ambiguous(error: &PlatformError) -> bool {
    matches!(
        error.kind,
        PlatformErrorKind::Transient | PlatformErrorKind::PlatformDown
    )
}

fn error_code(error: &PlatformError) -> String {
    error
        .code
        .clone()
        .unwrap_or_else(|| error.kind.as_str().to_owned())
}

/// The time a job was due for its current try: its schedule, its retry time, or its creation.
fn due_at(job: &PublishJob) -> OffsetDateTime {
    job.next_attempt_at
        .or(job.scheduled_at)
        .unwrap_or(job.created_at)
}

/// One job's run, holding what its steps share.
struct Run<'a> {
    engine: &'a PublishEngine,
    job: PublishJob,
    attempt: JobAttempt,
    /// The attempt's record goes in with the run's first save (one commit for both), so an
    /// attempt cut short before any save leaves only the job's attempt count behind.
    attempt_stored: bool,
    /// The attempt reached the platform (a step or a look-up), so the user hears that
    /// publishing began, even when the attempt's first save is also its last.
    reached_platform: bool,
    worker: socialpub_domain::WorkerId,
}

impl PublishEngine {
    /// Runs a claimed job to its next stop. Never fails: every outcome is stored on the job
    /// and its attempt, and storage errors leave the job to lease recovery.
    pub(super) async fn process(&self, claimed: super::Claimed, stopping: watch::Receiver<bool>) {
        let super::Claimed { job, account } = claimed;
        let span = tracing::info_span!("publish_job", job_id = %job.id, platform = %job.platform);
        let id = job.id;
        async {
            if let Err(stop) = self.process_inner(job, account, stopping).await {
                match stop {
                    Stop::LeaseLost => tracing::warn!("lease lost; another worker has the job"),
                    other => tracing::error!(error = %other, "job run stopped; lease recovery will retry it"),
                }
            }
        }
        .instrument(span)
        .await;
        lock(&self.inner.in_flight).remove(&id);
    }

    async fn process_inner(
        &self,
        mut job: PublishJob,
        ready: Option<(SocialConnection, SecretString)>,
        stopping: watch::Receiver<bool>,
    ) -> Result<(), Stop> {
        let inner = &self.inner;
        let now = inner.ports.clock.now();
        let Some(publisher) = inner.ports.publishers.publisher(job.platform) else {
            let mut run = self.start_run(job, now);
            let message = format!(
                "{} publishing is not available on this server",
                run.job.platform.display_name()
            );
            run.job
                .fail(&inner.worker, PLATFORM_NOT_PUBLISHABLE, &message, None, now)?;
            return run
                .finish(Ending::new(AttemptOutcome::Failed).message(message))
                .await;
        };
        job.resume_interrupted(publisher.next_step(&job).commits);
        let never_tried = job.attempts <= 1
            && job.progress.steps.is_empty()
            && job.progress.committed_at.is_none()
            && !job.progress.needs_reconciliation();
        let late_by = now - due_at(&job);
        if never_tried && late_by > inner.settings.max_lateness {
            let mut run = self.start_run(job, now);
            let message = format!(
                "picked up {} minutes after its time, later than the {} minutes allowed; not published",
                late_by.whole_minutes(),
                inner.settings.max_lateness.whole_minutes()
            );
            run.job.mark_missed(&inner.worker, &message, now)?;
            return run
                .finish(Ending::new(AttemptOutcome::Missed).message(message))
                .await;
        }
        let Some(_slot) = inner.limits.try_take(&job) else {
            // Busy here: try again shortly, without spending an attempt.
            job.defer(&inner.worker, now + inner.settings.busy_retry, now)?;
            inner.ports.jobs.save_leased(&job, &inner.worker).await?;
            return Ok(());
        };
        let mut run = self.start_run(job, now);
        let Some(account) = run.account(ready).await? else {
            return Ok(());
        };
        run.drive(publisher.as_ref(), &account, stopping).await
    }

    /// Starts an attempt (recorded with the run's first save) and holds what the run's steps
    /// share.
    fn start_run(&self, job: PublishJob, now: OffsetDateTime) -> Run<'_> {
        let attempt = JobAttempt {
            id: AttemptId::new(),
            job_id: job.id,
            attempt_number: job.attempts,
            worker: self.inner.worker.clone(),
            started_at: now,
            finished_at: None,
            outcome: AttemptOutcome::Running,
            step: None,
            http_status: None,
            platform_error_code: None,
            message: None,
        };
        Run {
            engine: self,
            job,
            attempt,
            attempt_stored: false,
            reached_platform: false,
            worker: self.inner.worker.clone(),
        }
    }

    /// Runs `work`, renewing the job's lease meanwhile; returns its output and the new lease
    /// end, if renewed.
    async fn renewing<T>(
        &self,
        job: &PublishJob,
        work: impl Future<Output = T>,
    ) -> (T, Option<OffsetDateTime>) {
        let lease = self.inner.settings.job_lease;
        let every = to_std(lease / 3).max(std::time::Duration::from_millis(10));
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        let mut work = std::pin::pin!(work);
        let mut renewed = None;
        loop {
            tokio::select! {
                out = &mut work => return (out, renewed),
                _ = ticker.tick() => {
                    let until = self.inner.ports.clock.now() + lease;
                    match self.inner.ports.jobs.renew_lease(job.id, &self.inner.worker, until).await {
                        Ok(()) => renewed = Some(until),
                        Err(error) => tracing::warn!(%error, "could not renew the lease"),
                    }
                }
            }
        }
    }
}

impl Run<'_> {
    fn now(&self) -> OffsetDateTime {
        self.engine.inner.ports.clock.now()
    }

    /// Stores the job, with the attempt's record the first time.
    async fn save(&mut self) -> Result<(), Stop> {
        let inner = &self.engine.inner;
        let jobs = &inner.ports.jobs;
        if self.attempt_stored {
            jobs.save_leased(&self.job, &inner.worker).await?;
        } else {
            // An attempt's first step: the user hears that publishing has begun.
            let started =
                JobEvent::new(EventType::JobPublishing, &self.job, self.attempt.started_at);
            jobs.save_leased_with_events(
                &self.job,
                &inner.worker,
                Some(&self.attempt),
                std::slice::from_ref(&started),
            )
            .await?;
            self.attempt_stored = true;
        }
        lock(&inner.in_flight).insert(self.job.id, self.job.clone());
        Ok(())
    }

    /// Stores the job and ends the attempt, in one commit.
    async fn finish(&mut self, ending: Ending<'_>) -> Result<(), Stop> {
        let inner = &self.engine.inner;
        self.attempt.finished_at = Some(self.now());
        self.attempt.outcome = ending.outcome;
        self.attempt.message = ending.message;
        if let Some(error) = ending.error {
            self.attempt.http_status = error.http_status;
            self.attempt.platform_error_code = error.code.clone();
        }
        // What the attempt's end tells the user's webhooks, stored with it (the outbox): that
        // publishing began, when no earlier save of this attempt said so (a one-call post
        // stores nothing before its end), then how it ended.
        let began = (!self.attempt_stored && self.reached_platform).then(|| {
            // The job as it stood when publishing began (as claimed), not as it ended.
            let claimed = lock(&inner.in_flight).get(&self.job.id).cloned();
            JobEvent {
                event_type: EventType::JobPublishing,
                job: claimed.unwrap_or_else(|| self.job.clone()),
                occurred_at: self.attempt.started_at,
            }
        });
        let ended = EventType::after_attempt(ending.outcome, &self.job)
            .map(|event| JobEvent::new(event, &self.job, self.job.updated_at));
        let events: Vec<JobEvent> = began.into_iter().chain(ended).collect();
        inner
            .ports
            .jobs
            .save_leased_with_events(&self.job, &inner.worker, Some(&self.attempt), &events)
            .await?;
        self.attempt_stored = true;
        // The attempt is over: nothing is left for a shutdown to give back.
        lock(&inner.in_flight).remove(&self.job.id);
        self.engine
            .metrics
            .attempt(self.job.platform, ending.outcome);
        if ending.outcome == AttemptOutcome::Published
            && let Some(published_at) = self.job.published_at
        {
            let due = self.job.scheduled_at.unwrap_or(self.job.created_at);
            self.engine
                .metrics
                .lateness(self.job.platform, (published_at - due).as_seconds_f64());
        }
        tracing::info!(
            outcome = ending.outcome.as_str(),
            status = %self.job.status,
            step = self.attempt.step.as_deref(),
            "attempt ended"
        );
        Ok(())
    }

    /// The account to publish as, with a fresh token; `None` when the job was stopped for it.
    async fn account(
        &mut self,
        ready: Option<(SocialConnection, SecretString)>,
    ) -> Result<Option<PublishAccount>, Stop> {
        let inner = &self.engine.inner;
        let connections = &inner.ports.connections;
        let result = match ready {
            Some(ready) => Ok(ready),
            None => {
                connections
                    .fresh_access_token(&self.job.user_id, self.job.social_connection_id)
                    .await
            }
        };
        let now = self.now();
        self.attempt.step = Some("resolve_connection".into());
        match result {
            Ok((connection, token)) => Ok(Some(PublishAccount {
                external_user_id: connection.external_user_id,
                display_name: connection.external_display_name,
                access_token: token,
            })),
            Err(ConnectionError::NeedsReauth(_)) => {
                let message = format!(
                    "the {} connection must be reconnected: the platform no longer accepts its tokens",
                    self.job.platform.display_name()
                );
                self.job.fail(
                    &self.worker,
                    CONNECTION_NEEDS_REAUTH,
                    &message,
                    Some(UserAction::Reconnect),
                    now,
                )?;
                self.finish(Ending::new(AttemptOutcome::Failed).message(message))
                    .await?;
                Ok(None)
            }
            Err(ConnectionError::NotFound(_)) => {
                let message = "the connection was removed".to_owned();
                self.job.fail(
                    &self.worker,
                    CONNECTION_NOT_FOUND,
                    &message,
                    Some(UserAction::Reconnect),
                    now,
                )?;
                self.finish(Ending::new(AttemptOutcome::Failed).message(message))
                    .await?;
                Ok(None)
            }
            Err(ConnectionError::RefreshInProgress(_)) => {
                // Another process is refreshing the token: come back when it is done.
                self.job
                    .defer(&self.worker, now + inner.settings.busy_retry, now)?;
                self.finish(
                    Ending::new(AttemptOutcome::Released).message("token refresh in progress"),
                )
                .await?;
                Ok(None)
            }
            Err(ConnectionError::Platform(error)) => {
                self.platform_error(&error).await?;
                Ok(None)
            }
            Err(other) => {
                tracing::warn!(error = %other, "could not get the connection's token");
                let retry_at = now + self.backoff(None);
                self.job.retry_later(
                    &self.worker,
                    "token_unavailable",
                    &other.to_string(),
                    retry_at,
                    now,
                )?;
                let outcome = self.retry_outcome();
                self.finish(Ending::new(outcome).message(other.to_string()))
                    .await?;
                Ok(None)
            }
        }
    }

    fn backoff(&self, retry_after: Option<Duration>) -> Duration {
        let settings = &self.engine.inner.settings;
        retry_delay(
            self.job.attempts,
            settings.retry_base,
            settings.retry_max,
            retry_after,
            self.engine.jitter.as_ref(),
        )
    }

    fn retry_outcome(&self) -> AttemptOutcome {
        if self.job.status == socialpub_domain::JobStatus::Failed {
            AttemptOutcome::Failed
        } else {
            AttemptOutcome::Retrying
        }
    }

    async fn drive(
        &mut self,
        publisher: &dyn Publisher,
        account: &PublishAccount,
        stopping: watch::Receiver<bool>,
    ) -> Result<(), Stop> {
        if self.job.progress.needs_reconciliation() {
            tracing::info!("a commit went unanswered earlier: looking for the post first");
            self.attempt.step = Some("find_published".into());
            match self.reconcile(publisher, account).await? {
                Looked::Absent => {
                    self.job.mark_commit_absent(&self.worker, self.now())?;
                    self.save().await?;
                }
                Looked::Resumed => self.save().await?,
                Looked::Done => return Ok(()),
            }
        }
        loop {
            if *stopping.borrow() {
                let now = self.now();
                self.job.release(&self.worker, now)?;
                return self
                    .finish(Ending::new(AttemptOutcome::Released).message("worker shutting down"))
                    .await;
            }
            let planned = publisher.next_step(&self.job);
            self.attempt.step = Some(planned.name.to_owned());
            if planned.commits {
                // Not stored: until the call answers, the lease stands for the marker. A
                // worker that dies inside the call leaves the job to lease recovery, which
                // marks it interrupted; its next claim then looks for the post first.
                let now = self.now();
                self.job.begin_final_call(&self.worker, now)?;
                if let Some(held) = lock(&self.engine.inner.in_flight).get_mut(&self.job.id) {
                    held.progress.final_call_started_at = Some(now);
                }
            }
            let result = self.take_step(publisher, planned, account).await;
            let now = self.now();
            match result {
                Ok(StepOutcome::Continue(progress)) => {
                    self.store_progress(progress, planned, now)?;
                    self.save().await?;
                }
                Ok(StepOutcome::WaitUntil { at, progress }) => {
                    self.store_progress(progress, planned, now)?;
                    self.job.park(&self.worker, at, now)?;
                    return self
                        .finish(
                            Ending::new(AttemptOutcome::Parked)
                                .message(format!("the platform is processing; back at {at}")),
                        )
                        .await;
                }
                Ok(StepOutcome::Published(post)) => {
                    self.job
                        .mark_published(&self.worker, post.external_id, post.url, now)?;
                    return self.finish(Ending::new(AttemptOutcome::Published)).await;
                }
                Err(error) if planned.commits && is_ambiguous(&error) => {
                    tracing::warn!(%error, "the commit went unanswered: looking for the post");
                    if !self
                        .after_ambiguous_commit(publisher, &error, account)
                        .await?
                    {
                        return Ok(());
                    }
                }
                Err(error) => {
                    if planned.commits {
                        // The platform answered with a refusal: nothing was posted.
                        self.job.mark_commit_absent(&self.worker, now)?;
                    }
                    return self.platform_error(&error).await;
                }
            }
        }
    }

    /// Takes the adapter's progress, keeping the markers the engine owns: an adapter that
    /// rebuilds its progress cannot make a committed job look uncommitted.
    fn store_progress(
        &mut self,
        progress: socialpub_domain::PublishProgress,
        planned: PlannedStep,
        now: OffsetDateTime,
    ) -> Result<(), Stop> {
        let committed_at = self.job.progress.committed_at;
        self.job.set_progress(&self.worker, progress, now)?;
        if planned.commits {
            self.job.mark_committed(&self.worker, now)?;
        } else {
            self.job.progress.committed_at = committed_at;
            self.job.progress.final_call_started_at = None;
        }
        Ok(())
    }

    async fn take_step(
        &mut self,
        publisher: &dyn Publisher,
        planned: PlannedStep,
        account: &PublishAccount,
    ) -> Result<StepOutcome, PlatformError> {
        self.reached_platform = true;
        let inner = &self.engine.inner;
        let ctx = PublishContext {
            job: &self.job,
            account,
            assets: inner.ports.assets.as_ref(),
            now: inner.ports.clock.now(),
        };
        let started = Instant::now();
        let timeout = to_std(inner.settings.step_timeout);
        let (result, renewed) = self
            .engine
            .renewing(
                &self.job,
                tokio::time::timeout(timeout, publisher.advance(&ctx)),
            )
            .await;
        self.engine.metrics.platform_call(
            self.job.platform,
            planned.name,
            call_outcome(&result),
            started.elapsed().as_secs_f64(),
        );
        if let Some(until) = renewed {
            self.job.locked_until = Some(until);
        }
        result.unwrap_or_else(|_| Err(self.timeout_error(planned.name)))
    }

    fn timeout_error(&self, step: &str) -> PlatformError {
        PlatformError {
            platform: self.job.platform,
            kind: PlatformErrorKind::Transient,
            code: Some("timeout".into()),
            message: format!("`{step}` did not answer in time"),
            http_status: None,
            retry_after: None,
        }
    }

    /// Asks the platform whether an unanswered commit made the post.
    async fn reconcile(
        &mut self,
        publisher: &dyn Publisher,
        account: &PublishAccount,
    ) -> Result<Looked, Stop> {
        self.reached_platform = true;
        let inner = &self.engine.inner;
        let ctx = PublishContext {
            job: &self.job,
            account,
            assets: inner.ports.assets.as_ref(),
            now: inner.ports.clock.now(),
        };
        let timeout = to_std(inner.settings.step_timeout);
        let started = Instant::now();
        let (result, renewed) = self
            .engine
            .renewing(
                &self.job,
                tokio::time::timeout(timeout, publisher.find_published(&ctx)),
            )
            .await;
        self.engine.metrics.platform_call(
            self.job.platform,
            "find_published",
            call_outcome(&result),
            started.elapsed().as_secs_f64(),
        );
        if let Some(until) = renewed {
            self.job.locked_until = Some(until);
        }
        let result = result.unwrap_or_else(|_| Err(self.timeout_error("find_published")));
        let now = self.now();
        match result {
            Ok(Reconciliation::Found(post)) => {
                tracing::info!("the post exists: the unanswered commit went through");
                self.job
                    .mark_published(&self.worker, post.external_id, post.url, now)?;
                self.finish(
                    Ending::new(AttemptOutcome::Published)
                        .message("found after an unanswered commit"),
                )
                .await?;
                Ok(Looked::Done)
            }
            Ok(Reconciliation::FoundPart(progress)) => {
                tracing::info!("the post exists and the job goes on from it");
                let commit = PlannedStep {
                    name: "find_published",
                    commits: true,
                };
                self.store_progress(progress, commit, now)?;
                Ok(Looked::Resumed)
            }
            Ok(Reconciliation::Absent) => {
                tracing::info!("the platform shows no such post: committing again is safe");
                Ok(Looked::Absent)
            }
            Ok(Reconciliation::Unknown { reason }) => {
                let message = format!(
                    "the post may or may not have been published ({reason}); check the account, then resolve the job"
                );
                self.job.mark_outcome_unknown(&self.worker, &message, now)?;
                self.finish(Ending::new(AttemptOutcome::OutcomeUnknown).message(message))
                    .await?;
                Ok(Looked::Done)
            }
            Err(error) => {
                tracing::warn!(%error, "could not look for the post; trying again later");
                self.retry_keeping_marker(&error).await?;
                Ok(Looked::Done)
            }
        }
    }

    /// The lookup failed: look again later, still before anything else. Look-ups spend no
    /// attempt; they go on for the reconciliation window after the commit, then only a person
    /// can tell.
    async fn retry_keeping_marker(&mut self, error: &PlatformError) -> Result<(), Stop> {
        let now = self.now();
        let settings = &self.engine.inner.settings;
        let since = self.job.progress.final_call_started_at.unwrap_or(now);
        let retry_at = now + self.lookup_backoff(error.retry_after);
        if retry_at - since > settings.reconcile_window {
            let message = format!(
                "a commit went unanswered and for {} minutes the platform could not be asked whether the post exists: {}",
                settings.reconcile_window.whole_minutes(),
                error.message
            );
            self.job.mark_outcome_unknown(&self.worker, &message, now)?;
            return self
                .finish(Ending::error(AttemptOutcome::OutcomeUnknown, error).message(message))
                .await;
        }
        self.job.look_again_later(
            &self.worker,
            &error_code(error),
            &error.message,
            retry_at,
            now,
        )?;
        self.finish(Ending::error(AttemptOutcome::Retrying, error))
            .await
    }

    /// Backoff between look-ups, which spend no attempt: it grows with the time spent
    /// looking instead, from the base delay to the ceiling.
    fn lookup_backoff(&self, retry_after: Option<Duration>) -> Duration {
        let settings = &self.engine.inner.settings;
        let now = self.now();
        let looking_for = self
            .job
            .progress
            .final_call_started_at
            .map_or(Duration::ZERO, |since| now - since);
        let base = settings.retry_base.whole_seconds().max(1);
        let rounds = u32::try_from((looking_for.whole_seconds() / base).max(1)).unwrap_or(1);
        let doublings = rounds.ilog2() + 1;
        retry_delay(
            doublings,
            settings.retry_base,
            settings.retry_max,
            retry_after,
            self.engine.jitter.as_ref(),
        )
    }

    /// Looks for the post of an unanswered commit. True when the job goes on (the post was
    /// one part of several and the next step is to be taken).
    async fn after_ambiguous_commit(
        &mut self,
        publisher: &dyn Publisher,
        commit_error: &PlatformError,
        account: &PublishAccount,
    ) -> Result<bool, Stop> {
        self.attempt.step = Some("find_published".into());
        match self.reconcile(publisher, account).await? {
            Looked::Done => Ok(false),
            Looked::Resumed => {
                self.save().await?;
                Ok(true)
            }
            Looked::Absent => {
                let now = self.now();
                self.job.mark_commit_absent(&self.worker, now)?;
                self.platform_error(commit_error).await?;
                Ok(false)
            }
        }
    }

    /// Handles a platform refusal: re-authentication, deferral for a volume cap, retry with
    /// backoff, or failure.
    async fn platform_error(&mut self, error: &PlatformError) -> Result<(), Stop> {
        let inner = &self.engine.inner;
        let now = self.now();
        match error.kind {
            PlatformErrorKind::Auth => {
                if let Err(e) = inner
                    .ports
                    .connections
                    .mark_needs_reauth(&self.job.user_id, self.job.social_connection_id)
                    .await
                {
                    tracing::warn!(error = %e, "could not mark the connection as needing reauth");
                }
                let message = format!(
                    "{} refused the connection's token: {}",
                    self.job.platform.display_name(),
                    error.message
                );
                self.job.fail(
                    &self.worker,
                    CONNECTION_NEEDS_REAUTH,
                    &message,
                    Some(UserAction::Reconnect),
                    now,
                )?;
                self.finish(Ending::error(AttemptOutcome::Failed, error).message(message))
                    .await
            }
            PlatformErrorKind::Quota if error.code.as_deref() == Some(VOLUME_CAP_REACHED) => {
                let until = now + error.retry_after.unwrap_or(inner.settings.retry_max);
                self.job.defer(&self.worker, until, now)?;
                self.finish(
                    Ending::error(AttemptOutcome::Parked, error).message(format!(
                        "volume cap reached; deferred until {until}: {}",
                        error.message
                    )),
                )
                .await
            }
            kind if kind.is_retryable() => {
                let retry_at = now + self.backoff(error.retry_after);
                self.job.retry_later(
                    &self.worker,
                    &error_code(error),
                    &error.message,
                    retry_at,
                    now,
                )?;
                let outcome = self.retry_outcome();
                self.finish(Ending::error(outcome, error)).await
            }
            kind => {
                self.job.fail(
                    &self.worker,
                    &error_code(error),
                    &error.message,
                    user_action(kind),
                    now,
                )?;
                self.finish(Ending::error(AttemptOutcome::Failed, error))
                    .await
            }
        }
    }
}

/// What looking for a post decided.
enum Looked {
    /// The job reached a stop (published, unknown, retry later).
    Done,
    /// Surely not posted: committing again is safe.
    Absent,
    /// Posted, and the job goes on from the progress stored.
    Resumed,
}

/// How a timed platform call ended, for the call series of `/metrics`.
fn call_outcome<T, E>(result: &Result<Result<T, PlatformError>, E>) -> CallOutcome {
    match result {
        Ok(Ok(_)) => CallOutcome::Ok,
        Ok(Err(error)) => CallOutcome::Error(error.kind),
        Err(_) => CallOutcome::Timeout,
    }
}
