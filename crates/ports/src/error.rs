use socialpub_domain::JobId;

/// A library error carried across the port boundary without its type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What can go wrong in any repository. Adapters translate their library errors into these
/// variants, so callers branch on meaning, never on a database driver's error.
#[derive(Debug, thiserror::Error)]
pub enum RepositoryError {
    /// A uniqueness rule or a precondition did not hold (the row changed under us).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The job's lease belongs to another worker, or to nobody any more.
    #[error("the lease on job {0} is not held by this worker")]
    LeaseNotHeld(JobId),
    /// The store cannot be reached or has no free connection; worth retrying later.
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    /// A stored row does not describe a valid domain value.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("storage failed")]
    Other(#[source] BoxError),
}
