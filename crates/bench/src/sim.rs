//! The platform simulator in a child process (this same executable, told its role by an
//! environment variable), so that its CPU and memory are its own: the worker's peak RSS then
//! measures the worker alone.

use std::io::{BufRead as _, Read as _, Write as _};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;

use anyhow::Context as _;
use socialpub_application::{CallbackParams, Completer, ConnectionService};
use socialpub_domain::{Platform, SecretString, SocialConnection};
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_platform_sim::{Simulator, SimulatorConfig};
use socialpub_ports::PlatformClient;
use socialpub_tiktok::{TiktokClient, TiktokPublishSettings, TiktokPublisher};
use socialpub_x::{XClient, XPublishSettings, XPublisher};
use url::Url;

/// Set to [`ROLE_SIMULATOR`] in the child.
pub const ROLE_ENV: &str = "SOCIALPUB_BENCH_ROLE";
pub const ROLE_SIMULATOR: &str = "simulator";

/// The child's whole life: serve on a free loopback port, print the base URL, stop when the
/// parent closes stdin (or dies).
pub fn child_main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let config = SimulatorConfig {
            auto_approve: true,
            workers: 2,
            ..SimulatorConfig::default()
        };
        let handle = Simulator::start(config, listener)?;
        let mut out = std::io::stdout();
        writeln!(out, "{}", handle.base_url())?;
        out.flush()?;
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await?;
        handle.stop().await;
        Ok(())
    })
}

/// The running child.
pub struct SimProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    pub base: Url,
}

impl SimProcess {
    pub fn spawn() -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("finding the bench executable")?;
        let mut child = Command::new(exe)
            .env(ROLE_ENV, ROLE_SIMULATOR)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the simulator process")?;
        let stdout = child.stdout.take().context("the simulator's stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .context("reading the simulator's address")?;
        let base = Url::parse(line.trim())
            .with_context(|| format!("the simulator printed `{}`", line.trim()))?;
        let stdin = child.stdin.take();
        Ok(Self { child, stdin, base })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn join(&self, path: &str) -> anyhow::Result<Url> {
        Ok(self.base.join(path)?)
    }

    /// An X client aimed at the simulator, with its default app.
    pub fn x_client(&self) -> anyhow::Result<XClient> {
        let config = socialpub_x::PRODUCTION
            .config("sim-x-client", SecretString::new("sim-x-secret"))
            .with_base_urls(self.join("x/api/")?, self.join("x/oauth/")?);
        let http = build_http_client(&HttpClientSettings::default())?;
        Ok(XClient::new(config, http))
    }

    pub fn x_publisher(&self) -> anyhow::Result<XPublisher> {
        Ok(XPublisher::with_settings(
            self.x_client()?,
            XPublishSettings::default(),
        ))
    }

    pub fn x_platform(&self) -> anyhow::Result<Arc<dyn PlatformClient>> {
        Ok(Arc::new(self.x_client()?))
    }

    /// A TikTok client aimed at the simulator, with its default app.
    pub fn tiktok_client(&self) -> anyhow::Result<TiktokClient> {
        let config = socialpub_tiktok::PRODUCTION
            .config("sim-tiktok-client", SecretString::new("sim-tiktok-secret"))
            .with_base_urls(self.join("tiktok/api/")?, self.join("tiktok/oauth/")?);
        let http = build_http_client(&HttpClientSettings::default())?;
        Ok(TiktokClient::new(config, http))
    }

    /// Posts privately (`SELF_ONLY`), as an app TikTok has not audited does.
    pub fn tiktok_publisher(&self) -> anyhow::Result<TiktokPublisher> {
        Ok(TiktokPublisher::with_settings(
            self.tiktok_client()?,
            TiktokPublishSettings::default(),
        ))
    }

    pub fn tiktok_platform(&self) -> anyhow::Result<Arc<dyn PlatformClient>> {
        Ok(Arc::new(self.tiktok_client()?))
    }

    /// Connects the simulator's X account through the real connect flow (auto-approved).
    pub async fn connect_x(
        &self,
        connections: &ConnectionService,
        user: &socialpub_domain::UserId,
    ) -> anyhow::Result<SocialConnection> {
        self.connect(connections, user, Platform::X).await
    }

    /// Connects the simulator's account of `platform` through the real connect flow
    /// (auto-approved).
    pub async fn connect(
        &self,
        connections: &ConnectionService,
        user: &socialpub_domain::UserId,
        platform: Platform,
    ) -> anyhow::Result<SocialConnection> {
        let start = connections
            .start_authorization(user, platform)
            .await
            .with_context(|| format!("starting the {platform} authorization"))?;
        let http = build_http_client(&HttpClientSettings::default())?;
        let answer = http
            .get(start.authorization_url.as_str())
            .send()
            .await
            .context("asking the simulator to authorize")?;
        let location = answer
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .context("the simulator did not redirect back")?;
        let back = Url::parse(location)?;
        let param = |name: &str| {
            back.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let connected = connections
            .complete_authorization(
                platform,
                CallbackParams {
                    code: param("code").map(SecretString::new),
                    state: param("state"),
                    error: param("error"),
                    error_description: param("error_description"),
                },
                Completer::User(user),
            )
            .await
            .with_context(|| format!("completing the {platform} authorization"))?;
        connected
            .connections
            .into_iter()
            .next()
            .context("the authorization connected no account")
    }

    /// How many posts the simulator holds, by its admin API.
    pub async fn post_count(&self) -> anyhow::Result<usize> {
        let http = build_http_client(&HttpClientSettings::default())?;
        let posts: serde_json::Value = http
            .get(self.join("_sim/posts")?)
            .send()
            .await?
            .json()
            .await?;
        let count = posts
            .get("count")
            .and_then(serde_json::Value::as_u64)
            .context("the simulator's post listing has no count")?;
        Ok(usize::try_from(count)?)
    }

    pub fn stop(mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        if self.stdin.take().is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
