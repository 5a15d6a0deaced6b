use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use time::Duration;
use tokio::sync::Notify;

use crate::QueueWakeups;

/// In-process wake-ups, as the SQLite backend has them: every waiting worker wakes, and a
/// wake-up sent while nobody waits is kept for the next waiter (a spurious wake-up at worst).
#[derive(Debug, Default)]
pub struct InMemoryQueueWakeups {
    notify: Notify,
    sent: AtomicU64,
}

impl InMemoryQueueWakeups {
    pub fn notify(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
        self.notify.notify_waiters();
        self.notify.notify_one();
    }

    /// How many wake-ups were sent.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

#[async_trait]
impl QueueWakeups for InMemoryQueueWakeups {
    async fn wait(&self, timeout: Duration) {
        let timeout = std::time::Duration::try_from(timeout).unwrap_or_default();
        let _ = tokio::time::timeout(timeout, self.notify.notified()).await;
    }
}
