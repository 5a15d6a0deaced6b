//! The insights side of the composition root: the tiered cache and the platforms' readers.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use socialpub_application::{ConnectionService, InsightsPorts, InsightsService, InsightsSettings};
use socialpub_cache::{MokaInsightsCache, RedisTier, TieredInsightsCache};
use socialpub_domain::Platform;
use socialpub_domain::policy::HashtagPolicy;
use socialpub_platform_http::{HttpClientSettings, PlatformConfig, build_http_client};
use socialpub_ports::{
    Clock, InsightsCache, InsightsReader, InsightsReaderRegistry, Metrics, PostMetricsRepository,
};

use crate::Settings;

/// Entries the in-process tier keeps at most.
const MOKA_CAPACITY: u64 = 10_000;
/// A Redis slower than this is skipped for the request (and for a while after).
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// Keys of this service in a Redis possibly shared with others.
const REDIS_PREFIX: &str = "socialpub:insights:";

/// The platforms' insights readers.
#[derive(Default, Clone)]
pub struct InsightsReaders {
    readers: HashMap<Platform, Arc<dyn InsightsReader>>,
}

impl InsightsReaderRegistry for InsightsReaders {
    fn reader(&self, platform: Platform) -> Option<Arc<dyn InsightsReader>> {
        self.readers.get(&platform).cloned()
    }
}

/// moka, with Redis behind it when REDIS_URL is set, counting hits and misses into `metrics`.
pub fn insights_cache(
    settings: &Settings,
    metrics: Arc<dyn Metrics>,
) -> anyhow::Result<Arc<dyn InsightsCache>> {
    let redis = settings
        .redis_url
        .as_ref()
        .map(|url| RedisTier::new(url.expose(), REDIS_PREFIX, REDIS_TIMEOUT))
        .transpose()
        .context("invalid setting REDIS_URL")?;
    Ok(Arc::new(
        TieredInsightsCache::new(MokaInsightsCache::new(MOKA_CAPACITY), redis)
            .with_metrics(metrics),
    ))
}

/// A reader for each platform that has app credentials or a simulator stand-in and whose
/// crate reads insights.
pub fn insights_readers(
    settings: &Settings,
    stand_in: &dyn Fn(Platform) -> Option<PlatformConfig>,
) -> anyhow::Result<InsightsReaders> {
    let http = build_http_client(&HttpClientSettings::default())
        .context("building the platform HTTP client")?;
    let facebook_graph = crate::wiring::facebook_graph_base_url(settings, stand_in);
    let mut registry = InsightsReaders::default();
    for platform in &settings.platforms {
        let Some(config) = platform
            .client_config()
            .or_else(|| stand_in(platform.platform))
        else {
            continue;
        };
        let reader: Arc<dyn InsightsReader> = match platform.platform {
            Platform::X => Arc::new(socialpub_x::XInsights::new(socialpub_x::XClient::new(
                config,
                http.clone(),
            ))),
            Platform::Tiktok => Arc::new(socialpub_tiktok::TiktokInsights::new(
                socialpub_tiktok::TiktokClient::new(config, http.clone()),
            )),
            Platform::Instagram => Arc::new(socialpub_instagram::InstagramInsights::new(
                socialpub_instagram::InstagramClient::new(config, http.clone()),
                facebook_graph.clone(),
            )),
            Platform::Facebook => Arc::new(socialpub_facebook::FacebookInsights::new(
                socialpub_facebook::FacebookClient::new(config, http.clone()),
            )),
            Platform::Linkedin => Arc::new(socialpub_linkedin::LinkedinInsights::new(
                socialpub_linkedin::LinkedinClient::new(config, http.clone()),
            )),
            Platform::Pinterest => Arc::new(socialpub_pinterest::PinterestInsights::new(
                socialpub_pinterest::PinterestClient::new(config, http.clone()),
            )),
        };
        registry.readers.insert(platform.platform, reader);
    }
    Ok(registry)
}

/// The insights use cases from the settings.
pub fn insights_service(
    settings: &Settings,
    connections: ConnectionService,
    readers: InsightsReaders,
    hashtag_policy: HashtagPolicy,
    post_metrics: Arc<dyn PostMetricsRepository>,
    clock: Arc<dyn Clock>,
    metrics: Arc<dyn Metrics>,
) -> anyhow::Result<InsightsService> {
    Ok(InsightsService::new(
        InsightsPorts {
            connections,
            readers: Arc::new(readers),
            cache: insights_cache(settings, metrics)?,
            post_metrics,
            clock,
        },
        InsightsSettings {
            cache_ttl: settings.insights_cache_ttl,
            advanced_fetching: settings.enable_advanced_insights_fetching,
            hashtag_policy,
            ..InsightsSettings::default()
        },
    ))
}
