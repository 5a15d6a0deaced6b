//! Shared fixtures: settings, signing helpers, and JWKS built from the committed public keys.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode, get_current_timestamp};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use socialpub_auth::{AuthSettings, auth_http_client};
use socialpub_ports::AuthError;

pub const SECRET: &str = "it-secret-0123456789abcdef-0123456789abcdef";
pub const ISSUER: &str = "https://auth.creativeflow.test";
pub const AUDIENCE: &str = "socialpub";
pub const USER: &str = "user-42";

pub fn now() -> u64 {
    get_current_timestamp()
}

/// HS256 settings with issuer and audience pinned.
pub fn hs_settings() -> AuthSettings {
    AuthSettings {
        jwt_secret: Some(SECRET.into()),
        issuer: Some(ISSUER.into()),
        audience: Some(AUDIENCE.into()),
        ..AuthSettings::default()
    }
}

pub fn http() -> reqwest::Client {
    auth_http_client(&AuthSettings::default()).expect("http client")
}

/// Valid claims for [`USER`], as the auth service would issue them.
pub fn claims() -> Value {
    let now = now();
    json!({"sub": USER, "iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now, "exp": now + 600})
}

/// `claims()` with some members replaced (a `null` removes one).
pub fn claims_with(changes: Value) -> Value {
    let mut claims = claims();
    let map = claims.as_object_mut().expect("object");
    for (name, value) in changes.as_object().expect("object") {
        if value.is_null() {
            map.remove(name);
        } else {
            map.insert(name.clone(), value.clone());
        }
    }
    claims
}

pub fn sign(alg: Algorithm, kid: Option<&str>, claims: &Value, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, key).expect("sign")
}

pub fn hs256(claims: &Value, secret: &str) -> String {
    sign(
        Algorithm::HS256,
        None,
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
}

/// Asserts an `Invalid` whose reason mentions `needle` and never the token.
pub fn assert_invalid(result: Result<socialpub_ports::AuthenticatedUser, AuthError>, needle: &str) {
    match result {
        Err(AuthError::Invalid(reason)) => {
            assert!(
                reason.contains(needle),
                "reason `{reason}` lacks `{needle}`"
            );
        }
        other => panic!("expected Invalid({needle}), got {other:?}"),
    }
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).expect(&path)
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A committed key pair: the private half signs, the public half becomes a JWK.
pub struct TestKey {
    pub kid: String,
    pub alg: Algorithm,
    pub signing: EncodingKey,
    pub jwk: Value,
}

impl TestKey {
    /// `rsa-1` or `rsa-2`, for RS256.
    pub fn rsa(name: &str, kid: &str) -> Self {
        use rsa::pkcs8::DecodePublicKey;
        let public = rsa::RsaPublicKey::from_public_key_pem(&fixture(&format!("{name}.pub.pem")))
            .expect("rsa public key");
        let jwk = json!({
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": b64(&public.n().to_bytes_be()),
            "e": b64(&public.e().to_bytes_be()),
        });
        let signing = EncodingKey::from_rsa_pem(fixture(&format!("{name}.key.pem")).as_bytes())
            .expect("rsa private key");
        Self {
            kid: kid.into(),
            alg: Algorithm::RS256,
            signing,
            jwk,
        }
    }

    /// The P-256 pair, for ES256.
    pub fn ec(kid: &str) -> Self {
        use p256::pkcs8::DecodePublicKey;
        let public = p256::PublicKey::from_public_key_pem(&fixture("ec-p256.pub.pem"))
            .expect("ec public key");
        let point = public.to_encoded_point(false);
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": b64(point.x().expect("x")),
            "y": b64(point.y().expect("y")),
        });
        let signing = EncodingKey::from_ec_pem(fixture("ec-p256.key.pem").as_bytes())
            .expect("ec private key");
        Self {
            kid: kid.into(),
            alg: Algorithm::ES256,
            signing,
            jwk,
        }
    }

    pub fn token(&self, claims: &Value) -> String {
        sign(self.alg, Some(&self.kid), claims, &self.signing)
    }
}

pub fn jwks(keys: &[&TestKey]) -> Value {
    json!({ "keys": keys.iter().map(|key| key.jwk.clone()).collect::<Vec<_>>() })
}
