use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use socialpub_domain::{ConnectionId, Platform, PublishJob};

use crate::lock;

#[derive(Debug, Default)]
struct Counts {
    accounts: HashMap<ConnectionId, usize>,
    platforms: HashMap<Platform, usize>,
}

/// How many jobs of one account and of one platform this process runs at once.
#[derive(Debug)]
pub(super) struct Limits {
    per_account: usize,
    per_platform: usize,
    counts: Arc<Mutex<Counts>>,
}

/// Holds a job's place until dropped.
#[derive(Debug)]
pub(super) struct Slot {
    account: ConnectionId,
    platform: Platform,
    counts: Arc<Mutex<Counts>>,
}

impl Limits {
    pub(super) fn new(per_account: usize, per_platform: usize) -> Self {
        Self {
            per_account: per_account.max(1),
            per_platform: per_platform.max(1),
            counts: Arc::default(),
        }
    }

    /// A slot for the job, or `None` when its account or platform is at its limit.
    pub(super) fn try_take(&self, job: &PublishJob) -> Option<Slot> {
        let mut counts = lock(&self.counts);
        let account = counts
            .accounts
            .get(&job.social_connection_id)
            .copied()
            .unwrap_or(0);
        let platform = counts.platforms.get(&job.platform).copied().unwrap_or(0);
        if account >= self.per_account || platform >= self.per_platform {
            return None;
        }
        *counts.accounts.entry(job.social_connection_id).or_default() += 1;
        *counts.platforms.entry(job.platform).or_default() += 1;
        Some(Slot {
            account: job.social_connection_id,
            platform: job.platform,
            counts: Arc::clone(&self.counts),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = lock(&self.counts);
        if let Some(n) = counts.accounts.get_mut(&self.account) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.accounts.remove(&self.account);
            }
        }
        if let Some(n) = counts.platforms.get_mut(&self.platform) {
            *n = n.saturating_sub(1);
        }
    }
}
