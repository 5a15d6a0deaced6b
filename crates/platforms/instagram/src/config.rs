use socialpub_domain::SecretString;
use url::Url;

/// Graph API version used on `graph.instagram.com` unless configured otherwise (the token
/// endpoints there are unversioned).
pub const DEFAULT_GRAPH_API_VERSION: &str = "v25.0";

/// Business Login for Instagram permissions: the account's profile and media
/// (`instagram_business_basic`, always required), publishing
/// (`instagram_business_content_publish`) and account and media insights for best-time
/// suggestions (`instagram_business_manage_insights`).
pub const DEFAULT_SCOPES: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_insights",
];

/// Where and as which Instagram app the client talks. Instagram Login spans three hosts:
/// `www.instagram.com` (consent), `api.instagram.com` (code exchange) and
/// `graph.instagram.com` (everything else).
///
/// `Debug` is safe to log: the client secret is a [`SecretString`] and prints redacted.
#[derive(Debug, Clone)]
pub struct InstagramConfig {
    /// The Instagram App ID (not the Meta App ID).
    pub client_id: String,
    /// The Instagram App secret.
    pub client_secret: SecretString,
    /// Graph host, `https://graph.instagram.com` (a path prefix is kept, for simulators).
    pub api_base_url: Url,
    /// Consent host, `https://www.instagram.com`.
    pub oauth_base_url: Url,
    /// Code-exchange host, `https://api.instagram.com`.
    pub token_base_url: Url,
    /// Permissions asked for, sent comma-separated. Defaults to [`DEFAULT_SCOPES`].
    pub scopes: Vec<String>,
    /// Graph API version, `v25.0` style. Defaults to [`DEFAULT_GRAPH_API_VERSION`].
    pub graph_api_version: String,
}

impl InstagramConfig {
    /// A configuration for the live Instagram hosts with the default scopes and version.
    pub fn new(client_id: impl Into<String>, client_secret: SecretString) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret,
            api_base_url: Url::parse("https://graph.instagram.com").expect("static URL parses"),
            oauth_base_url: Url::parse("https://www.instagram.com").expect("static URL parses"),
            token_base_url: Url::parse("https://api.instagram.com").expect("static URL parses"),
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            graph_api_version: DEFAULT_GRAPH_API_VERSION.to_owned(),
        }
    }

    /// Points the client at other hosts (a simulator, a test server).
    #[must_use]
    pub fn with_base_urls(
        mut self,
        api_base_url: Url,
        oauth_base_url: Url,
        token_base_url: Url,
    ) -> Self {
        self.api_base_url = api_base_url;
        self.oauth_base_url = oauth_base_url;
        self.token_base_url = token_base_url;
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
