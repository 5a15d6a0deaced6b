use socialpub_domain::SecretString;
use url::Url;

/// Graph API version sent in every path unless configured otherwise. v25.0 is available until
/// 2028-07-29; a version past its end of life is silently served by the oldest live one.
pub const DEFAULT_GRAPH_API_VERSION: &str = "v25.0";

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

/// Where and as which Meta app the Facebook client talks.
///
/// `Debug` is safe to log: the client secret is a [`SecretString`] and prints redacted.
#[derive(Debug, Clone)]
pub struct FacebookConfig {
    /// The Meta App ID.
    pub client_id: String,
    /// The Meta App secret.
    pub client_secret: SecretString,
    /// Graph API host, `https://graph.facebook.com` (a path prefix is kept, for simulators).
    pub api_base_url: Url,
    /// Login dialog host, `https://www.facebook.com`.
    pub oauth_base_url: Url,
    /// Permissions asked for, sent comma-separated. Defaults to [`DEFAULT_SCOPES`].
    pub scopes: Vec<String>,
    /// Graph API version, `v25.0` style. Defaults to [`DEFAULT_GRAPH_API_VERSION`].
    pub graph_api_version: String,
}

impl FacebookConfig {
    /// A configuration for the live Graph API with the default scopes and version.
    pub fn new(client_id: impl Into<String>, client_secret: SecretString) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret,
            api_base_url: Url::parse("https://graph.facebook.com").expect("static URL parses"),
            oauth_base_url: Url::parse("https://www.facebook.com").expect("static URL parses"),
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            graph_api_version: DEFAULT_GRAPH_API_VERSION.to_owned(),
        }
    }

    /// Points the client at another Graph host and login host (a simulator, a test server).
    #[must_use]
    pub fn with_base_urls(mut self, api_base_url: Url, oauth_base_url: Url) -> Self {
        self.api_base_url = api_base_url;
        self.oauth_base_url = oauth_base_url;
        self
    }

    #[must_use]
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    #[must_use]
    pub fn with_graph_api_version(mut self, version: impl Into<String>) -> Self {
        self.graph_api_version = version.into();
        self
    }
}
