//! The cache crate's one integration test binary: the tiered cache against a real Redis (the
//! machine's, or one the test starts and stops itself), a closed port and a silent one.

mod support;
mod tiered;
