//! Which platform clients this process has, built from the settings.

use std::collections::HashMap;
use std::sync::Arc;

use socialpub_domain::Platform;
use socialpub_ports::{PlatformClient, PlatformRegistry};

/// The platform clients built at start-up; a platform without credentials (and not pointed at
/// the simulator or a mock) is absent, and the API says it is not enabled.
#[derive(Default, Clone)]
pub struct ConfiguredPlatforms {
    clients: HashMap<Platform, Arc<dyn PlatformClient>>,
}

impl ConfiguredPlatforms {
    pub fn insert(&mut self, client: Arc<dyn PlatformClient>) {
        self.clients.insert(client.platform(), client);
    }
}

impl PlatformRegistry for ConfiguredPlatforms {
    fn client(&self, platform: Platform) -> Option<Arc<dyn PlatformClient>> {
        self.clients.get(&platform).cloned()
    }

    fn enabled(&self) -> Vec<Platform> {
        Platform::ALL
            .into_iter()
            .filter(|p| self.clients.contains_key(p))
            .collect()
    }
}
