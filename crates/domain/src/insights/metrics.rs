//! What a platform tells about one post's reception.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Engagement counts of one post. `None` means the platform does not give that number (it
/// never did, or retired it, like Instagram's `impressions`): unavailable, never estimated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostMetrics {
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub saves: Option<u64>,
    /// Views, plays or impressions, whatever the platform counts as being seen.
    pub views: Option<u64>,
}

impl PostMetrics {
    /// One number to compare posts of the same account by: interactions, the costlier ones
    /// (a comment, a share, a save) weighing more than a like. Views are left out: platforms
    /// count them too differently, and an interaction already implies one.
    pub fn engagement(&self) -> f64 {
        let weighted = |count: Option<u64>, weight: f64| count.unwrap_or(0) as f64 * weight;
        weighted(self.likes, 1.0)
            + weighted(self.comments, 2.0)
            + weighted(self.shares, 3.0)
            + weighted(self.saves, 2.0)
    }
}

/// One of the account's posts as the platform lists it, with its metrics when read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountPost {
    pub external_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// Caption or text, for the hashtags it carried.
    pub text: String,
    pub metrics: PostMetrics,
}
