use socialpub_platform_http::PlatformDefaults;

/// Graph API version used on `graph.instagram.com` unless configured otherwise (the token
/// endpoints there are unversioned).
pub const DEFAULT_GRAPH_API_VERSION: &str = "v25.0";

/// The Graph host of Instagram accounts connected through Facebook Login (a Facebook User or
/// Page token): the same content-publishing endpoints as `graph.instagram.com`.
pub const FACEBOOK_GRAPH_BASE_URL: &str = "https://graph.facebook.com";

/// Business Login for Instagram permissions: the account's profile and media
/// (`instagram_business_basic`, always required), publishing
/// (`instagram_business_content_publish`) and account and media insights for best-time
/// suggestions (`instagram_business_manage_insights`).
pub const DEFAULT_SCOPES: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_insights",
];

/// The live Instagram hosts, as an Instagram app (its Instagram App ID, not the Meta App ID).
/// Instagram Login spans three: `www.instagram.com` (consent), `api.instagram.com` (code
/// exchange) and `graph.instagram.com` (everything else).
pub const PRODUCTION: PlatformDefaults = PlatformDefaults {
    api_base_url: "https://graph.instagram.com",
    oauth_base_url: "https://www.instagram.com",
    token_base_url: Some("https://api.instagram.com"),
    upload_base_url: None,
    api_version: Some(DEFAULT_GRAPH_API_VERSION),
    scopes: DEFAULT_SCOPES,
};
