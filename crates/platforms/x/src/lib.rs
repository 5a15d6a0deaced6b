//! X (Twitter) API v2 client, accounts side: OAuth 2.0 Authorization Code with PKCE (S256),
//! token refresh with rotation, revocation, `GET /2/users/me`, and classification of X's
//! error bodies (problem JSON, `{"errors": [...]}`, RFC 6749 token errors, 429 with
//! `x-rate-limit-*` headers).
//!
//! Usable on its own: build an [`XClient`] from a [`PlatformConfig`] (`PRODUCTION.config(..)`)
//! and a `reqwest::Client` (see `socialpub_platform_http::build_http_client`). It also
//! implements [`PlatformClient`](socialpub_ports::PlatformClient).

mod accounts;
mod client;
mod config;
mod errors;
mod oauth;
pub mod wire;

pub use client::XClient;
pub use config::{DEFAULT_API_BASE_URL, DEFAULT_OAUTH_BASE_URL, DEFAULT_SCOPES, PRODUCTION};
pub use errors::classify;
pub use socialpub_platform_http::PlatformConfig;
