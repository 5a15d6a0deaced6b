use serde::{Deserialize, Serialize};
use socialpub_application::{PostView, TargetViolations};
use socialpub_domain::policy::Violation;
use socialpub_domain::{Asset, ConnectionId, Platform, PostId, PostState};
use time::OffsetDateTime;

use super::{JobResponse, WarningResponse};

type Options = serde_json::Map<String, serde_json::Value>;

/// `POST /publish` and `POST /schedule`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    pub connection_id: String,
    #[serde(default)]
    pub text_content: String,
    #[serde(default)]
    pub assets: Vec<Asset>,
    #[serde(default)]
    pub platform_specific_options: Options,
    #[serde(default)]
    pub metadata: Options,
    /// `/schedule` only: RFC 3339 with an offset, or a local date-time with `time_zone`.
    pub schedule_time: Option<String>,
    /// IANA zone name (`Europe/Paris`).
    pub time_zone: Option<String>,
}

/// One target of `POST /posts`; present fields override the shared ones.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetBody {
    pub connection_id: String,
    pub text_content: Option<String>,
    pub assets: Option<Vec<Asset>>,
    pub platform_specific_options: Option<Options>,
}

/// `POST /posts`: one piece of content to several connections.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostBody {
    #[serde(default)]
    pub text_content: String,
    #[serde(default)]
    pub assets: Vec<Asset>,
    #[serde(default)]
    pub platform_specific_options: Options,
    #[serde(default)]
    pub metadata: Options,
    /// Absent: publish now.
    pub schedule_time: Option<String>,
    pub time_zone: Option<String>,
    pub targets: Vec<TargetBody>,
}

/// A post and where each of its targets stands.
#[derive(Debug, Serialize)]
pub struct PostResponse {
    pub post_id: PostId,
    pub state: PostState,
    #[serde(with = "time::serde::rfc3339::option")]
    pub scheduled_at: Option<OffsetDateTime>,
    pub time_zone: Option<String>,
    pub metadata: Options,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// One job per target, in the order they were given.
    pub jobs: Vec<JobResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<WarningResponse>>,
}

impl From<PostView> for PostResponse {
    fn from(view: PostView) -> Self {
        Self {
            post_id: view.post.id,
            state: view.state,
            scheduled_at: view.post.scheduled_at,
            time_zone: view.post.time_zone,
            metadata: view.post.metadata,
            created_at: view.post.created_at,
            jobs: view.jobs.into_iter().map(JobResponse::from).collect(),
            warnings: None,
        }
    }
}

/// The rules one target breaks, in a `content_rejected` answer.
#[derive(Debug, Serialize)]
pub struct TargetViolationsResponse {
    /// The target's place in `targets` (`null` for `/publish` and `/schedule`).
    pub index: Option<usize>,
    pub connection_id: ConnectionId,
    pub platform: Platform,
    pub violations: Vec<Violation>,
}

impl From<TargetViolations> for TargetViolationsResponse {
    fn from(t: TargetViolations) -> Self {
        Self {
            index: t.index,
            connection_id: t.connection_id,
            platform: t.platform,
            violations: t.violations,
        }
    }
}
