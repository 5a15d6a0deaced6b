//! Posts: `POST /2/tweets` (the commit of every X publish) and `GET /2/users/{id}/tweets`
//! (the account's recent posts, to find a post whose creation answer was lost).

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{platform_error, send_json};
use socialpub_ports::{PlatformError, PlatformErrorKind};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::client::XClient;
use crate::errors::classify;
use crate::wire::{ErrorBody, ErrorItem};

/// `POST /2/tweets` body. Empty fields are left out, as X rejects some empty objects.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewTweet {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<TweetMedia>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<TweetReply>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_tweet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_settings: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub made_with_ai: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_partnership: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TweetMedia {
    /// 1 to 4 media ids (digit strings).
    pub media_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TweetReply {
    pub in_reply_to_tweet_id: String,
}

/// A post as `POST /2/tweets` and the timeline return it. Only `id` is relied on.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Tweet {
    pub id: String,
    #[serde(default)]
    pub text: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub attachments: Option<TweetAttachments>,
    /// The post this one replies to or quotes (`type` `replied_to`, `quoted`...).
    #[serde(default)]
    pub referenced_tweets: Vec<ReferencedTweet>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReferencedTweet {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub id: String,
}

impl Tweet {
    /// The id of the post this one replies to.
    pub fn replied_to(&self) -> Option<&str> {
        self.referenced_tweets
            .iter()
            .find(|r| r.kind == "replied_to")
            .map(|r| r.id.as_str())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TweetAttachments {
    #[serde(default)]
    pub media_keys: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CreateTweetResponse {
    #[serde(default)]
    data: Option<Tweet>,
    #[serde(default)]
    errors: Vec<ErrorItem>,
}

#[derive(Debug, Deserialize)]
struct TimelineResponse {
    #[serde(default)]
    data: Vec<Tweet>,
    #[serde(default)]
    meta: TimelineMeta,
}

#[derive(Debug, Default, Deserialize)]
struct TimelineMeta {
    #[serde(default)]
    next_token: Option<String>,
}

/// One page of an account's timeline, newest first.
#[derive(Debug, Clone, Default)]
pub struct TimelinePage {
    pub tweets: Vec<Tweet>,
    /// `meta.next_token`: older posts of the same window remain, to be asked for with it as
    /// `pagination_token`. `None` on the last page.
    pub next_token: Option<String>,
}

/// The creation times a timeline request covers: from `start` (inclusive) to `end`, or to
/// now when `end` is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineWindow {
    pub start: OffsetDateTime,
    pub end: Option<OffsetDateTime>,
}

/// Most posts one timeline request returns (X's maximum).
const TIMELINE_PAGE: &str = "100";

/// X takes whole seconds: `start_time` is rounded down and `end_time` up, so the window
/// never shrinks.
fn x_time(at: OffsetDateTime, round_up: bool) -> Result<String, PlatformError> {
    let utc = at.to_offset(time::UtcOffset::UTC);
    let whole = utc.replace_nanosecond(0).unwrap_or(utc);
    let whole = if round_up && whole < utc {
        whole + time::Duration::SECOND
    } else {
        whole
    };
    whole.format(&Rfc3339).map_err(|_| {
        platform_error(
            Platform::X,
            PlatformErrorKind::InvalidRequest,
            None,
            "timeline time out of range",
            None,
            None,
        )
    })
}

impl XClient {
    /// `POST /2/tweets`. This call makes the post public: a timeout or 5xx leaves its outcome
    /// unknown, so never send it twice without looking at [`XClient::user_tweets`] first.
    ///
    /// # Errors
    /// As classified by [`classify`](crate::classify) (403 duplicate content is Content).
    pub async fn create_tweet(
        &self,
        access_token: &SecretString,
        tweet: &NewTweet,
    ) -> Result<Tweet, PlatformError> {
        let request = self
            .http
            .post(self.api_url("/2/tweets"))
            .bearer_auth(access_token.expose())
            .json(tweet);
        let response: CreateTweetResponse = send_json(request, Platform::X, classify).await?;
        match response.data {
            Some(tweet) if !tweet.id.is_empty() => Ok(tweet),
            _ if !response.errors.is_empty() => Err(crate::errors::from_body(
                StatusCode::CREATED,
                &ErrorBody {
                    errors: response.errors,
                    ..ErrorBody::default()
                },
            )),
            _ => Err(platform_error(
                Platform::X,
                PlatformErrorKind::InvalidRequest,
                Some("malformed_response".to_owned()),
                "POST /2/tweets answered without a post id",
                Some(StatusCode::CREATED),
                None,
            )),
        }
    }

    /// `GET /2/users/{id}/tweets?start_time=..[&end_time=..]&max_results=100
    /// [&pagination_token=..]`: one page (at most 100, newest first) of the user's posts
    /// created in `window`, with `created_at` and attached media keys.
    ///
    /// # Errors
    /// As classified by [`classify`](crate::classify).
    pub async fn user_tweets(
        &self,
        access_token: &SecretString,
        user_id: &str,
        window: TimelineWindow,
        pagination_token: Option<&str>,
    ) -> Result<TimelinePage, PlatformError> {
        let start_time = x_time(window.start, false)?;
        let end_time = window.end.map(|end| x_time(end, true)).transpose()?;
        let mut query = vec![
            ("start_time", start_time.as_str()),
            ("max_results", TIMELINE_PAGE),
            (
                "tweet.fields",
                "id,text,created_at,attachments,referenced_tweets",
            ),
        ];
        if let Some(end_time) = &end_time {
            query.push(("end_time", end_time.as_str()));
        }
        if let Some(token) = pagination_token {
            query.push(("pagination_token", token));
        }
        let request = self
            .http
            .get(self.api_url(&format!("/2/users/{user_id}/tweets")))
            .query(&query)
            .bearer_auth(access_token.expose());
        let response: TimelineResponse = send_json(request, Platform::X, classify).await?;
        Ok(TimelinePage {
            tweets: response.data,
            next_token: response.meta.next_token.filter(|t| !t.is_empty()),
        })
    }
}
