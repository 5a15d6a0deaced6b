//! Starting and stopping the simulator.

use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use actix_web::middleware::{NormalizePath, TrailingSlash, from_fn};
use actix_web::{App, HttpServer, web};
use socialpub_domain::Platform;
use tokio::task::JoinHandle;
use url::Url;

use crate::admin;
use crate::config::SimulatorConfig;
use crate::knobs::{self, KnobError, KnobSettings};
use crate::media::{self, SampleMedia};
use crate::platforms;
use crate::posts::SimPost;
use crate::state::{Shared, StateSnapshot};

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Binding or serving failed.
    #[error("simulator I/O error: {0}")]
    Io(#[from] io::Error),
    /// `start` was called outside a Tokio (or actix) runtime.
    #[error("the simulator must be started from inside a Tokio or actix runtime")]
    NoRuntime,
    /// The base URL could not be built.
    #[error("invalid simulator base URL: {0}")]
    BaseUrl(String),
}

/// Where one platform lives on the simulator. Each base ends with `/`, so both
/// `base.join("2/users/me")` and `format!("{base}/2/users/me")` reach the right path (the
/// simulator merges double slashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformUrls {
    /// Stands for the platform's API host (api.x.com, api.pinterest.com, open.tiktokapis.com,
    /// graph.facebook.com, graph.instagram.com, api.linkedin.com).
    pub api_base: Url,
    /// Stands for the platform's web host with the authorize page (x.com, www.pinterest.com,
    /// www.tiktok.com, www.facebook.com, www.instagram.com, www.linkedin.com — LinkedIn's token,
    /// revoke and introspect endpoints live here too).
    pub oauth_base: Url,
    /// Instagram only: api.instagram.com, where the code is exchanged.
    pub token_base: Option<Url>,
    /// Facebook only: graph-video.facebook.com, where Page videos are uploaded.
    pub upload_base: Option<Url>,
}

pub(crate) fn platform_urls(base: &Url, platform: Platform) -> PlatformUrls {
    let join = |path: &str| base.join(path).unwrap_or_else(|_| base.clone());
    let name = platform.as_str();
    PlatformUrls {
        api_base: join(&format!("{name}/api/")),
        oauth_base: join(&format!("{name}/oauth/")),
        token_base: (platform == Platform::Instagram).then(|| join("instagram/token/")),
        upload_base: (platform == Platform::Facebook).then(|| join("facebook/graph-video/")),
    }
}

/// The simulator: one HTTP server playing all six platforms.
#[derive(Debug, Clone, Copy)]
pub struct Simulator;

impl Simulator {
    /// Serve on `listener`, on the current Tokio runtime (a `#[tokio::main]` multi-thread runtime
    /// or an actix system such as `#[actix_web::test]`). Returns at once; the server runs until
    /// [`SimulatorHandle::stop`] or the end of the runtime.
    pub fn start(
        config: SimulatorConfig,
        listener: TcpListener,
    ) -> Result<SimulatorHandle, SimError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(SimError::NoRuntime);
        }
        let addr = listener.local_addr()?;
        let base_url = match &config.public_base_url {
            Some(url) => {
                let mut url = url.clone();
                if !url.path().ends_with('/') {
                    let path = format!("{}/", url.path());
                    url.set_path(&path);
                }
                url
            }
            None => Url::parse(&format!("http://{addr}/"))
                .map_err(|e| SimError::BaseUrl(e.to_string()))?,
        };
        let workers = config.workers.max(1);
        let shared = Arc::new(Shared::new(config, base_url.clone()));
        let data = web::Data::from(Arc::clone(&shared));
        listener.set_nonblocking(true)?;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(1 << 20))
                .configure(platforms::configure)
                .configure(admin::configure)
                .configure(media::configure)
                .default_service(web::to(platforms::not_found))
                .wrap(from_fn(knobs::gate))
                .wrap(NormalizePath::new(TrailingSlash::MergeOnly))
        })
        .workers(workers)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)?
        .run();
        let server_handle = server.handle();
        let task = tokio::spawn(server);
        tracing::info!(%base_url, "platform simulator listening");
        Ok(SimulatorHandle {
            base_url,
            shared,
            server: server_handle,
            task: Some(task),
        })
    }
}

/// A running simulator.
pub struct SimulatorHandle {
    base_url: Url,
    shared: Arc<Shared>,
    server: ServerHandle,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl fmt::Debug for SimulatorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimulatorHandle")
            .field("base_url", &self.base_url.as_str())
            .finish_non_exhaustive()
    }
}

impl SimulatorHandle {
    /// `http://<addr>/` (or the configured public base URL).
    pub fn base_url(&self) -> Url {
        self.base_url.clone()
    }

    /// The base URLs to give a platform client in place of the real hosts.
    pub fn urls(&self, platform: Platform) -> PlatformUrls {
        platform_urls(&self.base_url, platform)
    }

    /// `(client_id, client_secret)` of the platform's registered app.
    pub fn client_credentials(&self, platform: Platform) -> (String, String) {
        let app = self.shared.lock().config.app(platform);
        (app.client_id, app.client_secret)
    }

    /// The same counters as `GET /_sim/state`.
    pub fn state(&self) -> StateSnapshot {
        self.shared.lock().snapshot()
    }

    /// The same as `POST /_sim/knobs`.
    pub fn set_knobs(&self, settings: &KnobSettings) -> Result<(), KnobError> {
        self.shared.lock().apply_knobs(settings)
    }

    /// Every post the simulated platforms made public (of `platform`, or all), oldest first:
    /// the same as `GET /_sim/posts`.
    pub fn posts(&self, platform: Option<Platform>) -> Vec<SimPost> {
        self.shared.lock().posts_of(platform)
    }

    /// The stable URL of a sample file (`<base>/media/sample.mp4`...).
    pub fn sample_media_url(&self, media: SampleMedia) -> Url {
        self.base_url
            .join(media.path())
            .unwrap_or_else(|_| self.base_url.clone())
    }

    /// The same as `POST /_sim/reset`: forget codes, tokens, knobs, counters and posts.
    pub fn reset(&self) {
        self.shared.lock().reset();
    }

    /// Stop serving and wait for the server to finish.
    pub async fn stop(mut self) {
        self.server.stop(true).await;
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "platform simulator stopped with an error")
                }
                Err(e) => tracing::warn!(error = %e, "platform simulator task failed"),
            }
        }
    }
}

/// Run the simulator on `addr` until Ctrl-C (for `socialpub simulate`).
pub async fn run_standalone(config: SimulatorConfig, addr: SocketAddr) -> Result<(), SimError> {
    let listener = TcpListener::bind(addr)?;
    let handle = Simulator::start(config, listener)?;
    for platform in Platform::ALL {
        let urls = handle.urls(platform);
        let (client_id, _) = handle.client_credentials(platform);
        tracing::info!(
            platform = platform.as_str(),
            oauth_base = %urls.oauth_base,
            api_base = %urls.api_base,
            token_base = urls.token_base.as_ref().map(Url::as_str),
            client_id,
            "simulated platform"
        );
    }
    tracing::info!(admin = %handle.base_url().join("_sim/").unwrap_or_else(|_| handle.base_url()), "simulator admin API");
    let signal = tokio::signal::ctrl_c().await;
    if let Err(e) = signal {
        tracing::warn!(error = %e, "cannot listen for Ctrl-C; stopping");
    }
    handle.stop().await;
    Ok(())
}
