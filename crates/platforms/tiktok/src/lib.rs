//! TikTok (Login Kit v2, open.tiktokapis.com) client, accounts side: OAuth 2.0 with PKCE,
//! refresh (TikTok returns a new refresh token each time), revocation,
//! `GET /v2/user/info/`, and classification of TikTok's error bodies (RFC 6749-style OAuth
//! errors and the `{"data": .., "error": {"code", "message", "log_id"}}` envelope).
//!
//! Usable on its own: build a [`TiktokClient`] from a [`PlatformConfig`]
//! (`PRODUCTION.config(..)`) and a `reqwest::Client`. It also implements
//! [`PlatformClient`](socialpub_ports::PlatformClient).

mod accounts;
mod client;
mod config;
mod errors;
mod insights;
mod oauth;
pub mod wire;

pub use client::TiktokClient;
pub use config::{DEFAULT_API_BASE_URL, DEFAULT_OAUTH_BASE_URL, DEFAULT_SCOPES, PRODUCTION};
pub use errors::classify;
pub use insights::{TiktokInsights, VIDEO_FIELDS, Video, VideoPage};
pub use socialpub_platform_http::PlatformConfig;
