//! A world of fakes for the publishing tests: one user with an active X connection, a fake
//! X publisher, a manual clock, and the services built on them.

use std::sync::Arc;

use socialpub_domain::{
    ConnectionId, JobId, NewConnection, NewPublishJob, Platform, PublishJob, SecretString,
    SocialConnection, UserId, WorkerId,
};
use socialpub_ports::fakes::{
    FakePlatformClient, FakePublisher, FakeTokenCipher, InMemoryAssetFetcher,
    InMemoryConnectionRepository, InMemoryJobRepository, InMemoryOAuthStateStore,
    InMemoryQueueWakeups, ManualClock, SequentialSecrets, StaticPlatformRegistry,
    StaticPublisherRegistry,
};
use socialpub_ports::{ConnectionRepository, JobRepository, TokenCipher};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use url::Url;

use crate::{
    ConnectionPolicy, ConnectionPorts, ConnectionService, EnginePorts, Jitter, PublishEngine,
    PublishSettings,
};

pub const NOW: OffsetDateTime = datetime!(2026-06-01 09:00 UTC);

/// No randomness: every retry waits its whole ceiling, so tests can say when.
pub struct CeilingJitter;

impl Jitter for CeilingJitter {
    fn pick(&self, ceiling: Duration) -> Duration {
        ceiling
    }
}

pub fn alice() -> UserId {
    UserId::parse("alice").unwrap()
}

pub struct World {
    pub clock: Arc<ManualClock>,
    pub jobs: Arc<InMemoryJobRepository>,
    pub connections: Arc<InMemoryConnectionRepository>,
    pub wakeups: Arc<InMemoryQueueWakeups>,
    pub x: Arc<FakePlatformClient>,
    pub publisher: Arc<FakePublisher>,
    pub connection_service: ConnectionService,
    pub settings: PublishSettings,
    pub connection: SocialConnection,
}

impl World {
    pub async fn new() -> Self {
        Self::with_publisher(FakePublisher::new(Platform::X)).await
    }

    pub async fn with_publisher(publisher: FakePublisher) -> Self {
        let clock = Arc::new(ManualClock::new(NOW));
        let wakeups = Arc::new(InMemoryQueueWakeups::default());
        let jobs = Arc::new(InMemoryJobRepository::with_wakeups(wakeups.clone()));
        let connections = Arc::new(InMemoryConnectionRepository::default());
        let x = Arc::new(FakePlatformClient::new(Platform::X));
        let connection_service = ConnectionService::new(
            ConnectionPorts {
                connections: connections.clone(),
                oauth_states: Arc::new(InMemoryOAuthStateStore::default()),
                platforms: Arc::new(StaticPlatformRegistry::default().with(x.clone())),
                cipher: Arc::new(FakeTokenCipher::default()),
                secrets: Arc::new(SequentialSecrets::default()),
                clock: clock.clone(),
            },
            ConnectionPolicy::new(
                Url::parse("https://sp.test/api/v1/connect/").unwrap(),
                "test-process",
            ),
        );
        let mut world = Self {
            clock,
            jobs,
            connections,
            wakeups,
            x,
            publisher: Arc::new(publisher),
            connection_service,
            settings: PublishSettings {
                retry_base: Duration::seconds(10),
                retry_max: Duration::seconds(300),
                job_max_attempts: 3,
                ..PublishSettings::default()
            },
            connection: SocialConnection::new(
                NewConnection {
                    id: ConnectionId::new(),
                    user_id: alice(),
                    platform: Platform::X,
                    external_user_id: "x-1".into(),
                    external_display_name: "alice_on_x".into(),
                    access_token_encrypted: socialpub_domain::EncryptedToken::from_bytes(vec![]),
                    refresh_token_encrypted: None,
                    expires_at: None,
                    refresh_expires_at: None,
                    scopes: vec![],
                },
                NOW,
            ),
        };
        world.connection = world
            .connect(alice(), Platform::X, Some(NOW + Duration::hours(2)))
            .await;
        world
    }

    /// A stored, active connection whose tokens are the fake platform's first grant.
    pub async fn connect(
        &self,
        user: UserId,
        platform: Platform,
        expires_at: Option<OffsetDateTime>,
    ) -> SocialConnection {
        let id = ConnectionId::new();
        let cipher = FakeTokenCipher::default();
        let aad = *id.as_uuid().as_bytes();
        let connection = SocialConnection::new(
            NewConnection {
                id,
                user_id: user,
                platform,
                external_user_id: format!("{}-{}", platform.as_str(), id),
                external_display_name: "someone".into(),
                access_token_encrypted: cipher.seal(&SecretString::new("access-0"), &aad).unwrap(),
                refresh_token_encrypted: Some(
                    cipher.seal(&SecretString::new("refresh-0"), &aad).unwrap(),
                ),
                expires_at,
                refresh_expires_at: None,
                scopes: vec!["publish".into()],
            },
            NOW,
        );
        self.connections.save(&connection).await.unwrap();
        connection
    }

    pub fn engine(&self) -> PublishEngine {
        self.engine_with(self.settings.clone(), "worker-1")
    }

    pub fn engine_with(&self, settings: PublishSettings, worker: &str) -> PublishEngine {
        PublishEngine::new(
            EnginePorts {
                jobs: self.jobs.clone(),
                connections: self.connection_service.clone(),
                publishers: Arc::new(
                    StaticPublisherRegistry::default().with(self.publisher.clone()),
                ),
                assets: Arc::new(InMemoryAssetFetcher::default()),
                wakeups: self.wakeups.clone(),
                clock: self.clock.clone(),
            },
            settings,
            WorkerId::new(worker),
        )
        .with_jitter(Arc::new(CeilingJitter))
    }

    /// Stores a job for the world's connection, due at `at` (now when `None`).
    pub async fn job_at(&self, at: Option<OffsetDateTime>) -> PublishJob {
        self.job_for(&self.connection, at).await
    }

    pub async fn job_for(
        &self,
        connection: &SocialConnection,
        at: Option<OffsetDateTime>,
    ) -> PublishJob {
        let job = PublishJob::new(
            NewPublishJob {
                id: JobId::new(),
                post_id: None,
                user_id: connection.user_id.clone(),
                social_connection_id: connection.id,
                platform: connection.platform,
                content_text: "hello".into(),
                assets: vec![],
                platform_specific_options: Default::default(),
                scheduled_at: at,
                time_zone: None,
                metadata: Default::default(),
                max_attempts: self.settings.job_max_attempts,
            },
            self.clock.now_utc(),
        );
        self.jobs
            .create(None, std::slice::from_ref(&job))
            .await
            .unwrap();
        job
    }

    pub fn stored(&self, id: JobId) -> PublishJob {
        self.jobs.job(id).unwrap()
    }
}

/// The clock's reading, for code that holds the concrete fake.
pub trait ClockExt {
    fn now_utc(&self) -> OffsetDateTime;
}

impl ClockExt for ManualClock {
    fn now_utc(&self) -> OffsetDateTime {
        socialpub_ports::Clock::now(self)
    }
}
