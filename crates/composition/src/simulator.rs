//! The built-in platform simulator, for running without real platform apps: a fresh
//! `just run` can click through every connect flow offline.

use std::net::TcpListener;

use anyhow::Context;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::PlatformConfig;
use socialpub_platform_sim::{Simulator, SimulatorConfig, SimulatorHandle};

use crate::Settings;
use crate::settings::SimulatorMode;
use crate::settings::platform_config;

/// Whether these settings call for the simulator: `auto` fails closed, on only in
/// development mode, so a production deployment without platform credentials never hands its
/// users fake accounts.
pub fn wanted(settings: &Settings) -> bool {
    match settings.platform_simulator {
        SimulatorMode::On => true,
        SimulatorMode::Off => false,
        SimulatorMode::Auto => settings.development_mode,
    }
}

/// The simulator's configuration from the settings.
pub fn config(settings: &Settings) -> SimulatorConfig {
    SimulatorConfig {
        auto_approve: settings.simulator_auto_approve,
        ..SimulatorConfig::default()
    }
}

/// Starts the simulator in this process on 127.0.0.1 (loopback only: it hands out tokens to
/// anyone who asks).
pub fn start(settings: &Settings) -> anyhow::Result<SimulatorHandle> {
    let listener = TcpListener::bind(("127.0.0.1", settings.platform_simulator_port))
        .with_context(|| {
            format!(
                "starting the platform simulator on 127.0.0.1:{} (PLATFORM_SIMULATOR_PORT)",
                settings.platform_simulator_port
            )
        })?;
    let handle =
        Simulator::start(config(settings), listener).context("starting the platform simulator")?;
    tracing::warn!(
        simulator = %handle.base_url(),
        auto_approve = settings.simulator_auto_approve,
        "platforms without app credentials are wired to the built-in platform simulator: \
         connections made now are not real accounts (PLATFORM_SIMULATOR=off to disable)"
    );
    Ok(handle)
}

/// Where the simulator plays `platform`, with its app credentials.
pub fn target(handle: &SimulatorHandle, platform: Platform) -> PlatformConfig {
    let urls = handle.urls(platform);
    let (client_id, client_secret) = handle.client_credentials(platform);
    let config = platform_config(
        platform,
        client_id,
        SecretString::new(client_secret),
        urls.api_base,
        urls.oauth_base,
        urls.token_base,
    );
    match urls.upload_base {
        Some(upload) => config.with_upload_base_url(upload),
        None => config,
    }
}
