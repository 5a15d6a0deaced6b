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
        Self {
            repos: Repos {
                connections: Arc::new(InMemoryConnectionRepository::default()),
                jobs: Arc::new(InMemoryJobRepository::default()),
                oauth_states: Arc::new(InMemoryOAuthStateStore::default()),
                idempotency: Arc::new(InMemoryIdempotencyStore::default()),
                post_metrics: Arc::new(InMemoryPostMetricsRepository::default()),
            },
        }
    }

    fn repos(&self) -> Repos {
        self.repos.clone()
    }
}
