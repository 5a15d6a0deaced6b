//! Content publishing on an Instagram Graph host: containers (`POST /{ig-user-id}/media`),
//! their processing status (`GET /{container-id}?fields=status_code,status`), the commit
//! (`POST /{ig-user-id}/media_publish`), a media object's permalink, the account's recent
//! media and stories, and the 24-hour publishing quota (`content_publishing_limit`).
//!
//! The same endpoints answer on both hosts: `graph.instagram.com` for Instagram Login tokens
//! and `graph.facebook.com` for Facebook Login tokens, so every call takes the [`GraphHost`].

use serde::{Deserialize, Serialize};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::meta_graph::{classify_graph, parse_graph_time};
use socialpub_platform_http::path_url;
use socialpub_ports::PlatformError;
use time::OffsetDateTime;
use url::Url;

use crate::client::InstagramClient;
use crate::wire::id_text_required;

/// Which login a token comes from, and so which host serves the account's content API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginPath {
    /// Business Login for Instagram: an Instagram User token on `graph.instagram.com`.
    InstagramLogin,
    /// Facebook Login: a Facebook User or Page token on `graph.facebook.com`, for the
    /// professional account linked to a Page.
    FacebookLogin,
}

impl LoginPath {
    /// Meta's Facebook tokens (user and Page) start with `EAA`; Instagram Login tokens start
    /// with `IG`. Anything else is taken for an Instagram Login token, the connections this
    /// service makes itself.
    pub fn of_token(token: &SecretString) -> Self {
        if token.expose().starts_with("EAA") {
            LoginPath::FacebookLogin
        } else {
            LoginPath::InstagramLogin
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            LoginPath::InstagramLogin => "instagram_login",
            LoginPath::FacebookLogin => "facebook_login",
        }
    }
}

/// The Graph host a call goes to (the base URL; the version is the client's).
#[derive(Debug, Clone, Copy)]
pub struct GraphHost<'a> {
    pub base_url: &'a Url,
}

/// `POST /{ig-user-id}/media` fields. Which are needed depends on the kind: an image
/// (`image_url`), a reel (`media_type=REELS`, `video_url`), a story (`media_type=STORIES` and
/// one of the URLs), a carousel item (`is_carousel_item`, `image_url` or `media_type=VIDEO` +
/// `video_url`), a carousel (`media_type=CAROUSEL`, `children`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NewContainer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<ContainerMediaType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_carousel_item: bool,
    /// Child container ids, comma-separated as Graph documents them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub collaborators: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_to_feed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb_offset: Option<u64>,
}

/// `media_type` of a container (none for a single feed image or an image carousel item).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContainerMediaType {
    Reels,
    Stories,
    Carousel,
    /// Only for a carousel item: single feed videos are published as reels.
    Video,
}

/// Where a container's processing stands (`status_code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerState {
    InProgress,
    Finished,
    /// Already published: never publish it again.
    Published,
    /// Processing failed; `subcode` is the trailing number of `status` ("... error code
    /// 2207026"), when there is one.
    Error {
        subcode: Option<i64>,
        status: String,
    },
    /// Not published within 24 hours of its creation.
    Expired,
    /// A value Graph did not document when this was written.
    Other(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusAnswer {
    status_code: Option<String>,
    status: Option<String>,
}

impl StatusAnswer {
    fn state(self) -> ContainerState {
        let status = self.status.unwrap_or_default();
        match self
            .status_code
            .unwrap_or_default()
            .to_ascii_uppercase()
            .as_str()
        {
            "IN_PROGRESS" => ContainerState::InProgress,
            "FINISHED" => ContainerState::Finished,
            "PUBLISHED" => ContainerState::Published,
            "EXPIRED" => ContainerState::Expired,
            "ERROR" => ContainerState::Error {
                subcode: trailing_number(&status),
                status,
            },
            other => ContainerState::Other(other.to_owned()),
        }
    }
}

/// The number a sentence ends with ("Error: Media upload has failed with error code
/// 2207026" gives 2207026), ignoring a final full stop.
pub(crate) fn trailing_number(text: &str) -> Option<i64> {
    let trimmed = text.trim_end().trim_end_matches('.');
    let start = trimmed
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |at| at + 1);
    trimmed.get(start..).filter(|d| !d.is_empty())?.parse().ok()
}

#[derive(Debug, Deserialize)]
struct Created {
    #[serde(deserialize_with = "id_text_required")]
    id: String,
}

/// A media object as `GET /{media-id}` or a listing gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct MediaObject {
    pub id: String,
    /// Readable on Facebook Login only (Instagram Login leaves it out).
    pub caption: Option<String>,
    /// `IMAGE`, `VIDEO` (reels too) or `CAROUSEL_ALBUM`.
    pub media_type: Option<String>,
    /// `FEED`, `REELS`, `STORY` (Facebook Login only).
    pub media_product_type: Option<String>,
    pub permalink: Option<String>,
    /// Graph's `2026-11-30T10:00:00+0000`, kept as sent; see [`MediaObject::published_at`].
    pub timestamp: Option<String>,
}

impl MediaObject {
    /// `timestamp` as an instant (Graph's `+0000` offset, or RFC 3339).
    pub fn published_at(&self) -> Option<OffsetDateTime> {
        parse_graph_time(self.timestamp.as_deref()?)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MediaList {
    data: Vec<MediaObject>,
    paging: Option<ListPaging>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListPaging {
    cursors: Option<Cursors>,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Cursors {
    after: Option<String>,
}

/// One page of the account's media, newest first.
#[derive(Debug, Clone, Default)]
pub struct MediaPage {
    pub media: Vec<MediaObject>,
    /// The cursor of the next (older) page, while one remains.
    pub after: Option<String>,
}

/// Which of the account's listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaEdge {
    /// `/{ig-user-id}/media`: feed posts, carousels and reels (not stories).
    Media,
    /// `/{ig-user-id}/stories`: the stories live now.
    Stories,
}

impl MediaEdge {
    const fn segment(self) -> &'static str {
        match self {
            MediaEdge::Media => "media",
            MediaEdge::Stories => "stories",
        }
    }
}

/// The creation times a listing covers (Unix seconds, `since` and `until` both inclusive);
/// no `until` is up to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaWindow {
    pub since: OffsetDateTime,
    pub until: Option<OffsetDateTime>,
}

/// `content_publishing_limit`: how much of the rolling publishing quota is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishingLimit {
    pub quota_usage: u64,
    /// `config.quota_total`: `None` when Graph did not say.
    pub quota_total: Option<u64>,
    /// `config.quota_duration`, in seconds (86,400 when Graph did not say).
    pub quota_duration_seconds: u64,
}

impl PublishingLimit {
    pub fn exhausted(&self) -> bool {
        self.quota_total
            .is_some_and(|total| self.quota_usage >= total)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LimitAnswer {
    data: Vec<LimitEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LimitEntry {
    quota_usage: Option<u64>,
    config: Option<LimitConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LimitConfig {
    quota_total: Option<u64>,
    quota_duration: Option<u64>,
}

/// Fields asked of a media object and of listings.
const MEDIA_FIELDS: &str = "id,caption,media_type,media_product_type,permalink,timestamp";
/// The same on Instagram Login, which has neither `caption` read-back nor
/// `media_product_type`.
const MEDIA_FIELDS_INSTAGRAM_LOGIN: &str = "id,media_type,permalink,timestamp";

const QUOTA_DURATION_SECONDS: u64 = 86_400;

fn media_fields(path: LoginPath) -> &'static str {
    match path {
        LoginPath::FacebookLogin => MEDIA_FIELDS,
        LoginPath::InstagramLogin => MEDIA_FIELDS_INSTAGRAM_LOGIN,
    }
}

impl InstagramClient {
    /// `{host}/{version}/{segments...}`.
    fn host_url(&self, host: GraphHost<'_>, segments: &[&str]) -> Result<Url, PlatformError> {
        path_url(
            host.base_url,
            Platform::Instagram,
            "api_base_url",
            std::iter::once(self.graph_api_version()).chain(segments.iter().copied()),
        )
    }

    /// `POST /{ig-user-id}/media`: a container, safe to repeat (an unused one expires in a
    /// day, though each counts towards the 400 containers a day).
    ///
    /// # Errors
    /// As classified by [`classify_graph`] (media and caption problems are Media / Content).
    pub async fn create_container(
        &self,
        host: GraphHost<'_>,
        token: &SecretString,
        ig_user_id: &str,
        container: &NewContainer,
    ) -> Result<String, PlatformError> {
        let request = self
            .http
            .post(self.host_url(host, &[ig_user_id, "media"])?)
            .bearer_auth(token.expose())
            .json(container);
        let created: Created = self.call(request, classify_graph, &[token]).await?;
        Ok(created.id)
    }

    /// `GET /{container-id}?fields=status_code,status`.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn container_state(
        &self,
        host: GraphHost<'_>,
        token: &SecretString,
        container_id: &str,
    ) -> Result<ContainerState, PlatformError> {
        let request = self
            .http
            .get(self.host_url(host, &[container_id])?)
            .query(&[("fields", "status_code,status")])
            .bearer_auth(token.expose());
        let answer: StatusAnswer = self.call(request, classify_graph, &[token]).await?;
        Ok(answer.state())
    }

    /// `POST /{ig-user-id}/media_publish` with `creation_id`: makes the container's post
    /// public and returns the media id. The commit: never sent twice blindly.
    ///
    /// # Errors
    /// As classified by [`classify_graph`] (9/2207042 the daily quota, 9007/2207027 a
    /// container not ready yet).
    pub async fn media_publish(
        &self,
        host: GraphHost<'_>,
        token: &SecretString,
        ig_user_id: &str,
        container_id: &str,
    ) -> Result<String, PlatformError> {
        let request = self
            .http
            .post(self.host_url(host, &[ig_user_id, "media_publish"])?)
            .bearer_auth(token.expose())
            .json(&serde_json::json!({ "creation_id": container_id }));
        let created: Created = self.call(request, classify_graph, &[token]).await?;
        Ok(created.id)
    }

    /// `GET /{media-id}?fields=...`: a published media object, its `permalink` included.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn media_object(
        &self,
        host: GraphHost<'_>,
        path: LoginPath,
        token: &SecretString,
        media_id: &str,
    ) -> Result<MediaObject, PlatformError> {
        let request = self
            .http
            .get(self.host_url(host, &[media_id])?)
            .query(&[("fields", media_fields(path))])
            .bearer_auth(token.expose());
        self.call(request, classify_graph, &[token]).await
    }

    /// One page (at most `limit`) of the account's media or stories created in `window`,
    /// newest first, from the cursor `after`.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    #[expect(
        clippy::too_many_arguments,
        reason = "a listing is the account, the edge, the window and the page: no subset makes a type"
    )]
    pub async fn recent_media(
        &self,
        host: GraphHost<'_>,
        path: LoginPath,
        token: &SecretString,
        ig_user_id: &str,
        edge: MediaEdge,
        window: MediaWindow,
        limit: u32,
        after: Option<&str>,
    ) -> Result<MediaPage, PlatformError> {
        let mut url = self.host_url(host, &[ig_user_id, edge.segment()])?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("fields", media_fields(path))
                .append_pair("since", &window.since.unix_timestamp().to_string())
                .append_pair("limit", &limit.to_string());
            if let Some(until) = window.until {
                // Whole seconds, rounded up so the window never shrinks.
                let seconds = until.unix_timestamp() + i64::from(until.nanosecond() > 0);
                query.append_pair("until", &seconds.to_string());
            }
            if let Some(after) = after {
                query.append_pair("after", after);
            }
        }
        let request = self.http.get(url).bearer_auth(token.expose());
        let list: MediaList = self.call(request, classify_graph, &[token]).await?;
        let after = list
            .paging
            .filter(|paging| paging.next.is_some())
            .and_then(|paging| paging.cursors)
            .and_then(|cursors| cursors.after)
            .filter(|cursor| !cursor.is_empty());
        Ok(MediaPage {
            media: list.data,
            after,
        })
    }

    /// `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`.
    ///
    /// # Errors
    /// As classified by [`classify_graph`].
    pub async fn publishing_limit(
        &self,
        host: GraphHost<'_>,
        token: &SecretString,
        ig_user_id: &str,
    ) -> Result<PublishingLimit, PlatformError> {
        let request = self
            .http
            .get(self.host_url(host, &[ig_user_id, "content_publishing_limit"])?)
            .query(&[("fields", "quota_usage,config")])
            .bearer_auth(token.expose());
        let answer: LimitAnswer = self.call(request, classify_graph, &[token]).await?;
        let entry = answer.data.into_iter().next().unwrap_or_default();
        let config = entry.config.unwrap_or_default();
        Ok(PublishingLimit {
            quota_usage: entry.quota_usage.unwrap_or(0),
            quota_total: config.quota_total,
            quota_duration_seconds: config
                .quota_duration
                .filter(|d| *d > 0)
                .unwrap_or(QUOTA_DURATION_SECONDS),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_subcode_is_the_status_sentence_last_number() {
        assert_eq!(
            trailing_number("Error: Media upload has failed with error code 2207026"),
            Some(2_207_026)
        );
        assert_eq!(
            trailing_number("failed with code 2207020."),
            Some(2_207_020)
        );
        assert_eq!(trailing_number("Error: something went wrong"), None);
        assert_eq!(trailing_number(""), None);
    }

    #[test]
    fn facebook_tokens_go_to_the_facebook_host() {
        assert_eq!(
            LoginPath::of_token(&SecretString::new("EAAGm0PX4ZCpsBA")),
            LoginPath::FacebookLogin
        );
        assert_eq!(
            LoginPath::of_token(&SecretString::new("IGAAJ0PX4ZCpsBA")),
            LoginPath::InstagramLogin
        );
    }

    #[test]
    fn quota_is_exhausted_only_when_graph_gives_a_total() {
        let limit = |usage, total| PublishingLimit {
            quota_usage: usage,
            quota_total: total,
            quota_duration_seconds: 86_400,
        };
        assert!(limit(50, Some(50)).exhausted());
        assert!(!limit(49, Some(50)).exhausted());
        assert!(!limit(500, None).exhausted());
    }
}
