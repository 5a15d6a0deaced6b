//! How many outbound asset probes one user may cause: each probe is several HTTP requests
//! (headers, a first range, more ranges for a long JPEG header or an MP4 `moov` box, and the
//! redirects in between), all sent by us to a host the user chose.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use socialpub_domain::UserId;
use socialpub_ports::Clock;
use time::{Duration, OffsetDateTime};

/// Bounds on the asset files one `/validate` call and one user may have read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeQuota {
    /// Distinct files one request may have probed. A client that sends the metadata it
    /// knows needs no probe for that asset.
    pub per_request: usize,
    /// Files probed at once within one request, so a request's requests trickle rather than
    /// burst.
    pub concurrent_per_request: usize,
    /// Requests with probes one user may have running at once.
    pub concurrent_requests_per_user: u32,
    /// Files one user may have probed per minute, across requests. In-process: each server
    /// process keeps its own count.
    pub per_user_per_minute: u32,
}

impl Default for ProbeQuota {
    /// A 20-item carousel probed whole, five times a minute, two at a time.
    fn default() -> Self {
        Self {
            per_request: 20,
            concurrent_per_request: 4,
            concurrent_requests_per_user: 2,
            per_user_per_minute: 100,
        }
    }
}

/// Why a user's probes cannot start now, and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetExceeded {
    /// Too many of the user's requests are probing already.
    Busy { retry_after_seconds: u64 },
    /// The user's probes for this minute are spent.
    Spent { retry_after_seconds: u64 },
}

impl BudgetExceeded {
    pub fn retry_after_seconds(self) -> u64 {
        match self {
            Self::Busy {
                retry_after_seconds,
            }
            | Self::Spent {
                retry_after_seconds,
            } => retry_after_seconds,
        }
    }
}

const WINDOW: Duration = Duration::minutes(1);
/// Past this many tracked users, idle ones are dropped on the next acquisition.
const PRUNE_ABOVE: usize = 1024;

#[derive(Debug)]
struct Usage {
    window_start: OffsetDateTime,
    probes: u32,
    running: u32,
}

/// Counts each user's probes in fixed one-minute windows, and their probing requests in
/// flight.
pub struct ProbeBudget {
    quota: ProbeQuota,
    clock: Arc<dyn Clock>,
    users: Arc<Mutex<HashMap<UserId, Usage>>>,
}

impl ProbeBudget {
    pub fn new(quota: ProbeQuota, clock: Arc<dyn Clock>) -> Self {
        Self {
            quota,
            clock,
            users: Arc::default(),
        }
    }

    pub fn quota(&self) -> ProbeQuota {
        self.quota
    }

    pub(super) fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.clock)
    }

    /// Takes `probes` from `user`'s budget for one request; the request counts as running
    /// until the permit is dropped (also when the client goes away mid-probe).
    pub fn acquire(&self, user: &UserId, probes: u32) -> Result<ProbePermit, BudgetExceeded> {
        let now = self.clock.now();
        let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        if users.len() > PRUNE_ABOVE {
            users.retain(|_, usage| usage.running > 0 || now - usage.window_start < WINDOW);
        }
        let usage = users.entry(user.clone()).or_insert(Usage {
            window_start: now,
            probes: 0,
            running: 0,
        });
        if now - usage.window_start >= WINDOW {
            usage.window_start = now;
            usage.probes = 0;
        }
        if usage.running >= self.quota.concurrent_requests_per_user {
            return Err(BudgetExceeded::Busy {
                retry_after_seconds: 1,
            });
        }
        if usage.probes.saturating_add(probes) > self.quota.per_user_per_minute {
            let left = usage.window_start + WINDOW - now;
            return Err(BudgetExceeded::Spent {
                retry_after_seconds: u64::try_from(left.whole_seconds()).unwrap_or(0).max(1),
            });
        }
        usage.probes += probes;
        usage.running += 1;
        Ok(ProbePermit {
            users: Arc::clone(&self.users),
            user: user.clone(),
        })
    }
}

impl std::fmt::Debug for ProbeBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProbeBudget")
            .field("quota", &self.quota)
            .finish_non_exhaustive()
    }
}

/// One running request's hold on its user's budget.
#[derive(Debug)]
pub struct ProbePermit {
    users: Arc<Mutex<HashMap<UserId, Usage>>>,
    user: UserId,
}

impl Drop for ProbePermit {
    fn drop(&mut self) {
        let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(usage) = users.get_mut(&self.user) {
            usage.running = usage.running.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use socialpub_ports::fakes::ManualClock;
    use time::macros::datetime;

    use super::*;

    fn budget() -> (ProbeBudget, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(datetime!(2026-04-01 08:00 UTC)));
        let quota = ProbeQuota {
            per_request: 20,
            concurrent_per_request: 4,
            concurrent_requests_per_user: 2,
            per_user_per_minute: 30,
        };
        (ProbeBudget::new(quota, clock.clone()), clock)
    }

    fn user(name: &str) -> UserId {
        UserId::parse(name).unwrap()
    }

    #[test]
    fn probes_beyond_the_minutes_budget_wait_for_the_next_window() {
        let (budget, clock) = budget();
        drop(budget.acquire(&user("alice"), 20).unwrap());
        clock.advance(Duration::seconds(15));
        assert_eq!(
            budget.acquire(&user("alice"), 11).unwrap_err(),
            BudgetExceeded::Spent {
                retry_after_seconds: 45
            }
        );
        drop(budget.acquire(&user("alice"), 10).unwrap());
        assert!(
            budget.acquire(&user("bob"), 30).is_ok(),
            "budgets are per user"
        );
        clock.advance(Duration::seconds(45));
        assert!(budget.acquire(&user("alice"), 30).is_ok());
    }

    #[test]
    fn running_requests_are_bounded_and_released_on_drop() {
        let (budget, _) = budget();
        let first = budget.acquire(&user("alice"), 1).unwrap();
        let second = budget.acquire(&user("alice"), 1).unwrap();
        assert_eq!(
            budget.acquire(&user("alice"), 1).unwrap_err(),
            BudgetExceeded::Busy {
                retry_after_seconds: 1
            }
        );
        drop(first);
        let third = budget.acquire(&user("alice"), 1).unwrap();
        drop((second, third));
        assert!(budget.acquire(&user("alice"), 1).is_ok());
    }
}
