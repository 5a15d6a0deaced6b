use socialpub_platform_http::PlatformDefaults;

/// Graph API version sent in every path unless configured otherwise. v25.0 is available until
/// 2028-07-29; a version past its end of life is silently served by the oldest live one.
pub const DEFAULT_GRAPH_API_VERSION: &str = "v25.0";

/// Graph's host for Page video uploads (`POST /{page-id}/videos`, by URL or in chunks).
pub const GRAPH_VIDEO_BASE_URL: &str = "https://graph-video.facebook.com";

/// Permissions asked for at Facebook Login: list the user's Pages and get their tokens
/// (`pages_show_list`), read and publish Page posts (`pages_read_engagement`,
/// `pages_manage_posts`), publish Page videos and reels (`publish_video`), read Page and post
/// insights for best-time suggestions (`read_insights`), and reach Pages owned through Business
/// Manager (`business_management`).
pub const DEFAULT_SCOPES: &[&str] = &[
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "publish_video",
    "read_insights",
    "business_management",
];

/// The live Graph API (`graph.facebook.com`) and Facebook Login (`www.facebook.com`), as a
/// Meta app (its App ID and App secret).
pub const PRODUCTION: PlatformDefaults = PlatformDefaults {
    api_base_url: "https://graph.facebook.com",
    oauth_base_url: "https://www.facebook.com",
    token_base_url: None,
    upload_base_url: Some(GRAPH_VIDEO_BASE_URL),
    api_version: Some(DEFAULT_GRAPH_API_VERSION),
    scopes: DEFAULT_SCOPES,
};
