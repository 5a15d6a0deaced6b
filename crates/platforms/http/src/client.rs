use std::time::Duration;

/// How platform HTTP clients connect. One client is shared by all platform crates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpClientSettings {
    /// Time allowed to open the TCP + TLS connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, response body included.
    pub request_timeout: Duration,
    /// Sent as `User-Agent` on every request.
    pub user_agent: String,
}

impl Default for HttpClientSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            user_agent: concat!("socialpub/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// The HTTP client could not be built (bad user agent, TLS set-up).
#[derive(Debug, thiserror::Error)]
#[error("could not build the platform HTTP client")]
pub struct HttpClientError(#[source] reqwest::Error);

/// Builds the `reqwest::Client` the platform crates use.
///
/// Installs the rustls ring provider (once per process; later calls are no-ops), never
/// follows redirects (a redirected token call must not carry credentials to another host),
/// and applies the timeouts.
///
/// # Errors
/// [`HttpClientError`] when reqwest rejects the settings.
pub fn build_http_client(
    settings: &HttpClientSettings,
) -> Result<reqwest::Client, HttpClientError> {
    // Fails only when a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.request_timeout)
        .user_agent(settings.user_agent.as_str())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(HttpClientError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_with_defaults() {
        assert!(build_http_client(&HttpClientSettings::default()).is_ok());
        // A second call must not fail on the already installed provider.
        assert!(build_http_client(&HttpClientSettings::default()).is_ok());
    }
}
