//! Simulator settings: registered apps, token lifetimes and per-platform behaviour switches.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use socialpub_domain::Platform;
use url::Url;

/// Environment variable that turns auto-approve on (`true`, `1`, `yes`, `on`).
pub const AUTO_APPROVE_ENV: &str = "SOCIALPUB_SIM_AUTO_APPROVE";

/// One registered app on a simulated platform.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppCredentials {
    /// `client_id` (TikTok: `client_key`; Meta: the app id).
    pub client_id: String,
    /// `client_secret` (TikTok and Meta: the app secret).
    pub client_secret: String,
    /// Registered redirect URIs, matched exactly. Empty means "any absolute http(s) URL".
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

impl AppCredentials {
    /// The simulator's default app for a platform: `sim-<platform>-client` / `sim-<platform>-secret`.
    pub fn default_for(platform: Platform) -> Self {
        Self {
            client_id: format!("sim-{}-client", platform.as_str()),
            client_secret: format!("sim-{}-secret", platform.as_str()),
            redirect_uris: Vec::new(),
        }
    }

    /// True when `redirect_uri` may be used with this app.
    pub fn accepts_redirect(&self, redirect_uri: &str) -> bool {
        if self.redirect_uris.is_empty() {
            return Url::parse(redirect_uri)
                .map(|u| matches!(u.scheme(), "http" | "https") && u.fragment().is_none())
                .unwrap_or(false);
        }
        self.redirect_uris.iter().any(|r| r == redirect_uri)
    }
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

/// Token lifetimes of one platform, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenLifetimes {
    /// Access token (Meta: the short-lived user token).
    pub access_seconds: i64,
    /// Meta only: the long-lived user token from `fb_exchange_token` / `ig_exchange_token` /
    /// `ig_refresh_token`.
    #[serde(default)]
    pub long_lived_access_seconds: Option<i64>,
    /// Refresh token; `None` when the platform issues none.
    #[serde(default)]
    pub refresh_seconds: Option<i64>,
}

impl TokenLifetimes {
    /// Lifetimes from the platforms' documentation.
    pub fn documented(platform: Platform) -> Self {
        match platform {
            // 2 h access; refresh ~6 months (community-reported), single use.
            Platform::X => Self {
                access_seconds: 7_200,
                long_lived_access_seconds: None,
                refresh_seconds: Some(15_552_000),
            },
            // 30 days access (commonly reported), 60-day continuous-refresh token.
            Platform::Pinterest => Self {
                access_seconds: 2_592_000,
                long_lived_access_seconds: None,
                refresh_seconds: Some(5_184_000),
            },
            // Nov-2026 docs: 2 h access, 180-day rotating refresh token.
            Platform::Tiktok => Self {
                access_seconds: 7_200,
                long_lived_access_seconds: None,
                refresh_seconds: Some(15_552_000),
            },
            // Short-lived user token ~1 h, long-lived ~60 days; no refresh tokens.
            Platform::Facebook | Platform::Instagram => Self {
                access_seconds: 3_600,
                long_lived_access_seconds: Some(5_183_944),
                refresh_seconds: None,
            },
            // 60-day access, 365-day refresh (TTL does not reset on use).
            Platform::Linkedin => Self {
                access_seconds: 5_184_000,
                long_lived_access_seconds: None,
                refresh_seconds: Some(31_536_000),
            },
        }
    }
}

/// Everything the simulator can be told at start. `Default` gives the documented behaviour with
/// the `sim-<platform>-client` / `sim-<platform>-secret` apps.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SimulatorConfig {
    /// Skip the consent page and redirect straight back with a code. Defaults to the
    /// `SOCIALPUB_SIM_AUTO_APPROVE` environment variable (false when unset).
    pub auto_approve: bool,
    /// Base URL to advertise (for `paging.next` links and [`crate::SimulatorHandle::urls`]) when the
    /// simulator sits behind a proxy or in a container. Default: `http://<listener address>/`.
    pub public_base_url: Option<Url>,
    /// actix worker threads (default 1; the simulator is light).
    pub workers: usize,
    /// Registered apps per platform; a missing platform uses [`AppCredentials::default_for`].
    pub apps: BTreeMap<Platform, AppCredentials>,
    /// Token lifetimes per platform; a missing platform uses [`TokenLifetimes::documented`].
    pub token_lifetimes: BTreeMap<Platform, TokenLifetimes>,
    /// Authorization-code lifetime (default 600 s).
    pub code_ttl_seconds: i64,
    /// X: presenting an already-rotated refresh token revokes the whole grant (the behaviour the
    /// community reports). Default true.
    pub x_refresh_reuse_revokes_grant: bool,
    /// TikTok: the PKCE challenge is the lowercase hex SHA-256 of the verifier (TikTok's quirk).
    /// False switches to RFC 7636 base64url. Default true.
    pub tiktok_pkce_hex: bool,
    /// LinkedIn: oldest `LinkedIn-Version` (YYYYMM) still active; older ones get 426.
    pub linkedin_oldest_active_version: u32,
    /// LinkedIn: issue refresh tokens (only partner apps get them on the real platform). Default true.
    pub linkedin_refresh_tokens: bool,
    /// Instagram: a long-lived token must be this old before `ig_refresh_token` (docs: 24 h).
    pub instagram_min_refresh_age_seconds: i64,
    /// Instagram: answer the code exchange with the flat `{"access_token","user_id","permissions"}`
    /// object seen in practice instead of the documented `{"data":[...]}` wrapper.
    pub instagram_flat_token_response: bool,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        Self {
            auto_approve: auto_approve_from_env(),
            public_base_url: None,
            workers: 1,
            apps: BTreeMap::new(),
            token_lifetimes: BTreeMap::new(),
            code_ttl_seconds: 600,
            x_refresh_reuse_revokes_grant: true,
            tiktok_pkce_hex: true,
            linkedin_oldest_active_version: 202_510,
            linkedin_refresh_tokens: true,
            instagram_min_refresh_age_seconds: 86_400,
            instagram_flat_token_response: false,
        }
    }
}

impl SimulatorConfig {
    /// The registered app of `platform`.
    pub fn app(&self, platform: Platform) -> AppCredentials {
        self.apps
            .get(&platform)
            .cloned()
            .unwrap_or_else(|| AppCredentials::default_for(platform))
    }

    /// The token lifetimes of `platform`.
    pub fn lifetimes(&self, platform: Platform) -> TokenLifetimes {
        self.token_lifetimes
            .get(&platform)
            .copied()
            .unwrap_or_else(|| TokenLifetimes::documented(platform))
    }

    /// Builder-style: set auto-approve.
    #[must_use]
    pub fn with_auto_approve(mut self, on: bool) -> Self {
        self.auto_approve = on;
        self
    }

    /// Builder-style: register an app for a platform.
    #[must_use]
    pub fn with_app(mut self, platform: Platform, app: AppCredentials) -> Self {
        self.apps.insert(platform, app);
        self
    }

    /// Builder-style: set a platform's token lifetimes.
    #[must_use]
    pub fn with_lifetimes(mut self, platform: Platform, lifetimes: TokenLifetimes) -> Self {
        self.token_lifetimes.insert(platform, lifetimes);
        self
    }
}

fn auto_approve_from_env() -> bool {
    std::env::var(AUTO_APPROVE_ENV)
        .map(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on"))
        .unwrap_or(false)
}
