//! The log line formats, shared by the binary and the tests that check them.
//!
//! `LOG_FORMAT=json` writes one JSON object per line: `timestamp`, `level`, `target`, the
//! event's fields flattened (`message`, `error.cause`, ...), `span` (the innermost span with its
//! fields) and `spans` (every open span, outermost first). Every line written while a request
//! is served carries the `request` span and so its `request_id`; every line of a publish
//! attempt carries the `publish_job` span and so its `job_id`.

use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::registry::LookupSpan;

use crate::settings::LogFormat;

/// The formatting layer for `format`, writing to `writer` (`ansi`: colours, for the pretty
/// format on a terminal).
pub fn format_layer<S, W>(
    format: LogFormat,
    writer: W,
    ansi: bool,
) -> Box<dyn Layer<S> + Send + Sync>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let layer = tracing_subscriber::fmt::layer().with_writer(writer);
    match format {
        LogFormat::Json => layer
            .with_ansi(false)
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(true)
            .boxed(),
        LogFormat::Pretty => layer.compact().with_ansi(ansi).boxed(),
    }
}
