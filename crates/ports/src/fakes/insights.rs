use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use socialpub_domain::Platform;
use socialpub_domain::insights::{AccountPost, PlatformTag, PostMetrics};

use super::lock;
use crate::{
    AudienceHour, InsightsReader, InsightsReaderRegistry, PlatformError, PlatformErrorKind,
    PublishAccount,
};

/// An account's posts, audience and related tags, held in memory. Counts every call, so tests
/// can tell a cache hit from a platform read; `fail_with` makes every call fail.
#[derive(Debug)]
pub struct FakeInsightsReader {
    platform: Platform,
    posts: Mutex<Vec<AccountPost>>,
    audience: Mutex<Vec<AudienceHour>>,
    tags: Mutex<Vec<PlatformTag>>,
    failure: Mutex<Option<PlatformError>>,
    calls: AtomicUsize,
}

impl FakeInsightsReader {
    pub fn new(platform: Platform) -> Self {
        Self {
            platform,
            posts: Mutex::new(Vec::new()),
            audience: Mutex::new(Vec::new()),
            tags: Mutex::new(Vec::new()),
            failure: Mutex::new(None),
            calls: AtomicUsize::new(0),
        }
    }

    pub fn with_posts(self, posts: Vec<AccountPost>) -> Self {
        *lock(&self.posts) = posts;
        self
    }

    pub fn with_audience(self, audience: Vec<AudienceHour>) -> Self {
        *lock(&self.audience) = audience;
        self
    }

    pub fn with_tags(self, tags: Vec<PlatformTag>) -> Self {
        *lock(&self.tags) = tags;
        self
    }

    /// Every later call fails with a transient error of the platform.
    pub fn fail(&self) {
        *lock(&self.failure) = Some(PlatformError {
            platform: self.platform,
            kind: PlatformErrorKind::PlatformDown,
            code: None,
            message: "the fake platform is down".to_owned(),
            http_status: Some(503),
            retry_after: None,
        });
    }

    /// How many platform calls were made.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn call(&self) -> Result<(), PlatformError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match lock(&self.failure).clone() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

#[async_trait]
impl InsightsReader for FakeInsightsReader {
    fn platform(&self) -> Platform {
        self.platform
    }

    async fn recent_posts(
        &self,
        _account: &PublishAccount,
        limit: usize,
    ) -> Result<Vec<AccountPost>, PlatformError> {
        self.call()?;
        let mut posts = lock(&self.posts).clone();
        posts.sort_by_key(|post| std::cmp::Reverse(post.published_at));
        posts.truncate(limit);
        Ok(posts)
    }

    async fn post_metrics(
        &self,
        _account: &PublishAccount,
        external_id: &str,
    ) -> Result<PostMetrics, PlatformError> {
        self.call()?;
        lock(&self.posts)
            .iter()
            .find(|post| post.external_id == external_id)
            .map(|post| post.metrics.clone())
            .ok_or_else(|| PlatformError {
                platform: self.platform,
                kind: PlatformErrorKind::InvalidRequest,
                code: None,
                message: format!("no post {external_id}"),
                http_status: Some(404),
                retry_after: None,
            })
    }

    async fn audience_online(
        &self,
        _account: &PublishAccount,
    ) -> Result<Vec<AudienceHour>, PlatformError> {
        self.call()?;
        Ok(lock(&self.audience).clone())
    }

    async fn related_hashtags(
        &self,
        _account: &PublishAccount,
        _keywords: &[String],
    ) -> Result<Vec<PlatformTag>, PlatformError> {
        self.call()?;
        Ok(lock(&self.tags).clone())
    }
}

/// A fixed set of readers.
#[derive(Default, Clone)]
pub struct StaticInsightsReaderRegistry {
    readers: HashMap<Platform, Arc<dyn InsightsReader>>,
}

impl StaticInsightsReaderRegistry {
    pub fn with(mut self, reader: Arc<dyn InsightsReader>) -> Self {
        self.readers.insert(reader.platform(), reader);
        self
    }
}

impl InsightsReaderRegistry for StaticInsightsReaderRegistry {
    fn reader(&self, platform: Platform) -> Option<Arc<dyn InsightsReader>> {
        self.readers.get(&platform).cloned()
    }
}
