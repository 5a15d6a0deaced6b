use socialpub_domain::SecretString;
use socialpub_ports::{AccountKind, PlatformAccount, PlatformError};

use crate::client::TiktokClient;
use crate::wire::{User, UserInfoData};

/// The fields asked of `GET /v2/user/info/` (all within `user.info.basic`).
pub(crate) const USER_FIELDS: &str = "open_id,union_id,avatar_url,display_name";

impl TiktokClient {
    /// `GET {api_base}/v2/user/info/?fields=open_id,union_id,avatar_url,display_name`.
    ///
    /// # Errors
    /// Auth for `access_token_invalid`; Permission for a missing scope.
    pub async fn user_info(&self, access_token: &SecretString) -> Result<User, PlatformError> {
        let request = self
            .http
            .get(self.api_url("/v2/user/info/"))
            .query(&[("fields", USER_FIELDS)])
            .bearer_auth(access_token.expose());
        let data: UserInfoData = self.send_envelope(request).await?;
        Ok(data.user)
    }
}

/// One Personal account keyed by `open_id`, named by `display_name`.
pub(crate) fn account(user: &User) -> PlatformAccount {
    let display_name = [user.display_name.as_deref(), user.username.as_deref()]
        .into_iter()
        .flatten()
        .find(|s| !s.trim().is_empty())
        .unwrap_or(&user.open_id)
        .to_owned();
    PlatformAccount {
        external_user_id: user.open_id.clone(),
        display_name,
        kind: AccountKind::Personal,
        access_token: None,
        expires_in: None,
    }
}
