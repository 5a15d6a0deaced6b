//! Platform clients from the settings.

use crate::Settings;
use crate::platforms::ConfiguredPlatforms;

/// One client per platform that has credentials or base URLs pointing at a stand-in.
pub fn platform_registry(settings: &Settings) -> anyhow::Result<ConfiguredPlatforms> {
    let registry = ConfiguredPlatforms::default();
    for platform in &settings.platforms {
        if !platform.has_credentials() {
            tracing::info!(platform = %platform.platform, "no app credentials: platform not enabled");
        }
    }
    Ok(registry)
}
