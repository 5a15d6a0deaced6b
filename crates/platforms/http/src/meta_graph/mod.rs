//! Meta's Graph API family (Facebook Pages on `graph.facebook.com`, Instagram Login on
//! `graph.instagram.com` and `api.instagram.com`): one error envelope, one table of codes and
//! subcodes, the same usage headers. Kept here so `socialpub-facebook` and
//! `socialpub-instagram` classify alike without depending on each other.
//!
//! - [`GraphErrorEnvelope`], [`GraphError`], [`FlatGraphError`], [`AppUsage`],
//!   [`BusinessUseCaseUsage`]: the wire types.
//! - [`GraphUsage`]: the `X-App-Usage` / `X-Business-Use-Case-Usage` headers.
//! - [`kind_for_graph_code`]: code/subcode to [`PlatformErrorKind`](socialpub_ports::PlatformErrorKind).
//! - [`classify_graph`], [`classify_token`], [`classify_graph_error`]: a failed response to a
//!   [`PlatformError`](socialpub_ports::PlatformError), by endpoint kind and platform.
//! - [`send_graph_json`]: send, treat a 200 error envelope as a failure, redact, decode.

mod classify;
mod codes;
mod graph_time;
mod instagram;
mod listing;
mod send;
mod usage;
mod wire;

pub use classify::{GraphEndpoint, classify_graph, classify_graph_error, classify_token};
pub use codes::kind_for_graph_code;
pub use graph_time::parse_graph_time;
pub use listing::{
    GraphCursors, GraphInsight, GraphInsightValue, GraphInsights, GraphPaging, GraphTotalValue,
};
pub use send::{deprecation_in_headers, send_graph_json, send_graph_json_at};
pub use usage::GraphUsage;
pub use wire::{AppUsage, BusinessUseCaseUsage, FlatGraphError, GraphError, GraphErrorEnvelope};
