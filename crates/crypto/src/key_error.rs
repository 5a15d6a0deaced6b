//! Why a key could not be made. The messages reach start-up errors and the terminal, so they
//! say what is wrong with the key without ever quoting it.

/// Why a [`crate::TokenKey`] could not be parsed or generated. Never carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the key is empty")]
    Empty,
    #[error("the key id (before ':') must be a whole number from 0 to 255")]
    InvalidId,
    #[error("the key (after the optional 'id:') is neither base64 nor 64 hex digits")]
    NotEncoded,
    #[error("the key must be 32 bytes (256 bits), but this one decodes to {bytes} bytes")]
    WrongLength { bytes: usize },
    #[error("the system random number generator failed")]
    RandomUnavailable,
    /// ring refused the key material. Unreachable with 32 bytes; kept so no path panics.
    #[error("the AES-256-GCM implementation refused the key")]
    Rejected,
}
