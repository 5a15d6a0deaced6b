use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::{ConnectionId, LoginPath, Platform, UserId};

/// A token sealed by the token cipher. The domain never sees a plaintext token; it only
/// carries the ciphertext between the cipher and the store.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptedToken(Vec<u8>);

impl EncryptedToken {
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// Ciphertext is not secret, but printing it helps nobody and invites copy-paste into tickets.
impl fmt::Debug for EncryptedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptedToken({} bytes)", self.0.len())
    }
}

/// Whether a connection can be used without the user's help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    Active,
    /// The platform refused our tokens (revoked, expired refresh token, password change): the
    /// user must go through the connect flow again.
    NeedsReauth,
}

impl ConnectionStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Active => "active",
            ConnectionStatus::NeedsReauth => "needs_reauth",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "active" => Some(ConnectionStatus::Active),
            "needs_reauth" => Some(ConnectionStatus::NeedsReauth),
            _ => None,
        }
    }
}

/// One publishable account on one platform, owned by one user.
#[derive(Debug, Clone, PartialEq)]
pub struct SocialConnection {
    pub id: ConnectionId,
    pub user_id: UserId,
    pub platform: Platform,
    /// The account's id at the platform (page id, IG user id, LinkedIn URN, ...).
    pub external_user_id: String,
    pub external_display_name: String,
    pub access_token_encrypted: EncryptedToken,
    pub refresh_token_encrypted: Option<EncryptedToken>,
    pub expires_at: Option<OffsetDateTime>,
    pub refresh_expires_at: Option<OffsetDateTime>,
    pub scopes: Vec<String>,
    pub status: ConnectionStatus,
    /// The login the account was connected through: refresh and revocation go to its
    /// endpoints (an Instagram account connected through Facebook Login renews and revokes on
    /// Facebook). [`SocialConnection::new`] makes it the platform's own; the connect flow sets
    /// it.
    pub login: LoginPath,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// What a fresh grant gives us for one account.
#[derive(Debug, Clone)]
pub struct NewConnection {
    pub id: ConnectionId,
    pub user_id: UserId,
    pub platform: Platform,
    pub external_user_id: String,
    pub external_display_name: String,
    pub access_token_encrypted: EncryptedToken,
    pub refresh_token_encrypted: Option<EncryptedToken>,
    pub expires_at: Option<OffsetDateTime>,
    pub refresh_expires_at: Option<OffsetDateTime>,
    pub scopes: Vec<String>,
}

/// New tokens from a refresh. A platform that does not rotate refresh tokens sends none, and
/// the one we hold stays valid.
#[derive(Debug, Clone)]
pub struct TokenUpdate {
    pub access_token_encrypted: EncryptedToken,
    pub refresh_token_encrypted: Option<EncryptedToken>,
    pub expires_at: Option<OffsetDateTime>,
    pub refresh_expires_at: Option<OffsetDateTime>,
}

impl SocialConnection {
    pub fn new(new: NewConnection, now: OffsetDateTime) -> Self {
        Self {
            id: new.id,
            user_id: new.user_id,
            platform: new.platform,
            external_user_id: new.external_user_id,
            external_display_name: new.external_display_name,
            access_token_encrypted: new.access_token_encrypted,
            refresh_token_encrypted: new.refresh_token_encrypted,
            expires_at: new.expires_at,
            refresh_expires_at: new.refresh_expires_at,
            scopes: new.scopes,
            status: ConnectionStatus::Active,
            login: LoginPath::Native,
            created_at: now,
            updated_at: now,
        }
    }

    /// True when the access token has expired or will within `skew`, so callers refresh it
    /// before a platform call rather than after a 401. Tokens without an expiry (Facebook page
    /// tokens) never expire by time.
    pub fn is_token_expired(&self, now: OffsetDateTime, skew: Duration) -> bool {
        self.expires_at
            .is_some_and(|expires_at| now + skew >= expires_at)
    }

    /// Whole seconds until the access token expires (negative once it has), if it expires.
    pub fn expires_in(&self, now: OffsetDateTime) -> Option<i64> {
        self.expires_at.map(|at| (at - now).whole_seconds())
    }

    /// Takes freshly refreshed tokens. The connection becomes usable again.
    pub fn update_tokens(&mut self, update: TokenUpdate, now: OffsetDateTime) {
        self.access_token_encrypted = update.access_token_encrypted;
        if let Some(refresh) = update.refresh_token_encrypted {
            self.refresh_token_encrypted = Some(refresh);
        }
        self.expires_at = update.expires_at;
        if update.refresh_expires_at.is_some() {
            self.refresh_expires_at = update.refresh_expires_at;
        }
        self.status = ConnectionStatus::Active;
        self.updated_at = now;
    }

    /// The platform no longer accepts our tokens; the user must reconnect.
    pub fn mark_needs_reauth(&mut self, now: OffsetDateTime) {
        self.status = ConnectionStatus::NeedsReauth;
        self.updated_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn connection(expires_at: Option<OffsetDateTime>) -> SocialConnection {
        SocialConnection::new(
            NewConnection {
                id: ConnectionId::new(),
                user_id: UserId::parse("u1").unwrap(),
                platform: Platform::X,
                external_user_id: "42".into(),
                external_display_name: "@someone".into(),
                access_token_encrypted: EncryptedToken::from_bytes(vec![1, 2, 3]),
                refresh_token_encrypted: Some(EncryptedToken::from_bytes(vec![4])),
                expires_at,
                refresh_expires_at: None,
                scopes: vec!["tweet.write".into()],
            },
            datetime!(2026-01-01 00:00 UTC),
        )
    }

    #[test]
    fn a_token_counts_as_expired_within_the_skew() {
        let c = connection(Some(datetime!(2026-01-01 02:00 UTC)));
        let skew = Duration::minutes(5);
        assert!(!c.is_token_expired(datetime!(2026-01-01 01:54 UTC), skew));
        assert!(c.is_token_expired(datetime!(2026-01-01 01:55 UTC), skew));
        assert!(c.is_token_expired(datetime!(2026-01-01 03:00 UTC), skew));
    }

    #[test]
    fn a_token_without_expiry_never_expires() {
        let c = connection(None);
        assert!(!c.is_token_expired(datetime!(2099-01-01 00:00 UTC), Duration::hours(1)));
        assert_eq!(c.expires_in(datetime!(2099-01-01 00:00 UTC)), None);
    }

    #[test]
    fn updating_tokens_keeps_the_refresh_token_when_none_is_sent_and_reactivates() {
        let mut c = connection(Some(datetime!(2026-01-01 02:00 UTC)));
        c.mark_needs_reauth(datetime!(2026-01-01 01:00 UTC));
        assert_eq!(c.status, ConnectionStatus::NeedsReauth);
        let now = datetime!(2026-01-01 01:30 UTC);
        c.update_tokens(
            TokenUpdate {
                access_token_encrypted: EncryptedToken::from_bytes(vec![9]),
                refresh_token_encrypted: None,
                expires_at: Some(datetime!(2026-01-01 03:30 UTC)),
                refresh_expires_at: None,
            },
            now,
        );
        assert_eq!(c.access_token_encrypted.as_bytes(), &[9]);
        assert_eq!(
            c.refresh_token_encrypted,
            Some(EncryptedToken::from_bytes(vec![4]))
        );
        assert_eq!(c.status, ConnectionStatus::Active);
        assert_eq!(c.updated_at, now);
        assert_eq!(c.expires_in(now), Some(7200));
    }

    #[test]
    fn rotated_refresh_tokens_replace_the_old_one() {
        let mut c = connection(None);
        c.update_tokens(
            TokenUpdate {
                access_token_encrypted: EncryptedToken::from_bytes(vec![9]),
                refresh_token_encrypted: Some(EncryptedToken::from_bytes(vec![7])),
                expires_at: None,
                refresh_expires_at: None,
            },
            datetime!(2026-01-01 00:10 UTC),
        );
        assert_eq!(
            c.refresh_token_encrypted,
            Some(EncryptedToken::from_bytes(vec![7]))
        );
    }

    #[test]
    fn debug_output_hides_ciphertext() {
        let c = connection(None);
        let printed = format!("{c:?}");
        assert!(printed.contains("EncryptedToken(3 bytes)"));
    }
}
