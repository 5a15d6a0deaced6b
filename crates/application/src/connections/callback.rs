use socialpub_domain::{
    ConnectionId, LoginPath, NewConnection, Platform, SecretString, SocialConnection, TokenUpdate,
    UserId,
};
use socialpub_ports::{AccountKind, PlatformAccount, TokenGrant, TokenSlot};
use time::OffsetDateTime;

use super::{ConnectionError, ConnectionService};

/// How much of a platform's `error_description` reaches our log: it is the platform's (or
/// whoever forged the redirect's) text, so it is bounded.
const LOGGED_DESCRIPTION_CHARS: usize = 200;

/// What the platform sent back to the callback URL, as the browser brought it.
#[derive(Debug, Clone, Default)]
pub struct CallbackParams {
    pub code: Option<SecretString>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// The code and state of an approved authorization, to hand to whoever completes it.
#[derive(Debug, Clone)]
pub struct ApprovedAuthorization {
    pub code: SecretString,
    pub state: String,
}

impl CallbackParams {
    /// Checks what the platform sent without touching the pending authorization (the callback
    /// that hands the completion to the web app has no user to complete it for): the
    /// platform's refusal, or the code and state to complete with.
    ///
    /// # Errors
    /// [`ConnectionError::AuthorizationDenied`], [`ConnectionError::MissingState`],
    /// [`ConnectionError::MissingCode`].
    pub fn approved(self, platform: Platform) -> Result<ApprovedAuthorization, ConnectionError> {
        if let Some(error) = self.error.filter(|e| !e.is_empty()) {
            return Err(denied(
                platform,
                None,
                &error,
                self.error_description.as_deref(),
            ));
        }
        let state = self
            .state
            .filter(|s| !s.is_empty())
            .ok_or(ConnectionError::MissingState)?;
        let code = self
            .code
            .filter(|c| !c.is_empty())
            .ok_or(ConnectionError::MissingCode)?;
        Ok(ApprovedAuthorization { code, state })
    }
}

/// Who is completing an authorization.
#[derive(Debug, Clone, Copy)]
pub enum Completer<'a> {
    /// A signed-in user (`POST /connect/{platform}/complete`). Only the user who started the
    /// authorization can finish it: for anyone else its state is unknown, and stays pending,
    /// so a victim who approves an attacker's link cannot connect their account to the
    /// attacker's user, and no one can use up another user's pending authorization.
    User(&'a UserId),
    /// Whoever brings the `state` back: the callback in development mode, which has no bearer
    /// token, so that `curl -L` connects offline. The state alone names the user, which is
    /// why production never completes this way.
    StateHolder,
}

/// The platform's refusal, in our words; its own (bounded) words go to the log only.
fn denied(
    platform: Platform,
    user: Option<&UserId>,
    error: &str,
    description: Option<&str>,
) -> ConnectionError {
    let bounded = |text: &str| -> String { text.chars().take(LOGGED_DESCRIPTION_CHARS).collect() };
    tracing::info!(
        %platform,
        user_id = user.map(tracing::field::display),
        error = ?bounded(error),
        error_description = description.map(|d| tracing::field::debug(bounded(d))),
        "authorization refused at the platform"
    );
    ConnectionError::AuthorizationDenied(platform)
}

/// The accounts a completed authorization connected (one grant can reach several).
#[derive(Debug, Clone)]
pub struct ConnectedAccounts {
    pub user_id: UserId,
    pub platform: Platform,
    pub connections: Vec<SocialConnection>,
}

impl ConnectionService {
    /// Finishes an authorization: checks the `state` (consuming it, if `completer` may),
    /// exchanges the code, and stores one connection per publishable account, updating the
    /// user's existing connection to the same account in place.
    pub async fn complete_authorization(
        &self,
        platform: Platform,
        params: CallbackParams,
        completer: Completer<'_>,
    ) -> Result<ConnectedAccounts, ConnectionError> {
        let state_value = params
            .state
            .filter(|s| !s.is_empty())
            .ok_or(ConnectionError::MissingState)?;
        let refusal = params.error.filter(|e| !e.is_empty());
        let code = params.code.filter(|c| !c.is_empty());
        // Checked before the state is taken: a malformed request does not use it up.
        if refusal.is_none() && code.is_none() {
            return Err(ConnectionError::MissingCode);
        }
        let digest = self
            .ports
            .secrets
            .state_digest(&SecretString::new(state_value));
        let user = match completer {
            Completer::User(user) => Some(user),
            Completer::StateHolder => None,
        };
        let state = self
            .ports
            .oauth_states
            .take(&digest, user)
            .await?
            .ok_or(ConnectionError::UnknownState)?;
        let now = self.ports.clock.now();
        if state.platform != platform {
            return Err(ConnectionError::StateMismatch);
        }
        if state.expires_at <= now {
            return Err(ConnectionError::StateExpired);
        }
        if let Some(error) = refusal {
            return Err(denied(
                platform,
                Some(&state.user_id),
                &error,
                params.error_description.as_deref(),
            ));
        }
        let code = code.ok_or(ConnectionError::MissingCode)?;
        // The login chosen at the start, from our own store: never from the callback.
        let login = state.login;
        let client = self.login_client(platform, login)?;
        let redirect_uri = self.policy.redirect_uri(platform)?;
        let grant = client
            .exchange_code(&code, &redirect_uri, state.code_verifier.as_ref())
            .await?;
        let accounts: Vec<_> = client
            .list_accounts(&grant)
            .await?
            .into_iter()
            .filter(|a| self.publishable(platform, a))
            .collect();
        if accounts.is_empty() {
            return Err(match (platform, login) {
                (Platform::Instagram, LoginPath::Facebook) => {
                    ConnectionError::NoInstagramBusinessAccount
                }
                _ => ConnectionError::NoAccounts(platform),
            });
        }
        let mut connections = Vec::with_capacity(accounts.len());
        for account in &accounts {
            connections.push(
                self.store_account(&state.user_id, platform, login, &grant, account, now)
                    .await?,
            );
        }
        tracing::info!(%platform, %login, user_id = %state.user_id, accounts = connections.len(), "accounts connected");
        Ok(ConnectedAccounts {
            user_id: state.user_id,
            platform,
            connections,
        })
    }

    fn publishable(&self, platform: Platform, account: &PlatformAccount) -> bool {
        !(platform == Platform::Linkedin
            && account.kind == AccountKind::Personal
            && !self.policy.linkedin_personal_publishing)
    }

    async fn store_account(
        &self,
        user: &UserId,
        platform: Platform,
        login: LoginPath,
        grant: &TokenGrant,
        account: &PlatformAccount,
        now: OffsetDateTime,
    ) -> Result<SocialConnection, ConnectionError> {
        let existing = self
            .ports
            .connections
            .find_by_account(user, platform, &account.external_user_id)
            .await?;
        let id = existing.as_ref().map_or_else(ConnectionId::new, |c| c.id);
        // An account with a token of its own (a Facebook Page) keeps the grant's refresh
        // token: refreshing the grant is how its own token is renewed, and revocation needs it.
        let (access, expires_in) = match &account.access_token {
            Some(own) => (own, account.expires_in),
            None => (&grant.access_token, grant.expires_in),
        };
        let refresh = grant.refresh_token.as_ref();
        let access_token_encrypted = self.seal(TokenSlot::access(id), access)?;
        let refresh_token_encrypted = refresh
            .map(|r| self.seal(TokenSlot::refresh(id), r))
            .transpose()?;
        let expires_at = expires_in.map(|d| now + d);
        let refresh_expires_at = refresh.and(grant.refresh_expires_in).map(|d| now + d);
        let mut connection = match existing {
            Some(mut connection) => {
                connection.update_tokens(
                    TokenUpdate {
                        access_token_encrypted,
                        refresh_token_encrypted,
                        expires_at,
                        refresh_expires_at,
                    },
                    now,
                );
                connection
                    .external_display_name
                    .clone_from(&account.display_name);
                connection.scopes.clone_from(&grant.scopes);
                connection
            }
            None => SocialConnection::new(
                NewConnection {
                    id,
                    user_id: user.clone(),
                    platform,
                    external_user_id: account.external_user_id.clone(),
                    external_display_name: account.display_name.clone(),
                    access_token_encrypted,
                    refresh_token_encrypted,
                    expires_at,
                    refresh_expires_at,
                    scopes: grant.scopes.clone(),
                },
                now,
            ),
        };
        // Reconnecting the same account through the other login moves it to that login:
        // its tokens are now that login's.
        connection.login = login;
        self.ports.connections.save(&connection).await?;
        Ok(connection)
    }
}
