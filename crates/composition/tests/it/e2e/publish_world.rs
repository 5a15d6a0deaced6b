//! A Socialpub whose publishing worker the test drives: the composed application over HTTP,
//! the in-process simulator, and a clock that moves only when told (the simulator's with it),
//! on SQLite or on a fresh PostgreSQL database.

use std::sync::Arc;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use socialpub_application::{PublishEngine, WebhookDeliverer};
use socialpub_composition::settings::RawSettings;
use socialpub_domain::{Platform, UserId};
use socialpub_persistence::{Database, PoolSettings};
use socialpub_ports::JobRepository;
use socialpub_ports::fakes::ManualClock;
use time::OffsetDateTime;

use super::harness::{Server, start_driven_with_webhooks};
use super::postgres::TestDatabase;

/// Where a scenario's data lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(Backend)` scenario once on SQLite and once on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::e2e::publish_world::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(crate::e2e::publish_world::Backend::Postgres).await;
            }
        }
    )*};
}
pub(crate) use on_both_backends;

/// Job states a job leaves only when its user acts.
pub const SETTLED: [&str; 6] = [
    "published",
    "failed",
    "content_rejected",
    "cancelled",
    "missed",
    "outcome_unknown",
];

pub struct World {
    pub server: Server,
    pub engine: PublishEngine,
    /// The webhook deliverer, driven by the test like the engine.
    pub deliverer: WebhookDeliverer,
    pub clock: Arc<ManualClock>,
    /// The queue, read directly: when the next job falls due, counts by state.
    pub jobs: Arc<dyn JobRepository>,
    _database: Option<TestDatabase>,
}

impl World {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    /// Retries come after a second or a few (the clock is moved past them), unless `adjust`
    /// says otherwise.
    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut RawSettings)) -> Self {
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(TestDatabase::create().await),
        };
        let clock = Arc::new(ManualClock::new(OffsetDateTime::now_utc()));
        let (server, engine, deliverer) = start_driven_with_webhooks(
            database.as_ref().map(|d| d.url.clone()),
            clock.clone(),
            |raw| {
                raw.retry_base_seconds = Some("1".into());
                raw.retry_max_seconds = Some("4".into());
                adjust(raw);
            },
        )
        .await;
        let jobs = Database::connect(&server.database_url, PoolSettings::default())
            .unwrap()
            .jobs();
        Self {
            server,
            engine,
            deliverer,
            clock,
            jobs,
            _database: database,
        }
    }

    /// Connects one account of `platform` (a Page on Facebook) and returns its id.
    pub async fn connect(&self, platform: Platform) -> String {
        let connections = self.server.connect(platform).await;
        connections[0]["id"].as_str().unwrap().to_owned()
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        self.send_as(&self.server.bearer, method, path, key, body)
            .await
    }

    /// A bearer token of another user, `user-{n}`.
    pub fn user(&self, n: usize) -> String {
        let user = UserId::parse(format!("e2e-user-{n}")).unwrap();
        self.server.minter.mint(&user).unwrap().expose().to_owned()
    }

    pub async fn send_as(
        &self,
        bearer: &str,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        let mut request = self
            .server
            .http
            .request(method, format!("{}/api/v1{path}", self.server.base))
            .bearer_auth(bearer);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        (
            status,
            headers,
            response.json().await.unwrap_or(Value::Null),
        )
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let (status, _, body) = self.send(Method::POST, path, None, Some(&body)).await;
        (status, body)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let (status, _, body) = self.send(Method::GET, path, None, None).await;
        (status, body)
    }

    /// `POST /publish`, expecting 202; returns the job.
    pub async fn publish(&self, body: Value) -> Value {
        self.publish_as(&self.server.bearer, body).await
    }

    pub async fn publish_as(&self, bearer: &str, body: Value) -> Value {
        let (status, _, created) = self
            .send_as(bearer, Method::POST, "/publish", None, Some(&body))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{created}");
        created
    }

    pub async fn job(&self, id: &str) -> Value {
        self.job_as(&self.server.bearer, id).await
    }

    pub async fn job_as(&self, bearer: &str, id: &str) -> Value {
        let (status, _, job) = self
            .send_as(bearer, Method::GET, &format!("/jobs/{id}"), None, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{job}");
        job
    }

    /// After a drain nothing is due: moves time to the next job's turn (at least `floor`
    /// seconds on, so that busy accounts free up).
    pub async fn skip_to_next_due(&self, floor: i64) {
        let now = socialpub_ports::Clock::now(self.clock.as_ref());
        let wait = match self.jobs.next_due_at().await.unwrap() {
            Some(at) => (at - now).whole_seconds() + 1,
            None => floor,
        };
        self.advance(wait.max(floor)).await;
    }

    /// Moves our clock and the simulator's by `seconds`.
    pub async fn advance(&self, seconds: i64) {
        self.clock.advance(time::Duration::seconds(seconds));
        self.server
            .knobs(json!({ "advance_clock_seconds": seconds }))
            .await;
    }

    pub async fn drain(&self) -> usize {
        self.engine.drain().await.unwrap()
    }

    /// Drains the queue, moving time on past retries and parked steps, until every job in
    /// `ids` is settled; returns them.
    pub async fn settle(&self, ids: &[String]) -> Vec<Value> {
        for _ in 0..300 {
            self.drain().await;
            let mut jobs = Vec::with_capacity(ids.len());
            for id in ids {
                jobs.push(self.job(id).await);
            }
            if jobs
                .iter()
                .all(|j| SETTLED.contains(&j["status"].as_str().unwrap()))
            {
                return jobs;
            }
            self.skip_to_next_due(5).await;
        }
        panic!("jobs did not settle");
    }

    pub async fn settle_one(&self, id: &str) -> Value {
        self.settle(&[id.to_owned()]).await.remove(0)
    }

    /// `GET /_sim/posts`: `{count, duplicates, posts}`.
    pub async fn sim_posts(&self, platform: Option<Platform>) -> Value {
        let mut url = format!("{}_sim/posts", self.server.sim);
        if let Some(platform) = platform {
            url.push_str(&format!("?platform={platform}"));
        }
        self.server
            .http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The simulator's sample file (`sample.jpg`, `sample.png`, `sample.mp4`).
    pub fn sample(&self, file: &str) -> String {
        format!("{}media/{file}", self.server.sim)
    }

    /// Publishing faults of one simulator endpoint (see the simulator's `FaultSettings`).
    pub async fn faults(&self, platform: Platform, faults: Value) {
        self.server
            .knobs(json!({ "platform": platform.as_str(), "faults": faults }))
            .await;
    }
}

pub fn text_job(connection_id: &str, text: &str) -> Value {
    json!({ "connection_id": connection_id, "text_content": text })
}
