//! What every [`Publisher`] must honour, as a check adapters' tests run against their own
//! publisher (on the simulator) and the fake's tests run against the fake. It drives a job the
//! way the engine does: a commit marker before the commit step, progress stored after each.

use socialpub_domain::PublishJob;
use time::OffsetDateTime;

use crate::{
    AssetFetcher, PublishAccount, PublishContext, PublishedPost, Publisher, Reconciliation,
    StepOutcome,
};

/// Most steps a publish may take before the check gives up (polls included).
const MAX_STEPS: usize = 200;

/// What a conforming run did.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractReport {
    /// Every step taken, in order (polls repeat their name).
    pub steps: Vec<&'static str>,
    pub commit_step: &'static str,
    pub published: PublishedPost,
    /// What `find_published` said before anything was posted (`Absent` or `Unknown`).
    pub lookup_before: Reconciliation,
    /// What `find_published` said once the post existed (`Found` the same post, or `Unknown`
    /// for a platform that cannot list its posts).
    pub lookup_after: Reconciliation,
}

/// Publishes `job` (with empty progress) through `publisher` step by step, checking the port's
/// contract; `Err` says which rule was broken. The platform behind `publisher` must accept
/// the post.
///
/// Rules: `next_step` is pure; exactly one step commits, and none after it; a `WaitUntil` is
/// in the future; the run ends `Published`; `find_published` never finds a post that was
/// not made, and finds the one that was (or says it cannot tell).
///
/// # Errors
/// A description of the first broken rule, or the platform error that stopped the run.
pub async fn check_publisher(
    publisher: &dyn Publisher,
    mut job: PublishJob,
    account: &PublishAccount,
    assets: &dyn AssetFetcher,
    mut now: OffsetDateTime,
) -> Result<ContractReport, String> {
    if job.platform != publisher.platform() {
        return Err(format!(
            "the job is for {} but the publisher for {}",
            job.platform,
            publisher.platform()
        ));
    }
    let lookup_before = publisher
        .find_published(&PublishContext {
            job: &job,
            account,
            assets,
            now,
        })
        .await
        .map_err(|e| format!("find_published before any step failed: {e}"))?;
    if let Reconciliation::Found(post) = &lookup_before {
        return Err(format!(
            "find_published found {post:?} before anything was posted"
        ));
    }
    let mut steps = Vec::new();
    let mut commit_step = None;
    let mut before_commit = None;
    for _ in 0..MAX_STEPS {
        let planned = publisher.next_step(&job);
        if publisher.next_step(&job) != planned {
            return Err(format!("next_step is not pure at `{}`", planned.name));
        }
        if planned.commits {
            if let Some(first) = commit_step {
                return Err(format!(
                    "a second step commits (`{}` after `{first}`)",
                    planned.name
                ));
            }
            job.progress.final_call_started_at = Some(now);
            before_commit = Some(job.progress.clone());
        }
        steps.push(planned.name);
        let outcome = publisher
            .advance(&PublishContext {
                job: &job,
                account,
                assets,
                now,
            })
            .await
            .map_err(|e| format!("`{}` failed: {e}", planned.name))?;
        let mut commit = |job: &mut PublishJob| {
            if planned.commits {
                commit_step = Some(planned.name);
                job.progress.final_call_started_at = None;
                job.progress.committed_at = Some(now);
            }
        };
        match outcome {
            StepOutcome::Continue(progress) => {
                job.progress = progress;
                commit(&mut job);
            }
            StepOutcome::WaitUntil { at, progress } => {
                if at <= now {
                    return Err(format!(
                        "`{}` asked to wait until {at}, which is not in the future",
                        planned.name
                    ));
                }
                job.progress = progress;
                commit(&mut job);
                now = at;
            }
            StepOutcome::Published(published) => {
                commit(&mut job);
                let Some(commit_step) = commit_step else {
                    return Err("published without any step that commits".into());
                };
                // As after a commit whose answer was lost: the progress stored just before
                // it, with the marker.
                let mut lost = job.clone();
                if let Some(progress) = before_commit.clone() {
                    lost.progress = progress;
                }
                let lookup_after = publisher
                    .find_published(&PublishContext {
                        job: &lost,
                        account,
                        assets,
                        now,
                    })
                    .await
                    .map_err(|e| format!("find_published after publishing failed: {e}"))?;
                match &lookup_after {
                    Reconciliation::Found(found) if found.external_id != published.external_id => {
                        return Err(format!(
                            "find_published found {} but {} was published",
                            found.external_id, published.external_id
                        ));
                    }
                    Reconciliation::Absent => {
                        return Err(
                            "find_published says surely absent for a post that exists".into()
                        );
                    }
                    _ => {}
                }
                return Ok(ContractReport {
                    steps,
                    commit_step,
                    published,
                    lookup_before,
                    lookup_after,
                });
            }
        }
        if commit_step.is_some() && publisher.next_step(&job).commits {
            return Err(format!(
                "after the commit `{}`, the next step `{}` commits again",
                planned.name,
                publisher.next_step(&job).name
            ));
        }
    }
    Err(format!("not published after {MAX_STEPS} steps: {steps:?}"))
}

#[cfg(test)]
mod tests {
    use socialpub_domain::{ConnectionId, JobId, NewPublishJob, Platform, SecretString, UserId};
    use time::macros::datetime;

    use super::*;
    use crate::fakes::{FakePublisher, FakeStep, InMemoryAssetFetcher};

    fn job() -> PublishJob {
        PublishJob::new(
            NewPublishJob {
                id: JobId::new(),
                post_id: None,
                user_id: UserId::parse("alice").unwrap(),
                social_connection_id: ConnectionId::new(),
                platform: Platform::X,
                content_text: "contract".into(),
                assets: vec![],
                platform_specific_options: Default::default(),
                scheduled_at: None,
                time_zone: None,
                metadata: Default::default(),
                max_attempts: 3,
            },
            datetime!(2026-01-01 00:00 UTC),
        )
    }

    fn account() -> PublishAccount {
        PublishAccount {
            external_user_id: "1".into(),
            display_name: "alice".into(),
            access_token: SecretString::new("token"),
        }
    }

    #[tokio::test]
    async fn the_fake_publisher_honours_the_contract() {
        let publisher = FakePublisher::with_steps(
            Platform::X,
            &["upload_media", "create_post", "confirm"],
            "create_post",
        );
        publisher.script("upload_media", FakeStep::Wait(time::Duration::seconds(5)));
        let report = check_publisher(
            &publisher,
            job(),
            &account(),
            &InMemoryAssetFetcher::default(),
            datetime!(2026-01-01 00:00 UTC),
        )
        .await
        .unwrap();
        assert_eq!(
            report.steps,
            ["upload_media", "upload_media", "create_post", "confirm"]
        );
        assert_eq!(report.commit_step, "create_post");
        assert_eq!(report.lookup_before, Reconciliation::Absent);
        assert_eq!(
            report.lookup_after,
            Reconciliation::Found(report.published.clone())
        );
        assert_eq!(publisher.posts().len(), 1);
    }

    #[tokio::test]
    async fn a_platform_error_fails_the_check() {
        let publisher = FakePublisher::new(Platform::X);
        publisher.script(
            "create_post",
            FakeStep::Fail(crate::PlatformError {
                platform: Platform::X,
                kind: crate::PlatformErrorKind::Content,
                code: None,
                message: "no".into(),
                http_status: Some(403),
                retry_after: None,
            }),
        );
        let err = check_publisher(
            &publisher,
            job(),
            &account(),
            &InMemoryAssetFetcher::default(),
            datetime!(2026-01-01 00:00 UTC),
        )
        .await
        .unwrap_err();
        assert!(err.contains("create_post"), "{err}");
    }
}
