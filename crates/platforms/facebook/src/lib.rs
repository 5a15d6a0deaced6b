//! Facebook Pages client for Socialpub, usable on its own.
//!
//! - [`FacebookClient`] implements the [`socialpub_ports::PlatformClient`] port: Facebook
//!   Login (`/dialog/oauth`), code exchange followed by the long-lived token exchange
//!   (`fb_exchange_token`), Page discovery (`/me/accounts`, one account per Page, each with its
//!   own non-expiring Page token) and revocation (`DELETE /me/permissions`).
//! - [`InstagramViaFacebookClient`] implements the same port for Instagram accounts connected
//!   through Facebook Login ("Instagram API with Facebook Login"): the same OAuth with the
//!   Instagram permissions, one account per Instagram professional account linked to a Page
//!   (`instagram_business_account`), kept with that Page's token.
//! - Meta has no refresh tokens: the long-lived user token is returned as both the access and
//!   the refresh token, and "refreshing" exchanges it again while it is still valid.
//! - Every Graph failure becomes a [`socialpub_ports::PlatformError`] classified by the error
//!   envelope's `code`/`error_subcode` (190 reconnect, 10/2xx permission, 4/17/32/613/800xx
//!   quota with the usage headers, 1/2 transient, 368 content ...). No token or secret ever
//!   appears in an error, and request URLs (whose queries carry the app secret on token calls)
//!   are never part of one.
//!
//! - [`FacebookPublisher`] implements the [`socialpub_ports::Publisher`] port with the Page
//!   token: text/link posts on `/{page-id}/feed`, photos on `/{page-id}/photos` (Facebook
//!   fetches the URL), several photos uploaded unpublished then attached, feed videos by URL
//!   or by resumable upload (on the `graph-video` host), reels in three phases, `permalink_url` after the commit, reconciliation from
//!   `published_posts` (reels by their video id).
//!
//! Give it a `reqwest::Client` that does not follow redirects.

mod accounts;
mod client;
mod config;
mod insights;
mod instagram;
mod oauth;
mod posts;
mod publisher;
mod videos;
mod wire;

pub use accounts::{FacebookPage, MAX_PAGE_REQUESTS};
pub use client::FacebookClient;
pub use config::{DEFAULT_GRAPH_API_VERSION, DEFAULT_SCOPES, GRAPH_VIDEO_BASE_URL, PRODUCTION};
pub use insights::{FacebookInsights, POST_COUNT_FIELDS, POST_VIEWS_METRIC};
pub use instagram::{INSTAGRAM_SCOPES, InstagramViaFacebookClient, LinkedInstagramAccount};
pub use oauth::UserToken;
pub use posts::{
    AttachedMedia, CreatedPhoto, CreatedPost, NewFeedPost, NewPhoto, PagePost, PagePostsPage,
    PostsWindow,
};
pub use publisher::{
    FacebookPublishSettings, FacebookPublisher, ReelUpload, STEP_CREATE_POST, STEP_FETCH_PERMALINK,
    STEP_REEL_START, STEP_REEL_STATUS, STEP_REEL_UPLOAD, STEP_UPLOAD_PHOTO, STEP_VIDEO_START,
    STEP_VIDEO_TRANSFER,
};
pub use socialpub_platform_http::PlatformConfig;
pub use socialpub_platform_http::meta_graph::{AppUsage, BusinessUseCaseUsage, GraphUsage};
pub use videos::{
    CreatedVideo, NewVideo, PublishingPhase, ReelFinish, ReelUploadSession, UploadWindow,
    UploadingPhase, VideoFinish, VideoState, VideoStatus, VideoUploadSession,
};
pub use wire::PageTask;
