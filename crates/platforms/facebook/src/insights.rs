//! Insights reads on a Facebook Page (with its Page token): the Page's recent posts with
//! their reactions, comments and shares (`GET /{page-id}/published_posts`, the best-time
//! source: Meta retired `page_fans_online` on 2024-09-16 and has no other audience-online
//! metric), and one post's counts plus its `post_media_view` insight.
//!
//! `post_impressions*` (retired 2025-11-15) and the `*_unique` impression metrics (retired
//! 2026-06-15) are never asked for. Facebook has no saves count and no hashtag API: those
//! stay unavailable and empty.

use async_trait::async_trait;
use serde::Deserialize;
use socialpub_domain::insights::{AccountPost, PostMetrics};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::meta_graph::{
    GraphInsights, GraphPaging, classify_graph, parse_graph_time,
};
use socialpub_ports::{InsightsReader, PlatformError, PublishAccount};

use crate::client::FacebookClient;

/// The counts asked of a post: totals only, no rows.
pub const POST_COUNT_FIELDS: &str = "id,message,created_time,shares,comments.limit(0).summary(true),reactions.limit(0).summary(true)";
/// The post insight asked for: its views (the current name).
pub const POST_VIEWS_METRIC: &str = "post_media_view";
/// Graph's largest page of posts.
const PAGE: usize = 100;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PagePost {
    id: String,
    message: Option<String>,
    created_time: Option<String>,
    shares: Option<Count>,
    comments: Option<Summarized>,
    reactions: Option<Summarized>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Count {
    count: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Summarized {
    summary: Option<Summary>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Summary {
    total_count: Option<u64>,
}

impl PagePost {
    fn metrics(&self) -> PostMetrics {
        let total = |s: &Option<Summarized>| {
            s.as_ref()
                .and_then(|s| s.summary.as_ref())
                .and_then(|s| s.total_count)
        };
        PostMetrics {
            likes: total(&self.reactions),
            comments: total(&self.comments),
            // A post nobody shared has no `shares` field at all.
            shares: Some(
                self.shares
                    .as_ref()
                    .and_then(|shares| shares.count)
                    .unwrap_or(0),
            ),
            saves: None,
            views: None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PostList {
    data: Vec<PagePost>,
    paging: Option<GraphPaging>,
}

/// The [`InsightsReader`] port on a [`FacebookClient`].
#[derive(Debug, Clone)]
pub struct FacebookInsights {
    client: FacebookClient,
}

impl FacebookInsights {
    pub fn new(client: FacebookClient) -> Self {
        Self { client }
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        token: &SecretString,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<T, PlatformError> {
        let mut url = self.client.graph_url(segments)?;
        url.query_pairs_mut().extend_pairs(query);
        let request = self.client.http.get(url).bearer_auth(token.expose());
        self.client.call(request, classify_graph, &[token]).await
    }
}

#[async_trait]
impl InsightsReader for FacebookInsights {
    fn platform(&self) -> Platform {
        Platform::Facebook
    }

    async fn recent_posts(
        &self,
        account: &PublishAccount,
        limit: usize,
    ) -> Result<Vec<AccountPost>, PlatformError> {
        let token = &account.access_token;
        let mut posts = Vec::new();
        let mut after: Option<String> = None;
        while posts.len() < limit {
            let page_size = (limit - posts.len()).min(PAGE).to_string();
            let mut query = vec![("fields", POST_COUNT_FIELDS), ("limit", page_size.as_str())];
            if let Some(after) = &after {
                query.push(("after", after.as_str()));
            }
            let page: PostList = self
                .get(
                    token,
                    &[&account.external_user_id, "published_posts"],
                    &query,
                )
                .await?;
            let empty = page.data.is_empty();
            posts.extend(page.data.into_iter().filter_map(|post| {
                Some(AccountPost {
                    published_at: parse_graph_time(post.created_time.as_deref()?)?,
                    metrics: post.metrics(),
                    text: post.message.clone().unwrap_or_default(),
                    external_id: post.id,
                })
            }));
            let next = GraphPaging::next_cursor(page.paging);
            match next {
                Some(next) if !empty && Some(&next) != after.as_ref() => after = Some(next),
                _ => break,
            }
        }
        posts.truncate(limit);
        Ok(posts)
    }

    /// The post's counts, and its views from `post_media_view` when Graph gives them.
    async fn post_metrics(
        &self,
        account: &PublishAccount,
        external_id: &str,
    ) -> Result<PostMetrics, PlatformError> {
        let token = &account.access_token;
        let post: PagePost = self
            .get(token, &[external_id], &[("fields", POST_COUNT_FIELDS)])
            .await?;
        let mut metrics = post.metrics();
        let views: GraphInsights = self
            .get(
                token,
                &[external_id, "insights"],
                &[("metric", POST_VIEWS_METRIC), ("period", "lifetime")],
            )
            .await?;
        metrics.views = views.count(POST_VIEWS_METRIC);
        Ok(metrics)
    }
}
