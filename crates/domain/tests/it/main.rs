//! The domain crate's one integration test binary (one binary per crate keeps linking cheap).

mod insights;
mod policy;
