use std::fmt;
use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode, get_current_timestamp};
use serde::Serialize;
use socialpub_domain::{SecretString, UserId};

use crate::settings::check_secret;
use crate::{AuthConfigError, AuthSettings};

/// Mints HS256 tokens the way the CreativeFlow auth service would, for `socialpub token`,
/// local runs against the simulator, and tests. Tokens carry `sub`, `iat`, `nbf`, `exp` and,
/// when configured, `iss` and `aud`, so [`crate::JwtAuthenticator`] with the same settings
/// accepts them.
pub struct DevTokenMinter {
    key: EncodingKey,
    issuer: Option<String>,
    audience: Option<String>,
    lifetime: Duration,
}

/// A token could not be signed.
#[derive(Debug, thiserror::Error)]
#[error("the token could not be signed")]
pub struct MintError(#[source] jsonwebtoken::errors::Error);

#[derive(Serialize)]
struct DevClaims<'a> {
    sub: &'a str,
    iat: u64,
    nbf: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<&'a str>,
}

impl DevTokenMinter {
    /// # Errors
    /// [`AuthConfigError::WeakSecret`] for a secret under 32 bytes, which the authenticator
    /// would refuse too.
    pub fn new(
        secret: &SecretString,
        issuer: Option<String>,
        audience: Option<String>,
        lifetime: Duration,
    ) -> Result<Self, AuthConfigError> {
        check_secret(secret)?;
        Ok(Self {
            key: EncodingKey::from_secret(secret.expose().as_bytes()),
            issuer,
            audience,
            lifetime,
        })
    }

    /// Uses `jwt_secret`, `issuer`, `audience` and `dev_token_lifetime_seconds`.
    ///
    /// # Errors
    /// [`AuthConfigError::Missing`] without `jwt_secret`; see [`DevTokenMinter::new`].
    pub fn from_settings(settings: &AuthSettings) -> Result<Self, AuthConfigError> {
        let secret = settings
            .jwt_secret
            .as_ref()
            .ok_or(AuthConfigError::Missing("jwt_secret"))?;
        Self::new(
            secret,
            settings.issuer.clone(),
            settings.audience.clone(),
            Duration::from_secs(settings.dev_token_lifetime_seconds),
        )
    }

    /// A signed token for `user_id`, valid from now for the configured lifetime. Returned as a
    /// [`SecretString`] so it cannot be logged by accident; `expose()` it to print it.
    ///
    /// # Errors
    /// [`MintError`] if signing fails (it does not with an HMAC key, but the library says it may).
    pub fn mint(&self, user_id: &UserId) -> Result<SecretString, MintError> {
        let now = get_current_timestamp();
        let claims = DevClaims {
            sub: user_id.as_str(),
            iat: now,
            nbf: now,
            exp: now.saturating_add(self.lifetime.as_secs()),
            iss: self.issuer.as_deref(),
            aud: self.audience.as_deref(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.key)
            .map(SecretString::new)
            .map_err(MintError)
    }
}

impl fmt::Debug for DevTokenMinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevTokenMinter")
            .field("key", &"[redacted]")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("lifetime", &self.lifetime)
            .finish()
    }
}
