//! Instagram client for Socialpub (Instagram API with Instagram Login), usable on its own.
//!
//! - [`InstagramClient`] implements the [`socialpub_ports::PlatformClient`] port with Business
//!   Login for Instagram, which spans three hosts: consent on `www.instagram.com`
//!   (`/oauth/authorize`), code exchange on `api.instagram.com` (`POST /oauth/access_token`,
//!   a one-hour token), and everything else on `graph.instagram.com`: the 60-day token
//!   (`/access_token?grant_type=ig_exchange_token`), its refresh
//!   (`/refresh_access_token?grant_type=ig_refresh_token`) and the account (`/me`).
//! - There are no refresh tokens: the long-lived token is returned as both the access and the
//!   refresh token, and refreshing exchanges it for a new one.
//! - There is no revocation endpoint for Instagram Login; `revoke` succeeds doing nothing.
//! - Graph failures are classified by the envelope's `code`/`error_subcode` (190 reconnect,
//!   9/2207042 publish quota, 9004/2207052 media fetch, ...). No token or secret ever appears
//!   in an error.
//!
//! Give it a `reqwest::Client` that does not follow redirects.

mod accounts;
mod client;
mod config;
mod oauth;
mod wire;

pub use accounts::InstagramProfile;
pub use client::InstagramClient;
pub use config::{DEFAULT_GRAPH_API_VERSION, DEFAULT_SCOPES, PRODUCTION};
pub use oauth::{LongLivedToken, ShortLivedToken};
pub use socialpub_platform_http::PlatformConfig;
pub use socialpub_platform_http::meta_graph::{AppUsage, BusinessUseCaseUsage, GraphUsage};
pub use wire::AccountType;
