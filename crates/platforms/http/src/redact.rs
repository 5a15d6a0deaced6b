use socialpub_domain::SecretString;
use socialpub_ports::PlatformError;

/// Secrets shorter than this are not scrubbed: replacing one- to three-character strings
/// would mangle the message without protecting anything worth protecting.
const MIN_REDACTED_LEN: usize = 4;

/// Belt and braces: removes any of `secrets` the platform echoed back into its message
/// (Meta and LinkedIn have quoted the token or app secret of the failed request).
pub fn redact(mut error: PlatformError, secrets: &[&SecretString]) -> PlatformError {
    for secret in secrets {
        let secret = secret.expose();
        if secret.len() >= MIN_REDACTED_LEN && error.message.contains(secret) {
            error.message = error.message.replace(secret, "[redacted]");
        }
    }
    error
}

#[cfg(test)]
mod tests {
    use socialpub_domain::Platform;
    use socialpub_ports::PlatformErrorKind;

    use super::*;
    use crate::classify::platform_error;

    #[test]
    fn scrubs_echoed_secrets_but_not_tiny_ones() {
        let error = platform_error(
            Platform::Facebook,
            PlatformErrorKind::Auth,
            None,
            "token EAAB-secret and id ab are invalid",
            None,
            None,
        );
        let token = SecretString::new("EAAB-secret".to_owned());
        let tiny = SecretString::new("ab".to_owned());
        let error = redact(error, &[&token, &tiny]);
        assert_eq!(error.message, "token [redacted] and id ab are invalid");
    }
}
