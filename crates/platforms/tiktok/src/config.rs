use std::fmt;

use socialpub_domain::SecretString;
use url::Url;

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

/// A TikTok app's credentials and endpoints.
#[derive(Clone)]
pub struct TiktokConfig {
    /// The app's client key (sent as `client_key`).
    pub client_id: String,
    /// The app's client secret (sent in the form body).
    pub client_secret: SecretString,
    /// `https://open.tiktokapis.com`, or a simulator.
    pub api_base_url: Url,
    /// `https://www.tiktok.com`, or a simulator.
    pub oauth_base_url: Url,
    /// Scopes requested at authorization (sent comma-separated).
    pub scopes: Vec<String>,
}

impl TiktokConfig {
    /// Credentials with the production endpoints and [`DEFAULT_SCOPES`].
    pub fn new(client_key: impl Into<String>, client_secret: SecretString) -> Self {
        Self {
            client_id: client_key.into(),
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

impl fmt::Debug for TiktokConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TiktokConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("api_base_url", &self.api_base_url.as_str())
            .field("oauth_base_url", &self.oauth_base_url.as_str())
            .field("scopes", &self.scopes)
            .finish()
    }
}
