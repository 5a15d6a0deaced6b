use socialpub_domain::{Platform, SecretString};
use url::Url;

/// How to reach one platform: the app credentials and the two base URLs, which point at the
/// real platform, the simulator or a mock server.
#[derive(Debug, Clone)]
pub struct PlatformSettings {
    pub platform: Platform,
    pub app_id: Option<String>,
    pub app_secret: Option<SecretString>,
    pub api_base_url: Url,
    pub oauth_base_url: Url,
    /// Instagram Login exchanges codes on a third host (api.instagram.com).
    pub token_base_url: Option<Url>,
    /// True when either base URL was set explicitly (simulator or mock server), which makes the
    /// platform usable without real credentials.
    pub base_urls_overridden: bool,
}

impl PlatformSettings {
    /// The platform's real hosts (see `shared/platforms/`).
    pub fn default_urls(platform: Platform) -> (&'static str, &'static str) {
        match platform {
            Platform::Instagram => ("https://graph.instagram.com", "https://www.instagram.com"),
            Platform::Facebook => ("https://graph.facebook.com", "https://www.facebook.com"),
            Platform::Linkedin => ("https://api.linkedin.com", "https://www.linkedin.com"),
            Platform::X => ("https://api.x.com", "https://x.com"),
            Platform::Pinterest => ("https://api.pinterest.com", "https://www.pinterest.com"),
            Platform::Tiktok => ("https://open.tiktokapis.com", "https://www.tiktok.com"),
        }
    }

    /// Credentials are complete when both halves are set.
    pub fn has_credentials(&self) -> bool {
        self.app_id.is_some() && self.app_secret.is_some()
    }
}
