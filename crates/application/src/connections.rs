//! Connecting accounts: the OAuth dance, keeping tokens fresh, and disconnecting.

mod authorize;
mod boards;
mod callback;
mod disconnect;
mod error;
#[cfg(test)]
mod facebook_login_tests;
mod policy;
mod refresh;
mod reseal;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use socialpub_domain::{
    ConnectionId, EncryptedToken, LoginPath, Platform, SecretString, SocialConnection, UserId,
};
use socialpub_ports::{
    Clock, ConnectionFilter, ConnectionRepository, Metrics, NoMetrics, OAuthStateStore, Page,
    PageRequest, PlatformClient, PlatformRegistry, SecretGenerator, TokenCipher, TokenSlot,
};

pub use authorize::AuthorizationStart;
pub use callback::{ApprovedAuthorization, CallbackParams, Completer, ConnectedAccounts};
pub use disconnect::Disconnected;
pub use error::ConnectionError;
pub use policy::ConnectionPolicy;
pub use refresh::SweepReport;
pub use reseal::ResealReport;

/// The ports the connection use cases need.
#[derive(Clone)]
pub struct ConnectionPorts {
    pub connections: Arc<dyn ConnectionRepository>,
    pub oauth_states: Arc<dyn OAuthStateStore>,
    pub platforms: Arc<dyn PlatformRegistry>,
    pub cipher: Arc<dyn TokenCipher>,
    pub secrets: Arc<dyn SecretGenerator>,
    pub clock: Arc<dyn Clock>,
}

/// A user's connected accounts: connect, list, refresh, disconnect.
#[derive(Clone)]
pub struct ConnectionService {
    ports: ConnectionPorts,
    policy: ConnectionPolicy,
    /// Counts token refreshes for `/metrics`.
    metrics: Arc<dyn Metrics>,
}

impl ConnectionService {
    pub fn new(ports: ConnectionPorts, policy: ConnectionPolicy) -> Self {
        Self {
            ports,
            policy,
            metrics: Arc::new(NoMetrics),
        }
    }

    /// Counts token refreshes into `metrics`.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Arc<dyn Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// The event a change to `connection` emits, stored by the repository in the change's own
    /// transaction (`save_with_events`, `delete_with_events`): never one without the other.
    fn event(
        &self,
        event: socialpub_domain::webhook::EventType,
        connection: &SocialConnection,
    ) -> socialpub_domain::webhook::WebhookEvent {
        socialpub_domain::webhook::WebhookEvent::for_connection(
            event,
            connection,
            self.ports.clock.now(),
            serde_json::Map::new(),
        )
    }

    /// Marks the connection as needing reauthorization and stores `connection.needs_reauth`
    /// with it, in one transaction.
    async fn save_needs_reauth(
        &self,
        connection: &mut SocialConnection,
    ) -> Result<(), ConnectionError> {
        connection.mark_needs_reauth(self.ports.clock.now());
        let event = self.event(
            socialpub_domain::webhook::EventType::ConnectionNeedsReauth,
            connection,
        );
        self.ports
            .connections
            .save_with_events(connection, std::slice::from_ref(&event))
            .await?;
        Ok(())
    }

    pub fn clock(&self) -> &dyn Clock {
        self.ports.clock.as_ref()
    }

    pub fn policy(&self) -> &ConnectionPolicy {
        &self.policy
    }

    /// The platforms a user can connect right now.
    pub fn enabled_platforms(&self) -> Vec<socialpub_domain::Platform> {
        self.ports.platforms.enabled()
    }

    pub async fn list(
        &self,
        user: &UserId,
        filter: &ConnectionFilter,
        page: PageRequest,
    ) -> Result<Page<SocialConnection>, ConnectionError> {
        Ok(self.ports.connections.list(user, filter, page).await?)
    }

    pub async fn get(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<SocialConnection, ConnectionError> {
        self.ports
            .connections
            .get(user, id)
            .await?
            .ok_or(ConnectionError::NotFound(id))
    }

    /// The client that speaks `login` for `platform`'s accounts: what connects, refreshes and
    /// revokes them.
    fn login_client(
        &self,
        platform: Platform,
        login: LoginPath,
    ) -> Result<Arc<dyn PlatformClient>, ConnectionError> {
        if !login.offered_for(platform) {
            return Err(ConnectionError::LoginNotOffered(platform, login));
        }
        match login {
            LoginPath::Native => self
                .ports
                .platforms
                .client(platform)
                .ok_or(ConnectionError::PlatformNotEnabled(platform)),
            LoginPath::Facebook => self
                .ports
                .platforms
                .facebook_login_client(platform)
                .ok_or(ConnectionError::LoginNotEnabled(platform, login)),
        }
    }

    /// Tokens are sealed bound to their slot (connection and column), so a ciphertext copied
    /// into another row, or swapped with its row's other token, does not open.
    fn seal(
        &self,
        slot: TokenSlot,
        token: &SecretString,
    ) -> Result<EncryptedToken, ConnectionError> {
        Ok(self.ports.cipher.seal(token, slot)?)
    }

    fn open(
        &self,
        slot: TokenSlot,
        token: &EncryptedToken,
    ) -> Result<SecretString, ConnectionError> {
        Ok(self.ports.cipher.open(token, slot)?)
    }
}
