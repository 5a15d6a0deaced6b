//! Why the configured keys do not make a usable ring. Shown as the one start-up line that
//! stops the server, so each message names the setting and entry at fault.

use crate::key_error::KeyError;

/// The setting that holds a list of keys, separated by commas or whitespace.
pub(crate) const KEYS_SETTING: &str = "AES_ENCRYPTION_KEYS";
/// The setting that holds a single key.
pub(crate) const KEY_SETTING: &str = "AES_ENCRYPTION_KEY";

/// Why a [`crate::KeyRing`] could not be built. Never carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRingError {
    #[error(
        "no encryption key is configured: set AES_ENCRYPTION_KEY or AES_ENCRYPTION_KEYS \
         (`socialpub keygen` prints a new key)"
    )]
    Empty,
    /// `position` counts from 1 among the entries of `setting`.
    #[error("{setting}, key {position}: {source}")]
    InvalidKey {
        setting: &'static str,
        position: usize,
        source: KeyError,
    },
    #[error("two encryption keys have id {0}; give every key its own id")]
    DuplicateId(u8),
}
