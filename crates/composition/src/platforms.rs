//! Which platform clients this process has, built from the settings.

use std::collections::HashMap;
use std::sync::Arc;

use socialpub_domain::Platform;
use socialpub_ports::{PlatformClient, PlatformRegistry, Publisher, PublisherRegistry};

/// The platform clients built at start-up; a platform without credentials (and not pointed at
/// the simulator or a mock) is absent, and the API says it is not enabled.
#[derive(Default, Clone)]
pub struct ConfiguredPlatforms {
    clients: HashMap<Platform, Arc<dyn PlatformClient>>,
    /// Publishers built on the same clients (same credentials and base URLs); a platform
    /// whose publish flow has not landed yet has a client and no publisher.
    publishers: HashMap<Platform, Arc<dyn Publisher>>,
    /// Clients that connect a platform's accounts through Facebook Login (Instagram), keyed by
    /// that platform; present when the platform is enabled and a Facebook app is configured.
    facebook_login: HashMap<Platform, Arc<dyn PlatformClient>>,
}

impl ConfiguredPlatforms {
    pub fn insert(&mut self, client: Arc<dyn PlatformClient>) {
        self.clients.insert(client.platform(), client);
    }

    /// `client` connects its platform's accounts through Facebook Login.
    pub fn insert_facebook_login(&mut self, client: Arc<dyn PlatformClient>) {
        self.facebook_login.insert(client.platform(), client);
    }

    pub fn insert_publisher(&mut self, platform: Platform, publisher: Arc<dyn Publisher>) {
        self.publishers.insert(platform, publisher);
    }
}

impl PlatformRegistry for ConfiguredPlatforms {
    fn client(&self, platform: Platform) -> Option<Arc<dyn PlatformClient>> {
        self.clients.get(&platform).cloned()
    }

    fn facebook_login_client(&self, platform: Platform) -> Option<Arc<dyn PlatformClient>> {
        self.facebook_login.get(&platform).cloned()
    }

    fn enabled(&self) -> Vec<Platform> {
        Platform::ALL
            .into_iter()
            .filter(|p| self.clients.contains_key(p))
            .collect()
    }
}

impl PublisherRegistry for ConfiguredPlatforms {
    fn publisher(&self, platform: Platform) -> Option<Arc<dyn Publisher>> {
        self.publishers.get(&platform).cloned()
    }
}
