/// Why the auth service (JWKS or introspection endpoint) gave no usable answer. Carried as the
/// source of [`socialpub_ports::AuthError::Unavailable`]; never holds a token or a secret.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UpstreamError {
    #[error("{endpoint} could not be reached")]
    Transport {
        endpoint: &'static str,
        #[source]
        source: reqwest::Error,
    },
    #[error("{endpoint} answered HTTP {status}")]
    Status { endpoint: &'static str, status: u16 },
    #[error("{endpoint} answered with a body that could not be read")]
    Body {
        endpoint: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

impl UpstreamError {
    /// Drops the URL that reqwest puts in its errors: endpoints are logged once at start-up, and
    /// a URL could carry credentials in its user-info part.
    pub(crate) fn transport(endpoint: &'static str, source: reqwest::Error) -> Self {
        Self::Transport {
            endpoint,
            source: source.without_url(),
        }
    }
}
