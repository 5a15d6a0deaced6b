use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{PlatformConfig, PlatformDefaults};
use url::Url;

/// How to reach one platform: the app credentials and the base URLs, which point at the real
/// platform (its crate's `PRODUCTION` hosts), the simulator or a mock server.
#[derive(Debug, Clone)]
pub struct PlatformSettings {
    pub platform: Platform,
    pub app_id: Option<String>,
    pub app_secret: Option<SecretString>,
    pub api_base_url: Url,
    pub oauth_base_url: Url,
    /// Where codes are exchanged, for a platform with a third host (Instagram Login).
    pub token_base_url: Option<Url>,
    /// Where large uploads go, for a platform with an upload host (Facebook's graph-video).
    pub upload_base_url: Option<Url>,
    /// The API version in request paths (Meta Graph), overriding the crate's pinned default.
    pub api_version: Option<String>,
}

impl PlatformSettings {
    /// The platform's production hosts, version and scopes, as its own crate declares them.
    pub fn production(platform: Platform) -> &'static PlatformDefaults {
        match platform {
            Platform::Instagram => &socialpub_instagram::PRODUCTION,
            Platform::Facebook => &socialpub_facebook::PRODUCTION,
            Platform::Linkedin => &socialpub_linkedin::PRODUCTION,
            Platform::X => &socialpub_x::PRODUCTION,
            Platform::Pinterest => &socialpub_pinterest::PRODUCTION,
            Platform::Tiktok => &socialpub_tiktok::PRODUCTION,
        }
    }

    /// Credentials are complete when both halves are set.
    pub fn has_credentials(&self) -> bool {
        self.app_id.is_some() && self.app_secret.is_some()
    }

    /// The client configuration, when the app credentials are set.
    pub fn client_config(&self) -> Option<PlatformConfig> {
        let (Some(id), Some(secret)) = (&self.app_id, &self.app_secret) else {
            return None;
        };
        let config = platform_config(
            self.platform,
            id.clone(),
            secret.clone(),
            self.api_base_url.clone(),
            self.oauth_base_url.clone(),
            self.token_base_url.clone(),
        );
        let config = match &self.upload_base_url {
            Some(upload) => config.with_upload_base_url(upload.clone()),
            None => config,
        };
        Some(match &self.api_version {
            Some(version) => config.with_api_version(version.clone()),
            None => config,
        })
    }
}

/// The one way composition builds a platform client's configuration: the platform's
/// production defaults, pointed at the given hosts.
pub fn platform_config(
    platform: Platform,
    client_id: String,
    client_secret: SecretString,
    api_base_url: Url,
    oauth_base_url: Url,
    token_base_url: Option<Url>,
) -> PlatformConfig {
    let config = PlatformSettings::production(platform)
        .config(client_id, client_secret)
        .with_base_urls(api_base_url, oauth_base_url);
    match token_base_url {
        Some(url) => config.with_token_base_url(url),
        None => config,
    }
}
