//! The twitter-text crate's one integration test binary.

mod conformance;
