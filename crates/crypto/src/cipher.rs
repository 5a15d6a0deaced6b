//! The `TokenCipher` adapter: picks the key (newest to seal, by id to open), draws the nonce,
//! and turns plaintext bytes back into a `SecretString`.

use std::fmt;

use ring::aead::NONCE_LEN;
use ring::rand::{SecureRandom, SystemRandom};
use socialpub_domain::{EncryptedToken, SecretString};
use socialpub_ports::{CipherError, TokenCipher, TokenSlot};

use crate::aead;
use crate::binding::associated_data;
use crate::envelope::{Envelope, VERSION};
use crate::key_ring::KeyRing;

/// AES-256-GCM token encryption on ring, over a [`KeyRing`].
pub struct AesGcmTokenCipher {
    keys: KeyRing,
    random: SystemRandom,
}

impl AesGcmTokenCipher {
    pub fn new(keys: KeyRing) -> Self {
        Self {
            keys,
            random: SystemRandom::new(),
        }
    }

    /// A cipher on one fixed, publicly known key (id 1), for other crates' tests. Never use it
    /// outside tests: anyone can read what it seals.
    #[cfg(feature = "testing")]
    pub fn for_testing() -> Result<Self, crate::KeyError> {
        let key = crate::TokenKey::from_bytes(1, [0x42; crate::KEY_LEN])?;
        Ok(Self::new(KeyRing::single(key)))
    }

    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// Opens `sealed` with whichever key and version sealed it and seals the plaintext again
    /// under the newest key and version, with a fresh nonce, for the same slot. For
    /// `rotate-keys`.
    pub fn reseal(
        &self,
        sealed: &EncryptedToken,
        slot: TokenSlot,
    ) -> Result<EncryptedToken, CipherError> {
        let plaintext = self.open(sealed, slot)?;
        self.seal(&plaintext, slot)
    }

    fn fresh_nonce(&self) -> Result<[u8; NONCE_LEN], CipherError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.random
            .fill(&mut nonce)
            .map_err(|_| CipherError::SealFailed)?;
        Ok(nonce)
    }
}

impl TokenCipher for AesGcmTokenCipher {
    fn seal(
        &self,
        plaintext: &SecretString,
        slot: TokenSlot,
    ) -> Result<EncryptedToken, CipherError> {
        aead::seal_with_nonce(
            self.keys.newest(),
            VERSION,
            self.fresh_nonce()?,
            plaintext.expose().as_bytes(),
            &associated_data(VERSION, slot)?,
        )
    }

    fn open(&self, sealed: &EncryptedToken, slot: TokenSlot) -> Result<SecretString, CipherError> {
        let envelope = Envelope::parse(sealed.as_bytes())?;
        let key = self
            .keys
            .get(envelope.key_id)
            .ok_or(CipherError::UnknownKey(envelope.key_id))?;
        let aad = associated_data(envelope.version, slot)?;
        let mut plaintext = aead::open(key, &envelope, &aad)?;
        // Authentic but not UTF-8 cannot come from `seal`; treat it like any foreign bytes.
        // On failure the bytes go back into the zeroizing buffer before it is dropped.
        String::from_utf8(std::mem::take(&mut *plaintext))
            .map(SecretString::new)
            .map_err(|err| {
                *plaintext = err.into_bytes();
                CipherError::Undecryptable
            })
    }

    /// True unless the token is a current-version envelope under the newest key. That
    /// includes version-1 tokens (bound to the connection only), and tokens under an unknown
    /// key or malformed ones: `reseal` then reports why it cannot move them, which is what
    /// `rotate-keys` should tell the operator.
    fn needs_reseal(&self, sealed: &EncryptedToken) -> bool {
        Envelope::parse(sealed.as_bytes()).map_or(true, |envelope| {
            envelope.version != VERSION || envelope.key_id != self.keys.newest().id()
        })
    }
}

/// The key ring prints ids only; the generator has nothing to show.
impl fmt::Debug for AesGcmTokenCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AesGcmTokenCipher")
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
mod webhook_secrets;
