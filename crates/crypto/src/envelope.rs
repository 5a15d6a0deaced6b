//! The byte layout of a sealed token:
//! `version (1) | key id (1) | nonce (12) | ciphertext (n) | tag (16)`.
//!
//! The version byte says what the ciphertext is bound to (see [`crate::binding`]); the key id
//! picks the key that opens it; the nonce must travel with the ciphertext because it is random
//! per seal. Both versions share the layout.

use ring::aead::{MAX_TAG_LEN, NONCE_LEN};
use socialpub_ports::CipherError;

/// Bound to the connection only: a row's access and refresh tokens could be swapped. Still
/// opened, so tokens sealed before version 2 keep working until `rotate-keys` re-seals them.
pub(crate) const VERSION_CONNECTION_ONLY: u8 = 0x01;
/// Bound to the connection and the token's column. What every seal writes.
pub(crate) const VERSION: u8 = 0x02;
/// Version byte and key id byte.
pub(crate) const HEADER_LEN: usize = 2;
/// Where the ciphertext starts.
pub(crate) const BODY_START: usize = HEADER_LEN + NONCE_LEN;
/// AES-GCM's tag length.
pub(crate) const TAG_LEN: usize = MAX_TAG_LEN;
/// An envelope around an empty plaintext; anything shorter was truncated.
pub(crate) const MIN_LEN: usize = BODY_START + TAG_LEN;

/// A sealed token split into its parts, not yet authenticated.
#[derive(Debug)]
pub(crate) struct Envelope<'a> {
    pub(crate) version: u8,
    pub(crate) key_id: u8,
    pub(crate) nonce: [u8; NONCE_LEN],
    /// Ciphertext followed by the tag.
    pub(crate) sealed: &'a [u8],
}

impl<'a> Envelope<'a> {
    /// Splits `bytes`; an unknown version or a short buffer cannot be opened.
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, CipherError> {
        if bytes.len() < MIN_LEN {
            return Err(CipherError::Undecryptable);
        }
        let (header, rest) = bytes.split_at(HEADER_LEN);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let [version, key_id] = header else {
            return Err(CipherError::Undecryptable);
        };
        if *version != VERSION && *version != VERSION_CONNECTION_ONLY {
            return Err(CipherError::Undecryptable);
        }
        let nonce = nonce.try_into().map_err(|_| CipherError::Undecryptable)?;
        Ok(Self {
            version: *version,
            key_id: *key_id,
            nonce,
            sealed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(body_len: usize) -> Vec<u8> {
        let mut bytes = vec![VERSION, 7];
        bytes.extend(1..=NONCE_LEN as u8);
        bytes.extend(std::iter::repeat_n(0xee, body_len));
        bytes
    }

    #[test]
    fn splits_the_parts() {
        let bytes = envelope(TAG_LEN + 5);
        let parsed = Envelope::parse(&bytes).unwrap();
        assert_eq!(parsed.version, VERSION);
        assert_eq!(parsed.key_id, 7);
        assert_eq!(parsed.nonce, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(parsed.sealed.len(), TAG_LEN + 5);
    }

    #[test]
    fn the_shortest_envelope_holds_just_a_tag() {
        assert_eq!(MIN_LEN, 30);
        assert!(Envelope::parse(&envelope(TAG_LEN)).is_ok());
        assert_eq!(
            Envelope::parse(&envelope(TAG_LEN - 1)).unwrap_err(),
            CipherError::Undecryptable
        );
        assert_eq!(
            Envelope::parse(&[]).unwrap_err(),
            CipherError::Undecryptable
        );
    }

    #[test]
    fn the_connection_only_version_still_parses() {
        let mut bytes = envelope(TAG_LEN);
        bytes[0] = VERSION_CONNECTION_ONLY;
        assert_eq!(
            Envelope::parse(&bytes).unwrap().version,
            VERSION_CONNECTION_ONLY
        );
    }

    #[test]
    fn other_versions_are_refused() {
        for version in [0x00, 0x03, 0xff] {
            let mut bytes = envelope(TAG_LEN);
            bytes[0] = version;
            assert_eq!(
                Envelope::parse(&bytes).unwrap_err(),
                CipherError::Undecryptable
            );
        }
    }
}
