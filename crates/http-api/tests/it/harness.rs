use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{test, web};
use async_trait::async_trait;
use socialpub_application::{
    ConnectionPolicy, ConnectionPorts, ConnectionService, JobService, ValidationService,
};
use socialpub_domain::Platform;
use socialpub_domain::UserId;
use socialpub_domain::policy::PlatformPolicyValidator;
use socialpub_http_api::contract::check_every_response;
use socialpub_http_api::{ApiState, ConnectCallback, ErrorBody, ReadinessCheck, build_app};
use socialpub_ports::fakes::{
    FakePlatformClient, FakeTokenCipher, InMemoryConnectionRepository, InMemoryJobRepository,
    InMemoryOAuthStateStore, ManualClock, SequentialSecrets, StaticAssetProbe, StaticAuthenticator,
    StaticPlatformRegistry,
};
use socialpub_ports::{ConnectionRepository, JobRepository};
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
    pub readiness: Result<(), String>,
    pub oauth_states: Arc<InMemoryOAuthStateStore>,
    pub x: Arc<FakePlatformClient>,
    pub probe: Arc<StaticAssetProbe>,
    pub clock: Arc<ManualClock>,
    /// Development mode's direct completion unless a test says otherwise.
    pub connect_callback: ConnectCallback,
}

impl Default for World {
    fn default() -> Self {
        Self {
            connections: Arc::new(InMemoryConnectionRepository::default()),
            jobs: Arc::new(InMemoryJobRepository::default()),
            readiness: Ok(()),
            oauth_states: Arc::new(InMemoryOAuthStateStore::default()),
            x: Arc::new(FakePlatformClient::new(Platform::X)),
            probe: Arc::new(StaticAssetProbe::default()),
            clock: Arc::new(ManualClock::new(NOW)),
            connect_callback: ConnectCallback::CompleteDirectly,
        }
    }
}

pub fn alice() -> UserId {
    UserId::parse("alice").unwrap()
}

impl World {
    pub fn state(&self) -> web::Data<ApiState> {
        let clock = self.clock.clone();
        let authenticator = StaticAuthenticator::default()
            .with_token(ALICE_TOKEN, alice())
            .with_token(BOB_TOKEN, UserId::parse("bob").unwrap());
        web::Data::new(ApiState {
            authenticator: Arc::new(authenticator),
            readiness: Arc::new(Ready(self.readiness.clone())),
            connections: ConnectionService::new(
                ConnectionPorts {
                    connections: self.connections.clone(),
                    oauth_states: self.oauth_states.clone(),
                    platforms: Arc::new(StaticPlatformRegistry::default().with(self.x.clone())),
                    cipher: Arc::new(FakeTokenCipher::default()),
                    secrets: Arc::new(SequentialSecrets::default()),
                    clock: clock.clone(),
                },
                ConnectionPolicy::new(
                    url::Url::parse("http://sp.test/api/v1/connect/").unwrap(),
                    "test-process",
                ),
            ),
            jobs: JobService::new(self.jobs.clone(), clock),
            validation: ValidationService::new(
                self.connections.clone(),
                self.probe.clone(),
                Arc::new(PlatformPolicyValidator::default()),
                self.clock.clone(),
            ),
            connect_callback: self.connect_callback.clone(),
            metrics: Arc::default(),
            metrics_sources: Vec::new(),
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
