use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use reqwest::Client;
use socialpub_ports::{AuthError, AuthenticatedUser, Authenticator};

use super::claims::Claims;
use super::errors::to_auth_error;
use super::jwks::JwksCache;
use crate::http::loggable_url;
use crate::{AuthConfigError, AuthSettings, JwtAlgorithm, bearer};

/// Verifies JWTs signed by the CreativeFlow auth service, without a network call per request.
///
/// HS* tokens are checked with the configured shared secret, RS*/PS*/ES* tokens with a key
/// from the JWKS, chosen by the token's `kid`. The header's `alg` only selects among the
/// configured algorithms, and each family has its own key source, so a token cannot talk us
/// into `none` or into using an RSA public key as an HMAC secret.
pub struct JwtAuthenticator {
    /// One validation per allowed algorithm, pinned to it; also the allow-list.
    validations: Vec<(JwtAlgorithm, Validation)>,
    shared_secret: Option<Arc<DecodingKey>>,
    jwks: Option<JwksCache>,
}

impl JwtAuthenticator {
    /// # Errors
    /// [`AuthConfigError`] when an allowed algorithm has no key configured, or the secret is
    /// too short.
    pub fn from_settings(settings: &AuthSettings, http: Client) -> Result<Self, AuthConfigError> {
        let algorithms = settings.effective_algorithms()?;
        let template = validation_template(settings);
        let validations = algorithms
            .iter()
            .map(|&alg| {
                let mut validation = template.clone();
                validation.algorithms = vec![alg.to_jsonwebtoken()];
                (alg, validation)
            })
            .collect();
        let uses_secret = algorithms.iter().any(|alg| alg.uses_shared_secret());
        let uses_jwks = algorithms.iter().any(|alg| !alg.uses_shared_secret());
        let shared_secret = match (&settings.jwt_secret, uses_secret) {
            (Some(secret), true) => Some(Arc::new(DecodingKey::from_secret(
                secret.expose().as_bytes(),
            ))),
            _ => None,
        };
        let jwks = match (&settings.jwks_url, uses_jwks) {
            (Some(url), true) => Some(JwksCache::new(
                url.clone(),
                http,
                Duration::from_secs(settings.jwks_refetch_interval_seconds),
                Duration::from_secs(settings.jwks_max_age_seconds),
            )),
            _ => None,
        };
        Ok(Self {
            validations,
            shared_secret,
            jwks,
        })
    }

    async fn key_for(
        &self,
        alg: JwtAlgorithm,
        kid: Option<&str>,
    ) -> Result<Arc<DecodingKey>, AuthError> {
        if alg.uses_shared_secret() {
            return self
                .shared_secret
                .clone()
                .ok_or_else(|| AuthError::Invalid("algorithm not allowed".into()));
        }
        match &self.jwks {
            Some(jwks) => jwks.key_for(kid, alg).await,
            None => Err(AuthError::Invalid("algorithm not allowed".into())),
        }
    }
}

/// What every token must satisfy, whatever its algorithm: `exp` and `sub` present, `exp` and
/// `nbf` checked with the configured leeway, `iss` and `aud` required and checked when set.
fn validation_template(settings: &AuthSettings) -> Validation {
    let mut validation = Validation::default();
    validation.leeway = settings.leeway_seconds;
    validation.validate_exp = true;
    validation.validate_nbf = true;
    let mut required = vec!["exp", "sub"];
    if let Some(issuer) = &settings.issuer {
        validation.set_issuer(&[issuer]);
        required.push("iss");
    }
    match &settings.audience {
        Some(audience) => {
            validation.set_audience(&[audience]);
            required.push("aud");
        }
        // Nothing to compare with: without this, every token carrying an `aud` would fail.
        None => validation.validate_aud = false,
    }
    validation.set_required_spec_claims(&required);
    validation
}

#[async_trait]
impl Authenticator for JwtAuthenticator {
    async fn authenticate(&self, bearer_token: &str) -> Result<AuthenticatedUser, AuthError> {
        bearer::precheck(bearer_token)?;
        // `none` and unknown algorithms fail here: the header type has no variant for them.
        let header = decode_header(bearer_token)
            .map_err(|_| AuthError::Invalid("malformed token or unsupported algorithm".into()))?;
        if header.crit.is_some() {
            return Err(AuthError::Invalid(
                "critical header extensions are not supported".into(),
            ));
        }
        let (alg, validation) = JwtAlgorithm::from_jsonwebtoken(header.alg)
            .and_then(|alg| self.validations.iter().find(|(allowed, _)| *allowed == alg))
            .ok_or_else(|| AuthError::Invalid("algorithm not allowed".into()))?;
        let key = self.key_for(*alg, header.kid.as_deref()).await?;
        let data = decode::<Claims>(bearer_token, &key, validation).map_err(|err| {
            let mapped = to_auth_error(&err);
            tracing::debug!(reason = %mapped, "JWT refused");
            mapped
        })?;
        Ok(AuthenticatedUser {
            user_id: data.claims.user_id()?,
        })
    }
}

impl fmt::Debug for JwtAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let algorithms: Vec<_> = self.validations.iter().map(|(alg, _)| *alg).collect();
        f.debug_struct("JwtAuthenticator")
            .field("algorithms", &algorithms)
            .field(
                "shared_secret",
                &self.shared_secret.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "jwks_url",
                &self.jwks.as_ref().map(|jwks| loggable_url(jwks.url())),
            )
            .finish()
    }
}
