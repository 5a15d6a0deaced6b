//! AES-256-GCM on one key with an explicit nonce: the only place that calls ring's AEAD.
//!
//! The nonce is a parameter so the known-answer tests can pin it; production code reaches
//! [`seal_with_nonce`] only through the cipher, which draws a fresh random nonce every time.

use ring::aead::{Aad, NONCE_LEN, Nonce};
use socialpub_domain::EncryptedToken;
use socialpub_ports::CipherError;
use zeroize::Zeroizing;

use crate::envelope::{BODY_START, Envelope, TAG_LEN};
use crate::key::TokenKey;

/// Seals `plaintext` under `key` and `nonce` into a complete envelope of `version`, whose
/// associated data the caller built for that version.
///
/// The caller must never pass the same nonce twice for one key: GCM then leaks the XOR of
/// the plaintexts and lets tags be forged.
pub(crate) fn seal_with_nonce(
    key: &TokenKey,
    version: u8,
    nonce: [u8; NONCE_LEN],
    plaintext: &[u8],
    associated_data: &[u8],
) -> Result<EncryptedToken, CipherError> {
    // Zeroizing: if sealing fails, the buffer still holds the plaintext.
    let mut envelope = Zeroizing::new(Vec::with_capacity(BODY_START + plaintext.len() + TAG_LEN));
    envelope.extend_from_slice(&[version, key.id()]);
    envelope.extend_from_slice(&nonce);
    envelope.extend_from_slice(plaintext);
    let tag = key
        .aead()
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(associated_data),
            &mut envelope[BODY_START..],
        )
        .map_err(|_| CipherError::SealFailed)?;
    envelope.extend_from_slice(tag.as_ref());
    Ok(EncryptedToken::from_bytes(std::mem::take(&mut *envelope)))
}

/// Authenticates and decrypts `envelope` under `key`, which the caller chose by its id.
pub(crate) fn open(
    key: &TokenKey,
    envelope: &Envelope<'_>,
    associated_data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CipherError> {
    let mut buffer = Zeroizing::new(envelope.sealed.to_vec());
    let plaintext_len = key
        .aead()
        .open_in_place(
            Nonce::assume_unique_for_key(envelope.nonce),
            Aad::from(associated_data),
            buffer.as_mut_slice(),
        )
        .map_err(|_| CipherError::Undecryptable)?
        .len();
    buffer.truncate(plaintext_len);
    Ok(buffer)
}

#[cfg(test)]
mod known_answer_tests;
