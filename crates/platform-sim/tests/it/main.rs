//! The simulator's one integration test binary: every platform driven over real HTTP.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

mod admin;
mod common;
mod facebook;
mod facebook_publish;
mod faults;
mod instagram;
mod instagram_publish;
mod knobs;
mod linkedin;
mod linkedin_publish;
mod media;
mod pinterest;
mod pinterest_publish;
mod robustness;
mod tiktok;
mod tiktok_publish;
mod x;
mod x_publish;
