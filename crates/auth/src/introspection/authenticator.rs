use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use moka::future::Cache;
use reqwest::Client;
use socialpub_domain::SecretString;
use socialpub_ports::{AuthError, AuthenticatedUser, Authenticator};
use url::Url;

use super::answer::{Expectations, IntrospectionAnswer};
use super::cache::{CachedUser, TokenDigest, new_cache, token_digest};
use crate::http::loggable_url;
use crate::upstream::UpstreamError;
use crate::{AuthConfigError, AuthSettings, bearer};

const ENDPOINT: &str = "introspection endpoint";

/// Asks the auth service whether a token is active (RFC 7662), for opaque tokens and for
/// deployments where a revoked token must stop working at once.
///
/// Positive answers are cached briefly, keyed by the token's SHA-256, for at most the
/// configured time and never past the token's `exp`; refusals are not cached, so a token the
/// auth service starts accepting (clock skew, replication lag) works on the next request.
pub struct IntrospectionAuthenticator {
    endpoint: Url,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    http: Client,
    cache: Option<Cache<TokenDigest, CachedUser>>,
    cache_ttl: Duration,
    leeway: Duration,
    issuer: Option<String>,
    audience: Option<String>,
}

impl IntrospectionAuthenticator {
    /// # Errors
    /// [`AuthConfigError::Missing`] without `introspection_url`, or with a `client_secret`
    /// but no `client_id`; [`AuthConfigError::Invalid`] for a URL that is not http(s).
    pub fn from_settings(settings: &AuthSettings, http: Client) -> Result<Self, AuthConfigError> {
        let endpoint = settings
            .introspection_url
            .clone()
            .ok_or(AuthConfigError::Missing("introspection_url"))?;
        if !matches!(endpoint.scheme(), "http" | "https") {
            return Err(AuthConfigError::Invalid {
                setting: "introspection_url",
                reason: "must be an http or https URL".into(),
            });
        }
        if settings.client_secret.is_some() && settings.client_id.is_none() {
            return Err(AuthConfigError::Missing("client_id"));
        }
        let cache_ttl = Duration::from_secs(settings.introspection_cache_seconds);
        let cache = (!cache_ttl.is_zero() && settings.introspection_cache_capacity > 0)
            .then(|| new_cache(settings.introspection_cache_capacity));
        Ok(Self {
            endpoint,
            client_id: settings.client_id.clone(),
            client_secret: settings.client_secret.clone(),
            http,
            cache,
            cache_ttl,
            leeway: settings.leeway(),
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
        })
    }

    async fn introspect(&self, token: &str) -> Result<IntrospectionAnswer, UpstreamError> {
        let mut request = self
            .http
            .post(self.endpoint.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[("token", token), ("token_type_hint", "access_token")]);
        if let Some(client_id) = &self.client_id {
            request = request.basic_auth(
                client_id,
                self.client_secret.as_ref().map(SecretString::expose),
            );
        }
        let response = request
            .send()
            .await
            .map_err(|err| UpstreamError::transport(ENDPOINT, err))?;
        let status = response.status();
        if !status.is_success() {
            return Err(UpstreamError::Status {
                endpoint: ENDPOINT,
                status: status.as_u16(),
            });
        }
        let body = response
            .bytes()
            .await
            .map_err(|err| UpstreamError::transport(ENDPOINT, err))?;
        serde_json::from_slice(&body).map_err(|source| UpstreamError::Body {
            endpoint: ENDPOINT,
            source,
        })
    }
}

fn now_seconds() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

#[async_trait]
impl Authenticator for IntrospectionAuthenticator {
    async fn authenticate(&self, bearer_token: &str) -> Result<AuthenticatedUser, AuthError> {
        bearer::precheck(bearer_token)?;
        let digest = token_digest(bearer_token);
        if let Some(cache) = &self.cache
            && let Some(hit) = cache.get(&digest).await
        {
            return Ok(AuthenticatedUser {
                user_id: hit.user_id,
            });
        }

        let answer = self.introspect(bearer_token).await.map_err(|err| {
            tracing::warn!(error = %err, "token introspection failed");
            AuthError::Unavailable(Box::new(err))
        })?;
        let accepted = answer.evaluate(&Expectations {
            now_seconds: now_seconds(),
            leeway: self.leeway,
            issuer: self.issuer.as_deref(),
            audience: self.audience.as_deref(),
        })?;

        if let Some(cache) = &self.cache {
            let ttl = accepted
                .remaining
                .map_or(self.cache_ttl, |left| left.min(self.cache_ttl));
            if !ttl.is_zero() {
                let entry = CachedUser {
                    user_id: accepted.user_id.clone(),
                    ttl,
                };
                cache.insert(digest, entry).await;
            }
        }
        Ok(AuthenticatedUser {
            user_id: accepted.user_id,
        })
    }
}

impl fmt::Debug for IntrospectionAuthenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntrospectionAuthenticator")
            .field("endpoint", &loggable_url(&self.endpoint))
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("cache_ttl", &self.cache_ttl)
            .finish_non_exhaustive()
    }
}
