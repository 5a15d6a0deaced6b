//! Shared HTTP plumbing for the platform adapters.
