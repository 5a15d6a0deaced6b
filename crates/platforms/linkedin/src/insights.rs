//! Insights reads on LinkedIn's `/rest` API. LinkedIn has no audience-online metric and no
//! hashtag or trend API (those keep the port's empty defaults), and its analytics are daily at
//! best, so best times come from our posts' engagement by the hour they went out.
//!
//! - An organization's posts (`GET /rest/posts?q=author`, scope `r_organization_social`) with
//!   their lifetime counts from `organizationalEntityShareStatistics` (one call for a page of
//!   posts; organic only; a post with no activity is left out by LinkedIn and reads as zero).
//! - A member's posts cannot be listed; one member post's counts come from
//!   `memberCreatorPostAnalytics` (`r_member_postAnalytics`, version 202506 or later), one
//!   call per metric.
//!
//! LinkedIn has no saves count here: unavailable, never estimated.

use async_trait::async_trait;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use socialpub_domain::Platform;
use socialpub_domain::SecretString;
use socialpub_domain::insights::{AccountPost, PostMetrics};
use socialpub_platform_http::malformed_body;
use socialpub_ports::{InsightsReader, PlatformError, PublishAccount};
use time::OffsetDateTime;

use crate::client::LinkedinClient;

const ORGANIZATION: &str = "urn:li:organization:";
/// Posts per page of the author finder, and per statistics call.
const PAGE: u32 = 50;
/// The member analytics asked for, and where each goes.
pub const MEMBER_QUERY_TYPES: [&str; 4] = ["REACTION", "COMMENT", "RESHARE", "IMPRESSION"];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Elements<T> {
    elements: Vec<T>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ShareStatistics {
    share: Option<String>,
    ugc_post: Option<String>,
    total_share_statistics: Option<TotalShareStatistics>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct TotalShareStatistics {
    impression_count: Option<u64>,
    like_count: Option<u64>,
    comment_count: Option<u64>,
    share_count: Option<u64>,
}

impl TotalShareStatistics {
    fn metrics(&self) -> PostMetrics {
        PostMetrics {
            likes: self.like_count,
            comments: self.comment_count,
            shares: self.share_count,
            saves: None,
            views: self.impression_count,
        }
    }
}

/// A post LinkedIn left out of the statistics had no activity.
fn no_activity() -> PostMetrics {
    PostMetrics {
        likes: Some(0),
        comments: Some(0),
        shares: Some(0),
        saves: None,
        views: Some(0),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MemberCount {
    count: Option<u64>,
}

/// A URN as Rest.li wants it inside a query value: its reserved characters percent-encoded.
fn restli(urn: &str) -> String {
    let mut out = String::with_capacity(urn.len() + 12);
    for c in urn.chars() {
        match c {
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '&' => out.push_str("%26"),
            '=' => out.push_str("%3D"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            ' ' => out.push_str("%20"),
            '+' => out.push_str("%2B"),
            c => out.push(c),
        }
    }
    out
}

/// The [`InsightsReader`] port on a [`LinkedinClient`].
#[derive(Debug, Clone)]
pub struct LinkedinInsights {
    client: LinkedinClient,
}

impl LinkedinInsights {
    pub fn new(client: LinkedinClient) -> Self {
        Self { client }
    }

    /// `GET /rest/{resource}?{query}`, the query already Rest.li-encoded.
    async fn get<T: DeserializeOwned>(
        &self,
        token: &SecretString,
        resource: &str,
        query: &str,
    ) -> Result<T, PlatformError> {
        let mut url = self.client.api_url(&["rest", resource])?;
        url.set_query(Some(query));
        let received = self
            .client
            .send_rest(self.client.rest_get(url, token), &[token])
            .await?;
        serde_json::from_slice(&received.body)
            .map_err(|error| malformed_body(Platform::Linkedin, received.status, &error))
    }

    /// Lifetime counts of an organization's posts, by post URN.
    async fn organization_statistics(
        &self,
        token: &SecretString,
        organization: &str,
        posts: &[&str],
    ) -> Result<Vec<(String, PostMetrics)>, PlatformError> {
        let list = |kind: &str| -> Option<String> {
            let urns: Vec<String> = posts
                .iter()
                .filter(|urn| urn.starts_with(kind))
                .map(|urn| restli(urn))
                .collect();
            (!urns.is_empty()).then(|| format!("List({})", urns.join(",")))
        };
        let mut query = format!(
            "q=organizationalEntity&organizationalEntity={}",
            restli(organization)
        );
        if let Some(shares) = list("urn:li:share:") {
            query.push_str(&format!("&shares={shares}"));
        }
        if let Some(ugc) = list("urn:li:ugcPost:") {
            query.push_str(&format!("&ugcPosts={ugc}"));
        }
        let answer: Elements<ShareStatistics> = self
            .get(token, "organizationalEntityShareStatistics", &query)
            .await?;
        Ok(posts
            .iter()
            .map(|urn| {
                let metrics = answer
                    .elements
                    .iter()
                    .find(|element| {
                        element.share.as_deref() == Some(urn)
                            || element.ugc_post.as_deref() == Some(urn)
                    })
                    .and_then(|element| element.total_share_statistics.as_ref())
                    .map_or_else(no_activity, TotalShareStatistics::metrics);
                ((*urn).to_owned(), metrics)
            })
            .collect())
    }

    /// A member post's lifetime counts, one `memberCreatorPostAnalytics` call per metric.
    async fn member_post(
        &self,
        token: &SecretString,
        post: &str,
    ) -> Result<PostMetrics, PlatformError> {
        let kind = if post.starts_with("urn:li:ugcPost:") {
            "ugc"
        } else {
            "share"
        };
        let mut counts = [None; 4];
        for (slot, query_type) in counts.iter_mut().zip(MEMBER_QUERY_TYPES) {
            let query = format!(
                "q=entity&entity=({kind}:{})&queryType={query_type}&aggregation=TOTAL",
                restli(post)
            );
            let answer: Elements<MemberCount> = self
                .get(token, "memberCreatorPostAnalytics", &query)
                .await?;
            // An empty answer is no activity yet.
            *slot = Some(
                answer
                    .elements
                    .iter()
                    .filter_map(|element| element.count)
                    .sum(),
            );
        }
        let [likes, comments, shares, views] = counts;
        Ok(PostMetrics {
            likes,
            comments,
            shares,
            saves: None,
            views,
        })
    }
}

#[async_trait]
impl InsightsReader for LinkedinInsights {
    fn platform(&self) -> Platform {
        Platform::Linkedin
    }

    /// An organization's newest posts with their counts; a member's posts cannot be listed
    /// (none).
    async fn recent_posts(
        &self,
        account: &PublishAccount,
        limit: usize,
    ) -> Result<Vec<AccountPost>, PlatformError> {
        let author = account.external_user_id.as_str();
        if !author.starts_with(ORGANIZATION) {
            return Ok(Vec::new());
        }
        let token = &account.access_token;
        let mut posts = Vec::new();
        let mut start = 0u32;
        while posts.len() < limit {
            let page = self
                .client
                .posts_by_author(token, author, start, PAGE)
                .await?;
            let listed: Vec<_> = page
                .posts
                .into_iter()
                .filter_map(|post| {
                    let at = post.published_at.or(post.created_at)?;
                    let published_at =
                        OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
                            .ok()?;
                    Some((post.id, published_at, post.commentary.unwrap_or_default()))
                })
                .collect();
            if listed.is_empty() {
                break;
            }
            let urns: Vec<&str> = listed.iter().map(|(id, _, _)| id.as_str()).collect();
            let statistics = self.organization_statistics(token, author, &urns).await?;
            let full = listed.len() as u32 == PAGE;
            for ((id, published_at, text), (_, metrics)) in listed.into_iter().zip(statistics) {
                posts.push(AccountPost {
                    external_id: id,
                    published_at,
                    text,
                    metrics,
                });
            }
            if !full {
                break;
            }
            start += PAGE;
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
        let token = &account.access_token;
        let owner = account.external_user_id.as_str();
        if owner.starts_with(ORGANIZATION) {
            let mut statistics = self
                .organization_statistics(token, owner, &[external_id])
                .await?;
            Ok(statistics.pop().map_or_else(no_activity, |(_, m)| m))
        } else {
            self.member_post(token, external_id).await
        }
    }
}
