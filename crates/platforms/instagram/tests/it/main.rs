//! One integration test binary for socialpub-instagram (one link step on two cores), against
//! wiremock Instagram hosts speaking the documented request and response shapes.
#![allow(clippy::unwrap_used, reason = "tests fail loudly on broken fixtures")]

mod accounts;
mod errors;
mod insights;
mod oauth;
mod publish;
mod support;
