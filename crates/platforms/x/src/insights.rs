//! Insights reads on X API v2: the account's own posts with `public_metrics`
//! (`GET /2/users/{id}/tweets`, the best-time source), one post's metrics
//! (`GET /2/tweets/{id}`), and the hashtags that co-occur with keywords in recent public posts
//! (`GET /2/tweets/search/recent`, the live hashtag source).

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::Deserialize;
use socialpub_domain::insights::{AccountPost, PlatformTag, PostMetrics};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::send_json;
use socialpub_ports::{InsightsReader, PlatformError, PublishAccount};
use time::OffsetDateTime;

use crate::client::XClient;
use crate::errors::classify;

/// X's largest page of a timeline or a recent search.
const PAGE: usize = 100;

/// `public_metrics` of a post.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PublicMetrics {
    #[serde(default)]
    pub retweet_count: Option<u64>,
    #[serde(default)]
    pub reply_count: Option<u64>,
    #[serde(default)]
    pub like_count: Option<u64>,
    #[serde(default)]
    pub quote_count: Option<u64>,
    #[serde(default)]
    pub bookmark_count: Option<u64>,
    #[serde(default)]
    pub impression_count: Option<u64>,
}

impl PublicMetrics {
    pub fn metrics(&self) -> PostMetrics {
        let shares = match (self.retweet_count, self.quote_count) {
            (None, None) => None,
            (retweets, quotes) => Some(retweets.unwrap_or(0) + quotes.unwrap_or(0)),
        };
        PostMetrics {
            likes: self.like_count,
            comments: self.reply_count,
            shares,
            saves: self.bookmark_count,
            views: self.impression_count,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct MetricTweet {
    id: String,
    #[serde(default)]
    text: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    created_at: Option<OffsetDateTime>,
    #[serde(default)]
    public_metrics: Option<PublicMetrics>,
    #[serde(default)]
    entities: Option<Entities>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Entities {
    #[serde(default)]
    hashtags: Vec<Hashtag>,
}

#[derive(Debug, Clone, Deserialize)]
struct Hashtag {
    tag: String,
}

#[derive(Debug, Deserialize)]
struct Listing {
    #[serde(default)]
    data: Vec<MetricTweet>,
    #[serde(default)]
    meta: Meta,
}

#[derive(Debug, Default, Deserialize)]
struct Meta {
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Single {
    data: MetricTweet,
}

impl XClient {
    async fn metric_page(
        &self,
        access_token: &SecretString,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Listing, PlatformError> {
        let request = self
            .http
            .get(self.api_url(path))
            .query(query)
            .bearer_auth(access_token.expose());
        send_json(request, Platform::X, classify).await
    }
}

/// The [`InsightsReader`] port on an [`XClient`].
#[derive(Debug, Clone)]
pub struct XInsights {
    client: XClient,
}

impl XInsights {
    pub fn new(client: XClient) -> Self {
        Self { client }
    }
}

#[async_trait]
impl InsightsReader for XInsights {
    fn platform(&self) -> Platform {
        Platform::X
    }

    /// Original posts only (no replies or reposts: their reach is another story).
    async fn recent_posts(
        &self,
        account: &PublishAccount,
        limit: usize,
    ) -> Result<Vec<AccountPost>, PlatformError> {
        let path = format!("/2/users/{}/tweets", account.external_user_id);
        let mut posts = Vec::new();
        let mut token: Option<String> = None;
        while posts.len() < limit {
            let page_size = (limit - posts.len()).clamp(5, PAGE).to_string();
            let mut query = vec![
                ("max_results", page_size.as_str()),
                ("exclude", "replies,retweets"),
                ("tweet.fields", "id,text,created_at,public_metrics"),
            ];
            if let Some(token) = &token {
                query.push(("pagination_token", token.as_str()));
            }
            let page = self
                .client
                .metric_page(&account.access_token, &path, &query)
                .await?;
            posts.extend(page.data.into_iter().filter_map(|tweet| {
                Some(AccountPost {
                    published_at: tweet.created_at?,
                    metrics: tweet.public_metrics.unwrap_or_default().metrics(),
                    external_id: tweet.id,
                    text: tweet.text,
                })
            }));
            match page.meta.next_token.filter(|t| !t.is_empty()) {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        posts.truncate(limit);
        Ok(posts)
    }

    async fn post_metrics(
        &self,
        account: &PublishAccount,
        external_id: &str,
    ) -> Result<PostMetrics, PlatformError> {
        let request = self
            .client
            .http
            .get(self.client.api_url(&format!("/2/tweets/{external_id}")))
            .query(&[("tweet.fields", "public_metrics")])
            .bearer_auth(account.access_token.expose());
        let single: Single = send_json(request, Platform::X, classify).await?;
        Ok(single.data.public_metrics.unwrap_or_default().metrics())
    }

    /// Hashtags of the last 100 public posts that mention any keyword, most frequent first.
    async fn related_hashtags(
        &self,
        account: &PublishAccount,
        keywords: &[String],
    ) -> Result<Vec<PlatformTag>, PlatformError> {
        let terms: Vec<String> = keywords
            .iter()
            .map(|k| {
                let k = k.trim().trim_start_matches('#');
                if k.contains(' ') {
                    format!("\"{}\"", k.replace('"', ""))
                } else {
                    k.to_owned()
                }
            })
            .filter(|k| !k.is_empty())
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let query = format!("({}) has:hashtags -is:retweet", terms.join(" OR "));
        let page = self
            .client
            .metric_page(
                &account.access_token,
                "/2/tweets/search/recent",
                &[
                    ("query", query.as_str()),
                    ("max_results", "100"),
                    ("tweet.fields", "entities"),
                ],
            )
            .await?;
        let total = page.data.len();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for tweet in &page.data {
            let mut seen: Vec<String> = tweet
                .entities
                .as_ref()
                .map(|e| e.hashtags.iter().map(|h| h.tag.to_lowercase()).collect())
                .unwrap_or_default();
            seen.sort();
            seen.dedup();
            for tag in seen {
                *counts.entry(tag).or_default() += 1;
            }
        }
        let best = counts.values().copied().max().unwrap_or(0).max(1);
        let mut tags: Vec<PlatformTag> = counts
            .into_iter()
            .map(|(tag, count)| PlatformTag {
                popularity: count as f64 / best as f64,
                reason: format!(
                    "in {count} of {total} recent X posts about {}",
                    keywords.join(", ")
                ),
                tag,
            })
            .collect();
        tags.sort_by(|a, b| {
            b.popularity
                .total_cmp(&a.popularity)
                .then(a.tag.cmp(&b.tag))
        });
        tags.truncate(30);
        Ok(tags)
    }
}
