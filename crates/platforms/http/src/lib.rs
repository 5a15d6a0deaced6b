//! Shared HTTP plumbing for the platform adapters.
//!
//! Every `socialpub-<platform>` crate builds on the same pieces:
//!
//! - [`PlatformDefaults`] / [`PlatformConfig`]: one configuration shape for every client; each
//!   platform crate declares its production hosts, version and scopes once.
//! - [`build_http_client`]: a `reqwest::Client` on rustls + ring that never follows redirects
//!   (a token endpoint that redirects must not make us send credentials elsewhere) and has
//!   connect and request timeouts.
//! - [`Pkce`], [`pkce_challenge`], [`random_state`]: RFC 7636 S256 PKCE and CSRF `state`.
//! - [`authorization_url`]: the URL the user's browser goes to.
//! - [`request_token`]: a token endpoint call with tolerant parsing of the many ways platforms
//!   bend RFC 6749 section 5.1 (see [`parse_token_response`]).
//! - [`kind_for_status`], [`retry_after`], [`read_rate_limit`], [`oauth_error`],
//!   [`generic_classify`], [`transport_error`]: turning HTTP failures into the
//!   [`PlatformError`](socialpub_ports::PlatformError) taxonomy.
//! - [`send_json`] / [`send_empty`]: send, classify failures, decode the body;
//!   [`send_json_redacting`] / [`send_empty_redacting`] also scrub given secrets from the
//!   error ([`redact`]), [`send_checked`] hands back the raw successful answer.
//! - [`path_url`] / [`bad_base_url`]: request URLs from a configured base and path segments.
//! - [`multipart_form`]: a `multipart/form-data` body for one chunk of an upload.
//! - [`report_deprecation`], [`deprecation_signs`]: a platform's sign that an API in
//!   use is going away, logged once and counted (generic `Sunset`/`Deprecation` headers are
//!   watched on every answer by [`send_checked`]).
//! - [`meta_graph`]: the Graph error envelope, code table, usage headers and classifier
//!   shared by the Facebook and Instagram clients.
//!
//! No helper here puts a token, secret or URL with a query string into an error.

mod authorize;
mod classify;
mod client;
mod config;
mod deprecation;
pub mod meta_graph;
mod multipart;
mod path_url;
mod pkce;
mod rate_limit;
mod redact;
mod retry;
mod send;
mod token;

pub use authorize::{authorization_url, endpoint};
pub use classify::{
    Classify, generic_classify, kind_for_oauth_error, kind_for_status, malformed_body,
    message_from_body, not_yet_settled, oauth_error, platform_error, transport_error,
    unreadable_asset,
};
pub use client::{HttpClientError, HttpClientSettings, build_http_client};
pub use config::{PlatformConfig, PlatformDefaults};
pub use deprecation::{
    deprecation_in_generic_headers, deprecation_signals, deprecation_signs, report_deprecation,
};
pub use multipart::multipart_form;
pub use path_url::{bad_base_url, path_url};
pub use pkce::{Pkce, pkce_challenge, random_state, s256_challenge_to_hex};
pub use rate_limit::{
    RateLimit, read_rate_limit, read_rate_limit_at, retry_after, retry_after_header,
};
pub use redact::redact;
pub use retry::retry_read;
pub use send::{
    Received, send_checked, send_empty, send_empty_redacting, send_json, send_json_redacting,
};
pub use token::{ClientAuth, parse_token_response, request_token};
