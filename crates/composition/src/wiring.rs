//! Platform clients from the settings.

use std::sync::Arc;

use anyhow::Context;
use socialpub_domain::Platform;
use socialpub_platform_http::{HttpClientSettings, PlatformConfig, build_http_client};
use socialpub_ports::{PlatformClient, PlatformRegistry, Publisher};
use url::Url;

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
    let facebook_graph = facebook_graph_base_url(settings, stand_in);
    for platform in &settings.platforms {
        let Some(mut config) = platform
            .client_config()
            .or_else(|| stand_in(platform.platform))
        else {
            left_out.push(platform.platform.as_str());
            continue;
        };
        if platform.platform == Platform::Linkedin
            && let Some(version) = &settings.linkedin_api_version
        {
            config.api_version = Some(version.clone());
        }
        let (client, publisher) = client_for(
            platform.platform,
            config,
            http.clone(),
            &facebook_graph,
            settings,
        );
        registry.insert(client);
        if platform.platform == Platform::Tiktok && !settings.enable_tiktok_publishing {
            tracing::info!(
                "ENABLE_TIKTOK_PUBLISHING=false: TikTok accounts can be connected, not published to"
            );
            continue;
        }
        if let Some(publisher) = publisher {
            registry.insert_publisher(platform.platform, publisher);
        }
    }
    if registry.client(Platform::Instagram).is_some()
        && let Some(facebook) = facebook_config(settings, stand_in)
    {
        registry.insert_facebook_login(Arc::new(
            socialpub_facebook::InstagramViaFacebookClient::new(
                socialpub_facebook::FacebookClient::new(facebook, http.clone()),
            ),
        ));
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

/// A platform's client, and its publisher on the very same client where the platform's
/// publish flow exists.
fn client_for(
    platform: Platform,
    config: PlatformConfig,
    http: reqwest::Client,
    facebook_graph: &Url,
    settings: &Settings,
) -> (Arc<dyn PlatformClient>, Option<Arc<dyn Publisher>>) {
    match platform {
        Platform::Facebook => {
            let client = socialpub_facebook::FacebookClient::new(config, http);
            let publisher = socialpub_facebook::FacebookPublisher::new(client.clone());
            (Arc::new(client), Some(Arc::new(publisher)))
        }
        Platform::Instagram => {
            let client = socialpub_instagram::InstagramClient::new(config, http);
            let settings =
                socialpub_instagram::InstagramPublishSettings::new(facebook_graph.clone());
            let publisher =
                socialpub_instagram::InstagramPublisher::with_settings(client.clone(), settings);
            (Arc::new(client), Some(Arc::new(publisher)))
        }
        Platform::X => {
            let client = socialpub_x::XClient::new(config, http);
            let publisher = socialpub_x::XPublisher::new(client.clone());
            (Arc::new(client), Some(Arc::new(publisher)))
        }
        Platform::Linkedin => {
            let client = socialpub_linkedin::LinkedinClient::new(config, http);
            let publisher = socialpub_linkedin::LinkedinPublisher::new(client.clone());
            (Arc::new(client), Some(Arc::new(publisher)))
        }
        Platform::Tiktok => {
            let client = socialpub_tiktok::TiktokClient::new(config, http);
            let publisher = socialpub_tiktok::TiktokPublisher::with_settings(
                client.clone(),
                socialpub_tiktok::TiktokPublishSettings {
                    app_audited: settings.tiktok_app_audited,
                    ..Default::default()
                },
            );
            (Arc::new(client), Some(Arc::new(publisher)))
        }
        Platform::Pinterest => {
            let client = socialpub_pinterest::PinterestClient::new(config, http);
            let publisher = socialpub_pinterest::PinterestPublisher::new(client.clone());
            (Arc::new(client), Some(Arc::new(publisher)))
        }
    }
}

/// The Facebook app's configuration (its stand-in without Facebook credentials), which
/// Instagram's Facebook Login uses: its App ID and secret, the login dialog's host and the
/// Graph host.
fn facebook_config(
    settings: &Settings,
    stand_in: &dyn Fn(Platform) -> Option<PlatformConfig>,
) -> Option<PlatformConfig> {
    settings
        .platform(Platform::Facebook)
        .and_then(|p| p.client_config())
        .or_else(|| stand_in(Platform::Facebook))
}

/// Where Instagram accounts connected through Facebook Login publish: the Facebook Graph host
/// the Facebook client uses (its stand-in without Facebook credentials).
pub(crate) fn facebook_graph_base_url(
    settings: &Settings,
    stand_in: &dyn Fn(Platform) -> Option<PlatformConfig>,
) -> Url {
    let facebook = settings.platform(Platform::Facebook);
    facebook_config(settings, stand_in)
        .map(|config| config.api_base_url)
        .or_else(|| facebook.map(|p| p.api_base_url.clone()))
        .unwrap_or_else(|| {
            #[expect(clippy::expect_used, reason = "a constant URL")]
            Url::parse(socialpub_instagram::FACEBOOK_GRAPH_BASE_URL)
                .expect("the Facebook Graph host parses")
        })
}
