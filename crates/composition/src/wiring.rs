//! Platform clients from the settings.

use std::sync::Arc;

use anyhow::Context;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_ports::{PlatformClient, Publisher};
use url::Url;

use crate::Settings;
use crate::platforms::ConfiguredPlatforms;
use crate::settings::PlatformSettings;

/// What one platform client is built from: app credentials and where the platform is.
pub struct PlatformTarget {
    pub client_id: String,
    pub client_secret: SecretString,
    pub api_base_url: Url,
    pub oauth_base_url: Url,
    pub token_base_url: Option<Url>,
}

impl PlatformTarget {
    fn from_settings(settings: &PlatformSettings) -> Option<Self> {
        Some(Self {
            client_id: settings.app_id.clone()?,
            client_secret: settings.app_secret.clone()?,
            api_base_url: settings.api_base_url.clone(),
            oauth_base_url: settings.oauth_base_url.clone(),
            token_base_url: settings.token_base_url.clone(),
        })
    }
}

/// One client per platform with app credentials. `stand_in` supplies targets for platforms
/// without credentials (the platform simulator).
pub fn platform_registry(
    settings: &Settings,
    stand_in: &dyn Fn(Platform) -> Option<PlatformTarget>,
) -> anyhow::Result<ConfiguredPlatforms> {
    let http = build_http_client(&HttpClientSettings::default())
        .context("building the platform HTTP client")?;
    let mut registry = ConfiguredPlatforms::default();
    for platform in &settings.platforms {
        if platform.platform == Platform::Tiktok && !settings.enable_tiktok_publishing {
            tracing::info!("ENABLE_TIKTOK_PUBLISHING=false: TikTok is not enabled");
            continue;
        }
        let Some(target) =
            PlatformTarget::from_settings(platform).or_else(|| stand_in(platform.platform))
        else {
            tracing::info!(platform = %platform.platform, "no app credentials: platform not enabled");
            continue;
        };
        let (client, publisher) = client_for(platform.platform, target, http.clone());
        registry.insert(client);
        if let Some(publisher) = publisher {
            registry.insert_publisher(platform.platform, publisher);
        }
    }
    Ok(registry)
}

/// A platform's client, and its publisher on the very same client where the platform's
/// publish flow exists.
fn client_for(
    platform: Platform,
    target: PlatformTarget,
    http: reqwest::Client,
) -> (Arc<dyn PlatformClient>, Option<Arc<dyn Publisher>>) {
    match platform {
        Platform::Facebook => {
            let config =
                socialpub_facebook::FacebookConfig::new(target.client_id, target.client_secret)
                    .with_base_urls(target.api_base_url, target.oauth_base_url);
            let client = socialpub_facebook::FacebookClient::new(config, http);
            let publisher = socialpub_facebook::FacebookPublisher::new(client.clone());
            (Arc::new(client), Some(Arc::new(publisher)))
        }
        Platform::Instagram => {
            let token_base = target
                .token_base_url
                .unwrap_or_else(|| target.api_base_url.clone());
            let config =
                socialpub_instagram::InstagramConfig::new(target.client_id, target.client_secret)
                    .with_base_urls(target.api_base_url, target.oauth_base_url, token_base);
            (
                Arc::new(socialpub_instagram::InstagramClient::new(config, http)),
                None,
            )
        }
        Platform::X => {
            let mut config = socialpub_x::XConfig::new(target.client_id, target.client_secret);
            config.api_base_url = target.api_base_url;
            config.oauth_base_url = target.oauth_base_url;
            let client = socialpub_x::XClient::new(config, http);
            let publisher = socialpub_x::XPublisher::new(client.clone());
            (Arc::new(client), Some(Arc::new(publisher)))
        }
        Platform::Pinterest => {
            let mut config =
                socialpub_pinterest::PinterestConfig::new(target.client_id, target.client_secret);
            config.api_base_url = target.api_base_url;
            config.oauth_base_url = target.oauth_base_url;
            (
                Arc::new(socialpub_pinterest::PinterestClient::new(config, http)),
                None,
            )
        }
        Platform::Linkedin => {
            let config =
                socialpub_linkedin::LinkedinConfig::new(target.client_id, target.client_secret)
                    .with_base_urls(target.api_base_url, target.oauth_base_url);
            (
                Arc::new(socialpub_linkedin::LinkedinClient::new(config, http)),
                None,
            )
        }
        Platform::Tiktok => {
            let mut config =
                socialpub_tiktok::TiktokConfig::new(target.client_id, target.client_secret);
            config.api_base_url = target.api_base_url;
            config.oauth_base_url = target.oauth_base_url;
            (
                Arc::new(socialpub_tiktok::TiktokClient::new(config, http)),
                None,
            )
        }
    }
}
