use socialpub_domain::SecretString;
use url::Url;

/// `LinkedIn-Version` sent on every `/rest` call unless configured otherwise: the newest
/// active version in September 2026, supported until 2027-09-15. LinkedIn applies no default:
/// a missing header is a 400 `VERSION_MISSING`, a sunset one a 426 `NONEXISTENT_VERSION`.
pub const DEFAULT_LINKEDIN_VERSION: &str = "202609";

/// Self-serve scopes: the member's identity (Sign In with LinkedIn using OpenID Connect:
/// `openid`, `profile`, `email`) and posting as the member (Share on LinkedIn:
/// `w_member_social`).
pub const MEMBER_SCOPES: &[&str] = &["openid", "profile", "email", "w_member_social"];

/// Scopes of LinkedIn's vetted Community Management product: the organizations the member
/// administers (`r_organization_admin`, `rw_organization_admin`, which also grants the
/// organization statistics used for best-time suggestions), posting and reading as them
/// (`w_organization_social`, `r_organization_social`) and the member's own post analytics
/// (`r_member_postAnalytics`). Asking for a scope the app is not approved for fails the whole
/// consent, so apps with only the self-serve products must set these to none.
pub const ORGANIZATION_SCOPES: &[&str] = &[
    "r_organization_admin",
    "rw_organization_admin",
    "w_organization_social",
    "r_organization_social",
    "r_member_postAnalytics",
];

/// Where and as which LinkedIn app the client talks.
///
/// `Debug` is safe to log: the client secret is a [`SecretString`] and prints redacted.
#[derive(Debug, Clone)]
pub struct LinkedinConfig {
    pub client_id: String,
    pub client_secret: SecretString,
    /// API host, `https://api.linkedin.com` (a path prefix is kept, for simulators).
    pub api_base_url: Url,
    /// OAuth host, `https://www.linkedin.com` (authorization, token, revocation).
    pub oauth_base_url: Url,
    /// Member scopes. Defaults to [`MEMBER_SCOPES`].
    pub scopes: Vec<String>,
    /// Community Management scopes, asked for together with `scopes`. Defaults to
    /// [`ORGANIZATION_SCOPES`]; empty for an app without Community Management access (then
    /// only the member's own account is discovered).
    pub organization_scopes: Vec<String>,
    /// `LinkedIn-Version` header value, `YYYYMM`. Defaults to [`DEFAULT_LINKEDIN_VERSION`].
    pub linkedin_version: String,
}

impl LinkedinConfig {
    /// A configuration for the live LinkedIn hosts with the default scopes and version.
    pub fn new(client_id: impl Into<String>, client_secret: SecretString) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret,
            api_base_url: Url::parse("https://api.linkedin.com").expect("static URL parses"),
            oauth_base_url: Url::parse("https://www.linkedin.com").expect("static URL parses"),
            scopes: MEMBER_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            organization_scopes: ORGANIZATION_SCOPES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            linkedin_version: DEFAULT_LINKEDIN_VERSION.to_owned(),
        }
    }

    /// Points the client at other hosts (a simulator, a test server).
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
    pub fn with_organization_scopes<S: Into<String>>(
        mut self,
        scopes: impl IntoIterator<Item = S>,
    ) -> Self {
        self.organization_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    #[must_use]
    pub fn with_linkedin_version(mut self, version: impl Into<String>) -> Self {
        self.linkedin_version = version.into();
        self
    }

    /// Every scope asked for at consent, member scopes first, without duplicates.
    pub fn all_scopes(&self) -> Vec<&str> {
        let mut all: Vec<&str> = Vec::new();
        for scope in self.scopes.iter().chain(&self.organization_scopes) {
            if !scope.is_empty() && !all.contains(&scope.as_str()) {
                all.push(scope);
            }
        }
        all
    }
}
