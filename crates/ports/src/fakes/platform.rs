use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use socialpub_domain::{Platform, SecretString};
use time::Duration;
use url::Url;

use super::lock;
use crate::{
    AccountKind, AuthorizationRequest, PlatformAccount, PlatformBoard, PlatformClient,
    PlatformError, PlatformErrorKind, PlatformRegistry, TokenGrant,
};

/// A platform that grants tokens for the code `good-code`, refreshes the refresh token
/// `good-refresh` (rotating it), and records revocations.
#[derive(Debug)]
pub struct FakePlatformClient {
    platform: Platform,
    accounts: Vec<(String, String, AccountKind)>,
    revoked: Mutex<Vec<String>>,
    refreshes: Mutex<u32>,
    shares_grant: bool,
    /// Boards it lists (Pinterest's); `None` for a platform without boards.
    boards: Option<Vec<PlatformBoard>>,
}

impl FakePlatformClient {
    pub fn new(platform: Platform) -> Self {
        Self {
            platform,
            accounts: vec![(
                "acct-1".into(),
                format!("{} account", platform.display_name()),
                AccountKind::Personal,
            )],
            revoked: Mutex::new(Vec::new()),
            refreshes: Mutex::new(0),
            shares_grant: false,
            boards: None,
        }
    }

    /// It publishes into boards, listing these `(id, name)` to the token `access-0`, and
    /// refusing any other token as Pinterest refuses a revoked one.
    pub fn with_boards(mut self, boards: &[(&str, &str)]) -> Self {
        self.boards = Some(
            boards
                .iter()
                .map(|(id, name)| PlatformBoard {
                    id: (*id).to_owned(),
                    name: (*name).to_owned(),
                    description: None,
                    privacy: Some("PUBLIC".to_owned()),
                })
                .collect(),
        );
        self
    }

    /// Its accounts share one grant, as Facebook Pages and LinkedIn organizations do.
    pub fn sharing_one_grant(mut self) -> Self {
        self.shares_grant = true;
        self
    }

    pub fn with_accounts(mut self, accounts: &[(&str, &str, AccountKind)]) -> Self {
        self.accounts = accounts
            .iter()
            .map(|(id, name, kind)| ((*id).to_owned(), (*name).to_owned(), *kind))
            .collect();
        self
    }

    pub fn revoked_tokens(&self) -> Vec<String> {
        lock(&self.revoked).clone()
    }

    pub fn refresh_count(&self) -> u32 {
        *lock(&self.refreshes)
    }

    fn auth_error(&self, code: &str) -> PlatformError {
        PlatformError {
            platform: self.platform,
            kind: PlatformErrorKind::Auth,
            code: Some(code.to_owned()),
            message: "the grant is invalid".into(),
            http_status: Some(400),
            retry_after: None,
        }
    }

    fn grant(&self, n: u32) -> TokenGrant {
        TokenGrant {
            access_token: SecretString::new(format!("access-{n}")),
            refresh_token: Some(SecretString::new(format!("refresh-{n}"))),
            expires_in: Some(Duration::hours(2)),
            refresh_expires_in: None,
            scopes: vec!["publish".into()],
            subject: None,
        }
    }
}

#[async_trait]
impl PlatformClient for FakePlatformClient {
    fn platform(&self) -> Platform {
        self.platform
    }

    fn uses_pkce(&self) -> bool {
        true
    }

    fn accounts_share_grant(&self) -> bool {
        self.shares_grant
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Url {
        let mut url = Url::parse("https://fake.example/authorize")
            .unwrap_or_else(|_| request.redirect_uri.clone());
        url.query_pairs_mut()
            .append_pair("state", request.state.expose())
            .append_pair("redirect_uri", request.redirect_uri.as_str());
        if let Some(challenge) = request.code_challenge {
            url.query_pairs_mut()
                .append_pair("code_challenge", challenge);
        }
        url
    }

    async fn exchange_code(
        &self,
        code: &SecretString,
        _redirect_uri: &Url,
        _code_verifier: Option<&SecretString>,
    ) -> Result<TokenGrant, PlatformError> {
        if code.expose() == "good-code" {
            Ok(self.grant(0))
        } else {
            Err(self.auth_error("invalid_grant"))
        }
    }

    async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenGrant, PlatformError> {
        let mut count = lock(&self.refreshes);
        if refresh_token.expose() != format!("refresh-{count}") {
            return Err(self.auth_error("invalid_grant"));
        }
        *count += 1;
        Ok(self.grant(*count))
    }

    async fn revoke(
        &self,
        access_token: &SecretString,
        _refresh_token: Option<&SecretString>,
    ) -> Result<(), PlatformError> {
        lock(&self.revoked).push(access_token.expose().to_owned());
        Ok(())
    }

    async fn list_accounts(
        &self,
        _grant: &TokenGrant,
    ) -> Result<Vec<PlatformAccount>, PlatformError> {
        Ok(self
            .accounts
            .iter()
            .map(|(id, name, kind)| PlatformAccount {
                external_user_id: id.clone(),
                display_name: name.clone(),
                kind: *kind,
                access_token: None,
                expires_in: None,
            })
            .collect())
    }

    async fn list_boards(
        &self,
        access_token: &SecretString,
    ) -> Result<Option<Vec<PlatformBoard>>, PlatformError> {
        match &self.boards {
            Some(_) if access_token.expose() != "access-0" => Err(self.auth_error("invalid_token")),
            boards => Ok(boards.clone()),
        }
    }
}

/// A registry holding exactly the clients it was given.
#[derive(Default, Clone)]
pub struct StaticPlatformRegistry {
    clients: HashMap<Platform, Arc<dyn PlatformClient>>,
    /// Clients reached through Facebook Login, by the platform whose accounts they report.
    facebook_login: HashMap<Platform, Arc<dyn PlatformClient>>,
}

impl StaticPlatformRegistry {
    pub fn with(mut self, client: Arc<dyn PlatformClient>) -> Self {
        self.clients.insert(client.platform(), client);
        self
    }

    /// `client` connects its platform's accounts through Facebook Login.
    pub fn with_facebook_login(mut self, client: Arc<dyn PlatformClient>) -> Self {
        self.facebook_login.insert(client.platform(), client);
        self
    }
}

impl PlatformRegistry for StaticPlatformRegistry {
    fn client(&self, platform: Platform) -> Option<Arc<dyn PlatformClient>> {
        self.clients.get(&platform).cloned()
    }

    fn facebook_login_client(&self, platform: Platform) -> Option<Arc<dyn PlatformClient>> {
        self.facebook_login.get(&platform).cloned()
    }

    fn enabled(&self) -> Vec<Platform> {
        Platform::ALL
            .into_iter()
            .filter(|p| self.clients.contains_key(p))
            .collect()
    }
}
