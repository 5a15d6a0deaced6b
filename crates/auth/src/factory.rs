use std::sync::Arc;

use reqwest::Client;
use socialpub_ports::Authenticator;

use crate::{
    AuthConfigError, AuthMode, AuthSettings, IntrospectionAuthenticator, JwtAuthenticator,
};

/// The authenticator the settings ask for, ready to share across the HTTP workers.
///
/// `http` is used for JWKS and introspection calls; build it with [`crate::auth_http_client`]
/// (no redirects, timeouts, ring TLS provider) unless the composition root has an equivalent.
///
/// # Errors
/// [`AuthConfigError`] naming the setting that is missing or wrong, for a one-line start-up
/// failure.
pub fn build_authenticator(
    settings: &AuthSettings,
    http: Client,
) -> Result<Arc<dyn Authenticator>, AuthConfigError> {
    let authenticator: Arc<dyn Authenticator> = match settings.mode {
        AuthMode::Jwt => {
            let jwt = JwtAuthenticator::from_settings(settings, http)?;
            tracing::info!(authenticator = ?jwt, "bearer tokens are verified as JWTs");
            Arc::new(jwt)
        }
        AuthMode::Introspection => {
            let introspection = IntrospectionAuthenticator::from_settings(settings, http)?;
            tracing::info!(authenticator = ?introspection, "bearer tokens are introspected");
            Arc::new(introspection)
        }
    };
    Ok(authenticator)
}
