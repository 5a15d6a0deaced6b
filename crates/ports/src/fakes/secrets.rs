use std::sync::atomic::{AtomicU64, Ordering};

use socialpub_domain::SecretString;

use crate::{CipherError, SecretGenerator, StateDigest};

/// Predictable secrets (`secret-1`, `secret-2`, ...) and reversible stand-in challenges and
/// digests, so tests can tell which value went where.
#[derive(Debug, Default)]
pub struct SequentialSecrets {
    next: AtomicU64,
}

impl SecretGenerator for SequentialSecrets {
    fn random_secret(&self) -> Result<SecretString, CipherError> {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        Ok(SecretString::new(format!("secret-{n}")))
    }

    fn pkce_challenge(&self, verifier: &SecretString) -> String {
        format!("challenge-of-{}", verifier.expose())
    }

    fn state_digest(&self, state: &SecretString) -> StateDigest {
        StateDigest::new(format!("digest-of-{}", state.expose()))
    }
}
