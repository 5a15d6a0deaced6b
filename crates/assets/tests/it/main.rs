#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test"
)]
//! Integration tests for the asset fetcher and probe, against wiremock asset servers.

mod errors;
mod fetcher;
mod images;
mod ssrf;
mod support;
mod videos;
