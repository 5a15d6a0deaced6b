#![doc = include_str!("../README.md")]

mod aead;
mod binding;
mod cipher;
mod envelope;
mod key;
mod key_error;
mod key_ring;
mod key_ring_error;
mod key_text;
mod secret_generator;
mod webhook_signer;

pub use cipher::AesGcmTokenCipher;
pub use key::{KEY_LEN, TokenKey};
pub use key_error::KeyError;
pub use key_ring::KeyRing;
pub use key_ring_error::KeyRingError;
pub use secret_generator::RingSecretGenerator;
pub use webhook_signer::StandardWebhookSigner;
