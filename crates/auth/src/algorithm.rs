use std::fmt;

use jsonwebtoken::Algorithm;
use jsonwebtoken::jwk::KeyAlgorithm;
use serde::{Deserialize, Serialize};

/// A JWT signature algorithm that configuration may allow.
///
/// Deliberately a closed list of our own rather than `jsonwebtoken::Algorithm`: `none` cannot
/// be spelled here at all, and EdDSA is left out until the auth service needs it. A token is
/// verified only with an algorithm on the configured list, whatever its header claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JwtAlgorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
}

/// Which kind of key verifies an algorithm, and so where that key may come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeySource {
    /// The shared secret from configuration, never a key from the JWKS.
    SharedSecret,
    /// An RSA public key from the JWKS.
    Rsa,
    /// An EC public key on P-256 from the JWKS.
    EcP256,
    /// An EC public key on P-384 from the JWKS.
    EcP384,
}

impl JwtAlgorithm {
    pub(crate) fn to_jsonwebtoken(self) -> Algorithm {
        match self {
            Self::HS256 => Algorithm::HS256,
            Self::HS384 => Algorithm::HS384,
            Self::HS512 => Algorithm::HS512,
            Self::RS256 => Algorithm::RS256,
            Self::RS384 => Algorithm::RS384,
            Self::RS512 => Algorithm::RS512,
            Self::PS256 => Algorithm::PS256,
            Self::PS384 => Algorithm::PS384,
            Self::PS512 => Algorithm::PS512,
            Self::ES256 => Algorithm::ES256,
            Self::ES384 => Algorithm::ES384,
        }
    }

    /// The allowed algorithm a token header names, or `None` for anything else.
    pub(crate) fn from_jsonwebtoken(alg: Algorithm) -> Option<Self> {
        Some(match alg {
            Algorithm::HS256 => Self::HS256,
            Algorithm::HS384 => Self::HS384,
            Algorithm::HS512 => Self::HS512,
            Algorithm::RS256 => Self::RS256,
            Algorithm::RS384 => Self::RS384,
            Algorithm::RS512 => Self::RS512,
            Algorithm::PS256 => Self::PS256,
            Algorithm::PS384 => Self::PS384,
            Algorithm::PS512 => Self::PS512,
            Algorithm::ES256 => Self::ES256,
            Algorithm::ES384 => Self::ES384,
            Algorithm::EdDSA => return None,
        })
    }

    /// The signature algorithm a JWK's `alg` names; `None` for encryption algorithms and
    /// anything unknown, whose keys must not verify tokens.
    pub(crate) fn from_key_algorithm(alg: KeyAlgorithm) -> Option<Self> {
        Some(match alg {
            KeyAlgorithm::HS256 => Self::HS256,
            KeyAlgorithm::HS384 => Self::HS384,
            KeyAlgorithm::HS512 => Self::HS512,
            KeyAlgorithm::RS256 => Self::RS256,
            KeyAlgorithm::RS384 => Self::RS384,
            KeyAlgorithm::RS512 => Self::RS512,
            KeyAlgorithm::PS256 => Self::PS256,
            KeyAlgorithm::PS384 => Self::PS384,
            KeyAlgorithm::PS512 => Self::PS512,
            KeyAlgorithm::ES256 => Self::ES256,
            KeyAlgorithm::ES384 => Self::ES384,
            KeyAlgorithm::EdDSA
            | KeyAlgorithm::RSA1_5
            | KeyAlgorithm::RSA_OAEP
            | KeyAlgorithm::RSA_OAEP_256
            | KeyAlgorithm::UNKNOWN_ALGORITHM => return None,
        })
    }

    pub(crate) fn key_source(self) -> KeySource {
        match self {
            Self::HS256 | Self::HS384 | Self::HS512 => KeySource::SharedSecret,
            Self::RS256 | Self::RS384 | Self::RS512 | Self::PS256 | Self::PS384 | Self::PS512 => {
                KeySource::Rsa
            }
            Self::ES256 => KeySource::EcP256,
            Self::ES384 => KeySource::EcP384,
        }
    }

    pub(crate) fn uses_shared_secret(self) -> bool {
        self.key_source() == KeySource::SharedSecret
    }
}

impl fmt::Display for JwtAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_is_not_an_algorithm() {
        assert!(serde_json::from_str::<JwtAlgorithm>("\"none\"").is_err());
        assert_eq!(
            serde_json::from_str::<JwtAlgorithm>("\"RS256\"").unwrap(),
            JwtAlgorithm::RS256
        );
    }

    #[test]
    fn every_algorithm_round_trips_through_jsonwebtoken() {
        for alg in [
            JwtAlgorithm::HS256,
            JwtAlgorithm::HS512,
            JwtAlgorithm::PS384,
            JwtAlgorithm::ES256,
            JwtAlgorithm::ES384,
        ] {
            assert_eq!(
                JwtAlgorithm::from_jsonwebtoken(alg.to_jsonwebtoken()),
                Some(alg)
            );
        }
    }
}
