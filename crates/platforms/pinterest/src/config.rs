use socialpub_platform_http::PlatformDefaults;

/// `https://api.pinterest.com` (paths add `/v5`); the sandbox is
/// `https://api-sandbox.pinterest.com`.
pub const DEFAULT_API_BASE_URL: &str = "https://api.pinterest.com";
/// `https://www.pinterest.com`: the consent page (`/oauth/`).
pub const DEFAULT_OAUTH_BASE_URL: &str = "https://www.pinterest.com";

/// What publishing and insights need: `boards:read` + `boards:write` (list boards, and
/// `POST /v5/pins` is declared with both), `pins:read` + `pins:write` (create Pins, Pin
/// analytics), `user_accounts:read` (identity, account analytics, trends).
pub const DEFAULT_SCOPES: &[&str] = &[
    "boards:read",
    "boards:write",
    "pins:read",
    "pins:write",
    "user_accounts:read",
];

/// The live Pinterest API. The app secret goes with HTTP Basic to the token endpoint; the
/// version is in the paths (`/v5`), not configurable.
pub const PRODUCTION: PlatformDefaults = PlatformDefaults {
    api_base_url: DEFAULT_API_BASE_URL,
    oauth_base_url: DEFAULT_OAUTH_BASE_URL,
    token_base_url: None,
    upload_base_url: None,
    api_version: None,
    scopes: DEFAULT_SCOPES,
};
