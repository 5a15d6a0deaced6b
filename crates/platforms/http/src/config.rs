//! One configuration shape for every platform client, so that composition builds all six the
//! same way and each platform's production hosts are written down exactly once (in its own
//! crate, as a [`PlatformDefaults`]).

use socialpub_domain::SecretString;
use url::Url;

/// A platform's production hosts, API version and scopes. Each platform crate declares one
/// `PRODUCTION` constant; nothing else names those hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformDefaults {
    /// API host (a path prefix is kept, for simulators).
    pub api_base_url: &'static str,
    /// Consent page host.
    pub oauth_base_url: &'static str,
    /// Code-exchange host, for a platform that exchanges codes on a third host (Instagram
    /// Login's `api.instagram.com`); `None` means the API host.
    pub token_base_url: Option<&'static str>,
    /// Host of large uploads, for a platform that takes them on a host of their own (Graph's
    /// `graph-video.facebook.com` for Page videos); `None` means the API host.
    pub upload_base_url: Option<&'static str>,
    /// Version sent with every call (Graph API `v25.0`, `LinkedIn-Version` `YYYYMM`), for a
    /// platform that versions its API that way.
    pub api_version: Option<&'static str>,
    /// Scopes asked for at consent.
    pub scopes: &'static [&'static str],
}

impl PlatformDefaults {
    /// The live platform as app `client_id`: the only way a [`PlatformConfig`] is made.
    /// Point it elsewhere afterwards with [`PlatformConfig::with_base_urls`].
    ///
    /// # Panics
    /// When one of the constant URLs does not parse: a programming error in a platform crate,
    /// caught by its tests.
    pub fn config(
        &self,
        client_id: impl Into<String>,
        client_secret: SecretString,
    ) -> PlatformConfig {
        PlatformConfig {
            client_id: client_id.into(),
            client_secret,
            api_base_url: self.parsed(self.api_base_url),
            oauth_base_url: self.parsed(self.oauth_base_url),
            token_base_url: self.token_base_url.map(|url| self.parsed(url)),
            upload_base_url: self.upload_base_url.map(|url| self.parsed(url)),
            api_version: self.api_version.map(str::to_owned),
            scopes: Vec::new(),
        }
        .with_scopes(self.scopes.iter().copied())
    }

    fn parsed(&self, url: &str) -> Url {
        #[expect(
            clippy::expect_used,
            reason = "the defaults are constants; every platform crate's tests build them"
        )]
        Url::parse(url).expect("a platform's default URL parses")
    }
}

/// Where and as which app a platform client talks.
///
/// `Debug` is safe to log: the client secret is a [`SecretString`] and prints redacted, and
/// the URLs print as text.
#[derive(Clone, PartialEq, Eq)]
pub struct PlatformConfig {
    /// The app's id at the platform (client id, client key, App ID).
    pub client_id: String,
    /// The app's secret.
    pub client_secret: SecretString,
    /// The API host, or a simulator or test server standing in for it.
    pub api_base_url: Url,
    /// The consent page host, or a stand-in.
    pub oauth_base_url: Url,
    /// The code-exchange host when it is neither of the others (see
    /// [`PlatformDefaults::token_base_url`]).
    pub token_base_url: Option<Url>,
    /// The large-upload host when it is not the API host (see
    /// [`PlatformDefaults::upload_base_url`]).
    pub upload_base_url: Option<Url>,
    /// The API version, for a platform that has one (see [`PlatformDefaults::api_version`]).
    pub api_version: Option<String>,
    /// Scopes asked for at consent, in order, without duplicates or blanks.
    pub scopes: Vec<String>,
}

impl PlatformConfig {
    /// Points the client at other hosts (a simulator, a test server). The upload host is
    /// forgotten, so uploads go to the new API host until [`Self::with_upload_base_url`] names
    /// another: a client pointed at a test server never sends a file to production.
    #[must_use]
    pub fn with_base_urls(mut self, api_base_url: Url, oauth_base_url: Url) -> Self {
        self.api_base_url = api_base_url;
        self.oauth_base_url = oauth_base_url;
        self.upload_base_url = None;
        self
    }

    /// Points code exchanges at another host (only meaningful where the platform has one).
    #[must_use]
    pub fn with_token_base_url(mut self, token_base_url: Url) -> Self {
        self.token_base_url = Some(token_base_url);
        self
    }

    /// Replaces the scopes; duplicates and blanks are dropped, because a platform may refuse a
    /// consent request for either.
    #[must_use]
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes.clear();
        for scope in scopes {
            let scope: String = scope.into();
            if !scope.trim().is_empty() && !self.scopes.contains(&scope) {
                self.scopes.push(scope);
            }
        }
        self
    }

    /// Points large uploads at another host (only meaningful where the platform has one).
    #[must_use]
    pub fn with_upload_base_url(mut self, upload_base_url: Url) -> Self {
        self.upload_base_url = Some(upload_base_url);
        self
    }

    #[must_use]
    pub fn with_api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Where codes are exchanged: the token host if the platform has one, else the API host.
    pub fn token_base_url(&self) -> &Url {
        self.token_base_url.as_ref().unwrap_or(&self.api_base_url)
    }

    /// Where large uploads go: the upload host if the platform has one, else the API host.
    pub fn upload_base_url(&self) -> &Url {
        self.upload_base_url.as_ref().unwrap_or(&self.api_base_url)
    }

    /// The configured API version, or `fallback` for a config built without one.
    pub fn api_version_or<'a>(&'a self, fallback: &'a str) -> &'a str {
        self.api_version.as_deref().unwrap_or(fallback)
    }
}

impl std::fmt::Debug for PlatformConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("api_base_url", &self.api_base_url.as_str())
            .field("oauth_base_url", &self.oauth_base_url.as_str())
            .field(
                "token_base_url",
                &self.token_base_url.as_ref().map(Url::as_str),
            )
            .field(
                "upload_base_url",
                &self.upload_base_url.as_ref().map(Url::as_str),
            )
            .field("api_version", &self.api_version)
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULTS: PlatformDefaults = PlatformDefaults {
        api_base_url: "https://api.example.com",
        oauth_base_url: "https://www.example.com",
        token_base_url: None,
        upload_base_url: None,
        api_version: Some("v1"),
        scopes: &["read", "write", "read", ""],
    };

    #[test]
    fn a_production_config_has_the_declared_hosts_and_clean_scopes() {
        let config = DEFAULTS.config("id", SecretString::new("canary-secret"));
        assert_eq!(config.api_base_url.as_str(), "https://api.example.com/");
        assert_eq!(config.token_base_url().as_str(), "https://api.example.com/");
        assert_eq!(
            config.upload_base_url().as_str(),
            "https://api.example.com/"
        );
        assert_eq!(config.api_version_or("v0"), "v1");
        assert_eq!(config.scopes, ["read", "write"]);
        assert!(!format!("{config:?}").contains("canary"));
    }

    #[test]
    fn overrides_replace_only_what_they_name() {
        let sim = Url::parse("http://127.0.0.1:9/sim/").unwrap();
        let config = DEFAULTS
            .config("id", SecretString::new("s"))
            .with_base_urls(sim.clone(), sim.clone())
            .with_token_base_url(sim.join("token/").unwrap());
        assert_eq!(
            config.token_base_url().as_str(),
            "http://127.0.0.1:9/sim/token/"
        );
        assert_eq!(config.api_version.as_deref(), Some("v1"));
    }

    #[test]
    fn moving_the_api_host_moves_uploads_with_it_until_an_upload_host_is_named() {
        let defaults = PlatformDefaults {
            upload_base_url: Some("https://upload.example.com"),
            ..DEFAULTS
        };
        let production = defaults.config("id", SecretString::new("s"));
        assert_eq!(
            production.upload_base_url().as_str(),
            "https://upload.example.com/"
        );
        let sim = Url::parse("http://127.0.0.1:9/sim/").unwrap();
        let moved = production.with_base_urls(sim.clone(), sim.clone());
        assert_eq!(moved.upload_base_url(), &sim);
        let upload = sim.join("upload/").unwrap();
        let named = moved.with_upload_base_url(upload.clone());
        assert_eq!(named.upload_base_url(), &upload);
    }
}
