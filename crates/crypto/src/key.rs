//! One AES-256 key with its one-byte id.
//!
//! The id travels in every envelope so the key ring knows which key opens a token; the bytes
//! never leave this type except through [`TokenKey::to_config_string`], which exists for
//! `socialpub keygen`.

use std::fmt;
use std::str::FromStr;

use ring::aead::{AES_256_GCM, LessSafeKey, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use socialpub_domain::SecretString;
use zeroize::Zeroizing;

use crate::key_error::KeyError;
use crate::key_text;

/// Length of an AES-256 key in bytes.
pub const KEY_LEN: usize = 32;

/// A 256-bit AES-GCM key and its id. Debug and Display show the id only.
///
/// Parse one from configuration text with [`str::parse`] (see the crate docs for the forms),
/// or make a fresh one with [`TokenKey::generate`].
pub struct TokenKey {
    id: u8,
    /// Kept only to print the key back (`keygen`); zeroized on drop. ring keeps its own
    /// expanded copy inside `aead`.
    material: Zeroizing<[u8; KEY_LEN]>,
    aead: LessSafeKey,
}

impl TokenKey {
    /// A key from raw bytes.
    pub fn from_bytes(id: u8, material: [u8; KEY_LEN]) -> Result<Self, KeyError> {
        Self::from_zeroizing(id, Zeroizing::new(material))
    }

    /// A fresh random key from the operating system's generator.
    pub fn generate(id: u8) -> Result<Self, KeyError> {
        let mut material = Zeroizing::new([0u8; KEY_LEN]);
        SystemRandom::new()
            .fill(material.as_mut_slice())
            .map_err(|_| KeyError::RandomUnavailable)?;
        Self::from_zeroizing(id, material)
    }

    fn from_zeroizing(id: u8, material: Zeroizing<[u8; KEY_LEN]>) -> Result<Self, KeyError> {
        let unbound =
            UnboundKey::new(&AES_256_GCM, material.as_slice()).map_err(|_| KeyError::Rejected)?;
        Ok(Self {
            id,
            material,
            aead: LessSafeKey::new(unbound),
        })
    }

    /// The id written into every envelope this key seals.
    pub fn id(&self) -> u8 {
        self.id
    }

    /// `<id>:<base64>`, the form `AES_ENCRYPTION_KEYS` holds; for `socialpub keygen` to print.
    pub fn to_config_string(&self) -> SecretString {
        SecretString::new(key_text::format(self.id, &self.material).as_str())
    }

    pub(crate) fn aead(&self) -> &LessSafeKey {
        &self.aead
    }
}

impl FromStr for TokenKey {
    type Err = KeyError;

    /// Reads `<id>:<base64>`, bare `<base64>` (id 1), or either with 64 hex digits.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (id, material) = key_text::parse(text)?;
        Self::from_zeroizing(id, material)
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenKey")
            .field("id", &self.id)
            .field("material", &format_args!("[redacted]"))
            .finish()
    }
}

impl fmt::Display for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key {} ([redacted])", self.id)
    }
}

#[cfg(test)]
mod tests;
