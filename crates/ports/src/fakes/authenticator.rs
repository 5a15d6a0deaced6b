use std::collections::HashMap;

use async_trait::async_trait;
use socialpub_domain::UserId;

use crate::{AuthError, AuthenticatedUser, Authenticator};

/// Accepts exactly the tokens it was given, each naming its user.
#[derive(Debug, Default, Clone)]
pub struct StaticAuthenticator {
    tokens: HashMap<String, UserId>,
}

impl StaticAuthenticator {
    pub fn with_token(mut self, token: &str, user: UserId) -> Self {
        self.tokens.insert(token.to_owned(), user);
        self
    }
}

#[async_trait]
impl Authenticator for StaticAuthenticator {
    async fn authenticate(&self, bearer_token: &str) -> Result<AuthenticatedUser, AuthError> {
        self.tokens
            .get(bearer_token)
            .map(|user_id| AuthenticatedUser {
                user_id: user_id.clone(),
            })
            .ok_or_else(|| AuthError::Invalid("unknown token".into()))
    }
}
