use socialpub_platform_http::PlatformDefaults;

/// `https://open.tiktokapis.com`: token, revoke and API calls.
pub const DEFAULT_API_BASE_URL: &str = "https://open.tiktokapis.com";
/// `https://www.tiktok.com`: the consent page (`/v2/auth/authorize/`).
pub const DEFAULT_OAUTH_BASE_URL: &str = "https://www.tiktok.com";

/// What publishing and insights need: `user.info.basic` (open_id, display name),
/// `user.info.profile` (username for post URLs), `user.info.stats` (follower and like
/// counts), `video.publish` (direct post, creator info), `video.upload` (inbox upload),
/// `video.list` (own videos with counts: the best-time source).
pub const DEFAULT_SCOPES: &[&str] = &[
    "user.info.basic",
    "user.info.profile",
    "user.info.stats",
    "video.publish",
    "video.upload",
    "video.list",
];

/// The live TikTok API. The config's `client_id` is the app's client key (sent as
/// `client_key`); the secret goes in the form body.
pub const PRODUCTION: PlatformDefaults = PlatformDefaults {
    api_base_url: DEFAULT_API_BASE_URL,
    oauth_base_url: DEFAULT_OAUTH_BASE_URL,
    token_base_url: None,
    upload_base_url: None,
    api_version: None,
    scopes: DEFAULT_SCOPES,
};
