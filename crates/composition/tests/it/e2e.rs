//! End to end: the composed application served over real HTTP, talking to the in-process
//! platform simulator over real HTTP, on a fresh SQLite database per test.

mod connect_flow;
mod harness;
mod insights;
mod instagram_facebook_login;
mod json_logs;
mod logs;
mod metrics;
mod postgres;
mod publish_api;
mod publish_facebook_video;
mod publish_faults;
mod publish_flows;
mod publish_instagram;
mod publish_linkedin;
mod publish_pinterest;
mod publish_tiktok;
mod publish_world;
mod publish_x_facebook_more;
mod simulator_mode;
mod token_lifecycle;
mod walkthrough;
mod webhooks;
