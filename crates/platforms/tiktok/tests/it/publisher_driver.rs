//! The ports' shared step driver and in-memory asset fetcher, under the names these tests use.

pub use socialpub_ports::fakes::InMemoryAssetFetcher;
pub use socialpub_ports::fakes::publisher_driver::{NOW, account, asset, drive, job};
