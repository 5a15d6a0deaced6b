//! Every log line of the process, in both formats (`LOG_FORMAT=pretty` and `json`, through the
//! binary's own layers), kept so tests can prove no secret was ever logged in either and that
//! the JSON lines carry the request and job ids.

use std::io::Write;
use std::sync::{Mutex, OnceLock, PoisonError};

use socialpub_composition::logging::format_layer;
use socialpub_composition::settings::LogFormat;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

static PRETTY: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static JSON: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture(&'static Mutex<Vec<u8>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber once per process, at trace level for our crates.
pub fn capture() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let filter = tracing_subscriber::EnvFilter::new("info,socialpub=trace");
        let _ = tracing_subscriber::registry()
            .with(filter)
            .with(format_layer(LogFormat::Pretty, || Capture(&PRETTY), false))
            .with(format_layer(LogFormat::Json, || Capture(&JSON), false))
            .try_init();
    });
}

fn read(buffer: &Mutex<Vec<u8>>) -> String {
    String::from_utf8_lossy(&buffer.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
}

/// Everything logged so far, in the pretty format.
pub fn text() -> String {
    read(&PRETTY)
}

/// Everything logged so far, one JSON object per line.
pub fn json_lines() -> Vec<serde_json::Value> {
    read(&JSON)
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not one JSON object ({e}): {line}"))
        })
        .collect()
}

/// Fails naming the first secret found in the logs, in either format.
pub fn assert_absent(secrets: &[(&str, &str)]) {
    for (format, logs) in [("pretty", text()), ("json", read(&JSON))] {
        assert!(!logs.is_empty(), "{format} logs were captured");
        for (what, secret) in secrets {
            assert!(
                secret.len() >= 8,
                "{what} is too short to be a meaningful canary"
            );
            assert!(
                !logs.contains(secret),
                "the {format} logs contain the {what}"
            );
        }
    }
}
