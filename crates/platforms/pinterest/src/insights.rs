//! Insights reads on Pinterest API v5: the account's own Pins with their lifetime metrics
//! (`GET /v5/pins?pin_metrics=true`; Pinterest's analytics are daily only, so best times come
//! from when our Pins went out and how they did), one Pin's metrics
//! (`GET /v5/pins/{pin_id}?pin_metrics=true`), and trending keywords
//! (`GET /v5/trends/keywords/{region}/top/growing`) as the live hashtag source.
//!
//! Pinterest counts saves, reactions, comments and impressions; it has no shares count, and a
//! Pin whose lifetime metrics Pinterest does not give (older non-video Pins) reads as
//! unavailable, never estimated.

use async_trait::async_trait;
use serde::Deserialize;
use socialpub_domain::insights::{AccountPost, PlatformTag, PostMetrics};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::meta_graph::parse_graph_time;
use socialpub_platform_http::{path_url, send_json};
use socialpub_ports::{InsightsReader, PlatformError, PublishAccount};

use crate::client::PinterestClient;
use crate::errors::classify;

/// Pins per page of the listing (Pinterest's largest is 250).
const PAGE: usize = 100;
/// The trends region asked for. US is the broadest of Pinterest's regions.
pub const TRENDS_REGION: &str = "US";
/// Trending keywords asked for (Pinterest's largest).
const TRENDS_LIMIT: &str = "50";
/// `include_keywords` takes at most 50.
const MAX_INCLUDED_KEYWORDS: usize = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MetricPin {
    id: String,
    created_at: Option<String>,
    title: Option<String>,
    description: Option<String>,
    pin_metrics: Option<PinMetrics>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PinMetrics {
    lifetime_metrics: Option<Counts>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Counts {
    impression: Option<u64>,
    save: Option<u64>,
    reaction: Option<u64>,
    comment: Option<u64>,
}

impl MetricPin {
    fn metrics(&self) -> PostMetrics {
        let Some(counts) = self
            .pin_metrics
            .as_ref()
            .and_then(|metrics| metrics.lifetime_metrics.as_ref())
        else {
            return PostMetrics::default();
        };
        PostMetrics {
            likes: counts.reaction,
            comments: counts.comment,
            shares: None,
            saves: counts.save,
            views: counts.impression,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PinList {
    items: Vec<MetricPin>,
    bookmark: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Trends {
    trends: Vec<Trend>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Trend {
    keyword: String,
    pct_growth_mom: Option<i64>,
}

/// The [`InsightsReader`] port on a [`PinterestClient`].
#[derive(Debug, Clone)]
pub struct PinterestInsights {
    client: PinterestClient,
}

impl PinterestInsights {
    pub fn new(client: PinterestClient) -> Self {
        Self { client }
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        token: &SecretString,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<T, PlatformError> {
        let url = path_url(
            &self.client.config.api_base_url,
            Platform::Pinterest,
            "api_base_url",
            segments.iter().copied(),
        )?;
        let request = self
            .client
            .http
            .get(url)
            .query(query)
            .bearer_auth(token.expose());
        send_json(request, Platform::Pinterest, classify).await
    }
}

#[async_trait]
impl InsightsReader for PinterestInsights {
    fn platform(&self) -> Platform {
        Platform::Pinterest
    }

    async fn recent_posts(
        &self,
        account: &PublishAccount,
        limit: usize,
    ) -> Result<Vec<AccountPost>, PlatformError> {
        let mut posts = Vec::new();
        let mut bookmark: Option<String> = None;
        while posts.len() < limit {
            let page_size = (limit - posts.len()).clamp(1, PAGE).to_string();
            let mut query = vec![("pin_metrics", "true"), ("page_size", page_size.as_str())];
            if let Some(bookmark) = &bookmark {
                query.push(("bookmark", bookmark.as_str()));
            }
            let page: PinList = self
                .get(&account.access_token, &["v5", "pins"], &query)
                .await?;
            let empty = page.items.is_empty();
            posts.extend(page.items.into_iter().filter_map(|pin| {
                let published_at = parse_graph_time(pin.created_at.as_deref()?)?;
                let metrics = pin.metrics();
                let text = [pin.title, pin.description]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                Some(AccountPost {
                    external_id: pin.id,
                    published_at,
                    text,
                    metrics,
                })
            }));
            match page.bookmark.filter(|b| !b.is_empty()) {
                Some(next) if !empty && Some(&next) != bookmark.as_ref() => bookmark = Some(next),
                _ => break,
            }
        }
        posts.truncate(limit);
        posts.sort_by_key(|post| std::cmp::Reverse(post.published_at));
        Ok(posts)
    }

    async fn post_metrics(
        &self,
        account: &PublishAccount,
        external_id: &str,
    ) -> Result<PostMetrics, PlatformError> {
        let pin: MetricPin = self
            .get(
                &account.access_token,
                &["v5", "pins", external_id],
                &[("pin_metrics", "true")],
            )
            .await?;
        Ok(pin.metrics())
    }

    /// Growing keywords in the US that contain the keywords, most trending first; each
    /// becomes a tag (its words run together).
    async fn related_hashtags(
        &self,
        account: &PublishAccount,
        keywords: &[String],
    ) -> Result<Vec<PlatformTag>, PlatformError> {
        let included: Vec<String> = keywords
            .iter()
            .map(|k| k.trim().trim_start_matches('#').to_lowercase())
            .filter(|k| !k.is_empty())
            .take(MAX_INCLUDED_KEYWORDS)
            .collect();
        if included.is_empty() {
            return Ok(Vec::new());
        }
        let include = included.join(",");
        let answer: Trends = self
            .get(
                &account.access_token,
                &["v5", "trends", "keywords", TRENDS_REGION, "top", "growing"],
                &[
                    ("include_keywords", include.as_str()),
                    ("limit", TRENDS_LIMIT),
                ],
            )
            .await?;
        let total = answer.trends.len();
        let mut tags: Vec<PlatformTag> = Vec::new();
        for (rank, trend) in answer.trends.iter().enumerate() {
            let tag: String = trend
                .keyword
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '_')
                .flat_map(char::to_lowercase)
                .collect();
            if tag.is_empty() || tags.iter().any(|t| t.tag == tag) {
                continue;
            }
            let growth = match trend.pct_growth_mom {
                Some(10_001) => "new this month".to_owned(),
                Some(pct) => format!("{pct:+}% month on month"),
                None => "growing".to_owned(),
            };
            tags.push(PlatformTag {
                tag,
                popularity: 1.0 - rank as f64 / total.max(1) as f64,
                reason: format!(
                    "Pinterest trend #{} in {TRENDS_REGION}: \"{}\", {growth}",
                    rank + 1,
                    trend.keyword
                ),
            });
        }
        tags.truncate(30);
        Ok(tags)
    }
}
