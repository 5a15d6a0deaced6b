use clap::{Parser, Subcommand};

/// Socialpub: connect social accounts, publish and schedule posts, follow every job.
#[derive(Debug, Parser)]
#[command(name = "socialpub", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (and run a publishing worker and the background loops in the same
    /// process).
    Serve {
        /// Do not apply pending database migrations at start.
        #[arg(long)]
        no_migrate: bool,
        /// Run no publishing worker in this process (`socialpub worker` processes do the
        /// publishing).
        #[arg(long)]
        no_worker: bool,
    },
    /// Run the publishing worker and the background loops, without the HTTP API (scale out
    /// by running more of these on one PostgreSQL database). SIGTERM/SIGINT stop it
    /// gracefully within SHUTDOWN_GRACE_SECONDS.
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print a new AES-256 token encryption key for AES_ENCRYPTION_KEYS.
    Keygen {
        /// Key id (0-255); give each new key a higher id than the last so it becomes the one
        /// that encrypts.
        #[arg(long, default_value_t = 1)]
        id: u8,
    },
    /// Run only the platform simulator (the six platforms' OAuth and account APIs) on
    /// 127.0.0.1:PLATFORM_SIMULATOR_PORT, for pointing other processes' base URLs at it.
    Simulate,
    /// Re-seal every stored platform token under the newest key of AES_ENCRYPTION_KEYS.
    /// Runs alongside live servers; run again until it reports nothing busy.
    RotateKeys,
    /// Mint a development bearer token (HS256, signed with AUTH_JWT_SECRET or the dev secret).
    Token {
        /// The user id the token is for.
        #[arg(long)]
        user: String,
    },
}
