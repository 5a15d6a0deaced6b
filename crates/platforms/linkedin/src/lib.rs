//! LinkedIn client for Socialpub, usable on its own.
//!
//! - [`LinkedinClient`] implements the [`socialpub_ports::PlatformClient`] port: the web
//!   server OAuth flow on `www.linkedin.com` (`/oauth/v2/authorization`,
//!   `/oauth/v2/accessToken` for the code and for refresh tokens, `/oauth/v2/revoke`) and
//!   account discovery on `api.linkedin.com`: the member (`/v2/userinfo`, author URN
//!   `urn:li:person:{sub}`) and the organizations they administer
//!   (`/rest/organizationAcls`, `/rest/organizations/{id}`, author URN
//!   `urn:li:organization:{id}`).
//! - Every `/rest` call carries `LinkedIn-Version` (configurable, `YYYYMM`) and
//!   `X-Restli-Protocol-Version: 2.0.0`.
//! - Organization scopes belong to the vetted Community Management product and are
//!   configured apart from the member scopes; without them, or when the ACL lookup is
//!   refused, only the member's account is discovered.
//! - Failures are classified from LinkedIn's error body and status (401 reconnect, 403
//!   permission, 429 quota until the next UTC midnight for daily limits, 426 / 400
//!   `VERSION_MISSING` a configuration error with a clear message). No token or secret ever
//!   appears in an error.
//!
//! - [`LinkedinPublisher`] implements the [`socialpub_ports::Publisher`] port for members
//!   and organizations: text, article (link), one or several images (Images API), a video
//!   (Videos API: parts, ETags, finalize, processing) and a document (Documents API), then
//!   `POST /rest/posts`, whose `x-restli-id` names the post. Uploads stream from the asset
//!   fetcher; a lost commit is reconciled by listing an organization's posts, or for a
//!   member by sending the same post again and reading the original's URN from LinkedIn's
//!   duplicate-content 422.
//! - A sunset or deprecation header, or a refused `LinkedIn-Version`, is logged once as a
//!   warning.
//!
//! Give it a `reqwest::Client` that does not follow redirects.

mod accounts;
mod client;
mod config;
mod errors;
mod insights;
pub mod little_text;
mod oauth;
mod posts;
mod publisher;
mod upload_body;
mod wire;

pub use accounts::{LinkedinMember, LinkedinOrganization, MAX_ACL_REQUESTS};
pub use client::{LinkedinClient, RESTLI_PROTOCOL_VERSION};
pub use config::{
    DEFAULT_LINKEDIN_VERSION, DEFAULT_SCOPES, MEMBER_SCOPES, ORGANIZATION_SCOPES, PRODUCTION,
};
pub use insights::{LinkedinInsights, MEMBER_QUERY_TYPES};
pub use posts::{
    ArticleContent, Distribution, ListedPost, MediaContent, MediaStatus, NewPost, PostContent,
    PostsPage, UploadPart, UploadResource, UploadSlot, VideoSlot, VideoState, duplicate_of,
    post_url,
};
pub use publisher::{
    LinkedinPublishSettings, LinkedinPublisher, STEP_CHECK_CONTENT, STEP_CREATE_POST,
    STEP_FINALIZE_UPLOAD, STEP_FIND_POST, STEP_IMAGE_STATUS, STEP_INITIALIZE_UPLOAD,
    STEP_UPLOAD_FILE, STEP_UPLOAD_PART, STEP_VIDEO_STATUS,
};
pub use socialpub_platform_http::PlatformConfig;
pub use wire::OrganizationRole;
