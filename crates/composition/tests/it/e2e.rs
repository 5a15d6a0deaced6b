//! End to end: the composed application served over real HTTP, talking to the in-process
//! platform simulator over real HTTP, on a fresh SQLite database per test.

mod connect_flow;
mod harness;
mod logs;
mod postgres;
mod publish_api;
mod publish_faults;
mod publish_flows;
mod publish_instagram;
mod publish_pinterest;
mod publish_world;
mod simulator_mode;
mod token_lifecycle;
