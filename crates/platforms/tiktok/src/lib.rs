//! TikTok (Login Kit v2, open.tiktokapis.com) client, accounts side: OAuth 2.0 with PKCE,
//! refresh (TikTok returns a new refresh token each time), revocation,
//! `GET /v2/user/info/`, and classification of TikTok's error bodies (RFC 6749-style OAuth
//! errors and the `{"data": .., "error": {"code", "message", "log_id"}}` envelope).
//!
//! Publishing (Content Posting API, direct post): creator info, video by FILE_UPLOAD in
//! chunks or PULL_FROM_URL, photo posts, status polling; see [`TiktokPublisher`].
//!
//! Usable on its own: build a [`TiktokClient`] from a [`PlatformConfig`]
//! (`PRODUCTION.config(..)`) and a `reqwest::Client`. It also implements
//! [`PlatformClient`](socialpub_ports::PlatformClient), and [`TiktokPublisher`] implements
//! [`Publisher`](socialpub_ports::Publisher).

mod accounts;
mod client;
mod config;
mod errors;
mod insights;
mod oauth;
pub mod posting;
mod publisher;
pub mod wire;

pub use client::TiktokClient;
pub use config::{DEFAULT_API_BASE_URL, DEFAULT_OAUTH_BASE_URL, DEFAULT_SCOPES, PRODUCTION};
pub use errors::classify;
pub use insights::{TiktokInsights, VIDEO_FIELDS, Video, VideoPage};
pub use publisher::{
    MAX_CHUNK_BYTES, MIN_CHUNK_BYTES, SELF_ONLY, STEP_CREATOR_INFO, STEP_INIT_PHOTOS,
    STEP_INIT_PULL, STEP_INIT_UPLOAD, STEP_POLL_STATUS, STEP_UPLOAD_CHUNK, STEP_UPLOAD_LAST_CHUNK,
    TiktokPublishSettings, TiktokPublisher, chunk_plan,
};
pub use socialpub_platform_http::PlatformConfig;
