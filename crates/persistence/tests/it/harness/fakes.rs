//! The in-memory fakes of `socialpub-ports`, held to the same contract as the databases.

use std::sync::Arc;

use socialpub_ports::fakes::{
    InMemoryConnectionRepository, InMemoryIdempotencyStore, InMemoryJobRepository,
    InMemoryOAuthStateStore, InMemoryPostMetricsRepository,
};

use super::{Repos, TestBackend};

pub struct FakeBackend {
    repos: Repos,
}

impl TestBackend for FakeBackend {
    async fn start() -> Self {
        let post_metrics = Arc::new(InMemoryPostMetricsRepository::default());
        Self {
            repos: Repos {
                connections: Arc::new(InMemoryConnectionRepository::default()),
                jobs: Arc::new(
                    InMemoryJobRepository::default().reading_metrics_from(post_metrics.clone()),
                ),
                oauth_states: Arc::new(InMemoryOAuthStateStore::default()),
                idempotency: Arc::new(InMemoryIdempotencyStore::default()),
                post_metrics,
            },
        }
    }

    fn repos(&self) -> Repos {
        self.repos.clone()
    }
}
