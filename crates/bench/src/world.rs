//! What every engine case stands on: a migrated fresh database, a stored connection whose
//! token the real cipher sealed, and the real engine on the real repositories.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use socialpub_application::{
    ConnectionPolicy, ConnectionPorts, ConnectionService, EnginePorts, PublishEngine,
    PublishSettings,
};
use socialpub_crypto::{AesGcmTokenCipher, KeyRing, RingSecretGenerator, TokenKey};
use socialpub_domain::{
    Asset, ConnectionId, JobId, NewConnection, NewPublishJob, Platform, PublishJob, SecretString,
    SocialConnection, UserId, WorkerId,
};
use socialpub_persistence::{Database, PoolSettings};
use socialpub_ports::fakes::{StaticPlatformRegistry, StaticPublisherRegistry};
use socialpub_ports::{
    AssetFetcher, Clock, PlatformClient, Publisher, SystemClock, TokenCipher, TokenSlot,
};
use time::OffsetDateTime;
use url::Url;

use crate::pg::FreshDatabase;

pub const USER: &str = "bench-user";

/// One case's database and services. [`World::finish`] drops the database.
pub struct World {
    fresh: FreshDatabase,
    pub database: Database,
    pub connections: ConnectionService,
    pub user: UserId,
    cipher: Arc<dyn TokenCipher>,
}

impl World {
    /// A fresh, migrated database whose pool holds `pool` connections; `platform` (if any) is
    /// the client the connect flow uses.
    pub async fn new(
        tag: &str,
        pool: usize,
        platform: Option<Arc<dyn PlatformClient>>,
    ) -> anyhow::Result<Self> {
        let fresh = FreshDatabase::create(tag).await?;
        let database = Database::connect(
            &fresh.url,
            PoolSettings {
                max_size: pool,
                wait_timeout: Duration::from_secs(30),
                ..PoolSettings::default()
            },
        )
        .context("opening the bench database")?;
        database
            .run_migrations()
            .await
            .context("migrating the bench database")?;
        let key = TokenKey::generate(1).map_err(|e| anyhow::anyhow!("{e}"))?;
        let cipher: Arc<dyn TokenCipher> = Arc::new(AesGcmTokenCipher::new(KeyRing::single(key)));
        let mut platforms = StaticPlatformRegistry::default();
        if let Some(client) = platform {
            platforms = platforms.with(client);
        }
        let connections = ConnectionService::new(
            ConnectionPorts {
                connections: database.connections(),
                oauth_states: database.oauth_states(),
                platforms: Arc::new(platforms),
                cipher: Arc::clone(&cipher),
                secrets: Arc::new(RingSecretGenerator::new()),
                clock: Arc::new(SystemClock),
            },
            ConnectionPolicy::new(
                Url::parse("http://127.0.0.1:1/api/v1/connect/")?,
                "socialpub-bench",
            ),
        );
        Ok(Self {
            fresh,
            database,
            connections,
            user: UserId::parse(USER).map_err(|e| anyhow::anyhow!("{e}"))?,
            cipher,
        })
    }

    /// Stores an active X connection holding `token`, valid for a day.
    pub async fn store_connection(&self, token: &str) -> anyhow::Result<SocialConnection> {
        let id = ConnectionId::new();
        let now = OffsetDateTime::now_utc();
        let connection = SocialConnection::new(
            NewConnection {
                id,
                user_id: self.user.clone(),
                platform: Platform::X,
                external_user_id: socialpub_platform_sim::seed::x::USER_ID.to_owned(),
                external_display_name: format!("@{}", socialpub_platform_sim::seed::x::USERNAME),
                access_token_encrypted: self
                    .cipher
                    .seal(&SecretString::new(token), TokenSlot::access(id))?,
                refresh_token_encrypted: None,
                expires_at: Some(now + time::Duration::days(1)),
                refresh_expires_at: None,
                scopes: vec!["tweet.write".into()],
            },
            now,
        );
        self.database.connections().save(&connection).await?;
        Ok(connection)
    }

    /// Stores `count` jobs of `connection`, due at `due` (now when `None`), in batches of a
    /// thousand; `text` makes each job's text.
    pub async fn seed(
        &self,
        connection: ConnectionId,
        count: usize,
        due: Option<OffsetDateTime>,
        assets: &[Asset],
        text: impl Fn(usize) -> String,
    ) -> anyhow::Result<()> {
        const CHUNK: usize = 1000;
        let jobs = self.database.jobs();
        let now = OffsetDateTime::now_utc();
        let mut start = 0;
        while start < count {
            let end = (start + CHUNK).min(count);
            let batch: Vec<PublishJob> = (start..end)
                .map(|n| {
                    PublishJob::new(
                        NewPublishJob {
                            id: JobId::new(),
                            post_id: None,
                            user_id: self.user.clone(),
                            social_connection_id: connection,
                            platform: Platform::X,
                            content_text: text(n),
                            assets: assets.to_vec(),
                            platform_specific_options: serde_json::Map::new(),
                            scheduled_at: due,
                            time_zone: None,
                            metadata: serde_json::Map::new(),
                            max_attempts: 3,
                        },
                        now,
                    )
                })
                .collect();
            jobs.create(None, &batch).await.context("seeding jobs")?;
            start = end;
        }
        Ok(())
    }

    /// The real engine on this world's repositories, with `publisher` for X.
    pub async fn engine(
        &self,
        publisher: Arc<dyn Publisher>,
        assets: Arc<dyn AssetFetcher>,
        settings: PublishSettings,
        worker: &str,
    ) -> PublishEngine {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        PublishEngine::new(
            EnginePorts {
                jobs: self.database.jobs(),
                connections: self.connections.clone(),
                publishers: Arc::new(StaticPublisherRegistry::default().with(publisher)),
                assets,
                wakeups: self.database.queue_wakeups().await,
                clock,
            },
            settings,
            WorkerId::new(worker),
        )
    }

    pub fn url(&self) -> &str {
        &self.fresh.url
    }

    pub async fn finish(self) -> anyhow::Result<()> {
        self.database.close();
        drop(self.database);
        self.fresh.drop_now().await
    }
}

/// Engine settings for a throughput case: `in_flight` jobs at once, `batch` per claim, one
/// connection's jobs allowed to run side by side (all bench jobs share one connection).
pub fn settings(in_flight: usize, batch: u32) -> PublishSettings {
    PublishSettings {
        worker_concurrency: in_flight,
        per_account_concurrency: in_flight,
        per_platform_concurrency: in_flight,
        claim_batch: batch,
        idle_poll: time::Duration::seconds(1),
        ..PublishSettings::default()
    }
}
