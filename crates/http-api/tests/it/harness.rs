use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{test, web};
use async_trait::async_trait;
use socialpub_application::{
    ConnectionPolicy, ConnectionPorts, ConnectionService, EnginePorts, InsightsPorts,
    InsightsService, InsightsSettings, JobService, PublishEngine, PublishSettings, PublishingPorts,
    PublishingService, ValidationService, WebhookPorts, WebhookService,
};
use socialpub_domain::Platform;
use socialpub_domain::UserId;
use socialpub_domain::policy::PlatformPolicyValidator;
use socialpub_domain::{ConnectionId, NewConnection, SecretString, SocialConnection, WorkerId};
use socialpub_http_api::contract::check_every_response;
use socialpub_http_api::{ApiState, ConnectCallback, ErrorBody, ReadinessCheck, build_app};
use socialpub_ports::fakes::{
    FakeInsightsReader, InMemoryInsightsCache, InMemoryPostMetricsRepository,
    StaticInsightsReaderRegistry,
};
use socialpub_ports::fakes::{
    FakePlatformClient, FakePublisher, FakeTokenCipher, InMemoryAssetFetcher,
    InMemoryConnectionRepository, InMemoryIdempotencyStore, InMemoryJobRepository,
    InMemoryOAuthStateStore, InMemoryQueueWakeups, ManualClock, SequentialSecrets,
    StaticAssetProbe, StaticAuthenticator, StaticPlatformRegistry, StaticPublisherRegistry,
};
use socialpub_ports::fakes::{
    FakeWebhookSigner, InMemoryWebhookRepository, RecordingMetrics, RecordingWebhookSender,
};
use socialpub_ports::{ConnectionRepository, JobRepository, TokenCipher, TokenSlot};
use time::OffsetDateTime;
use time::macros::datetime;

pub const ALICE_TOKEN: &str = "alice-token";
pub const BOB_TOKEN: &str = "bob-token";
pub const NOW: OffsetDateTime = datetime!(2026-05-01 12:00 UTC);

pub struct Ready(pub Result<(), String>);

#[async_trait]
impl ReadinessCheck for Ready {
    async fn check(&self) -> Result<(), String> {
        self.0.clone()
    }
}

pub struct World {
    pub connections: Arc<dyn ConnectionRepository>,
    pub jobs: Arc<dyn JobRepository>,
    pub idempotency: Arc<InMemoryIdempotencyStore>,
    /// X's publisher; X is the one platform that publishes here.
    pub publisher: Arc<FakePublisher>,
    pub readiness: Result<(), String>,
    pub oauth_states: Arc<InMemoryOAuthStateStore>,
    pub x: Arc<FakePlatformClient>,
    /// Pinterest, for its boards.
    pub pinterest: Arc<FakePlatformClient>,
    pub probe: Arc<StaticAssetProbe>,
    pub clock: Arc<ManualClock>,
    pub webhooks: Arc<InMemoryWebhookRepository>,
    /// Development mode's direct completion unless a test says otherwise.
    pub connect_callback: ConnectCallback,
    /// X's insights reads.
    pub insights_x: Arc<FakeInsightsReader>,
    /// What the HTTP layer counted.
    pub metrics: Arc<RecordingMetrics>,
    /// The post metrics the workers read.
    pub post_metrics: Arc<InMemoryPostMetricsRepository>,
}

impl Default for World {
    fn default() -> Self {
        let post_metrics = Arc::new(InMemoryPostMetricsRepository::default());
        Self {
            connections: Arc::new(InMemoryConnectionRepository::default()),
            jobs: Arc::new(
                InMemoryJobRepository::default().reading_metrics_from(post_metrics.clone()),
            ),
            idempotency: Arc::new(InMemoryIdempotencyStore::default()),
            publisher: Arc::new(FakePublisher::new(Platform::X)),
            readiness: Ok(()),
            oauth_states: Arc::new(InMemoryOAuthStateStore::default()),
            x: Arc::new(FakePlatformClient::new(Platform::X)),
            pinterest: Arc::new(
                FakePlatformClient::new(Platform::Pinterest)
                    .with_boards(&[("549755885175", "Recipes"), ("549755885176", "Travel")]),
            ),
            probe: Arc::new(StaticAssetProbe::default()),
            clock: Arc::new(ManualClock::new(NOW)),
            webhooks: Arc::new(InMemoryWebhookRepository::default()),
            connect_callback: ConnectCallback::CompleteDirectly,
            insights_x: Arc::new(FakeInsightsReader::new(Platform::X)),
            metrics: Arc::new(RecordingMetrics::default()),
            post_metrics,
        }
    }
}

pub fn alice() -> UserId {
    UserId::parse("alice").unwrap()
}

pub fn bob() -> UserId {
    UserId::parse("bob").unwrap()
}

impl World {
    fn platforms(&self) -> StaticPlatformRegistry {
        StaticPlatformRegistry::default()
            .with(self.x.clone())
            .with(self.pinterest.clone())
    }

    fn connection_service(&self) -> ConnectionService {
        ConnectionService::new(
            ConnectionPorts {
                connections: self.connections.clone(),
                oauth_states: self.oauth_states.clone(),
                platforms: Arc::new(self.platforms()),
                cipher: Arc::new(FakeTokenCipher::default()),
                secrets: Arc::new(SequentialSecrets::default()),
                clock: self.clock.clone(),
            },
            ConnectionPolicy::new(
                url::Url::parse("http://sp.test/api/v1/connect/").unwrap(),
                "test-process",
            ),
        )
    }

    fn validation(&self) -> ValidationService {
        ValidationService::new(
            self.connections.clone(),
            self.probe.clone(),
            Arc::new(PlatformPolicyValidator::default()),
            self.clock.clone(),
        )
    }

    fn insights(&self) -> InsightsService {
        InsightsService::new(
            InsightsPorts {
                connections: self.connection_service(),
                readers: Arc::new(
                    StaticInsightsReaderRegistry::default().with(self.insights_x.clone()),
                ),
                cache: Arc::new(InMemoryInsightsCache::default()),
                post_metrics: self.post_metrics.clone(),
                clock: self.clock.clone(),
            },
            InsightsSettings::default(),
        )
    }

    /// A worker on the same fakes, for tests that follow a job to its end.
    pub fn engine(&self) -> PublishEngine {
        PublishEngine::new(
            EnginePorts {
                jobs: self.jobs.clone(),
                connections: self.connection_service(),
                publishers: Arc::new(
                    StaticPublisherRegistry::default().with(self.publisher.clone()),
                ),
                assets: Arc::new(InMemoryAssetFetcher::default()),
                wakeups: Arc::new(InMemoryQueueWakeups::default()),
                clock: self.clock.clone(),
            },
            PublishSettings::default(),
            WorkerId::new("test-worker"),
        )
    }

    /// A stored, active connection of `user` on `platform`.
    pub async fn connect(&self, user: UserId, platform: Platform) -> SocialConnection {
        let id = ConnectionId::new();
        let sealed = FakeTokenCipher::default()
            .seal(&SecretString::new("access-0"), TokenSlot::access(id))
            .unwrap();
        let connection = SocialConnection::new(
            NewConnection {
                id,
                user_id: user,
                platform,
                external_user_id: format!("{}-{id}", platform.as_str()),
                external_display_name: "someone".into(),
                access_token_encrypted: sealed,
                refresh_token_encrypted: None,
                expires_at: None,
                refresh_expires_at: None,
                scopes: vec![],
            },
            NOW,
        );
        self.connections.save(&connection).await.unwrap();
        connection
    }

    pub fn state(&self) -> web::Data<ApiState> {
        let clock = self.clock.clone();
        let authenticator = StaticAuthenticator::default()
            .with_token(ALICE_TOKEN, alice())
            .with_token(BOB_TOKEN, bob());
        web::Data::new(ApiState {
            authenticator: Arc::new(authenticator),
            readiness: Arc::new(Ready(self.readiness.clone())),
            connections: self.connection_service(),
            jobs: JobService::new(self.jobs.clone(), clock.clone()),
            publishing: PublishingService::new(
                PublishingPorts {
                    jobs: self.jobs.clone(),
                    connections: self.connections.clone(),
                    platforms: Arc::new(self.platforms()),
                    publishers: Arc::new(
                        StaticPublisherRegistry::default().with(self.publisher.clone()),
                    ),
                    clock,
                },
                self.validation(),
                PublishSettings::default(),
            ),
            idempotency: self.idempotency.clone(),
            validation: self.validation(),
            insights: self.insights(),
            webhooks: WebhookService::new(WebhookPorts {
                webhooks: self.webhooks.clone(),
                sender: Arc::new(RecordingWebhookSender::default()),
                signer: Arc::new(FakeWebhookSigner::default()),
                clock: self.clock.clone(),
            }),
            connect_callback: self.connect_callback.clone(),
            metrics: self.metrics.clone(),
            scrape_hooks: Vec::new(),
        })
    }

    /// The application as a test service; every response it gives is checked against the
    /// OpenAPI document.
    pub async fn app(
        &self,
    ) -> impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    > {
        let app = build_app(self.state()).wrap(from_fn(check_every_response));
        test::init_service(app).await
    }
}

/// Sends the request and returns status, headers and the parsed JSON body.
pub async fn send<S, B>(
    app: &S,
    req: test::TestRequest,
) -> (u16, actix_web::http::header::HeaderMap, serde_json::Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let res = test::call_service(app, req.to_request()).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = test::read_body(res).await;
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("body is not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, headers, body)
}

/// Asserts the body is the error envelope with this code, and returns it.
pub fn envelope(body: &serde_json::Value, code: &str) -> ErrorBody {
    let parsed: ErrorBody = serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("not an error envelope ({e}): {body}"));
    assert_eq!(parsed.code, code, "{body}");
    assert!(!parsed.detail.is_empty());
    let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys.len(), 3, "exactly code, detail, field: {body}");
    parsed
}

pub fn bearer(token: &str) -> (&'static str, String) {
    ("authorization", format!("Bearer {token}"))
}
