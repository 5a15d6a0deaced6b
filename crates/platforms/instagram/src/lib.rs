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
//! - [`InstagramPublisher`] implements the [`socialpub_ports::Publisher`] port: images, reels,
//!   stories and carousels through containers (created, polled until `FINISHED`, then
//!   committed with `media_publish`), the 24-hour publishing quota read before each commit,
//!   the permalink as the post's URL, reconciliation from the container's status and the
//!   account's recent media. An Instagram Login token is served by the client's API host, a
//!   Facebook Login token (`EAA...`) by the Facebook Graph host of the publisher's settings.
//!
//! Give it a `reqwest::Client` that does not follow redirects.

mod accounts;
mod client;
mod config;
mod insights;
mod media;
mod oauth;
mod publisher;
mod wire;

pub use accounts::InstagramProfile;
pub use client::InstagramClient;
pub use config::{DEFAULT_GRAPH_API_VERSION, DEFAULT_SCOPES, FACEBOOK_GRAPH_BASE_URL, PRODUCTION};
pub use insights::{InstagramInsights, MAX_MEDIA_WITH_METRICS, MEDIA_METRICS};
pub use media::{
    ContainerMediaType, ContainerState, GraphHost, LoginPath, MediaEdge, MediaObject, MediaPage,
    MediaWindow, NewContainer, PublishingLimit,
};
pub use oauth::{LongLivedToken, ShortLivedToken};
pub use publisher::{
    InstagramPublishSettings, InstagramPublisher, STEP_CHECK_QUOTA, STEP_CREATE_CONTAINER,
    STEP_CREATE_ITEM_CONTAINER, STEP_FETCH_PERMALINK, STEP_MEDIA_PUBLISH, STEP_POLL_CONTAINER,
    STEP_POLL_ITEM_CONTAINER,
};
pub use socialpub_platform_http::PlatformConfig;
pub use socialpub_platform_http::meta_graph::{AppUsage, BusinessUseCaseUsage, GraphUsage};
pub use wire::AccountType;
