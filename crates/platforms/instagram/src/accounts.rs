//! The professional account behind an Instagram User token.

use reqwest::StatusCode;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::meta_graph::classify_graph;
use socialpub_platform_http::platform_error;
use socialpub_ports::{AccountKind, PlatformAccount, PlatformError, PlatformErrorKind};

use crate::client::InstagramClient;
use crate::wire::{AccountType, MeResponse};

/// Fields asked of `/me`.
const PROFILE_FIELDS: &str = "user_id,username,name,account_type,profile_picture_url";

/// An Instagram professional account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstagramProfile {
    /// The professional account id (`IG_ID`) used for `/{IG_ID}/media`.
    pub user_id: Option<String>,
    /// The app-scoped user id.
    pub id: Option<String>,
    pub username: Option<String>,
    pub name: Option<String>,
    pub account_type: Option<AccountType>,
    pub profile_picture_url: Option<String>,
}

impl InstagramProfile {
    /// The account as a connection: id `user_id` (else the app-scoped id, else the token
    /// response's user id), shown by username (else name, else id).
    pub(crate) fn into_account(
        self,
        subject: Option<&str>,
    ) -> Result<PlatformAccount, PlatformError> {
        let id = self
            .user_id
            .or(self.id)
            .or_else(|| subject.map(str::to_owned))
            .ok_or_else(|| {
                platform_error(
                    Platform::Instagram,
                    PlatformErrorKind::InvalidRequest,
                    Some("malformed_response".to_owned()),
                    "the profile answer has no account id",
                    Some(StatusCode::OK),
                    None,
                )
            })?;
        let display_name = self
            .username
            .filter(|u| !u.is_empty())
            .or(self.name.filter(|n| !n.is_empty()))
            .unwrap_or_else(|| id.clone());
        Ok(PlatformAccount {
            external_user_id: id,
            display_name,
            kind: AccountKind::Business,
            access_token: None,
            expires_in: None,
        })
    }
}

impl InstagramClient {
    /// `GET {api_base}/{version}/me?fields=user_id,username,name,account_type,profile_picture_url`.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the token is no longer valid.
    pub async fn me(&self, token: &SecretString) -> Result<InstagramProfile, PlatformError> {
        let mut url = self.graph_url(&["me"])?;
        url.query_pairs_mut().append_pair("fields", PROFILE_FIELDS);
        let request = self.http.get(url).bearer_auth(token.expose());
        let response: MeResponse = self.call(request, classify_graph, &[token]).await?;
        let entry = response.into_entry().unwrap_or_default();
        Ok(InstagramProfile {
            user_id: entry.user_id,
            id: entry.id,
            username: entry.username,
            name: entry.name,
            account_type: entry.account_type,
            profile_picture_url: entry.profile_picture_url,
        })
    }
}
