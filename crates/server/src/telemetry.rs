use std::io::IsTerminal as _;

use socialpub_composition::logging::format_layer;
use socialpub_composition::settings::LogFormat;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Logs to stderr, filtered by RUST_LOG (default `info`), as text or JSON lines (see
/// `socialpub_composition::logging` for the JSON shape).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let ansi = std::io::stderr().is_terminal();
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(format_layer(format, std::io::stderr, ansi))
        .try_init();
}
