use reqwest::{Client, redirect};
use url::Url;

use crate::{AuthConfigError, AuthSettings};

/// The HTTP client for JWKS and introspection calls.
///
/// reqwest is built with `rustls-no-provider`, so the ring provider is installed first
/// (idempotent: a provider installed earlier by the binary wins). Redirects are refused: an
/// introspection request carries the token and client credentials, which must never be
/// replayed to wherever a `Location` header points. Every request has a deadline, because an
/// auth service that hangs must turn into a quick 503, not a pile of stuck requests.
///
/// # Errors
/// [`AuthConfigError::HttpClient`] when the TLS setup fails.
pub fn auth_http_client(settings: &AuthSettings) -> Result<Client, AuthConfigError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let timeout = settings.http_timeout();
    Client::builder()
        .redirect(redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("socialpub-auth/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(AuthConfigError::HttpClient)
}

/// A URL fit for logs: user-info, query and fragment dropped, since any could hold a secret.
pub(crate) fn loggable_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loggable_urls_hide_credentials_and_queries() {
        let url: Url = "https://me:pw@auth.test/jwks?key=abc#x".parse().unwrap();
        assert_eq!(loggable_url(&url), "https://auth.test/jwks");
    }
}
