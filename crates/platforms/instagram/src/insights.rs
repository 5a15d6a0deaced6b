//! Insights reads on an Instagram Graph host: the account's recent media with each one's
//! metrics (`GET /{ig-user-id}/media`, then `GET /{media-id}/insights`), one media object's
//! metrics, followers online per hour (`online_followers`, the best-time source where Graph
//! still serves it), and hashtag research (`ig_hashtag_search` and the tag's `top_media`,
//! Facebook Login only).
//!
//! Only current metrics are asked for: `views` (which replaced the retired `impressions`,
//! `plays` and `video_views`), `likes`, `comments`, `shares`, `saved`. A metric Graph leaves
//! out is unavailable (`None`), never estimated. Instagram Login has no hashtag search, and
//! `online_followers` may be refused as an invalid metric (code 100): both answer empty.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::Deserialize;
use socialpub_domain::insights::{AccountPost, PlatformTag, PostMetrics, normalize_hashtag};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::meta_graph::{
    GraphInsights, GraphPaging, classify_graph, parse_graph_time,
};
use socialpub_platform_http::path_url;
use socialpub_ports::{AudienceHour, InsightsReader, PlatformError, PublishAccount};
use time::{Duration, OffsetDateTime};
use url::Url;

use crate::client::InstagramClient;
use crate::media::LoginPath;

/// The media metrics asked for (current names only; see the module doc).
pub const MEDIA_METRICS: &str = "views,likes,comments,shares,saved";
/// Graph's largest page of media.
const PAGE: usize = 50;
/// Media whose metrics are read for a listing: each is one more call.
pub const MAX_MEDIA_WITH_METRICS: usize = 50;
/// `online_followers` covers at most the last 30 days.
const AUDIENCE_DAYS: i64 = 30;
/// Hashtags looked up per request: each new one spends one of the account's 30 a week.
const MAX_HASHTAG_SEARCHES: usize = 3;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MediaItem {
    id: String,
    caption: Option<String>,
    timestamp: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MediaList {
    data: Vec<MediaItem>,
    paging: Option<GraphPaging>,
}

/// A post's counts from its insights; what Graph did not give stays unknown.
fn post_metrics_of(insights: &GraphInsights) -> PostMetrics {
    PostMetrics {
        likes: insights.count("likes"),
        comments: insights.count("comments"),
        shares: insights.count("shares"),
        saves: insights.count("saved"),
        views: insights.count("views"),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct IdList {
    data: Vec<IdOnly>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct IdOnly {
    id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TagMedia {
    data: Vec<MediaItem>,
}

/// The [`InsightsReader`] port on an [`InstagramClient`]: Instagram Login tokens are served
/// by the client's API host, Facebook Login tokens (`EAA...`) by `facebook_graph_base_url`.
#[derive(Debug, Clone)]
pub struct InstagramInsights {
    client: InstagramClient,
    facebook_graph_base_url: Url,
}

impl InstagramInsights {
    pub fn new(client: InstagramClient, facebook_graph_base_url: Url) -> Self {
        Self {
            client,
            facebook_graph_base_url,
        }
    }

    fn url(&self, token: &SecretString, segments: &[&str]) -> Result<Url, PlatformError> {
        let base = match LoginPath::of_token(token) {
            LoginPath::InstagramLogin => &self.client.config.api_base_url,
            LoginPath::FacebookLogin => &self.facebook_graph_base_url,
        };
        path_url(
            base,
            Platform::Instagram,
            "api_base_url",
            std::iter::once(self.client.graph_api_version()).chain(segments.iter().copied()),
        )
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        token: &SecretString,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<T, PlatformError> {
        let mut url = self.url(token, segments)?;
        url.query_pairs_mut().extend_pairs(query);
        let request = self.client.http.get(url).bearer_auth(token.expose());
        self.client.call(request, classify_graph, &[token]).await
    }

    async fn media_metrics(
        &self,
        token: &SecretString,
        media_id: &str,
    ) -> Result<PostMetrics, PlatformError> {
        let list: GraphInsights = self
            .get(token, &[media_id, "insights"], &[("metric", MEDIA_METRICS)])
            .await?;
        Ok(post_metrics_of(&list))
    }
}

/// The letters, digits and underscores of `text`, which is what a hashtag is made of.
fn linkable(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Graph's "invalid metric" (code 100), how a retired metric is refused.
fn invalid_metric(error: &PlatformError) -> bool {
    error
        .code
        .as_deref()
        .is_some_and(|code| code == "100" || code.starts_with("100/"))
}

#[async_trait]
impl InsightsReader for InstagramInsights {
    fn platform(&self) -> Platform {
        Platform::Instagram
    }

    /// The newest media (not stories) with their metrics; media past
    /// [`MAX_MEDIA_WITH_METRICS`] are not listed, since each costs a call.
    async fn recent_posts(
        &self,
        account: &PublishAccount,
        limit: usize,
    ) -> Result<Vec<AccountPost>, PlatformError> {
        let token = &account.access_token;
        let fields = match LoginPath::of_token(token) {
            LoginPath::FacebookLogin => "id,caption,timestamp",
            // Instagram Login has no caption read-back.
            LoginPath::InstagramLogin => "id,timestamp",
        };
        let limit = limit.min(MAX_MEDIA_WITH_METRICS);
        let mut media: Vec<MediaItem> = Vec::new();
        let mut after: Option<String> = None;
        while media.len() < limit {
            let page_size = (limit - media.len()).min(PAGE).to_string();
            let mut query = vec![("fields", fields), ("limit", page_size.as_str())];
            if let Some(after) = &after {
                query.push(("after", after.as_str()));
            }
            let page: MediaList = self
                .get(token, &[&account.external_user_id, "media"], &query)
                .await?;
            let empty = page.data.is_empty();
            media.extend(page.data);
            let next = GraphPaging::next_cursor(page.paging);
            match next {
                Some(next) if !empty && Some(&next) != after.as_ref() => after = Some(next),
                _ => break,
            }
        }
        media.truncate(limit);
        let mut posts = Vec::with_capacity(media.len());
        for item in media {
            let Some(published_at) = item.timestamp.as_deref().and_then(parse_graph_time) else {
                continue;
            };
            let metrics = self.media_metrics(token, &item.id).await?;
            posts.push(AccountPost {
                external_id: item.id,
                published_at,
                text: item.caption.unwrap_or_default(),
                metrics,
            });
        }
        Ok(posts)
    }

    async fn post_metrics(
        &self,
        account: &PublishAccount,
        external_id: &str,
    ) -> Result<PostMetrics, PlatformError> {
        self.media_metrics(&account.access_token, external_id).await
    }

    /// `online_followers` of the last 30 days: each day's `value` maps the hours of that day
    /// (counted from the start of the day ending at `end_time`) to followers online.
    async fn audience_online(
        &self,
        account: &PublishAccount,
    ) -> Result<Vec<AudienceHour>, PlatformError> {
        let until = OffsetDateTime::now_utc();
        let since = until - Duration::days(AUDIENCE_DAYS);
        let (since, until) = (
            since.unix_timestamp().to_string(),
            until.unix_timestamp().to_string(),
        );
        let answer: Result<GraphInsights, PlatformError> = self
            .get(
                &account.access_token,
                &[&account.external_user_id, "insights"],
                &[
                    ("metric", "online_followers"),
                    ("period", "lifetime"),
                    ("since", &since),
                    ("until", &until),
                ],
            )
            .await;
        let list = match answer {
            Ok(list) => list,
            Err(error) if invalid_metric(&error) => return Ok(Vec::new()),
            Err(error) => return Err(error),
        };
        let mut hours = Vec::new();
        for day in list
            .data
            .iter()
            .filter(|insight| insight.name == "online_followers")
            .flat_map(|insight| &insight.values)
        {
            let Some(end) = day.end_time.as_deref().and_then(parse_graph_time) else {
                continue;
            };
            let Some(by_hour) = day.value.as_object() else {
                continue;
            };
            let start = end - Duration::days(1);
            for (hour, online) in by_hour {
                let (Ok(hour), Some(online)) = (hour.parse::<i64>(), online.as_u64()) else {
                    continue;
                };
                if (0..24).contains(&hour) {
                    hours.push(AudienceHour {
                        at: start + Duration::hours(hour),
                        online,
                    });
                }
            }
        }
        hours.sort_by_key(|hour| hour.at);
        Ok(hours)
    }

    /// Tags found with the keywords in the top media of their hashtags (Facebook Login only:
    /// Instagram Login has no hashtag search). Each keyword searched spends one of the
    /// account's 30 hashtag searches a week, so at most [`MAX_HASHTAG_SEARCHES`] are.
    async fn related_hashtags(
        &self,
        account: &PublishAccount,
        keywords: &[String],
    ) -> Result<Vec<PlatformTag>, PlatformError> {
        let token = &account.access_token;
        if LoginPath::of_token(token) != LoginPath::FacebookLogin {
            return Ok(Vec::new());
        }
        // A hashtag has no spaces or punctuation: "street food" is searched as streetfood.
        let mut searched: Vec<String> = keywords
            .iter()
            .map(|k| linkable(&normalize_hashtag(k)))
            .filter(|k| !k.is_empty())
            .collect();
        searched.dedup();
        searched.truncate(MAX_HASHTAG_SEARCHES);
        let user = account.external_user_id.as_str();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut seen_media = 0usize;
        for keyword in &searched {
            let ids: IdList = self
                .get(
                    token,
                    &["ig_hashtag_search"],
                    &[("user_id", user), ("q", keyword)],
                )
                .await?;
            let Some(hashtag) = ids.data.first() else {
                continue;
            };
            let media: TagMedia = self
                .get(
                    token,
                    &[&hashtag.id, "top_media"],
                    &[
                        ("user_id", user),
                        ("fields", "id,caption,like_count,comments_count"),
                        ("limit", "50"),
                    ],
                )
                .await?;
            for item in &media.data {
                seen_media += 1;
                let mut tags: Vec<String> = item
                    .caption
                    .as_deref()
                    .unwrap_or_default()
                    .split_whitespace()
                    .filter(|word| word.starts_with('#'))
                    .map(|word| linkable(&normalize_hashtag(word)))
                    .filter(|tag| !tag.is_empty())
                    .collect();
                tags.sort();
                tags.dedup();
                for tag in tags {
                    *counts.entry(tag).or_default() += 1;
                }
            }
        }
        let best = counts.values().copied().max().unwrap_or(0).max(1);
        let mut tags: Vec<PlatformTag> = counts
            .into_iter()
            .map(|(tag, count)| PlatformTag {
                popularity: count as f64 / best as f64,
                reason: format!(
                    "in {count} of {seen_media} top Instagram posts for #{}",
                    searched.join(", #")
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
