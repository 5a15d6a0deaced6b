//! X (Twitter) API v2 client, accounts side: OAuth 2.0 Authorization Code with PKCE (S256),
//! token refresh with rotation, revocation, `GET /2/users/me`, and classification of X's
//! error bodies (problem JSON, `{"errors": [...]}`, RFC 6749 token errors, 429 with
//! `x-rate-limit-*` headers).
//!
//! Publishing side: [`XPublisher`] (the [`Publisher`](socialpub_ports::Publisher) port: chunked
//! media upload v2, `POST /2/tweets`, reconciliation from the user's timeline), on typed calls
//! of [`XClient`] usable alone.
//!
//! Usable on its own: build an [`XClient`] from a [`PlatformConfig`] (`PRODUCTION.config(..)`)
//! and a `reqwest::Client` (see `socialpub_platform_http::build_http_client`). It also
//! implements [`PlatformClient`](socialpub_ports::PlatformClient).

mod accounts;
mod client;
mod config;
mod errors;
mod insights;
mod media_upload;
mod oauth;
mod publisher;
mod tweets;
pub mod wire;

pub use client::XClient;
pub use config::{DEFAULT_API_BASE_URL, DEFAULT_OAUTH_BASE_URL, DEFAULT_SCOPES, PRODUCTION};
pub use errors::classify;
pub use insights::{PublicMetrics, XInsights};
pub use media_upload::{
    InitializeUpload, MediaCategory, MediaUpload, ProcessingError, ProcessingInfo, ProcessingState,
};
pub use publisher::{
    STEP_CREATE_POST, STEP_CREATE_THREAD_POST, STEP_FIND_POST, STEP_MEDIA_ALT_TEXT,
    STEP_MEDIA_APPEND, STEP_MEDIA_FINALIZE, STEP_MEDIA_INITIALIZE, STEP_MEDIA_STATUS,
    XPublishSettings, XPublisher, post_url,
};
pub use socialpub_platform_http::PlatformConfig;
pub use tweets::{
    NewTweet, ReferencedTweet, TimelinePage, TimelineWindow, Tweet, TweetAttachments, TweetMedia,
    TweetReply,
};
