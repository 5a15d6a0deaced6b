//! One integration test binary for socialpub-facebook (one link step on two cores), against a
//! wiremock Graph API speaking the documented request and response shapes.
#![allow(clippy::unwrap_used, reason = "tests fail loudly on broken fixtures")]

mod accounts;
mod errors;
mod insights;
mod instagram;
mod oauth;
mod publish;
mod publisher_driver;
mod support;
mod videos;
