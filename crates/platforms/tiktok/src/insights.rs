//! Insights reads: the creator's own videos with their counts (`POST /v2/video/list/`, the
//! best-time source: TikTok exposes no audience-activity data) and one video's counts
//! (`POST /v2/video/query/`). TikTok offers creator apps no hashtag or trend API, so
//! `related_hashtags` keeps the port's empty default.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::json;
use socialpub_domain::insights::{AccountPost, PostMetrics};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::platform_error;
use socialpub_ports::{InsightsReader, PlatformError, PlatformErrorKind, PublishAccount};
use time::OffsetDateTime;

use crate::client::TiktokClient;

/// The video fields read (scope `video.list`).
pub const VIDEO_FIELDS: &str =
    "id,create_time,title,video_description,like_count,comment_count,share_count,view_count";
/// TikTok's largest page.
const PAGE: usize = 20;

/// A video as the Display API lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct Video {
    pub id: String,
    /// Unix seconds, UTC.
    pub create_time: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub video_description: Option<String>,
    #[serde(default)]
    pub like_count: Option<u64>,
    #[serde(default)]
    pub comment_count: Option<u64>,
    #[serde(default)]
    pub share_count: Option<u64>,
    #[serde(default)]
    pub view_count: Option<u64>,
}

impl Video {
    pub fn metrics(&self) -> PostMetrics {
        PostMetrics {
            likes: self.like_count,
            comments: self.comment_count,
            shares: self.share_count,
            // TikTok has no saves count in the Display API: unavailable, not zero.
            saves: None,
            views: self.view_count,
        }
    }

    fn post(&self) -> Option<AccountPost> {
        Some(AccountPost {
            external_id: self.id.clone(),
            published_at: OffsetDateTime::from_unix_timestamp(self.create_time).ok()?,
            text: self
                .video_description
                .clone()
                .or_else(|| self.title.clone())
                .unwrap_or_default(),
            metrics: self.metrics(),
        })
    }
}

/// One page of `POST /v2/video/list/`.
#[derive(Debug, Clone, Deserialize)]
pub struct VideoPage {
    #[serde(default)]
    pub videos: Vec<Video>,
    /// Milliseconds: older videos are asked for with it.
    #[serde(default)]
    pub cursor: Option<i64>,
    #[serde(default)]
    pub has_more: bool,
}

#[derive(Debug, Deserialize)]
struct QueryPage {
    #[serde(default)]
    videos: Vec<Video>,
}

impl TiktokClient {
    /// `POST /v2/video/list/?fields=..` with `{"max_count": 20, "cursor": ..}`: one page of
    /// the creator's public videos, newest first.
    ///
    /// # Errors
    /// As classified by [`classify`](crate::classify) (a missing `video.list` scope is
    /// `Permission`).
    pub async fn list_videos(
        &self,
        access_token: &SecretString,
        cursor: Option<i64>,
    ) -> Result<VideoPage, PlatformError> {
        let mut body = json!({ "max_count": PAGE });
        if let Some(cursor) = cursor {
            body["cursor"] = json!(cursor);
        }
        let request = self
            .http
            .post(self.api_url("/v2/video/list/"))
            .query(&[("fields", VIDEO_FIELDS)])
            .bearer_auth(access_token.expose())
            .json(&body);
        self.send_envelope(request).await
    }

    /// `POST /v2/video/query/?fields=..` for one video.
    ///
    /// # Errors
    /// As classified; a video TikTok does not return is `InvalidRequest` with status 404.
    pub async fn query_video(
        &self,
        access_token: &SecretString,
        video_id: &str,
    ) -> Result<Video, PlatformError> {
        let request = self
            .http
            .post(self.api_url("/v2/video/query/"))
            .query(&[("fields", VIDEO_FIELDS)])
            .bearer_auth(access_token.expose())
            .json(&json!({ "filters": { "video_ids": [video_id] } }));
        let page: QueryPage = self.send_envelope(request).await?;
        page.videos
            .into_iter()
            .find(|video| video.id == video_id)
            .ok_or_else(|| {
                platform_error(
                    Platform::Tiktok,
                    PlatformErrorKind::InvalidRequest,
                    Some("video_not_found".to_owned()),
                    "TikTok returned no such video (deleted or not public)",
                    Some(reqwest::StatusCode::NOT_FOUND),
                    None,
                )
            })
    }
}

/// The [`InsightsReader`] port on a [`TiktokClient`].
#[derive(Debug, Clone)]
pub struct TiktokInsights {
    client: TiktokClient,
}

impl TiktokInsights {
    pub fn new(client: TiktokClient) -> Self {
        Self { client }
    }
}

#[async_trait]
impl InsightsReader for TiktokInsights {
    fn platform(&self) -> Platform {
        Platform::Tiktok
    }

    async fn recent_posts(
        &self,
        account: &PublishAccount,
        limit: usize,
    ) -> Result<Vec<AccountPost>, PlatformError> {
        let mut posts = Vec::new();
        let mut cursor = None;
        while posts.len() < limit {
            let page = self
                .client
                .list_videos(&account.access_token, cursor)
                .await?;
            posts.extend(page.videos.iter().filter_map(Video::post));
            match page.cursor {
                Some(next) if page.has_more && !page.videos.is_empty() && Some(next) != cursor => {
                    cursor = Some(next);
                }
                _ => break,
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
        Ok(self
            .client
            .query_video(&account.access_token, external_id)
            .await?
            .metrics())
    }
}
