use socialpub_domain::{ConnectionId, Platform};
use socialpub_ports::RepositoryError;

/// Why an insights request was refused. Platform failures are not here: they degrade to the
/// other sources and are reported in the answer.
#[derive(Debug, thiserror::Error)]
pub enum InsightsError {
    /// No such connection for this user (it may belong to someone else: we do not say).
    #[error("connection {0} not found")]
    ConnectionNotFound(ConnectionId),
    /// The connection is another platform's account.
    #[error("connection {connection} is a {} account, not {}", .actual.display_name(), .expected.display_name())]
    PlatformMismatch {
        connection: ConnectionId,
        expected: Platform,
        actual: Platform,
    },
    #[error("`{0}` is not an IANA time zone name (such as Europe/Paris)")]
    UnknownTimeZone(String),
    /// A request field out of range; `field` names it.
    #[error("{message}")]
    InvalidInput {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Repository(#[from] RepositoryError),
}
