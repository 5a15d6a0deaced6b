//! `socialpub`: the one binary. Every subcommand reads the same settings (defaults <
//! `socialpub.toml` < `.env` < environment); a bad setting stops it with one line naming it.

mod cli;
mod telemetry;

use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;
use socialpub_composition::{
    Application, ConfigSources, Settings, dev_token_minter, load, open_database,
};
use socialpub_crypto::TokenKey;
use socialpub_domain::UserId;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // keygen needs no settings at all, so it works before anything is configured.
    if let Command::Keygen { id } = cli.command {
        return match TokenKey::generate(id) {
            Ok(key) => {
                println!("{}", key.to_config_string().expose());
                ExitCode::SUCCESS
            }
            Err(error) => fail(&anyhow::anyhow!("{error}")),
        };
    }
    let settings = match load(&ConfigSources::from_process()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("socialpub: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&error.into()),
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

fn fail(error: &anyhow::Error) -> ExitCode {
    tracing::error!(error = format!("{error:#}"), "socialpub stopped");
    eprintln!("socialpub: {error:#}");
    ExitCode::FAILURE
}

async fn run(command: Command, mut settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            no_migrate,
            no_worker,
        } => {
            if no_migrate {
                settings.run_migrations = false;
            }
            let listener = TcpListener::bind((settings.host, settings.port)).map_err(|e| {
                anyhow::anyhow!("cannot listen on {}:{}: {e}", settings.host, settings.port)
            })?;
            let app = Application::build(settings).await?;
            let app = if no_worker {
                app.without_publish_worker()
            } else {
                app
            };
            app.serve(listener).await
        }
        Command::Worker => {
            settings.run_migrations = false;
            Application::build(settings).await?.run_worker().await
        }
        Command::Migrate => {
            let database = open_database(&settings).await?;
            database.run_migrations().await?;
            tracing::info!(backend = ?database.backend(), "migrations applied");
            println!("migrations applied");
            Ok(())
        }
        Command::Simulate => {
            let address =
                std::net::SocketAddr::from(([127, 0, 0, 1], settings.platform_simulator_port));
            socialpub_platform_sim::run_standalone(
                socialpub_composition::simulator::config(&settings),
                address,
            )
            .await
            .map_err(|e| anyhow::anyhow!("platform simulator: {e}"))
        }
        Command::RotateKeys => {
            let report = Application::build(settings).await?.rotate_keys().await?;
            println!(
                "examined {} connections: {} re-sealed, {} busy (run again), {} unreadable",
                report.examined, report.resealed, report.busy, report.unreadable
            );
            if report.unreadable > 0 {
                anyhow::bail!(
                    "{} tokens open under no loaded key; those users must reconnect",
                    report.unreadable
                );
            }
            Ok(())
        }
        Command::Token { user } => {
            let user = UserId::parse(user).map_err(|e| anyhow::anyhow!("--user: {e}"))?;
            let token = dev_token_minter(&settings)?
                .mint(&user)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", token.expose());
            Ok(())
        }
        Command::Keygen { .. } => Ok(()),
    }
}
