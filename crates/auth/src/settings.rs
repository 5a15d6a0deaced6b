use std::time::Duration;

use serde::{Deserialize, Deserializer};
use socialpub_domain::SecretString;
use url::Url;

use crate::{AuthConfigError, JwtAlgorithm};

/// HS256 secrets shorter than the hash output make brute force cheap (RFC 7518 section 3.2).
pub(crate) const MIN_SECRET_BYTES: usize = 32;

/// How bearer tokens are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Verify signed JWTs locally (shared secret and/or JWKS).
    #[default]
    Jwt,
    /// Ask the auth service about every token (RFC 7662), with a short cache.
    Introspection,
}

/// Everything the auth adapters need, as loaded by the composition root.
///
/// Deserializable so figment can fill it; Debug is safe to log because every secret is a
/// [`SecretString`]. Empty strings count as unset, since an env file often holds `KEY=`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    pub mode: AuthMode,
    /// Shared HS256 secret (at least 32 bytes); also what [`crate::DevTokenMinter`] signs with.
    #[serde(deserialize_with = "optional_secret")]
    pub jwt_secret: Option<SecretString>,
    /// Where the auth service publishes its public keys (RS*/PS*/ES* tokens).
    #[serde(deserialize_with = "optional_parsed")]
    pub jwks_url: Option<Url>,
    /// Required `iss` when set (JWT mode; also checked on introspection answers that carry one).
    #[serde(deserialize_with = "optional_parsed")]
    pub issuer: Option<String>,
    /// Required `aud` when set. When unset, `aud` is not checked at all.
    #[serde(deserialize_with = "optional_parsed")]
    pub audience: Option<String>,
    /// The only algorithms a JWT may be signed with. Empty: HS256 when `jwt_secret` is set,
    /// plus RS256 and ES256 when `jwks_url` is set.
    pub algorithms: Vec<JwtAlgorithm>,
    /// Clock skew tolerated on `exp` and `nbf`.
    pub leeway_seconds: u64,
    /// Least time between two JWKS fetches caused by unknown key ids, so a flood of forged
    /// `kid`s cannot turn us into a load generator against the auth service.
    pub jwks_refetch_interval_seconds: u64,
    /// Age after which the JWKS is fetched again even without an unknown key id, so that a
    /// key the auth service withdrew stops being accepted.
    pub jwks_max_age_seconds: u64,
    /// RFC 7662 endpoint (the `AUTH_SERVICE_URL`).
    #[serde(alias = "auth_service_url", deserialize_with = "optional_parsed")]
    pub introspection_url: Option<Url>,
    /// HTTP Basic client credentials for the introspection endpoint.
    #[serde(deserialize_with = "optional_parsed")]
    pub client_id: Option<String>,
    #[serde(deserialize_with = "optional_secret")]
    pub client_secret: Option<SecretString>,
    /// Upper bound on how long a positive introspection answer is reused; 0 disables the cache.
    pub introspection_cache_seconds: u64,
    pub introspection_cache_capacity: u64,
    /// Whole-request timeout for calls to the auth service.
    pub http_timeout_seconds: u64,
    /// Lifetime of tokens minted by [`crate::DevTokenMinter`].
    pub dev_token_lifetime_seconds: u64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            mode: AuthMode::Jwt,
            jwt_secret: None,
            jwks_url: None,
            issuer: None,
            audience: None,
            algorithms: Vec::new(),
            leeway_seconds: 30,
            jwks_refetch_interval_seconds: 30,
            jwks_max_age_seconds: 3600,
            introspection_url: None,
            client_id: None,
            client_secret: None,
            introspection_cache_seconds: 60,
            introspection_cache_capacity: 10_000,
            http_timeout_seconds: 5,
            dev_token_lifetime_seconds: 3600,
        }
    }
}

impl AuthSettings {
    /// The algorithms JWTs may use: the configured list, or the one derived from the keys
    /// present. Each must have its key configured, so a typo fails at start-up rather than
    /// refusing every token at run time.
    ///
    /// # Errors
    /// [`AuthConfigError`] when the list is empty and cannot be derived, or names an
    /// algorithm whose key is not configured, or the secret is too short.
    pub fn effective_algorithms(&self) -> Result<Vec<JwtAlgorithm>, AuthConfigError> {
        if let Some(secret) = &self.jwt_secret {
            check_secret(secret)?;
        }
        let mut algorithms = self.algorithms.clone();
        if algorithms.is_empty() {
            if self.jwt_secret.is_some() {
                algorithms.push(JwtAlgorithm::HS256);
            }
            if self.jwks_url.is_some() {
                algorithms.extend([JwtAlgorithm::RS256, JwtAlgorithm::ES256]);
            }
        }
        if algorithms.is_empty() {
            return Err(AuthConfigError::NoAlgorithms);
        }
        for &algorithm in &algorithms {
            if algorithm.uses_shared_secret() && self.jwt_secret.is_none() {
                return Err(AuthConfigError::KeyMissingFor {
                    algorithm,
                    setting: "jwt_secret",
                });
            }
            if !algorithm.uses_shared_secret() && self.jwks_url.is_none() {
                return Err(AuthConfigError::KeyMissingFor {
                    algorithm,
                    setting: "jwks_url",
                });
            }
        }
        let mut unique = Vec::with_capacity(algorithms.len());
        for algorithm in algorithms {
            if !unique.contains(&algorithm) {
                unique.push(algorithm);
            }
        }
        Ok(unique)
    }

    pub fn leeway(&self) -> Duration {
        Duration::from_secs(self.leeway_seconds)
    }

    pub fn http_timeout(&self) -> Duration {
        Duration::from_secs(self.http_timeout_seconds)
    }
}

/// Refuses empty and short shared secrets.
pub(crate) fn check_secret(secret: &SecretString) -> Result<(), AuthConfigError> {
    if secret.expose().len() < MIN_SECRET_BYTES {
        return Err(AuthConfigError::WeakSecret {
            min: MIN_SECRET_BYTES,
        });
    }
    Ok(())
}

fn optional_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
    let raw = Option::<String>::deserialize(d)?;
    Ok(raw.filter(|s| !s.is_empty()).map(SecretString::from))
}

fn optional_parsed<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(raw) if raw.trim().is_empty() => Ok(None),
        Some(raw) => raw
            .trim()
            .parse()
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn empty_values_count_as_unset_and_defaults_fill_the_rest() {
        let settings: AuthSettings = serde_json::from_str(
            r#"{"mode":"introspection","jwt_secret":"","auth_service_url":"http://auth.local/introspect","client_id":""}"#,
        )
        .unwrap();
        assert_eq!(settings.mode, AuthMode::Introspection);
        assert!(settings.jwt_secret.is_none());
        assert!(settings.client_id.is_none());
        assert_eq!(settings.introspection_url.unwrap().path(), "/introspect");
        assert_eq!(settings.leeway_seconds, 30);
    }

    #[test]
    fn debug_never_shows_secrets() {
        let settings = AuthSettings {
            jwt_secret: Some(SecretString::new(format!("{SECRET}canary"))),
            client_secret: Some(SecretString::new("client-canary")),
            ..AuthSettings::default()
        };
        assert!(!format!("{settings:?}").contains("canary"));
    }

    #[test]
    fn algorithms_are_derived_from_the_keys_present() {
        let settings = AuthSettings {
            jwt_secret: Some(SECRET.into()),
            jwks_url: Some("https://auth.local/jwks.json".parse().unwrap()),
            ..AuthSettings::default()
        };
        assert_eq!(
            settings.effective_algorithms().unwrap(),
            [
                JwtAlgorithm::HS256,
                JwtAlgorithm::RS256,
                JwtAlgorithm::ES256
            ]
        );
    }

    #[test]
    fn an_algorithm_without_its_key_is_a_configuration_error() {
        let settings = AuthSettings {
            jwt_secret: Some(SECRET.into()),
            algorithms: vec![JwtAlgorithm::RS256],
            ..AuthSettings::default()
        };
        assert!(matches!(
            settings.effective_algorithms(),
            Err(AuthConfigError::KeyMissingFor {
                setting: "jwks_url",
                ..
            })
        ));
        assert!(matches!(
            AuthSettings::default().effective_algorithms(),
            Err(AuthConfigError::NoAlgorithms)
        ));
    }

    #[test]
    fn short_secrets_are_refused() {
        let settings = AuthSettings {
            jwt_secret: Some("short".into()),
            ..AuthSettings::default()
        };
        assert!(matches!(
            settings.effective_algorithms(),
            Err(AuthConfigError::WeakSecret { .. })
        ));
    }
}
