//! A local stand-in for the six platforms Socialpub publishes to (X, Pinterest, TikTok, Facebook,
//! Instagram, LinkedIn). It serves their OAuth and account APIs on their real paths with their
//! documented response and error shapes, so the platform clients work against it by swapping
//! base URLs only.
//!
//! One HTTP server, one path prefix per platform and host role:
//!
//! | platform  | oauth base (web host)  | api base (API host)  | token base            |
//! |-----------|------------------------|----------------------|-----------------------|
//! | X         | `/x/oauth/`            | `/x/api/`            |                       |
//! | Pinterest | `/pinterest/oauth/`    | `/pinterest/api/`    |                       |
//! | TikTok    | `/tiktok/oauth/`       | `/tiktok/api/`       |                       |
//! | Facebook  | `/facebook/oauth/`     | `/facebook/api/`     |                       |
//! | Instagram | `/instagram/oauth/`    | `/instagram/api/`    | `/instagram/token/`   |
//! | LinkedIn  | `/linkedin/oauth/`     | `/linkedin/api/`     |                       |
//!
//! The admin API lives under `/_sim/` (`POST /_sim/knobs`, `POST /_sim/reset`, `GET /_sim/state`,
//! `GET /_sim/posts`, `GET /_sim/faults`).
//!
//! Publishing: X (`POST /2/tweets`, the chunked media upload v2 with video processing states,
//! `GET /2/users/{id}/tweets`) and Facebook Pages (`/{page-id}/feed`, `/{page-id}/photos`,
//! `/{page-id}/published_posts`, `permalink_url`) and LinkedIn (`/rest/posts`, the Images,
//! Videos and Documents uploads, the `q=author` finder) store every post they accept per account;
//! `GET /2/users/{id}/tweets`), Facebook Pages (`/{page-id}/feed`, `/{page-id}/photos`,
//! `/{page-id}/published_posts`, `permalink_url`) and TikTok (creator info, video and photo
//! inits, the chunked upload on `/tiktok/upload/`, publish status, `/v2/video/list/`) store
//! every post they accept per account;
//! [`KnobSettings::faults`] injects latency, 5xx, 429, timeouts, ambiguous answers (the post is
//! stored, the answer lost) and seeded random storms per endpoint. Sample media are served at
//! `/media/sample.jpg`, `/media/sample.png` and `/media/sample.mp4` with `Range` support.
//! All state is in memory.
//!
//! ```no_run
//! # async fn demo() -> Result<(), socialpub_platform_sim::SimError> {
//! use socialpub_platform_sim::{Platform, Simulator, SimulatorConfig};
//! let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
//! let sim = Simulator::start(SimulatorConfig::default().with_auto_approve(true), listener)?;
//! let x = sim.urls(Platform::X);
//! println!("authorize at {}i/oauth2/authorize", x.oauth_base);
//! sim.stop().await;
//! # Ok(()) }
//! ```

mod admin;
mod config;
mod consent;
mod faults;
mod knobs;
mod media;
mod oauth;
mod platforms;
mod posts;
pub mod seed;
mod server;
mod state;
mod token_endpoint;

pub use config::{AUTO_APPROVE_ENV, AppCredentials, SimulatorConfig, TokenLifetimes};
pub use faults::{AmbiguousMode, EndpointFaults, FaultSettings, PublishEndpoint, Storm};
pub use knobs::{KnobError, KnobSettings, Knobs};
pub use media::{
    MAX_GENERATED_VIDEO_BYTES, SAMPLE_VIDEO_SECONDS, SampleMedia, generated_video_path,
};
pub use posts::{SimPost, duplicate_count};
pub use server::{PlatformUrls, SimError, Simulator, SimulatorHandle, run_standalone};
pub use socialpub_domain::Platform;
pub use state::{PlatformSnapshot, PlatformStats, StateSnapshot};
