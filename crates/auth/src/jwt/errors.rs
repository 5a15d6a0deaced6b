use jsonwebtoken::errors::{Error, ErrorKind};
use socialpub_ports::AuthError;

/// Translates a jsonwebtoken failure into the port's error. The reasons are our own words:
/// library messages can quote parts of the token, which must not reach logs or clients.
pub(crate) fn to_auth_error(err: &Error) -> AuthError {
    let reason = match err.kind() {
        ErrorKind::ExpiredSignature => return AuthError::Expired,
        ErrorKind::ImmatureSignature => "the token is not valid yet",
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::InvalidSubject => "wrong subject",
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => "algorithm not allowed",
        ErrorKind::MissingRequiredClaim(claim) => {
            return AuthError::Invalid(format!("the token has no `{claim}` claim"));
        }
        ErrorKind::InvalidClaimFormat(claim) => {
            return AuthError::Invalid(format!("the `{claim}` claim is malformed"));
        }
        ErrorKind::InvalidToken
        | ErrorKind::Base64(_)
        | ErrorKind::Json(_)
        | ErrorKind::Utf8(_)
        | ErrorKind::InvalidAlgorithmName => "malformed token",
        ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidRsaKey(_) | ErrorKind::InvalidKeyFormat => {
            "the signing key cannot verify this token"
        }
        _ => "the token could not be verified",
    };
    AuthError::Invalid(reason.into())
}
