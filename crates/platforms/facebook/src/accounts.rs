//! Page discovery: `GET /me/accounts` gives every Page the user has a role on, each with its
//! own Page access token.

use socialpub_domain::SecretString;
use socialpub_platform_http::meta_graph::classify_graph;
use socialpub_ports::{AccountKind, PlatformAccount, PlatformError};
use url::Url;

use crate::client::FacebookClient;
use crate::wire::{AccountsPage, PageTask};

/// Fields asked of `/me/accounts`.
const PAGE_FIELDS: &str = "id,name,category,access_token,tasks";
/// Fields asked of `/me/accounts` when looking for linked Instagram accounts.
const PAGE_FIELDS_WITH_INSTAGRAM: &str =
    "id,name,category,access_token,tasks,instagram_business_account";
/// Pages per request (Graph's maximum for this edge).
const PAGE_SIZE: &str = "100";
/// At most this many requests per listing: 2,000 Pages is far beyond any real user, and a
/// bound keeps a misbehaving `paging.next` from looping.
pub const MAX_PAGE_REQUESTS: usize = 20;

/// A Facebook Page the user has a role on.
#[derive(Debug, Clone)]
pub struct FacebookPage {
    pub id: String,
    pub name: String,
    pub category: Option<String>,
    /// The Page token. Derived from a long-lived user token, it does not expire (a password
    /// change, a lost role or the app's removal invalidates it).
    pub access_token: Option<SecretString>,
    /// What the user may do on the Page; empty when Graph did not say.
    pub tasks: Vec<PageTask>,
    /// The id of the Instagram professional account linked to the Page, when the listing
    /// asked for it ([`FacebookClient::pages_with_instagram`]) and one is linked.
    pub instagram_business_account: Option<String>,
}

impl FacebookPage {
    /// Whether the user can publish here: a Page token, and `CREATE_CONTENT` among the tasks
    /// (or no task list at all, which Graph omits for some Business Manager Pages).
    pub fn can_publish(&self) -> bool {
        self.access_token.is_some()
            && (self.tasks.is_empty() || self.tasks.contains(&PageTask::CreateContent))
    }

    pub(crate) fn into_account(self) -> PlatformAccount {
        PlatformAccount {
            external_user_id: self.id,
            display_name: self.name,
            kind: AccountKind::Page,
            access_token: self.access_token,
            expires_in: None,
        }
    }
}

impl FacebookClient {
    /// Every Page of the user behind `user_token`: `GET {api_base}/{version}/me/accounts`,
    /// following `paging.next` while it stays on the configured API host, for at most
    /// [`MAX_PAGE_REQUESTS`] requests.
    ///
    /// # Errors
    /// [`socialpub_ports::PlatformErrorKind::Auth`] when the token is no longer valid.
    pub async fn pages(
        &self,
        user_token: &SecretString,
    ) -> Result<Vec<FacebookPage>, PlatformError> {
        self.pages_with_fields(user_token, PAGE_FIELDS).await
    }

    /// [`FacebookClient::pages`], each with the Instagram professional account linked to it
    /// (`instagram_business_account`, which needs `instagram_basic` or `pages_read_engagement`
    /// to be shown).
    ///
    /// # Errors
    /// As [`FacebookClient::pages`].
    pub async fn pages_with_instagram(
        &self,
        user_token: &SecretString,
    ) -> Result<Vec<FacebookPage>, PlatformError> {
        self.pages_with_fields(user_token, PAGE_FIELDS_WITH_INSTAGRAM)
            .await
    }

    async fn pages_with_fields(
        &self,
        user_token: &SecretString,
        fields: &str,
    ) -> Result<Vec<FacebookPage>, PlatformError> {
        let mut url: Url = self.graph_url(&["me", "accounts"])?;
        url.query_pairs_mut()
            .append_pair("fields", fields)
            .append_pair("limit", PAGE_SIZE);
        let mut pages = Vec::new();
        for _ in 0..MAX_PAGE_REQUESTS {
            let request = self.http.get(url.clone()).bearer_auth(user_token.expose());
            let batch: AccountsPage = self.call(request, classify_graph, &[user_token]).await?;
            let received = batch.data.len();
            pages.extend(
                batch
                    .data
                    .into_iter()
                    .filter(|page| !page.id.is_empty())
                    .map(|page| FacebookPage {
                        name: if page.name.is_empty() {
                            page.id.clone()
                        } else {
                            page.name
                        },
                        id: page.id,
                        category: page.category,
                        access_token: page.access_token,
                        tasks: page.tasks,
                        instagram_business_account: page
                            .instagram_business_account
                            .map(|linked| linked.id)
                            .filter(|id| !id.is_empty()),
                    }),
            );
            let next = batch
                .paging
                .and_then(|paging| paging.next)
                .and_then(|next| Url::parse(&next).ok())
                .filter(|next| self.is_api_host(next) && *next != url);
            match next {
                Some(next) if received > 0 => url = next,
                _ => break,
            }
        }
        Ok(pages)
    }
}
