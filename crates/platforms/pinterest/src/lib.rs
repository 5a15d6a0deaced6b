//! Pinterest API v5 client: OAuth 2.0 authorization code flow with HTTP Basic client
//! authentication, continuous refresh (each refresh returns a new 60-day refresh token),
//! revocation, `GET /v5/user_account`, `GET /v5/boards`, pins (`POST /v5/pins`, board
//! listings), video uploads (`POST /v5/media`, the streamed upload, `GET /v5/media/{id}`),
//! and classification of Pinterest's `{"code": .., "message": ..}` error bodies.
//!
//! Usable on its own: build a [`PinterestClient`] from a [`PlatformConfig`]
//! (`PRODUCTION.config(..)`) and a `reqwest::Client`. It also implements
//! [`PlatformClient`](socialpub_ports::PlatformClient), and [`PinterestPublisher`] implements
//! [`Publisher`](socialpub_ports::Publisher).

mod accounts;
mod client;
mod config;
mod errors;
mod insights;
mod oauth;
mod pins;
mod publisher;
mod upload;
pub mod wire;

pub use client::PinterestClient;
pub use config::{DEFAULT_API_BASE_URL, DEFAULT_OAUTH_BASE_URL, DEFAULT_SCOPES, PRODUCTION};
pub use errors::{classify, classify_token};
pub use insights::{PinterestInsights, TRENDS_REGION};
pub use publisher::{
    PinterestPublishSettings, PinterestPublisher, STEP_CREATE_PIN, STEP_FIND_PIN,
    STEP_MEDIA_STATUS, STEP_UPLOAD_VIDEO, pin_url,
};
pub use socialpub_platform_http::PlatformConfig;
pub use upload::{QUEUED_CHUNKS, UploadError, VideoFile, classify_upload};
