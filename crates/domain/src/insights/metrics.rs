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

/// When, after a post went out, its metrics are read: early reach, the first day, and the
/// long tail. Each is read once; the newest one read is what the job shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MetricsCheckpoint {
    #[serde(rename = "1h")]
    OneHour,
    #[serde(rename = "24h")]
    OneDay,
    #[serde(rename = "7d")]
    OneWeek,
}

impl MetricsCheckpoint {
    /// Every checkpoint, earliest first.
    pub const ALL: [Self; 3] = [Self::OneHour, Self::OneDay, Self::OneWeek];

    /// The read parked when a job is published; the others follow by [`Self::next`].
    pub const FIRST: Self = Self::OneHour;

    /// How long after publication the read falls due.
    pub fn after(self) -> time::Duration {
        match self {
            Self::OneHour => time::Duration::hours(1),
            Self::OneDay => time::Duration::hours(24),
            Self::OneWeek => time::Duration::days(7),
        }
    }

    /// The read parked when this one ends: one row per job waits at a time, so publishing a
    /// job parks one read, not three.
    pub fn next(self) -> Option<Self> {
        match self {
            Self::OneHour => Some(Self::OneDay),
            Self::OneDay => Some(Self::OneWeek),
            Self::OneWeek => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OneHour => "1h",
            Self::OneDay => "24h",
            Self::OneWeek => "7d",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

impl std::fmt::Display for MetricsCheckpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A post's metrics as read at one checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricsReading {
    pub checkpoint: MetricsCheckpoint,
    #[serde(with = "time::serde::rfc3339")]
    pub read_at: OffsetDateTime,
    pub metrics: PostMetrics,
}
