use socialpub_domain::Platform;
use time::Duration;
use url::Url;

use super::error::ConnectionError;

/// The rules of the connect flow that operators set.
#[derive(Debug, Clone)]
pub struct ConnectionPolicy {
    /// `{PUBLIC_BASE_URL}/api/v1/connect/`: each platform's callback is `{this}{platform}/callback`.
    /// Redirect URIs come from here only, never from a request.
    pub callback_base: Url,
    /// How long an authorization may take before its `state` stops being accepted.
    pub state_ttl: Duration,
    /// Pending authorizations kept per user; starting one more drops the user's oldest.
    /// Bounds what one user can make us store, while a user who opened a few connect tabs
    /// can still finish the latest of them.
    pub max_pending_states: usize,
    /// Tokens expiring within this margin are refreshed before use.
    pub refresh_skew: Duration,
    /// How long one process may hold a connection's refresh lock.
    pub refresh_lock_ttl: Duration,
    /// Names this process in refresh locks.
    pub holder: String,
    /// When false, a LinkedIn grant yields only the organizations, not the member's profile.
    pub linkedin_personal_publishing: bool,
}

impl ConnectionPolicy {
    pub fn new(callback_base: Url, holder: impl Into<String>) -> Self {
        Self {
            callback_base,
            state_ttl: Duration::minutes(10),
            max_pending_states: 20,
            refresh_skew: Duration::minutes(5),
            refresh_lock_ttl: Duration::seconds(60),
            holder: holder.into(),
            linkedin_personal_publishing: true,
        }
    }

    pub fn redirect_uri(&self, platform: Platform) -> Result<Url, ConnectionError> {
        self.callback_base
            .join(&format!("{}/callback", platform.as_str()))
            .map_err(|e| ConnectionError::Misconfigured(format!("callback URL: {e}")))
    }
}
