use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use socialpub_domain::Platform;
use socialpub_domain::insights::{AccountPost, PlatformTag, PostMetrics};
use time::OffsetDateTime;

use crate::{PlatformError, PublishAccount};

/// How many followers of the account were online in the hour starting at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudienceHour {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub online: u64,
}

/// One platform's read side for insights: the account's posts and their metrics, its
/// audience, and live hashtag data. Each call costs platform quota, which is why the use
/// cases put a cache in front of them.
///
/// Methods a platform has no API for answer an empty list (the defaults), never an error and
/// never an estimate.
#[async_trait]
pub trait InsightsReader: Send + Sync {
    fn platform(&self) -> Platform;

    /// The account's most recent posts (at most `limit`, newest first), whoever published
    /// them, with the metrics the listing carries.
    ///
    /// # Errors
    /// A classified [`PlatformError`] (a missing read scope is `Permission`).
    async fn recent_posts(
        &self,
        account: &PublishAccount,
        limit: usize,
    ) -> Result<Vec<AccountPost>, PlatformError>;

    /// One post's metrics now.
    ///
    /// # Errors
    /// A classified [`PlatformError`]; a deleted post is `InvalidRequest` with a 404 status.
    async fn post_metrics(
        &self,
        account: &PublishAccount,
        external_id: &str,
    ) -> Result<PostMetrics, PlatformError>;

    /// Followers online per hour, where the platform reports it (Instagram's
    /// `online_followers`).
    ///
    /// # Errors
    /// A classified [`PlatformError`].
    async fn audience_online(
        &self,
        _account: &PublishAccount,
    ) -> Result<Vec<AudienceHour>, PlatformError> {
        Ok(Vec::new())
    }

    /// Tags the platform's live data relates to the keywords (Instagram hashtag search, tags
    /// co-occurring in X recent search, Pinterest trending keywords).
    ///
    /// # Errors
    /// A classified [`PlatformError`].
    async fn related_hashtags(
        &self,
        _account: &PublishAccount,
        _keywords: &[String],
    ) -> Result<Vec<PlatformTag>, PlatformError> {
        Ok(Vec::new())
    }
}

/// The insights readers this process can use; a platform without one answers from stored
/// data and shipped files only.
pub trait InsightsReaderRegistry: Send + Sync {
    fn reader(&self, platform: Platform) -> Option<Arc<dyn InsightsReader>>;
}
