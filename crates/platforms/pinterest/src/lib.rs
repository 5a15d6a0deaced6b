//! Pinterest API v5 client, accounts side: OAuth 2.0 authorization code flow with HTTP Basic
//! client authentication, continuous refresh (each refresh returns a new 60-day refresh
//! token), revocation, `GET /v5/user_account`, `GET /v5/boards`, and classification of
//! Pinterest's `{"code": .., "message": ..}` error bodies.
//!
//! Usable on its own: build a [`PinterestClient`] from a [`PlatformConfig`]
//! (`PRODUCTION.config(..)`) and a `reqwest::Client`. It also implements
//! [`PlatformClient`](socialpub_ports::PlatformClient).

mod accounts;
mod client;
mod config;
mod errors;
mod oauth;
pub mod wire;

pub use client::PinterestClient;
pub use config::{DEFAULT_API_BASE_URL, DEFAULT_OAUTH_BASE_URL, DEFAULT_SCOPES, PRODUCTION};
pub use errors::{classify, classify_token};
pub use socialpub_platform_http::PlatformConfig;
