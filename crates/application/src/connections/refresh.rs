use socialpub_domain::{ConnectionId, SecretString, SocialConnection, TokenUpdate, UserId};
use socialpub_ports::{
    PlatformClient, PlatformError, PlatformErrorKind, RefreshOutcome, RepositoryError, TokenGrant,
    TokenSlot,
};

use super::{ConnectionError, ConnectionService};

/// What one background refresh pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub refreshed: usize,
    pub needs_reauth: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl ConnectionService {
    /// Refreshes the connection's tokens now (the user asked to).
    pub async fn refresh(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<SocialConnection, ConnectionError> {
        self.get(user, id).await?;
        self.refresh_locked(user, id, None).await
    }

    /// A usable access token for the connection, refreshed first when it expires within
    /// the policy's skew. What publishing calls before every platform call.
    pub async fn fresh_access_token(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<(SocialConnection, SecretString), ConnectionError> {
        let mut connection = self.get(user, id).await?;
        if connection.status == socialpub_domain::ConnectionStatus::NeedsReauth {
            return Err(ConnectionError::NeedsReauth(id));
        }
        if connection.is_token_expired(self.ports.clock.now(), self.policy.refresh_skew) {
            connection = self
                .refresh_locked(user, id, Some(self.policy.refresh_skew))
                .await?;
        }
        let token = self.open(TokenSlot::access(id), &connection.access_token_encrypted)?;
        Ok((connection, token))
    }

    /// [`ConnectionService::fresh_access_token`] for a connection the caller has just read
    /// (with a claimed job): its token opened when it can be used as stored (active, not near
    /// expiry), `None` when it needs `fresh_access_token`, which refreshes or reports it.
    pub fn ready_access_token(
        &self,
        connection: SocialConnection,
    ) -> Result<Option<(SocialConnection, SecretString)>, ConnectionError> {
        if connection.status != socialpub_domain::ConnectionStatus::Active
            || connection.is_token_expired(self.ports.clock.now(), self.policy.refresh_skew)
        {
            return Ok(None);
        }
        let token = self.open(
            TokenSlot::access(connection.id),
            &connection.access_token_encrypted,
        )?;
        Ok(Some((connection, token)))
    }

    /// The platform refused the connection's token during a publish: the user must connect
    /// again. Jobs of the connection fail with a clear code until then.
    pub async fn mark_needs_reauth(
        &self,
        user: &UserId,
        id: ConnectionId,
    ) -> Result<(), ConnectionError> {
        let mut connection = self.get(user, id).await?;
        if connection.status != socialpub_domain::ConnectionStatus::NeedsReauth {
            self.save_needs_reauth(&mut connection).await?;
            tracing::warn!(connection_id = %id, platform = %connection.platform, "the platform refused the token: connection needs reauth");
        }
        Ok(())
    }

    /// Refreshes every active connection whose token expires within `window`, oldest expiry
    /// first, at most `batch` of them. Failures are counted, never fatal to the pass.
    pub async fn refresh_expiring(
        &self,
        window: time::Duration,
        batch: u32,
    ) -> Result<SweepReport, RepositoryError> {
        let now = self.ports.clock.now();
        let mut report = SweepReport::default();
        for connection in self
            .ports
            .connections
            .list_expiring(now + window, batch)
            .await?
        {
            match self
                .refresh_locked(&connection.user_id, connection.id, Some(window))
                .await
            {
                Ok(_) => report.refreshed += 1,
                Err(ConnectionError::NeedsReauth(_)) => report.needs_reauth += 1,
                Err(ConnectionError::RefreshInProgress(_)) => report.skipped += 1,
                Err(error) => {
                    report.failed += 1;
                    tracing::warn!(connection_id = %connection.id, %error, "background token refresh failed");
                }
            }
        }
        Ok(report)
    }

    /// Refreshes under the connection's cross-process lock, so two processes never spend the
    /// same rotating refresh token (X invalidates the old one: the loser would lose the token).
    /// `within`: refresh only if the token expires within this margin (checked again under the
    /// lock); `None` refreshes regardless.
    async fn refresh_locked(
        &self,
        user: &UserId,
        id: ConnectionId,
        within: Option<time::Duration>,
    ) -> Result<SocialConnection, ConnectionError> {
        let now = self.ports.clock.now();
        let until = now + self.policy.refresh_lock_ttl;
        if !self
            .ports
            .connections
            .try_lock_refresh(id, &self.policy.holder, now, until)
            .await?
        {
            return Err(ConnectionError::RefreshInProgress(id));
        }
        let result = self.refresh_holding_lock(user, id, within).await;
        if let Err(error) = self
            .ports
            .connections
            .unlock_refresh(id, &self.policy.holder)
            .await
        {
            tracing::warn!(connection_id = %id, %error, "could not release the refresh lock; it expires by itself");
        }
        result
    }

    async fn refresh_holding_lock(
        &self,
        user: &UserId,
        id: ConnectionId,
        within: Option<time::Duration>,
    ) -> Result<SocialConnection, ConnectionError> {
        // Read again under the lock: another process may have refreshed while we waited.
        let mut connection = self.get(user, id).await?;
        let now = self.ports.clock.now();
        if within.is_some_and(|margin| !connection.is_token_expired(now, margin)) {
            return Ok(connection);
        }
        let Some(sealed_refresh) = connection.refresh_token_encrypted.clone() else {
            if connection.is_token_expired(now, time::Duration::ZERO) {
                self.save_needs_reauth(&mut connection).await?;
                return Err(ConnectionError::NeedsReauth(id));
            }
            return Err(ConnectionError::NotRefreshable(id));
        };
        let client = self.login_client(connection.platform, connection.login)?;
        let refresh_token = self.open(TokenSlot::refresh(id), &sealed_refresh)?;
        match refreshed_tokens(client.as_ref(), &connection, &refresh_token).await {
            Ok(RefreshedTokens {
                grant,
                access_token,
                expires_in,
            }) => {
                let now = self.ports.clock.now();
                let update = TokenUpdate {
                    access_token_encrypted: self.seal(TokenSlot::access(id), &access_token)?,
                    refresh_token_encrypted: grant
                        .refresh_token
                        .as_ref()
                        .map(|r| self.seal(TokenSlot::refresh(id), r))
                        .transpose()?,
                    expires_at: expires_in.map(|d| now + d),
                    refresh_expires_at: grant.refresh_expires_in.map(|d| now + d),
                };
                connection.update_tokens(update, now);
                if !grant.scopes.is_empty() {
                    connection.scopes = grant.scopes;
                }
                self.ports.connections.save(&connection).await?;
                tracing::info!(connection_id = %id, platform = %connection.platform, "tokens refreshed");
                self.metrics
                    .token_refresh(connection.platform, RefreshOutcome::Refreshed);
                Ok(connection)
            }
            Err(error) if error.kind == PlatformErrorKind::Auth => {
                tracing::warn!(connection_id = %id, platform = %connection.platform, %error, "refresh refused: connection needs reauth");
                self.metrics
                    .token_refresh(connection.platform, RefreshOutcome::NeedsReauth);
                self.save_needs_reauth(&mut connection).await?;
                Err(ConnectionError::NeedsReauth(id))
            }
            Err(error) => {
                self.metrics
                    .token_refresh(connection.platform, RefreshOutcome::Failed);
                Err(error.into())
            }
        }
    }
}

/// New tokens for one connection.
struct RefreshedTokens {
    grant: TokenGrant,
    access_token: SecretString,
    expires_in: Option<time::Duration>,
}

/// Refreshes the grant; for accounts with tokens of their own (Facebook Pages) also fetches
/// the account's new token through the refreshed grant.
async fn refreshed_tokens(
    client: &dyn PlatformClient,
    connection: &SocialConnection,
    refresh_token: &SecretString,
) -> Result<RefreshedTokens, PlatformError> {
    let grant = client.refresh(refresh_token).await?;
    if !client.accounts_have_own_tokens() {
        return Ok(RefreshedTokens {
            access_token: grant.access_token.clone(),
            expires_in: grant.expires_in,
            grant,
        });
    }
    let account = client
        .list_accounts(&grant)
        .await?
        .into_iter()
        .find(|a| a.external_user_id == connection.external_user_id)
        .ok_or_else(|| PlatformError {
            platform: connection.platform,
            kind: PlatformErrorKind::Auth,
            code: None,
            message: "the account is no longer reachable through this authorization".into(),
            http_status: None,
            retry_after: None,
        })?;
    Ok(RefreshedTokens {
        access_token: account
            .access_token
            .unwrap_or_else(|| grant.access_token.clone()),
        expires_in: account.expires_in,
        grant,
    })
}
