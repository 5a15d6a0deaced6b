//! One integration test binary for socialpub-auth (one link step on two cores).

mod config;
mod dev_token;
mod hs256;
mod introspection;
mod jwks;
mod support;
