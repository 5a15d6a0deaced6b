use std::fmt;

use socialpub_domain::SecretString;
use url::Url;

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

/// A Pinterest app's credentials and endpoints.
#[derive(Clone)]
pub struct PinterestConfig {
    /// The app id.
    pub client_id: String,
    /// The app secret, sent with HTTP Basic to the token endpoint.
    pub client_secret: SecretString,
    /// `https://api.pinterest.com`, the sandbox, or a simulator (without `/v5`).
    pub api_base_url: Url,
    /// `https://www.pinterest.com`, or a simulator.
    pub oauth_base_url: Url,
    /// Scopes requested at authorization (sent comma-separated).
    pub scopes: Vec<String>,
}

impl PinterestConfig {
    /// Credentials with the production endpoints and [`DEFAULT_SCOPES`].
    pub fn new(client_id: impl Into<String>, client_secret: SecretString) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret,
            api_base_url: default_url(DEFAULT_API_BASE_URL),
            oauth_base_url: default_url(DEFAULT_OAUTH_BASE_URL),
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

fn default_url(url: &str) -> Url {
    Url::parse(url).expect("the default URLs are valid")
}

impl fmt::Debug for PinterestConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinterestConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("api_base_url", &self.api_base_url.as_str())
            .field("oauth_base_url", &self.oauth_base_url.as_str())
            .field("scopes", &self.scopes)
            .finish()
    }
}
