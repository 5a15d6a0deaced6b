//! HTTP behaviour of the API, driven through actix's test service with in-memory fakes.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

mod boards;
mod connect;
mod envelope;
mod harness;
mod health;
mod insights;
mod jobs;
mod openapi;
mod publish;
mod request_id;
mod validation;
mod webhooks;
