//! The simulator's in-memory state (one `Mutex`), its counters and the `/_sim/state` snapshot.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use socialpub_domain::Platform;
use time::{Duration, OffsetDateTime};
use url::Url;

use crate::config::SimulatorConfig;
use crate::faults::Faults;
use crate::knobs::Knobs;
use crate::oauth::{AuthCode, Grant, PendingAuthorization, TokenKind, TokenRecord};
use crate::posts::PostStore;

/// What every request handler reaches through `web::Data`.
pub(crate) struct Shared {
    pub(crate) base_url: Url,
    state: Mutex<SimState>,
}

impl Shared {
    pub(crate) fn new(config: SimulatorConfig, base_url: Url) -> Self {
        Self {
            base_url,
            state: Mutex::new(SimState::new(config)),
        }
    }

    /// Lock the state. A poisoned lock (a panic elsewhere while holding it) is recovered: the
    /// state is plain data and stays usable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `<base>/<platform>/<role>/` as a URL.
    pub(crate) fn url_for(&self, path: &str) -> Url {
        self.base_url
            .join(path)
            .unwrap_or_else(|_| self.base_url.clone())
    }
}

/// Per-platform counters, for tests and benchmarks.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PlatformStats {
    /// Requests that reached the platform's token or API endpoints.
    pub requests: u64,
    /// Authorization codes issued.
    pub codes_issued: u64,
    /// Authorization codes redeemed successfully.
    pub codes_redeemed: u64,
    /// Access tokens issued (including Facebook Page tokens and Meta long-lived tokens).
    pub access_tokens_issued: u64,
    /// Refresh tokens issued.
    pub refresh_tokens_issued: u64,
    /// Successful refreshes (X/Pinterest/TikTok/LinkedIn refresh grant, `ig_refresh_token`).
    pub refreshes: u64,
    /// Tokens (access and refresh) that have been revoked.
    pub tokens_revoked: u64,
    /// Requests answered with an injected 5xx (`fail_next`).
    pub injected_failures: u64,
    /// Requests answered with an injected rate limit (`rate_limit_next`).
    pub injected_rate_limits: u64,
    /// Publishing requests left unanswered (fault `timeout_next` or a storm).
    pub injected_timeouts: u64,
    /// Publishing requests whose work was done and whose answer was lost.
    pub injected_ambiguous: u64,
    /// Posts made public.
    pub posts_published: u64,
}

/// One platform's entry in [`StateSnapshot`].
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PlatformSnapshot {
    /// Counters since start or the last reset.
    #[serde(flatten)]
    pub stats: PlatformStats,
    /// Access tokens that would be accepted right now.
    pub active_access_tokens: u64,
    /// Refresh tokens that would be accepted right now.
    pub active_refresh_tokens: u64,
    /// Current knob settings.
    pub knobs: Knobs,
}

/// The answer of `GET /_sim/state`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StateSnapshot {
    /// Whether the consent page is skipped.
    pub auto_approve: bool,
    /// Seconds added to the wall clock (see the `advance_clock_seconds` knob).
    pub clock_offset_seconds: i64,
    /// Per platform, keyed by the lowercase platform name.
    pub platforms: BTreeMap<Platform, PlatformSnapshot>,
}

pub(crate) struct SimState {
    pub(crate) config: SimulatorConfig,
    pub(crate) auto_approve: bool,
    pub(crate) clock_offset: Duration,
    pub(crate) knobs: BTreeMap<Platform, Knobs>,
    pub(crate) stats: BTreeMap<Platform, PlatformStats>,
    pub(crate) codes: HashMap<String, AuthCode>,
    pub(crate) pending: HashMap<String, PendingAuthorization>,
    pub(crate) tokens: HashMap<String, TokenRecord>,
    pub(crate) grants: HashMap<u64, Grant>,
    pub(crate) next_grant: u64,
    /// Facebook Page tokens already handed out, per (grant, page id).
    pub(crate) page_tokens: HashMap<(u64, String), String>,
    /// Fault knobs of the publishing endpoints.
    pub(crate) faults: Faults,
    /// Posts, uploads and photos the platforms accepted.
    pub(crate) posts: PostStore,
    /// Refuse a post identical to one already public (X's 403 duplicate content, Graph's
    /// 506), as the real platforms do. Off by default so that tests see every duplicate.
    pub(crate) reject_duplicate_posts: bool,
}

impl SimState {
    pub(crate) fn new(config: SimulatorConfig) -> Self {
        let auto_approve = config.auto_approve;
        Self {
            config,
            auto_approve,
            clock_offset: Duration::ZERO,
            knobs: Platform::ALL
                .iter()
                .map(|p| (*p, Knobs::default()))
                .collect(),
            stats: Platform::ALL
                .iter()
                .map(|p| (*p, PlatformStats::default()))
                .collect(),
            codes: HashMap::new(),
            pending: HashMap::new(),
            tokens: HashMap::new(),
            grants: HashMap::new(),
            next_grant: 1,
            page_tokens: HashMap::new(),
            faults: Faults::default(),
            posts: PostStore::default(),
            reject_duplicate_posts: false,
        }
    }

    /// Back to the start-up state (same configuration).
    pub(crate) fn reset(&mut self) {
        let config = self.config.clone();
        *self = Self::new(config);
    }

    /// The simulator's clock: wall clock plus the configured offset.
    pub(crate) fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc().saturating_add(self.clock_offset)
    }

    pub(crate) fn stats_mut(&mut self, platform: Platform) -> &mut PlatformStats {
        self.stats.entry(platform).or_default()
    }

    pub(crate) fn knobs_mut(&mut self, platform: Platform) -> &mut Knobs {
        self.knobs.entry(platform).or_default()
    }

    pub(crate) fn snapshot(&self) -> StateSnapshot {
        let now = self.now();
        let platforms = Platform::ALL
            .iter()
            .map(|p| {
                let (mut access, mut refresh) = (0_u64, 0_u64);
                for record in self.tokens.values().filter(|t| t.platform == *p) {
                    if self.token_usable(record, now) {
                        match record.kind {
                            TokenKind::Access => access += 1,
                            TokenKind::Refresh => refresh += 1,
                        }
                    }
                }
                let snapshot = PlatformSnapshot {
                    stats: self.stats.get(p).cloned().unwrap_or_default(),
                    active_access_tokens: access,
                    active_refresh_tokens: refresh,
                    knobs: self.knobs.get(p).cloned().unwrap_or_default(),
                };
                (*p, snapshot)
            })
            .collect();
        StateSnapshot {
            auto_approve: self.auto_approve,
            clock_offset_seconds: self.clock_offset.whole_seconds(),
            platforms,
        }
    }

    /// Drop expired codes and consent requests when the maps grow (long benchmark runs).
    pub(crate) fn sweep(&mut self) {
        const LIMIT: usize = 10_000;
        let now = self.now();
        if self.codes.len() > LIMIT {
            self.codes.retain(|_, c| c.expires_at > now && !c.used);
        }
        if self.pending.len() > LIMIT {
            self.pending.retain(|_, p| p.expires_at > now);
        }
        if self.tokens.len() > 20 * LIMIT {
            let cutoff = now - Duration::days(1);
            self.tokens
                .retain(|_, t| !(t.revoked || t.expires_at.is_some_and(|e| e < cutoff)));
        }
    }
}
