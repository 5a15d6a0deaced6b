use crate::JwtAlgorithm;

/// The auth settings cannot make a working authenticator. Raised at start-up, so the message
/// names the setting to fix; it never contains a secret.
#[derive(Debug, thiserror::Error)]
pub enum AuthConfigError {
    #[error("auth setting `{0}` is required in this mode")]
    Missing(&'static str),
    #[error("auth setting `jwt_secret` must be at least {min} bytes long")]
    WeakSecret { min: usize },
    #[error("auth setting `algorithms` is empty and there is no key to derive it from")]
    NoAlgorithms,
    #[error("algorithm {algorithm} needs auth setting `{setting}`")]
    KeyMissingFor {
        algorithm: JwtAlgorithm,
        setting: &'static str,
    },
    #[error("auth setting `{setting}` is invalid: {reason}")]
    Invalid {
        setting: &'static str,
        reason: String,
    },
    #[error("the HTTP client for the auth service could not be built")]
    HttpClient(#[source] reqwest::Error),
}
