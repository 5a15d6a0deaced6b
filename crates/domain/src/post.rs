use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{JobStatus, PostId, UserId};

/// One piece of content sent to several connections at once. Each target is a job of its own;
/// the post only groups them, so that the web app can follow "my post" as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: PostId,
    pub user_id: UserId,
    pub scheduled_at: Option<OffsetDateTime>,
    pub time_zone: Option<String>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    pub created_at: OffsetDateTime,
}

/// Where a post stands, derived from its targets' jobs (never stored, so it cannot drift).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostState {
    /// Every target waits for its time.
    Scheduled,
    /// At least one target is queued or being published, and none has failed for good yet.
    Publishing,
    /// Every target is published.
    Published,
    /// Some targets are published, the others ended without publishing.
    PartiallyPublished,
    /// No target is published and all have ended (failed, rejected, missed, unknown).
    Failed,
    /// Every target was cancelled.
    Cancelled,
    /// A target's outcome is unknown and the others have ended: the user must look.
    NeedsAttention,
}

impl PostState {
    pub const fn as_str(self) -> &'static str {
        match self {
            PostState::Scheduled => "scheduled",
            PostState::Publishing => "publishing",
            PostState::Published => "published",
            PostState::PartiallyPublished => "partially_published",
            PostState::Failed => "failed",
            PostState::Cancelled => "cancelled",
            PostState::NeedsAttention => "needs_attention",
        }
    }

    /// The state of a post whose targets' jobs are in `statuses`.
    pub fn of(statuses: &[JobStatus]) -> Self {
        let count = |wanted: &[JobStatus]| statuses.iter().filter(|s| wanted.contains(s)).count();
        let total = statuses.len();
        let published = count(&[JobStatus::Published]);
        let cancelled = count(&[JobStatus::Cancelled]);
        let scheduled = count(&[JobStatus::Scheduled]);
        let running = count(&[JobStatus::Pending, JobStatus::Processing]);
        let unknown = count(&[JobStatus::OutcomeUnknown]);
        if total == 0 || cancelled == total {
            return PostState::Cancelled;
        }
        if scheduled + cancelled == total {
            return PostState::Scheduled;
        }
        if running + scheduled > 0 {
            return PostState::Publishing;
        }
        if unknown > 0 {
            return PostState::NeedsAttention;
        }
        if published + cancelled == total {
            return PostState::Published;
        }
        if published > 0 {
            return PostState::PartiallyPublished;
        }
        PostState::Failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JobStatus::*;

    #[test]
    fn a_post_is_published_only_when_every_target_is() {
        assert_eq!(PostState::of(&[Published, Published]), PostState::Published);
        assert_eq!(
            PostState::of(&[Published, Processing]),
            PostState::Publishing
        );
    }

    #[test]
    fn some_published_and_the_rest_ended_is_partial() {
        assert_eq!(
            PostState::of(&[Published, Failed, ContentRejected]),
            PostState::PartiallyPublished
        );
    }

    #[test]
    fn nothing_published_and_all_ended_is_failed() {
        assert_eq!(PostState::of(&[Failed, Missed]), PostState::Failed);
    }

    #[test]
    fn an_unknown_outcome_asks_for_attention_once_the_rest_ended() {
        assert_eq!(
            PostState::of(&[Published, OutcomeUnknown]),
            PostState::NeedsAttention
        );
        assert_eq!(
            PostState::of(&[Pending, OutcomeUnknown]),
            PostState::Publishing
        );
    }

    #[test]
    fn scheduled_and_cancelled_targets() {
        assert_eq!(PostState::of(&[Scheduled, Scheduled]), PostState::Scheduled);
        assert_eq!(PostState::of(&[Scheduled, Cancelled]), PostState::Scheduled);
        assert_eq!(PostState::of(&[Cancelled, Cancelled]), PostState::Cancelled);
        assert_eq!(PostState::of(&[Published, Cancelled]), PostState::Published);
    }
}
