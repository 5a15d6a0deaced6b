use serde::Deserialize;
use socialpub_domain::UserId;
use socialpub_ports::AuthError;

/// The claims we read after jsonwebtoken has checked signature, `exp`, `nbf`, `iss` and `aud`.
/// `sub` stays loose here so that a numeric or missing `sub` gets a precise reason.
#[derive(Deserialize)]
pub(crate) struct Claims {
    #[serde(default)]
    sub: Option<serde_json::Value>,
}

impl Claims {
    pub(crate) fn user_id(&self) -> Result<UserId, AuthError> {
        match &self.sub {
            None | Some(serde_json::Value::Null) => {
                Err(AuthError::Invalid("the token has no `sub` claim".into()))
            }
            Some(serde_json::Value::String(sub)) => UserId::parse(sub.as_str())
                .map_err(|err| AuthError::Invalid(format!("`sub` is not a valid user id: {err}"))),
            Some(_) => Err(AuthError::Invalid("`sub` is not a string".into())),
        }
    }
}
