use std::net::TcpListener;
use std::sync::Arc;

use anyhow::Context;
use socialpub_application::{
    ConnectionPolicy, ConnectionPorts, ConnectionService, EnginePorts, JobService,
    MaintenanceService, PublishEngine, PublishSettings, PublishingPorts, PublishingService,
    SweepReport, ValidationService, WebhookDeliverer, WebhookPorts, WebhookService,
};
use socialpub_assets::{AssetFetchSettings, HeaderProbe, HttpAssetFetcher, HttpWebhookSender};
use socialpub_auth::{AuthSettings, DevTokenMinter, auth_http_client, build_authenticator};
use socialpub_crypto::{AesGcmTokenCipher, RingSecretGenerator, StandardWebhookSigner};
use socialpub_domain::policy::{HashtagPolicy, PlatformPolicyValidator};
use socialpub_domain::{Platform, WorkerId};
use socialpub_http_api::{ApiState, ConnectCallback, build_app};
use socialpub_metrics::PrometheusMetrics;
use socialpub_persistence::{Database, PoolSettings};
use socialpub_ports::{Clock, Metrics, SystemClock};
use tokio::sync::watch;

use crate::readiness::{DatabaseReadiness, ScrapeGauges};
use crate::settings::AuthMode;
use crate::{Settings, dev_jwt_secret, encryption_keys};

/// A fully wired Socialpub: every adapter built once from the settings and shared by the HTTP
/// workers and the background loops.
pub struct Application {
    settings: Settings,
    database: Database,
    api_state: ApiState,
    maintenance: MaintenanceService,
    /// This process's publishing worker: run by `serve` and `worker`, or driven by hand.
    engine: PublishEngine,
    /// This process's webhook worker, run beside the publishing worker.
    deliverer: WebhookDeliverer,
    /// False when the owner drives [`Application::engine`] itself (tests): `serve` then runs
    /// no publishing worker of its own.
    run_engine: bool,
    clock: Arc<dyn Clock>,
    /// Kept alive for as long as the application: the platform clients talk to it.
    simulator: Option<socialpub_platform_sim::SimulatorHandle>,
}

/// Opens the database named by the settings (creating a SQLite file's directory).
pub async fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    let pool = PoolSettings {
        max_size: settings.database_pool_size,
        wait_timeout: std::time::Duration::from_secs(
            u64::try_from(settings.database_pool_timeout.whole_seconds()).unwrap_or(5),
        ),
        ..PoolSettings::default()
    };
    Database::connect(settings.database_url.expose(), pool)
        .context("opening the database named by DATABASE_URL")
}

/// The auth adapters' settings from ours; a dev secret stands in when nothing is configured
/// (development mode only). Outside development mode JWTs must name our issuer and audience.
pub fn auth_settings(settings: &Settings) -> anyhow::Result<AuthSettings> {
    let mut auth = AuthSettings {
        mode: match settings.auth_mode {
            AuthMode::Jwt => socialpub_auth::AuthMode::Jwt,
            AuthMode::Introspection => socialpub_auth::AuthMode::Introspection,
        },
        jwks_url: settings.auth_jwks_url.clone(),
        issuer: settings.auth_issuer.clone(),
        audience: settings.auth_audience.clone(),
        introspection_url: settings.auth_service_url.clone(),
        client_id: settings.auth_client_id.clone(),
        client_secret: settings.auth_client_secret.clone(),
        dev_token_lifetime_seconds: u64::try_from(settings.auth_dev_token_ttl.whole_seconds())
            .unwrap_or(3600),
        ..AuthSettings::default()
    };
    if settings.auth_mode == AuthMode::Jwt
        && let Some(dev) = dev_jwt_secret(settings)?
    {
        if let Some(file) = &dev.file {
            tracing::warn!(
                file = %file.display(),
                generated = dev.generated,
                "AUTH_JWT_SECRET is not set: using a development JWT secret kept in the data \
                 directory. Set AUTH_JWT_SECRET or AUTH_JWKS_URL in production."
            );
        }
        auth.jwt_secret = Some(dev.value);
    }
    if settings.auth_mode == AuthMode::Jwt && !settings.development_mode {
        for (variable, value) in [
            ("AUTH_ISSUER", &auth.issuer),
            ("AUTH_AUDIENCE", &auth.audience),
        ] {
            if value.is_none() {
                anyhow::bail!(
                    "invalid setting {variable}: required outside development mode with \
                     AUTH_MODE=jwt, so that a token the auth service issued for another \
                     service is refused"
                );
            }
        }
    }
    Ok(auth)
}

/// The minter behind `socialpub token`: signs with the same secret the server verifies with.
pub fn dev_token_minter(settings: &Settings) -> anyhow::Result<DevTokenMinter> {
    let auth = auth_settings(settings)?;
    DevTokenMinter::from_settings(&auth).context("the development token minter")
}

/// What the OAuth callback may do. Completing on the `state` alone (so `curl -L` connects
/// offline) is not bound to the user whose browser comes back, so only development mode does it.
fn connect_callback(settings: &Settings) -> ConnectCallback {
    match (&settings.web_app_connections_url, settings.development_mode) {
        (Some(url), _) => ConnectCallback::HandToWebApp(url.clone()),
        (None, true) => ConnectCallback::CompleteDirectly,
        (None, false) => {
            tracing::warn!(
                "WEB_APP_CONNECTIONS_URL is not set: the OAuth callback answers the code and \
                 state as JSON, to be completed through POST /api/v1/connect/{{platform}}/complete"
            );
            ConnectCallback::HandBack
        }
    }
}

impl Application {
    /// Builds everything; applies pending migrations first unless RUN_MIGRATIONS=false.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// [`Application::build`] on a given clock (tests move time by hand).
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let database = open_database(&settings).await?;
        if settings.run_migrations {
            database
                .run_migrations()
                .await
                .context("applying database migrations")?;
        }
        let (keys, dev_key) = encryption_keys(&settings)?;
        let connect_callback = connect_callback(&settings);
        if let Some(dev) = dev_key {
            tracing::warn!(
                file = %dev.file.as_ref().map(|f| f.display().to_string()).unwrap_or_default(),
                generated = dev.generated,
                "AES_ENCRYPTION_KEY is not set: platform tokens are encrypted with a development \
                 key kept in the data directory. Set AES_ENCRYPTION_KEYS in production \
                 (`socialpub keygen` makes one)."
            );
        }
        let cipher = Arc::new(AesGcmTokenCipher::new(keys));
        // One registry for the process: HTTP, engine, refreshes, cache and webhooks count
        // into it, `/metrics` renders it.
        let metrics: Arc<dyn Metrics> = Arc::new(PrometheusMetrics::new());
        let auth = auth_settings(&settings)?;
        let http = auth_http_client(&auth).context("the auth service HTTP client")?;
        let authenticator = build_authenticator(&auth, http).context("the authenticator")?;

        let simulator = if crate::simulator::wanted(&settings) {
            Some(crate::simulator::start(&settings)?)
        } else {
            None
        };
        let platforms = crate::wiring::platform_registry(&settings, &|platform| {
            simulator
                .as_ref()
                .map(|handle| crate::simulator::target(handle, platform))
        })?;
        let platforms = Arc::new(platforms);
        let connections = ConnectionService::new(
            ConnectionPorts {
                connections: database.connections(),
                oauth_states: database.oauth_states(),
                platforms: platforms.clone(),
                cipher: cipher.clone(),
                secrets: Arc::new(RingSecretGenerator::new()),
                clock: clock.clone(),
            },
            connection_policy(&settings)?,
        )
        .with_metrics(metrics.clone());
        let fetch = AssetFetchSettings {
            allow_private_addresses: settings.allow_private_asset_urls,
            denied_ranges: settings.asset_url_deny_ranges.clone(),
            extra_allowed_addresses: simulator
                .as_ref()
                .map(simulator_addresses)
                .unwrap_or_default(),
            ..AssetFetchSettings::default()
        };
        let webhook_ports = WebhookPorts {
            webhooks: database.webhooks(cipher),
            sender: Arc::new(HttpWebhookSender::new(
                &AssetFetchSettings {
                    allow_private_addresses: settings.allow_private_webhook_urls,
                    denied_ranges: settings.asset_url_deny_ranges.clone(),
                    ..AssetFetchSettings::default()
                },
                to_std(settings.webhook_timeout),
            )),
            signer: Arc::new(StandardWebhookSigner::new()),
            clock: clock.clone(),
        };
        let fetcher = Arc::new(HttpAssetFetcher::new(fetch));
        let probe = Arc::new(HeaderProbe::new(fetcher.clone()));
        let validation = ValidationService::new(
            database.connections(),
            probe,
            Arc::new(PlatformPolicyValidator::new(hashtag_policy(&settings)?)),
            clock.clone(),
        );
        let publish_settings = publish_settings(&settings);
        let publishing = PublishingService::new(
            PublishingPorts {
                jobs: database.jobs(),
                connections: database.connections(),
                platforms: platforms.clone(),
                publishers: platforms.clone(),
                clock: clock.clone(),
            },
            validation.clone(),
            publish_settings.clone(),
        )
        .with_publishing_switched_off(if settings.enable_tiktok_publishing {
            Vec::new()
        } else {
            vec![Platform::Tiktok]
        });
        let insights_readers = crate::insights::insights_readers(&settings, &|platform| {
            simulator
                .as_ref()
                .map(|handle| crate::simulator::target(handle, platform))
        })?;
        let post_metrics = socialpub_application::PostMetricsReads::new(
            connections.clone(),
            Arc::new(insights_readers.clone()),
            database.post_metrics(),
            clock.clone(),
        );
        let insights = crate::insights::insights_service(
            &settings,
            connections.clone(),
            insights_readers,
            hashtag_policy(&settings)?,
            database.post_metrics(),
            clock.clone(),
            metrics.clone(),
        )?;
        let engine = PublishEngine::new(
            EnginePorts {
                jobs: database.jobs(),
                connections: connections.clone(),
                publishers: platforms,
                assets: fetcher,
                wakeups: database.queue_wakeups().await,
                clock: clock.clone(),
            },
            publish_settings,
            WorkerId::new(process_name()),
        )
        .with_metrics(metrics.clone())
        .with_post_metrics(post_metrics);
        let deliverer = WebhookDeliverer::new(
            webhook_ports.clone(),
            socialpub_application::DeliverySettings::default(),
            engine.worker().clone(),
        )
        .with_metrics(metrics.clone());
        let api_state = ApiState {
            authenticator,
            readiness: Arc::new(DatabaseReadiness(database.clone())),
            connections,
            jobs: JobService::new(database.jobs(), clock.clone()),
            publishing,
            idempotency: database.idempotency(),
            validation,
            insights,
            webhooks: WebhookService::new(webhook_ports),
            connect_callback,
            metrics,
            scrape_hooks: vec![Arc::new(ScrapeGauges {
                database: database.clone(),
                jobs: database.jobs(),
            })],
        };
        let maintenance =
            MaintenanceService::new(database.jobs(), database.oauth_states(), clock.clone())
                .with_expiry_notices(database.connections(), settings.connection_expiry_notice);
        Ok(Self {
            settings,
            database,
            api_state,
            maintenance,
            engine,
            deliverer,
            run_engine: true,
            clock,
            simulator,
        })
    }

    /// Re-seals every stored token under the newest encryption key and envelope version
    /// (`socialpub rotate-keys`).
    /// Safe while servers and workers run.
    pub async fn rotate_keys(&self) -> anyhow::Result<socialpub_application::ResealReport> {
        let report = self
            .api_state
            .connections
            .reseal_all(200)
            .await
            .context("re-sealing tokens")?;
        tracing::info!(
            examined = report.examined,
            resealed = report.resealed,
            busy = report.busy,
            unreadable = report.unreadable,
            "key rotation pass finished"
        );
        let (resealed, unreadable) = self
            .api_state
            .webhooks
            .reseal_secrets()
            .await
            .context("re-sealing webhook secrets")?;
        tracing::info!(
            resealed,
            unreadable,
            "webhook secrets re-sealed under the newest key"
        );
        Ok(report)
    }

    /// This process's publishing engine: `run_once`/`drain` process the queue on demand.
    pub fn engine(&self) -> &PublishEngine {
        &self.engine
    }

    /// This process's webhook deliverer: `run_once`/`drain` deliver on demand.
    pub fn webhook_deliverer(&self) -> &WebhookDeliverer {
        &self.deliverer
    }

    /// Keeps `serve` from running a publishing worker: the caller drives
    /// [`Application::engine`] itself, deterministically.
    #[must_use]
    pub fn without_publish_worker(mut self) -> Self {
        self.run_engine = false;
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The in-process platform simulator, when the settings called for one.
    pub fn simulator(&self) -> Option<&socialpub_platform_sim::SimulatorHandle> {
        self.simulator.as_ref()
    }

    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Serves the API on `listener` and runs the background loops in the same process until
    /// SIGINT/SIGTERM; then stops the loops and lets in-flight requests finish.
    pub async fn serve(self, listener: TcpListener) -> anyhow::Result<()> {
        let address = listener.local_addr()?;
        let state = actix_web::web::Data::new(self.api_state.clone());
        let server = actix_web::HttpServer::new(move || build_app(state.clone()))
            .listen(listener)
            .context("listening")?
            .shutdown_timeout(30)
            .run();
        tracing::info!(%address, "socialpub is serving");
        let (stop, stopped) = watch::channel(false);
        let engine = self.run_engine.then(|| {
            let engine = self.engine.clone();
            let deliverer = self.deliverer.clone();
            let stopped = stopped.clone();
            tokio::spawn(async move {
                tokio::join!(
                    engine.run(stop_requested(stopped.clone())),
                    deliverer.run(stop_requested(stopped)),
                )
            })
        });
        let background = tokio::spawn(self.background_loops(stopped));
        // actix stops on SIGINT/SIGTERM by itself, then the worker gets its grace.
        let result = server.await.context("HTTP server failed");
        let _ = stop.send(true);
        if let Some(engine) = engine {
            let _ = engine.await;
        }
        let _ = background.await;
        result
    }

    /// Runs the publishing worker and the background loops (the `worker` command) until SIGINT/SIGTERM.
    pub async fn run_worker(self) -> anyhow::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let engine = self.engine.clone();
        let deliverer = self.deliverer.clone();
        let publishing = tokio::spawn({
            let stopped = stopped.clone();
            async move {
                tokio::join!(
                    engine.run(stop_requested(stopped.clone())),
                    deliverer.run(stop_requested(stopped)),
                )
            }
        });
        let loops = tokio::spawn(self.background_loops(stopped));
        shutdown_signal().await;
        tracing::info!("shutting down: no new claims; in-flight steps get SHUTDOWN_GRACE_SECONDS");
        let _ = stop.send(true);
        publishing.await.context("publish worker panicked")?;
        loops.await.context("worker loop panicked")?;
        Ok(())
    }

    /// Periodic maintenance (token refresh, expired leases, abandoned OAuth states, expired
    /// idempotency keys), beside
    /// the publishing worker.
    async fn background_loops(self, mut stopped: watch::Receiver<bool>) {
        let interval = std::time::Duration::from_secs(
            u64::try_from(self.settings.worker_poll_interval.whole_seconds()).unwrap_or(5),
        );
        loop {
            match self
                .api_state
                .connections
                .refresh_expiring(REFRESH_WINDOW, 100)
                .await
            {
                Ok(report) if report != SweepReport::default() => {
                    tracing::info!(
                        refreshed = report.refreshed,
                        needs_reauth = report.needs_reauth,
                        failed = report.failed,
                        skipped = report.skipped,
                        "token refresh sweep"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "token refresh sweep failed; will retry"),
            }
            match self.maintenance.run_once().await {
                Ok(report) if report != socialpub_application::MaintenanceReport::default() => {
                    tracing::info!(
                        recovered_jobs = report.recovered_jobs,
                        purged_oauth_states = report.purged_oauth_states,
                        expiry_notices = report.expiry_notices,
                        "maintenance pass"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "maintenance pass failed; will retry"),
            }
            // Answers kept for Idempotency-Key replays are dropped once their time is up.
            match self
                .api_state
                .idempotency
                .purge_expired(self.clock.now())
                .await
            {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "expired idempotency keys purged"),
                Err(error) => tracing::warn!(%error, "idempotency key purge failed; will retry"),
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = stopped.changed() => break,
            }
        }
    }
}

/// The banned hashtag list: BANNED_HASHTAGS_FILE when set, else the built-in one.
fn hashtag_policy(settings: &Settings) -> anyhow::Result<HashtagPolicy> {
    match &settings.banned_hashtags_file {
        None => Ok(HashtagPolicy::builtin()),
        Some(path) => {
            let list = std::fs::read_to_string(path).with_context(|| {
                format!(
                    "invalid setting BANNED_HASHTAGS_FILE: cannot read {}",
                    path.display()
                )
            })?;
            Ok(HashtagPolicy::from_list(&list))
        }
    }
}

/// Tokens expiring within this window are refreshed by the background sweep, well before
/// the 5-minute skew that refreshes at use.
const REFRESH_WINDOW: time::Duration = time::Duration::minutes(30);

/// The connect flow's rules from the settings. Callback URLs are built from PUBLIC_BASE_URL.
fn connection_policy(settings: &Settings) -> anyhow::Result<ConnectionPolicy> {
    let callback_base = settings
        .public_base_url
        .join("api/v1/connect/")
        .context("PUBLIC_BASE_URL cannot hold the callback path")?;
    let mut policy = ConnectionPolicy::new(callback_base, process_name());
    policy.linkedin_personal_publishing = settings.enable_linkedin_personal_publishing;
    Ok(policy)
}

/// Names this process in leases and locks: host, pid and a random suffix, so two processes
/// on one host (or a restarted one) never share a name.
fn process_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "socialpub".into());
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "{host}-{}-{}",
        std::process::id(),
        suffix.get(..8).unwrap_or(&suffix)
    )
}

/// Completes once `stopped` turns true (or its sender is gone).
async fn stop_requested(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// The engine's settings from ours; what operators do not set keeps the engine's default.
fn publish_settings(settings: &Settings) -> PublishSettings {
    let defaults = PublishSettings::default();
    PublishSettings {
        worker_concurrency: settings.worker_concurrency,
        job_lease: settings.job_lease,
        job_max_attempts: settings.job_max_attempts,
        retry_base: settings.retry_base,
        retry_max: settings.retry_max,
        max_lateness: settings.max_lateness,
        reconcile_window: settings.reconcile_window,
        shutdown_grace: settings.shutdown_grace,
        schedule_horizon: settings.schedule_horizon,
        idle_poll: settings.worker_poll_interval.min(defaults.idle_poll),
        linkedin_personal_publishing: settings.enable_linkedin_personal_publishing,
        ..defaults
    }
}

/// The in-process simulator's own address: in development mode the asset fetcher may read
/// its sample media (`/media/...`) although it is on loopback, and nothing else private.
fn simulator_addresses(
    handle: &socialpub_platform_sim::SimulatorHandle,
) -> Vec<std::net::SocketAddr> {
    handle.base_url().socket_addrs(|| None).unwrap_or_default()
}

/// A setting's duration as std's (a negative one as zero).
fn to_std(duration: time::Duration) -> std::time::Duration {
    std::time::Duration::try_from(duration).unwrap_or_default()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
