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
use socialpub_ports::{ConnectionRepository, JobRepository, TokenCipher, TokenSlot};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use url::Url;

use crate::{
    ConnectionPolicy, ConnectionPorts, ConnectionService, EnginePorts, Jitter, JobService,
    PublishEngine, PublishSettings, PublishingPorts, PublishingService, ValidationService,
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
    /// X and LinkedIn are enabled; only X can publish.
    pub platforms: StaticPlatformRegistry,
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
        let connections = Arc::new(InMemoryConnectionRepository::default());
        let jobs = Arc::new(
            InMemoryJobRepository::with_wakeups(wakeups.clone())
                .reading_connections_from(connections.clone()),
        );
        let x = Arc::new(FakePlatformClient::new(Platform::X));
        let platforms = StaticPlatformRegistry::default()
            .with(x.clone())
            .with(Arc::new(FakePlatformClient::new(Platform::Linkedin)));
        let connection_service = ConnectionService::new(
            ConnectionPorts {
                connections: connections.clone(),
                oauth_states: Arc::new(InMemoryOAuthStateStore::default()),
                platforms: Arc::new(platforms.clone()),
                cipher: Arc::new(FakeTokenCipher::default()),
                secrets: Arc::new(SequentialSecrets::default()),
                clock: clock.clone(),
            },
            ConnectionPolicy::new(
                Url::parse("https://sp.test/api/v1/connect/").unwrap(),
                "test-process",
            ),
        );
        let connection = store_connection(
            &connections,
            alice(),
            Platform::X,
            Some(NOW + Duration::hours(2)),
        )
        .await;
        Self {
            platforms,
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
            connection,
        }
    }

    /// A stored, active connection whose tokens are the fake platform's first grant.
    pub async fn connect(
        &self,
        user: UserId,
        platform: Platform,
        expires_at: Option<OffsetDateTime>,
    ) -> SocialConnection {
        store_connection(&self.connections, user, platform, expires_at).await
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

    pub fn publishing(&self) -> PublishingService {
        PublishingService::new(
            PublishingPorts {
                jobs: self.jobs.clone(),
                connections: self.connections.clone(),
                platforms: Arc::new(self.platforms.clone()),
                publishers: Arc::new(
                    StaticPublisherRegistry::default().with(self.publisher.clone()),
                ),
                clock: self.clock.clone(),
            },
            ValidationService::new(
                self.connections.clone(),
                Arc::new(socialpub_ports::fakes::StaticAssetProbe::default()),
                Arc::new(socialpub_domain::policy::PlatformPolicyValidator::default()),
                self.clock.clone(),
            ),
            self.settings.clone(),
        )
    }

    pub fn job_service(&self) -> JobService {
        JobService::new(self.jobs.clone(), self.clock.clone())
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
            socialpub_ports::Clock::now(self.clock.as_ref()),
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

async fn store_connection(
    connections: &InMemoryConnectionRepository,
    user: UserId,
    platform: Platform,
    expires_at: Option<OffsetDateTime>,
) -> SocialConnection {
    let id = ConnectionId::new();
    let cipher = FakeTokenCipher::default();
    let connection = SocialConnection::new(
        NewConnection {
            id,
            user_id: user,
            platform,
            external_user_id: format!("{}-{}", platform.as_str(), id),
            external_display_name: "someone".into(),
            access_token_encrypted: cipher
                .seal(&SecretString::new("access-0"), TokenSlot::access(id))
                .unwrap(),
            refresh_token_encrypted: Some(
                cipher
                    .seal(&SecretString::new("refresh-0"), TokenSlot::refresh(id))
                    .unwrap(),
            ),
            expires_at,
            refresh_expires_at: None,
            scopes: vec!["publish".into()],
        },
        NOW,
    );
    connections.save(&connection).await.unwrap();
    connection
}
