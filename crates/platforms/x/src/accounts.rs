use reqwest::StatusCode;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{platform_error, send_json};
use socialpub_ports::{AccountKind, PlatformAccount, PlatformError, PlatformErrorKind};

use crate::client::XClient;
use crate::errors::classify;
use crate::wire::{ErrorBody, User, UsersMeResponse};

/// The user fields asked of `GET /2/users/me`.
pub(crate) const USER_FIELDS: &str = "id,name,username,profile_image_url,verified,protected";

impl XClient {
    /// `GET {api_base}/2/users/me`: the authenticated user (id, name, username).
    ///
    /// # Errors
    /// Auth for an invalid or expired token; InvalidRequest when the body holds no user.
    pub async fn me(&self, access_token: &SecretString) -> Result<User, PlatformError> {
        let request = self
            .http
            .get(self.api_url("/2/users/me"))
            .query(&[("user.fields", USER_FIELDS)])
            .bearer_auth(access_token.expose());
        let response: UsersMeResponse = send_json(request, Platform::X, classify).await?;
        match response.data {
            Some(user) => Ok(user),
            None if response.errors.is_empty() => Err(platform_error(
                Platform::X,
                PlatformErrorKind::InvalidRequest,
                Some("malformed_response".to_owned()),
                "users/me answered without a user",
                Some(StatusCode::OK),
                None,
            )),
            None => Err(crate::errors::from_body(
                StatusCode::OK,
                &ErrorBody {
                    errors: response.errors,
                    ..ErrorBody::default()
                },
            )),
        }
    }
}

/// One Personal account, shown as `@username` (the handle post URLs use).
pub(crate) fn account(user: &User) -> PlatformAccount {
    let display_name = if !user.username.is_empty() {
        format!("@{}", user.username)
    } else if !user.name.is_empty() {
        user.name.clone()
    } else {
        user.id.clone()
    };
    PlatformAccount {
        external_user_id: user.id.clone(),
        display_name,
        kind: AccountKind::Personal,
        access_token: None,
        expires_in: None,
    }
}
