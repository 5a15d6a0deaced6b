//! A stand-in for the engine's step driver, so that an adapter's own tests exercise the
//! Publisher contract the way the engine does: ask `next_step` (twice: it must be pure), store
//! a commit marker before a commit, take the step, keep the returned progress, and jump the
//! clock to a `WaitUntil`. Shared by the platform crates' tests.

use socialpub_domain::{
    Asset, AssetKind, AssetMetadata, AssetUrl, ConnectionId, JobId, NewPublishJob, Platform,
    PublishJob, SecretString, UserId,
};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::{
    AssetFetcher, PlatformError, PublishAccount, PublishContext, PublishedPost, Publisher,
    StepOutcome,
};

/// The clock a driven job starts at.
pub const NOW: OffsetDateTime = datetime!(2026-11-30 10:00:00 UTC);

pub fn job(
    platform: Platform,
    text: &str,
    assets: Vec<Asset>,
    options: serde_json::Value,
) -> PublishJob {
    PublishJob::new(
        NewPublishJob {
            id: JobId::new(),
            post_id: None,
            user_id: UserId::parse("user-1").expect("a valid user id"),
            social_connection_id: ConnectionId::new(),
            platform,
            content_text: text.to_owned(),
            assets,
            platform_specific_options: options.as_object().cloned().unwrap_or_default(),
            scheduled_at: None,
            time_zone: None,
            metadata: serde_json::Map::new(),
            max_attempts: 3,
        },
        NOW,
    )
}

pub fn asset(url: &str, kind: AssetKind) -> Asset {
    Asset {
        url: AssetUrl::parse(url).expect("tests pass a valid asset url"),
        kind,
        metadata: AssetMetadata::default(),
    }
}

pub fn account(id: &str, name: &str, token: &str) -> PublishAccount {
    PublishAccount {
        external_user_id: id.to_owned(),
        display_name: name.to_owned(),
        access_token: SecretString::new(token),
    }
}

/// What driving a job to its end did.
pub struct Driven {
    /// Each step taken, in order, as `next_step` named it.
    pub steps: Vec<&'static str>,
    /// How many times a step asked to wait.
    pub waits: u32,
    pub result: Result<PublishedPost, PlatformError>,
    /// The clock after the last step (moved by every `WaitUntil`).
    pub now: OffsetDateTime,
}

/// Advances `job` step by step until it is published or a step fails.
pub async fn drive(
    publisher: &dyn Publisher,
    job: &mut PublishJob,
    account: &PublishAccount,
    assets: &dyn AssetFetcher,
) -> Driven {
    let mut now = NOW;
    let mut steps = Vec::new();
    let mut waits = 0;
    for _ in 0..200 {
        let planned = publisher.next_step(job);
        assert_eq!(publisher.next_step(job), planned, "next_step must be pure");
        steps.push(planned.name);
        if planned.commits {
            job.progress.final_call_started_at = Some(now);
        }
        let outcome = {
            let ctx = PublishContext {
                job,
                account,
                assets,
                now,
            };
            publisher.advance(&ctx).await
        };
        match outcome {
            Ok(StepOutcome::Continue(progress)) => {
                assert!(!planned.commits || progress.final_call_started_at.is_some());
                job.progress = progress;
                if planned.commits {
                    job.progress.final_call_started_at = None;
                    job.progress.committed_at = Some(now);
                }
            }
            Ok(StepOutcome::WaitUntil { at, progress }) => {
                assert!(at > now, "a wait must lie in the future");
                job.progress = progress;
                now = at;
                waits += 1;
            }
            Ok(StepOutcome::Published(post)) => {
                return Driven {
                    steps,
                    waits,
                    result: Ok(post),
                    now,
                };
            }
            Err(error) => {
                return Driven {
                    steps,
                    waits,
                    result: Err(error),
                    now,
                };
            }
        }
    }
    panic!("the job never finished: {steps:?}");
}
