use async_trait::async_trait;
use socialpub_domain::UserId;

use crate::BoxError;

/// Who made a request, as vouched for by the CreativeFlow auth service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedUser {
    pub user_id: UserId,
}

/// Why a bearer token was not accepted. Messages never echo the token.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The token is malformed, badly signed, for another audience or issuer, or inactive.
    #[error("invalid token: {0}")]
    Invalid(String),
    #[error("the token has expired")]
    Expired,
    /// The auth service (JWKS or introspection endpoint) could not be asked.
    #[error("the authentication service is unavailable")]
    Unavailable(#[source] BoxError),
}

/// Turns a bearer token into a user.
#[async_trait]
pub trait Authenticator: Send + Sync {
    /// # Errors
    /// [`AuthError::Invalid`] or [`AuthError::Expired`] for a token that must be refused;
    /// [`AuthError::Unavailable`] when the answer could not be had.
    async fn authenticate(&self, bearer_token: &str) -> Result<AuthenticatedUser, AuthError>;
}
