use std::fmt;

use socialpub_domain::SecretString;
use url::Url;

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

/// An X app's OAuth 2.0 credentials (a confidential client) and endpoints.
#[derive(Clone)]
pub struct XConfig {
    /// OAuth 2.0 Client ID (not the API key of OAuth 1.0a).
    pub client_id: String,
    /// OAuth 2.0 Client Secret, sent with HTTP Basic to the token endpoint.
    pub client_secret: SecretString,
    /// `https://api.x.com`, or a simulator.
    pub api_base_url: Url,
    /// `https://x.com`, or a simulator.
    pub oauth_base_url: Url,
    /// Scopes requested at authorization.
    pub scopes: Vec<String>,
}

impl XConfig {
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

impl fmt::Debug for XConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("api_base_url", &self.api_base_url.as_str())
            .field("oauth_base_url", &self.oauth_base_url.as_str())
            .field("scopes", &self.scopes)
            .finish()
    }
}
