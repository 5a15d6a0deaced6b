//! Instagram API with Facebook Login (path A): Instagram professional accounts reached through
//! the Facebook Pages they are linked to. The OAuth is Facebook's (the Meta app, the login
//! dialog, `fb_exchange_token`, `DELETE /me/permissions`); the accounts are the Pages'
//! `instagram_business_account`s.

use std::collections::HashSet;

use async_trait::async_trait;
use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::meta_graph::classify_graph;
use socialpub_ports::{
    AccountKind, AuthorizationRequest, PlatformAccount, PlatformClient, PlatformError, TokenGrant,
};
use url::Url;

use crate::accounts::FacebookPage;
use crate::client::FacebookClient;
use crate::wire::{InstagramProfileEntry, PageTask};

/// Permissions asked for at Facebook Login to publish to Instagram: the account and its media
/// (`instagram_basic`), publishing (`instagram_content_publish`), the Pages and their tokens
/// (`pages_show_list`, `pages_read_engagement`), account and media insights for best-time
/// suggestions (`instagram_manage_insights`, as Instagram Login asks for
/// `instagram_business_manage_insights`), and Pages owned through Business Manager
/// (`business_management`, as the Facebook Pages login asks for).
pub const INSTAGRAM_SCOPES: &[&str] = &[
    "instagram_basic",
    "instagram_content_publish",
    "pages_show_list",
    "pages_read_engagement",
    "instagram_manage_insights",
    "business_management",
];

/// Fields asked of an Instagram account on the Facebook host.
const PROFILE_FIELDS: &str = "id,username,name";

/// An Instagram professional account linked to a Facebook Page the user has a role on.
#[derive(Debug, Clone)]
pub struct LinkedInstagramAccount {
    /// The Instagram professional account id (`IG_ID`), what `/{ig-user-id}/media` takes.
    pub id: String,
    /// The username (without `@`), else the account's name, else the Page's name.
    pub display_name: String,
    pub page_id: String,
    /// The Page's token: derived from a long-lived user token, it does not expire.
    pub page_token: SecretString,
}

impl FacebookPage {
    /// Whether the user can act for the Page's Instagram account: a Page token and a task role
    /// on the Page (any of manage, create content, moderate, advertise; or no task list, which
    /// Graph omits for some Business Manager Pages).
    fn reaches_instagram(&self) -> bool {
        self.access_token.is_some()
            && (self.tasks.is_empty()
                || self.tasks.iter().any(|task| {
                    matches!(
                        task,
                        PageTask::Manage
                            | PageTask::CreateContent
                            | PageTask::Moderate
                            | PageTask::Advertise
                    )
                }))
    }
}

impl FacebookClient {
    /// The Instagram professional accounts linked to the user's Pages: `/me/accounts` with
    /// `instagram_business_account` (every page of it), then each account's username on the
    /// Facebook host. An account linked to two Pages is listed once, with the first Page.
    ///
    /// # Errors
    /// [`socialpub_ports::PlatformErrorKind::Auth`] when the token is no longer valid.
    pub async fn linked_instagram_accounts(
        &self,
        user_token: &SecretString,
    ) -> Result<Vec<LinkedInstagramAccount>, PlatformError> {
        let mut seen = HashSet::new();
        let mut accounts = Vec::new();
        for page in self.pages_with_instagram(user_token).await? {
            if !page.reaches_instagram() {
                continue;
            }
            let (Some(id), Some(page_token)) = (page.instagram_business_account, page.access_token)
            else {
                continue;
            };
            if !seen.insert(id.clone()) {
                continue;
            }
            let profile = self.instagram_profile(&id, &page_token).await?;
            let display_name = profile
                .username
                .filter(|u| !u.is_empty())
                .or(profile.name.filter(|n| !n.is_empty()))
                .unwrap_or(page.name);
            accounts.push(LinkedInstagramAccount {
                id,
                display_name,
                page_id: page.id,
                page_token,
            });
        }
        Ok(accounts)
    }

    /// `GET {api_base}/{version}/{ig-user-id}?fields=id,username,name` with the Page's token.
    async fn instagram_profile(
        &self,
        id: &str,
        token: &SecretString,
    ) -> Result<InstagramProfileEntry, PlatformError> {
        let mut url = self.graph_url(&[id])?;
        url.query_pairs_mut().append_pair("fields", PROFILE_FIELDS);
        let request = self.http.get(url).bearer_auth(token.expose());
        self.call(request, classify_graph, &[token]).await
    }
}

/// The [`PlatformClient`] of Instagram accounts connected through Facebook Login: Facebook's
/// OAuth with [`INSTAGRAM_SCOPES`], reporting the Instagram accounts linked to the user's
/// Pages.
///
/// Each account is stored with its **Page token**, not the user token: the Instagram
/// publishing endpoints on `graph.facebook.com` take either (Meta's path-A docs: "Facebook
/// User token or Page token"), a Page token derived from a long-lived user token does not
/// expire, and it is scoped to the one Page the account is linked to. The long-lived user token
/// is kept as the refresh token, as for Facebook Page connections: refreshing exchanges it
/// (`fb_exchange_token`) and fetches the Page token again, and revocation
/// (`DELETE /me/permissions`) needs it.
#[derive(Debug, Clone)]
pub struct InstagramViaFacebookClient {
    facebook: FacebookClient,
}

impl InstagramViaFacebookClient {
    /// Uses the Facebook app of `facebook` (its id, secret, hosts and API version); the
    /// scopes asked for are always [`INSTAGRAM_SCOPES`].
    pub fn new(facebook: FacebookClient) -> Self {
        Self { facebook }
    }
}

#[async_trait]
impl PlatformClient for InstagramViaFacebookClient {
    fn platform(&self) -> Platform {
        Platform::Instagram
    }

    /// Facebook Login's manual flow takes no PKCE.
    fn uses_pkce(&self) -> bool {
        false
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Url {
        self.facebook.login_dialog_url_for(
            request.state,
            request.redirect_uri,
            &INSTAGRAM_SCOPES.join(","),
        )
    }

    async fn exchange_code(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
        code_verifier: Option<&SecretString>,
    ) -> Result<TokenGrant, PlatformError> {
        self.facebook
            .exchange_code(code, redirect_uri, code_verifier)
            .await
    }

    async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenGrant, PlatformError> {
        self.facebook.refresh(refresh_token).await
    }

    /// `DELETE /me/permissions` with the user token kept as the refresh token.
    async fn revoke(
        &self,
        access_token: &SecretString,
        refresh_token: Option<&SecretString>,
    ) -> Result<(), PlatformError> {
        self.facebook.revoke(access_token, refresh_token).await
    }

    fn accounts_have_own_tokens(&self) -> bool {
        true
    }

    /// Every Page token derives from the one user token that revocation withdraws.
    fn accounts_share_grant(&self) -> bool {
        true
    }

    async fn list_accounts(
        &self,
        grant: &TokenGrant,
    ) -> Result<Vec<PlatformAccount>, PlatformError> {
        Ok(self
            .facebook
            .linked_instagram_accounts(&grant.access_token)
            .await?
            .into_iter()
            .map(|account| PlatformAccount {
                external_user_id: account.id,
                display_name: account.display_name,
                kind: AccountKind::Business,
                access_token: Some(account.page_token),
                expires_in: None,
            })
            .collect())
    }
}
