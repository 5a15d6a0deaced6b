use socialpub_platform_http::PlatformDefaults;

/// `https://api.x.com`: token, revoke and API calls.
pub const DEFAULT_API_BASE_URL: &str = "https://api.x.com";
/// `https://x.com`: the consent page (`/i/oauth2/authorize`).
pub const DEFAULT_OAUTH_BASE_URL: &str = "https://x.com";

/// What publishing and insights need:
/// `tweet.read tweet.write users.read` for `POST /2/tweets`, `media.write` for media upload,
/// `offline.access` for a refresh token; `tweet.read users.read` also cover own-timeline
/// metrics, post analytics and personalized trends.
pub const DEFAULT_SCOPES: &[&str] = &[
    "tweet.read",
    "tweet.write",
    "users.read",
    "media.write",
    "offline.access",
];

/// The live X API. The app is an OAuth 2.0 confidential client: its Client ID (not the API
/// key of OAuth 1.0a) and Client Secret, sent with HTTP Basic to the token endpoint.
pub const PRODUCTION: PlatformDefaults = PlatformDefaults {
    api_base_url: DEFAULT_API_BASE_URL,
    oauth_base_url: DEFAULT_OAUTH_BASE_URL,
    token_base_url: None,
    upload_base_url: None,
    api_version: None,
    scopes: DEFAULT_SCOPES,
};
