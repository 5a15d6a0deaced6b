//! Composition: settings layering and start-up wiring.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

mod deploy;
mod dev_secrets;
mod e2e;
mod instagram_on_simulator;
mod publishers_on_simulator;
mod settings;
