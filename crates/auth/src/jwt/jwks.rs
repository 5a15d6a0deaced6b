use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use reqwest::Client;
use socialpub_ports::AuthError;
use tokio::sync::Mutex;
use url::Url;

use super::key_set::KeySet;
use crate::JwtAlgorithm;
use crate::upstream::UpstreamError;

const ENDPOINT: &str = "JWKS endpoint";

/// The auth service's public keys, fetched on first use and again when a token names a key we
/// do not know (key rotation without restart) or when the copy is older than `max_age`.
///
/// Fetches are single-flight: requests that need a fetch while one is running wait for it and
/// share its outcome. Unknown-`kid` fetches are spaced by `refetch_interval`, so forged key ids
/// cannot make us hammer the auth service.
pub(crate) struct JwksCache {
    url: Url,
    http: Client,
    refetch_interval: Duration,
    max_age: Duration,
    current: RwLock<Arc<Snapshot>>,
    /// Held for the whole of a fetch; guards `last_attempt` and `last_error` too.
    fetch: Mutex<FetchState>,
    /// Counts finished fetch attempts, so a waiter can tell that one ran while it waited.
    attempts: AtomicU64,
}

#[derive(Default)]
struct Snapshot {
    keys: KeySet,
    fetched_at: Option<Instant>,
}

#[derive(Default)]
struct FetchState {
    last_attempt: Option<Instant>,
    last_error: Option<Arc<UpstreamError>>,
}

impl JwksCache {
    pub(crate) fn new(
        url: Url,
        http: Client,
        refetch_interval: Duration,
        max_age: Duration,
    ) -> Self {
        Self {
            url,
            http,
            refetch_interval,
            max_age,
            current: RwLock::new(Arc::new(Snapshot::default())),
            fetch: Mutex::new(FetchState::default()),
            attempts: AtomicU64::new(0),
        }
    }

    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// The key that verifies a token with this `kid` and `alg`.
    ///
    /// # Errors
    /// [`AuthError::Invalid`] when the auth service has no such key;
    /// [`AuthError::Unavailable`] when the keys could not be fetched.
    pub(crate) async fn key_for(
        &self,
        kid: Option<&str>,
        alg: JwtAlgorithm,
    ) -> Result<Arc<DecodingKey>, AuthError> {
        let snapshot = self.snapshot();
        if self.is_fresh(&snapshot)
            && let Some(key) = snapshot.keys.find(kid, alg)
        {
            return Ok(key);
        }

        let attempts_seen = self.attempts.load(Ordering::Acquire);
        let mut state = self.fetch.lock().await;
        let snapshot = self.snapshot();
        // Another request may have fetched between our first look and taking the lock.
        if self.is_fresh(&snapshot)
            && let Some(key) = snapshot.keys.find(kid, alg)
        {
            return Ok(key);
        }
        let someone_else_fetched = self.attempts.load(Ordering::Acquire) != attempts_seen;
        let recently_tried = state
            .last_attempt
            .is_some_and(|at| at.elapsed() < self.refetch_interval);
        let must_fetch = snapshot.fetched_at.is_none() || !self.is_fresh(&snapshot);
        if !someone_else_fetched && (must_fetch || !recently_tried) {
            let outcome = self.fetch_keys().await;
            state.last_attempt = Some(Instant::now());
            self.attempts.fetch_add(1, Ordering::AcqRel);
            match outcome {
                Ok(keys) => {
                    tracing::info!(keys = keys.len(), "fetched the auth service's JWKS");
                    state.last_error = None;
                    self.replace(keys);
                }
                Err(err) => {
                    tracing::warn!(error = %err, "could not fetch the auth service's JWKS");
                    state.last_error = Some(Arc::new(err));
                }
            }
        }
        drop(state);
        self.resolve(kid, alg).await
    }

    /// Looks the key up after a fetch attempt (ours or another request's).
    async fn resolve(
        &self,
        kid: Option<&str>,
        alg: JwtAlgorithm,
    ) -> Result<Arc<DecodingKey>, AuthError> {
        let snapshot = self.snapshot();
        if let Some(key) = snapshot.keys.find(kid, alg) {
            // A stale key is still better than refusing everyone while the JWKS endpoint is
            // down; the fetch failure has been logged.
            return Ok(key);
        }
        let last_error = self.fetch.lock().await.last_error.clone();
        match last_error {
            // We could not ask, so we cannot say the key does not exist.
            Some(err) => Err(AuthError::Unavailable(Box::new(err))),
            None => Err(AuthError::Invalid("unknown signing key".into())),
        }
    }

    fn is_fresh(&self, snapshot: &Snapshot) -> bool {
        snapshot
            .fetched_at
            .is_some_and(|at| at.elapsed() < self.max_age)
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn replace(&self, keys: KeySet) {
        let next = Arc::new(Snapshot {
            keys,
            fetched_at: Some(Instant::now()),
        });
        match self.current.write() {
            Ok(mut guard) => *guard = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }

    async fn fetch_keys(&self) -> Result<KeySet, UpstreamError> {
        let response = self
            .http
            .get(self.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|err| UpstreamError::transport(ENDPOINT, err))?;
        let status = response.status();
        if !status.is_success() {
            return Err(UpstreamError::Status {
                endpoint: ENDPOINT,
                status: status.as_u16(),
            });
        }
        let body = response
            .bytes()
            .await
            .map_err(|err| UpstreamError::transport(ENDPOINT, err))?;
        KeySet::parse(&body).map_err(|source| UpstreamError::Body {
            endpoint: ENDPOINT,
            source,
        })
    }
}
