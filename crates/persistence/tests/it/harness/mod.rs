//! Test environments: a fresh store per test on each backend, and the repositories on it.

pub mod fakes;
pub mod postgres;
pub mod sqlite;

use std::sync::Arc;

use socialpub_persistence::Database;
use socialpub_ports::{
    ConnectionRepository, IdempotencyStore, JobRepository, OAuthStateStore, PostMetricsRepository,
};

/// The repositories of one store.
#[derive(Clone)]
pub struct Repos {
    pub connections: Arc<dyn ConnectionRepository>,
    pub jobs: Arc<dyn JobRepository>,
    pub oauth_states: Arc<dyn OAuthStateStore>,
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub post_metrics: Arc<dyn PostMetricsRepository>,
}

impl Repos {
    pub fn of(database: &Database) -> Self {
        Self {
            connections: database.connections(),
            jobs: database.jobs(),
            oauth_states: database.oauth_states(),
            idempotency: database.idempotency(),
            post_metrics: database.post_metrics(),
        }
    }
}

/// One isolated store for one test; dropping it throws the store away.
pub trait TestBackend: Sized {
    fn start() -> impl Future<Output = Self>;
    fn repos(&self) -> Repos;
}
