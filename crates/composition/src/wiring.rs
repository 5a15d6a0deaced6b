//! Platform clients from the settings.

use std::sync::Arc;

use anyhow::Context;
use socialpub_domain::Platform;
use socialpub_platform_http::{HttpClientSettings, PlatformConfig, build_http_client};
use socialpub_ports::PlatformClient;

use crate::Settings;
use crate::platforms::ConfiguredPlatforms;

/// One client per platform with app credentials. `stand_in` supplies targets for platforms
/// without credentials (the platform simulator).
pub fn platform_registry(
    settings: &Settings,
    stand_in: &dyn Fn(Platform) -> Option<PlatformConfig>,
) -> anyhow::Result<ConfiguredPlatforms> {
    let http = build_http_client(&HttpClientSettings::default())
        .context("building the platform HTTP client")?;
    let mut registry = ConfiguredPlatforms::default();
    let mut left_out = Vec::new();
    for platform in &settings.platforms {
        if platform.platform == Platform::Tiktok && !settings.enable_tiktok_publishing {
            tracing::info!("ENABLE_TIKTOK_PUBLISHING=false: TikTok is not enabled");
            continue;
        }
        let Some(config) = platform
            .client_config()
            .or_else(|| stand_in(platform.platform))
        else {
            left_out.push(platform.platform.as_str());
            continue;
        };
        registry.insert(client_for(platform.platform, config, http.clone()));
    }
    if !left_out.is_empty() {
        tracing::warn!(
            platforms = %left_out.join(", "),
            "no app credentials for {}: not connectable (set <PLATFORM>_APP_ID and \
             <PLATFORM>_APP_SECRET)",
            left_out.join(", ")
        );
    }
    Ok(registry)
}

fn client_for(
    platform: Platform,
    config: PlatformConfig,
    http: reqwest::Client,
) -> Arc<dyn PlatformClient> {
    match platform {
        Platform::Facebook => Arc::new(socialpub_facebook::FacebookClient::new(config, http)),
        Platform::Instagram => Arc::new(socialpub_instagram::InstagramClient::new(config, http)),
        Platform::X => Arc::new(socialpub_x::XClient::new(config, http)),
        Platform::Pinterest => Arc::new(socialpub_pinterest::PinterestClient::new(config, http)),
        Platform::Linkedin => Arc::new(socialpub_linkedin::LinkedinClient::new(config, http)),
        Platform::Tiktok => Arc::new(socialpub_tiktok::TiktokClient::new(config, http)),
    }
}
