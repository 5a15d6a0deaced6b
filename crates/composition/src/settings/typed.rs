use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use socialpub_assets::IpRange;
use socialpub_domain::{Platform, SecretString};
use time::Duration;
use url::Url;

use super::{PlatformSettings, RawSettings};

/// A setting that cannot be used. Its Display is the one line start-up prints before exiting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid setting {variable}: {reason}")]
pub struct SettingsError {
    /// The environment variable (or file) at fault.
    pub variable: String,
    pub reason: String,
}

impl SettingsError {
    fn new(field: &str, reason: impl Into<String>) -> Self {
        Self {
            variable: field.to_ascii_uppercase(),
            reason: reason.into(),
        }
    }

    pub(super) fn file(path: &Path, reason: String) -> Self {
        Self {
            variable: path.display().to_string(),
            reason,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Whether the built-in platform simulator stands in for platforms without app credentials.
/// It hands fake accounts to anyone, so it must never switch itself on in production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimulatorMode {
    /// Only in development mode (see [`Settings::development_mode`]); with production
    /// settings a platform without credentials is simply not connectable.
    Auto,
    /// For every platform without credentials, whatever the mode (tests, demos).
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// JWTs signed by the auth service (HS256 secret, or RS256/ES256 through a JWKS URL).
    Jwt,
    /// RFC 7662 introspection at AUTH_SERVICE_URL.
    Introspection,
}

/// Every setting, typed. Built only by [`Settings::parse`].
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: IpAddr,
    pub port: u16,
    /// Where browsers reach this service; OAuth redirect URIs are built from it only.
    pub public_base_url: Url,
    /// The web app page the OAuth callback sends the browser to with the outcome; unset, the
    /// callback answers JSON.
    pub web_app_connections_url: Option<Url>,
    pub data_dir: PathBuf,
    pub log_format: LogFormat,
    pub database_url: SecretString,
    pub database_pool_size: usize,
    pub database_pool_timeout: Duration,
    pub run_migrations: bool,
    pub aes_encryption_key: Option<SecretString>,
    pub aes_encryption_keys: Option<SecretString>,
    pub auth_mode: AuthMode,
    pub auth_jwt_secret: Option<SecretString>,
    pub auth_jwks_url: Option<Url>,
    pub auth_issuer: Option<String>,
    pub auth_audience: Option<String>,
    pub auth_service_url: Option<Url>,
    pub auth_client_id: Option<String>,
    pub auth_client_secret: Option<SecretString>,
    pub auth_dev_token_ttl: Duration,
    pub enable_tiktok_publishing: bool,
    /// TikTok has audited the app: posts may be public. Until then only `SELF_ONLY`.
    pub tiktok_app_audited: bool,
    pub enable_linkedin_personal_publishing: bool,
    /// `LinkedIn-Version` sent on LinkedIn's `/rest` calls (`YYYYMM`); `None` keeps the
    /// version the LinkedIn crate pins.
    pub linkedin_api_version: Option<String>,
    pub allow_private_asset_urls: bool,
    /// Address blocks asset URLs never reach, on top of the built-in special-purpose ranges.
    pub asset_url_deny_ranges: Vec<IpRange>,
    /// Webhook URLs may reach loopback and private addresses (tests only); the deny ranges
    /// above hold for them too.
    pub allow_private_webhook_urls: bool,
    /// Deadline of one webhook delivery attempt.
    pub webhook_timeout: Duration,
    /// Replaces the built-in banned hashtag list when set.
    pub banned_hashtags_file: Option<PathBuf>,
    /// How long a platform's insights answer is reused (0 keeps nothing).
    pub insights_cache_ttl: Duration,
    /// The shared second tier of the insights cache; unset, each process keeps its own.
    pub redis_url: Option<SecretString>,
    /// Off: insights make no platform calls beyond reading the account's posts.
    pub enable_advanced_insights_fetching: bool,
    pub platform_simulator: SimulatorMode,
    /// Port of the in-process simulator (0 picks a free one).
    pub platform_simulator_port: u16,
    /// The simulator approves consent at once, so `curl -L` completes a connect flow.
    pub simulator_auto_approve: bool,
    pub worker_poll_interval: Duration,
    pub job_lease: Duration,
    pub job_max_attempts: u32,
    /// Jobs one process publishes at once (WORKER_CONCURRENCY).
    pub worker_concurrency: usize,
    pub retry_base: Duration,
    pub retry_max: Duration,
    pub max_lateness: Duration,
    /// How long look-ups for a post after an unanswered commit go on (RECONCILE_WINDOW_SECONDS).
    pub reconcile_window: Duration,
    pub shutdown_grace: Duration,
    pub schedule_horizon: Duration,
    pub platforms: Vec<PlatformSettings>,
    /// The zero-configuration mode of a fresh `just run`: no `DATABASE_URL`, no encryption
    /// key and no way of verifying users' tokens configured, so SQLite and secrets generated
    /// under `DATA_DIR` stand in. Any of those set means production: generated secrets are
    /// refused, `AUTH_ISSUER`/`AUTH_AUDIENCE` are required, and `PLATFORM_SIMULATOR=auto`
    /// stays off.
    pub development_mode: bool,
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn parse_or<T: FromStr>(
    field: &str,
    value: &Option<String>,
    default: T,
    what: &str,
) -> Result<T, SettingsError> {
    match non_empty(value) {
        None => Ok(default),
        Some(raw) => raw
            .parse()
            .map_err(|_| SettingsError::new(field, format!("expected {what}, got `{raw}`"))),
    }
}

/// A `YYYYMM` month: LinkedIn answers any other value 400 or 426 on every call, so it is
/// refused at start-up rather than at the first publish.
fn linkedin_version(value: &Option<String>) -> Result<Option<String>, SettingsError> {
    let Some(version) = non_empty(value) else {
        return Ok(None);
    };
    let month = version.get(4..).and_then(|m| m.parse::<u32>().ok());
    let valid = version.len() == 6
        && version.bytes().all(|b| b.is_ascii_digit())
        && month.is_some_and(|m| (1..=12).contains(&m));
    if valid {
        Ok(Some(version.to_owned()))
    } else {
        Err(SettingsError::new(
            "linkedin_api_version",
            format!("expected a YYYYMM month such as 202609, got `{version}`"),
        ))
    }
}

fn flag(field: &str, value: &Option<String>, default: bool) -> Result<bool, SettingsError> {
    match non_empty(value).map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some("false" | "0" | "no" | "off") => Ok(false),
        Some(other) => Err(SettingsError::new(
            field,
            format!("expected true or false, got `{other}`"),
        )),
    }
}

fn seconds(
    field: &str,
    value: &Option<String>,
    default: i64,
    min: i64,
) -> Result<Duration, SettingsError> {
    let secs: i64 = parse_or(field, value, default, "a whole number of seconds")?;
    if secs < min {
        return Err(SettingsError::new(
            field,
            format!("must be at least {min} seconds"),
        ));
    }
    Ok(Duration::seconds(secs))
}

fn url(field: &str, value: &Option<String>) -> Result<Option<Url>, SettingsError> {
    non_empty(value)
        .map(|raw| {
            let parsed = Url::parse(raw)
                .map_err(|e| SettingsError::new(field, format!("not a URL ({e})")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(SettingsError::new(field, "must be an http or https URL"));
            }
            Ok(parsed)
        })
        .transpose()
}

/// `redis://` only: the cache tier has no TLS stack of its own (keep Redis on a private
/// network or a local socket).
fn redis_url(value: &Option<String>) -> Result<Option<SecretString>, SettingsError> {
    non_empty(value)
        .map(|raw| {
            let parsed = Url::parse(raw).map_err(|_| {
                SettingsError::new("redis_url", "not a URL (expected redis://host:6379/0)")
            })?;
            if parsed.scheme() != "redis" {
                return Err(SettingsError::new(
                    "redis_url",
                    "must be a redis:// URL (rediss:// is not supported)",
                ));
            }
            Ok(SecretString::new(raw))
        })
        .transpose()
}

fn secret(value: &Option<String>) -> Option<SecretString> {
    non_empty(value).map(SecretString::new)
}

fn text(value: &Option<String>) -> Option<String> {
    non_empty(value).map(str::to_owned)
}

impl Settings {
    pub const DEFAULT_PORT: u16 = 8080;

    /// Parses and checks every setting; the first bad one is reported by name.
    pub fn parse(raw: &RawSettings) -> Result<Self, SettingsError> {
        let host: IpAddr = parse_or(
            "host",
            &raw.host,
            IpAddr::from([127, 0, 0, 1]),
            "an IP address",
        )?;
        let port: u16 = parse_or("port", &raw.port, Self::DEFAULT_PORT, "a port number")?;
        let public_base_url = match url("public_base_url", &raw.public_base_url)? {
            Some(url) => url,
            None => Url::parse(&format!("http://{}:{port}", display_host(host)))
                .map_err(|e| SettingsError::new("public_base_url", e.to_string()))?,
        };
        let data_dir = PathBuf::from(non_empty(&raw.data_dir).unwrap_or("./data"));
        let log_format = match non_empty(&raw.log_format)
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(SettingsError::new(
                    "log_format",
                    format!("expected pretty or json, got `{other}`"),
                ));
            }
        };
        let database_url = match non_empty(&raw.database_url) {
            Some(url) => SecretString::new(url),
            None => SecretString::new(format!(
                "sqlite://{}",
                data_dir.join("socialpub.db").display()
            )),
        };
        let database_pool_size: usize = parse_or(
            "database_pool_size",
            &raw.database_pool_size,
            10,
            "a number",
        )?;
        if database_pool_size == 0 {
            return Err(SettingsError::new(
                "database_pool_size",
                "must be at least 1",
            ));
        }
        let auth_mode = match non_empty(&raw.auth_mode)
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("jwt") => AuthMode::Jwt,
            Some("introspection") => AuthMode::Introspection,
            Some(other) => {
                return Err(SettingsError::new(
                    "auth_mode",
                    format!("expected jwt or introspection, got `{other}`"),
                ));
            }
        };
        let auth_service_url = url("auth_service_url", &raw.auth_service_url)?;
        if auth_mode == AuthMode::Introspection && auth_service_url.is_none() {
            return Err(SettingsError::new(
                "auth_service_url",
                "is required when AUTH_MODE=introspection",
            ));
        }
        let development_mode = [
            &raw.database_url,
            &raw.aes_encryption_key,
            &raw.aes_encryption_keys,
            &raw.auth_jwt_secret,
            &raw.auth_jwks_url,
        ]
        .into_iter()
        .all(|value| non_empty(value).is_none())
            && auth_mode == AuthMode::Jwt;
        let job_max_attempts: u32 =
            parse_or("job_max_attempts", &raw.job_max_attempts, 5, "a number")?;
        if !(1..=50).contains(&job_max_attempts) {
            return Err(SettingsError::new(
                "job_max_attempts",
                "must be between 1 and 50",
            ));
        }
        let worker_concurrency: usize =
            parse_or("worker_concurrency", &raw.worker_concurrency, 8, "a number")?;
        if !(1..=1024).contains(&worker_concurrency) {
            return Err(SettingsError::new(
                "worker_concurrency",
                "must be between 1 and 1024",
            ));
        }
        let schedule_horizon_days: i64 = parse_or(
            "schedule_horizon_days",
            &raw.schedule_horizon_days,
            365,
            "a whole number of days",
        )?;
        if !(1..=3650).contains(&schedule_horizon_days) {
            return Err(SettingsError::new(
                "schedule_horizon_days",
                "must be between 1 and 3650",
            ));
        }
        Ok(Self {
            development_mode,
            host,
            port,
            public_base_url,
            web_app_connections_url: url("web_app_connections_url", &raw.web_app_connections_url)?,
            log_format,
            database_url,
            database_pool_size,
            database_pool_timeout: seconds(
                "database_pool_timeout_seconds",
                &raw.database_pool_timeout_seconds,
                5,
                1,
            )?,
            run_migrations: flag("run_migrations", &raw.run_migrations, true)?,
            aes_encryption_key: secret(&raw.aes_encryption_key),
            aes_encryption_keys: secret(&raw.aes_encryption_keys),
            auth_mode,
            auth_jwt_secret: secret(&raw.auth_jwt_secret),
            auth_jwks_url: url("auth_jwks_url", &raw.auth_jwks_url)?,
            auth_issuer: text(&raw.auth_issuer),
            auth_audience: text(&raw.auth_audience),
            auth_service_url,
            auth_client_id: text(&raw.auth_client_id),
            auth_client_secret: secret(&raw.auth_client_secret),
            auth_dev_token_ttl: seconds(
                "auth_dev_token_ttl_seconds",
                &raw.auth_dev_token_ttl_seconds,
                86_400,
                60,
            )?,
            enable_tiktok_publishing: flag(
                "enable_tiktok_publishing",
                &raw.enable_tiktok_publishing,
                true,
            )?,
            tiktok_app_audited: flag("tiktok_app_audited", &raw.tiktok_app_audited, false)?,
            enable_linkedin_personal_publishing: flag(
                "enable_linkedin_personal_publishing",
                &raw.enable_linkedin_personal_publishing,
                true,
            )?,
            linkedin_api_version: linkedin_version(&raw.linkedin_api_version)?,
            allow_private_asset_urls: flag(
                "allow_private_asset_urls",
                &raw.allow_private_asset_urls,
                false,
            )?,
            asset_url_deny_ranges: IpRange::parse_list(
                non_empty(&raw.asset_url_deny_cidrs).unwrap_or_default(),
            )
            .map_err(|e| SettingsError::new("asset_url_deny_cidrs", e.to_string()))?,
            allow_private_webhook_urls: flag(
                "allow_private_webhook_urls",
                &raw.allow_private_webhook_urls,
                false,
            )?,
            webhook_timeout: seconds(
                "webhook_timeout_seconds",
                &raw.webhook_timeout_seconds,
                10,
                1,
            )?,
            banned_hashtags_file: non_empty(&raw.banned_hashtags_file).map(PathBuf::from),
            insights_cache_ttl: seconds(
                "insights_cache_ttl_seconds",
                &raw.insights_cache_ttl_seconds,
                3600,
                0,
            )?,
            redis_url: redis_url(&raw.redis_url)?,
            enable_advanced_insights_fetching: flag(
                "enable_advanced_insights_fetching",
                &raw.enable_advanced_insights_fetching,
                true,
            )?,
            platform_simulator: match non_empty(&raw.platform_simulator)
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                None | Some("auto") => SimulatorMode::Auto,
                Some("on" | "true") => SimulatorMode::On,
                Some("off" | "false") => SimulatorMode::Off,
                Some(other) => {
                    return Err(SettingsError::new(
                        "platform_simulator",
                        format!("expected auto, on or off, got `{other}`"),
                    ));
                }
            },
            platform_simulator_port: parse_or(
                "platform_simulator_port",
                &raw.platform_simulator_port,
                8090,
                "a port number",
            )?,
            simulator_auto_approve: flag(
                "socialpub_sim_auto_approve",
                &raw.socialpub_sim_auto_approve,
                false,
            )?,
            worker_poll_interval: seconds(
                "worker_poll_interval_seconds",
                &raw.worker_poll_interval_seconds,
                5,
                1,
            )?,
            job_lease: seconds("job_lease_seconds", &raw.job_lease_seconds, 300, 10)?,
            job_max_attempts,
            worker_concurrency,
            retry_base: seconds("retry_base_seconds", &raw.retry_base_seconds, 30, 1)?,
            retry_max: seconds("retry_max_seconds", &raw.retry_max_seconds, 3600, 1)?,
            max_lateness: seconds("max_lateness_seconds", &raw.max_lateness_seconds, 3600, 1)?,
            reconcile_window: seconds(
                "reconcile_window_seconds",
                &raw.reconcile_window_seconds,
                3600,
                1,
            )?,
            shutdown_grace: seconds("shutdown_grace_seconds", &raw.shutdown_grace_seconds, 30, 0)?,
            schedule_horizon: Duration::days(schedule_horizon_days),
            platforms: Platform::ALL
                .into_iter()
                .map(|p| platform(raw, p))
                .collect::<Result<_, _>>()?,
            data_dir,
        })
    }

    pub fn platform(&self, platform: Platform) -> Option<&PlatformSettings> {
        self.platforms.iter().find(|p| p.platform == platform)
    }
}

fn display_host(host: IpAddr) -> String {
    match host {
        IpAddr::V4(v4) if v4.is_unspecified() => "127.0.0.1".into(),
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

fn platform(raw: &RawSettings, platform: Platform) -> Result<PlatformSettings, SettingsError> {
    let (id, secret_value, api, oauth) = match platform {
        Platform::Instagram => (
            &raw.instagram_app_id,
            &raw.instagram_app_secret,
            &raw.instagram_api_base_url,
            &raw.instagram_oauth_base_url,
        ),
        Platform::Facebook => (
            &raw.facebook_app_id,
            &raw.facebook_app_secret,
            &raw.facebook_api_base_url,
            &raw.facebook_oauth_base_url,
        ),
        Platform::Linkedin => (
            &raw.linkedin_app_id,
            &raw.linkedin_app_secret,
            &raw.linkedin_api_base_url,
            &raw.linkedin_oauth_base_url,
        ),
        Platform::X => (
            &raw.x_app_id,
            &raw.x_app_secret,
            &raw.x_api_base_url,
            &raw.x_oauth_base_url,
        ),
        Platform::Pinterest => (
            &raw.pinterest_app_id,
            &raw.pinterest_app_secret,
            &raw.pinterest_api_base_url,
            &raw.pinterest_oauth_base_url,
        ),
        Platform::Tiktok => (
            &raw.tiktok_app_id,
            &raw.tiktok_app_secret,
            &raw.tiktok_api_base_url,
            &raw.tiktok_oauth_base_url,
        ),
    };
    let prefix = platform.as_str();
    let production = PlatformSettings::production(platform);
    let resolve = |field: &str, value: &Option<String>, default: &str| match url(field, value)? {
        Some(url) => Ok(url),
        None => Url::parse(default).map_err(|e| SettingsError::new(field, e.to_string())),
    };
    let app_id = text(id);
    let app_secret = secret(secret_value);
    if app_id.is_some() != app_secret.is_some() {
        let missing = if app_id.is_none() {
            "app_id"
        } else {
            "app_secret"
        };
        return Err(SettingsError::new(
            &format!("{prefix}_{missing}"),
            "is required when the other half of the app credentials is set",
        ));
    }
    let token_base_url = match (platform, production.token_base_url) {
        (Platform::Instagram, Some(default)) => Some(resolve(
            "instagram_token_base_url",
            &raw.instagram_token_base_url,
            default,
        )?),
        _ => None,
    };
    let upload_base_url = match (platform, production.upload_base_url) {
        (Platform::Facebook, Some(default)) => Some(resolve(
            "facebook_upload_base_url",
            &raw.facebook_upload_base_url,
            default,
        )?),
        _ => None,
    };
    let api_base_url = resolve(
        &format!("{prefix}_api_base_url"),
        api,
        production.api_base_url,
    )?;
    let oauth_base_url = resolve(
        &format!("{prefix}_oauth_base_url"),
        oauth,
        production.oauth_base_url,
    )?;
    let api_version = match platform {
        Platform::Facebook | Platform::Instagram => graph_api_version(raw)?,
        _ => None,
    };
    Ok(PlatformSettings {
        platform,
        app_id,
        app_secret,
        api_base_url,
        oauth_base_url,
        token_base_url,
        upload_base_url,
        api_version,
    })
}

/// `META_GRAPH_API_VERSION`: `v` then two numbers (`v25.0`), or unset for the pinned default.
fn graph_api_version(raw: &RawSettings) -> Result<Option<String>, SettingsError> {
    let Some(version) = text(&raw.meta_graph_api_version) else {
        return Ok(None);
    };
    let well_formed = version
        .strip_prefix('v')
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(major, minor)| {
            !major.is_empty()
                && !minor.is_empty()
                && major.bytes().all(|b| b.is_ascii_digit())
                && minor.bytes().all(|b| b.is_ascii_digit())
        });
    if !well_formed {
        return Err(SettingsError::new(
            "meta_graph_api_version",
            "must look like v25.0",
        ));
    }
    Ok(Some(version))
}
