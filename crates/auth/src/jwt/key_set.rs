use std::sync::Arc;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use serde::Deserialize;

use crate::JwtAlgorithm;
use crate::algorithm::KeySource;

/// One public key from the JWKS that may verify token signatures.
pub(crate) struct VerificationKey {
    pub(crate) kid: Option<String>,
    /// The JWK's own `alg`, when it pins one.
    pub(crate) alg: Option<JwtAlgorithm>,
    pub(crate) source: KeySource,
    pub(crate) key: Arc<DecodingKey>,
}

impl VerificationKey {
    /// Whether this key may verify a token signed with `alg`: same key type (and curve), and
    /// the JWK's own `alg`, if any, agrees. This is what stops an RSA key verifying a PS token
    /// when the auth service published it for RS256 only.
    fn fits(&self, alg: JwtAlgorithm) -> bool {
        self.source == alg.key_source() && self.alg.is_none_or(|own| own == alg)
    }
}

/// The usable keys of one JWKS document.
#[derive(Default)]
pub(crate) struct KeySet {
    keys: Vec<VerificationKey>,
}

#[derive(Deserialize)]
struct RawJwkSet {
    keys: Vec<serde_json::Value>,
}

impl KeySet {
    /// Reads a JWKS document. Keys this service cannot or must not use (symmetric `oct` keys,
    /// encryption keys, unknown types or curves) are skipped one by one, so one odd key in the
    /// auth service's set does not lock every user out.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
        let raw: RawJwkSet = serde_json::from_slice(body)?;
        let keys = raw
            .keys
            .into_iter()
            .filter_map(|value| {
                let jwk = serde_json::from_value::<Jwk>(value)
                    .inspect_err(|err| tracing::debug!(error = %err, "skipping unreadable JWK"))
                    .ok()?;
                usable_key(&jwk)
            })
            .collect();
        Ok(Self { keys })
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The key for a token's `kid` and `alg`. A token without `kid` is accepted only when
    /// exactly one key fits, so the choice is never a guess.
    pub(crate) fn find(&self, kid: Option<&str>, alg: JwtAlgorithm) -> Option<Arc<DecodingKey>> {
        let mut fitting = self.keys.iter().filter(|key| key.fits(alg));
        match kid {
            Some(kid) => fitting
                .find(|key| key.kid.as_deref() == Some(kid))
                .map(|key| Arc::clone(&key.key)),
            None => {
                let first = fitting.next()?;
                fitting.next().is_none().then(|| Arc::clone(&first.key))
            }
        }
    }
}

fn usable_key(jwk: &Jwk) -> Option<VerificationKey> {
    if matches!(
        jwk.common.public_key_use,
        Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
    ) {
        return None;
    }
    let alg = match jwk.common.key_algorithm {
        Some(key_alg) => Some(JwtAlgorithm::from_key_algorithm(key_alg)?),
        None => None,
    };
    let source = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => KeySource::Rsa,
        AlgorithmParameters::EllipticCurve(params) => match params.curve {
            EllipticCurve::P256 => KeySource::EcP256,
            EllipticCurve::P384 => KeySource::EcP384,
            EllipticCurve::P521 | EllipticCurve::Ed25519 => return None,
        },
        // Shared secrets come from configuration only, never from a URL.
        AlgorithmParameters::OctetKey(_) | AlgorithmParameters::OctetKeyPair(_) => return None,
    };
    if alg.is_some_and(|alg| alg.key_source() != source) {
        return None;
    }
    let key = DecodingKey::from_jwk(jwk)
        .inspect_err(|err| tracing::debug!(error = %err, "skipping JWK with bad parameters"))
        .ok()?;
    Some(VerificationKey {
        kid: jwk.common.key_id.clone(),
        alg,
        source,
        key: Arc::new(key),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The P-256 example key of RFC 7517 appendix A.1.
    const EC_KEY: &str = r#"{"kty":"EC","crv":"P-256","kid":"ec-1",
        "x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
        "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}"#;

    #[test]
    fn symmetric_and_encryption_keys_are_skipped() {
        let body = format!(
            r#"{{"keys":[
                {{"kty":"oct","kid":"hmac","k":"c2VjcmV0"}},
                {{"kty":"EC","crv":"P-256","kid":"enc","use":"enc",
                  "x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
                  "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}},
                {{"kty":"weird"}},
                {EC_KEY}
            ]}}"#
        );
        let set = KeySet::parse(body.as_bytes()).unwrap();
        assert_eq!(set.len(), 1);
        assert!(set.find(Some("ec-1"), JwtAlgorithm::ES256).is_some());
        assert!(set.find(Some("hmac"), JwtAlgorithm::HS256).is_none());
    }

    #[test]
    fn a_key_only_verifies_its_own_family_and_curve() {
        let set = KeySet::parse(format!(r#"{{"keys":[{EC_KEY}]}}"#).as_bytes()).unwrap();
        assert!(set.find(Some("ec-1"), JwtAlgorithm::RS256).is_none());
        assert!(set.find(Some("ec-1"), JwtAlgorithm::ES384).is_none());
        assert!(set.find(None, JwtAlgorithm::ES256).is_some());
    }

    #[test]
    fn a_jwk_alg_pins_the_algorithm() {
        let pinned = EC_KEY.replace(r#""kty":"EC","#, r#""kty":"EC","alg":"ES384","#);
        let set = KeySet::parse(format!(r#"{{"keys":[{pinned}]}}"#).as_bytes()).unwrap();
        // ES384 on a P-256 key is contradictory: the key is dropped.
        assert_eq!(set.len(), 0);
    }
}
