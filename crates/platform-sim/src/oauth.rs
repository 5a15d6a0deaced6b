//! Shared OAuth machinery: request parameters, random tokens, PKCE, client authentication,
//! authorization codes, grants and tokens.

use actix_web::HttpRequest;
use actix_web::http::header;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore as _;
use socialpub_domain::Platform;
use time::{Duration, OffsetDateTime};

use crate::state::SimState;

// ---------------------------------------------------------------------------------------------
// Request parameters

/// Decoded `application/x-www-form-urlencoded` pairs (query string or body), in order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn from_query(req: &HttpRequest) -> Self {
        Self::parse(req.query_string().as_bytes())
    }

    pub(crate) fn parse(bytes: &[u8]) -> Self {
        Self(
            url::form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, if present and non-empty.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Every pair, in order.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// Append every pair of `other` (body parameters after query parameters, say).
    pub(crate) fn merged(mut self, other: Params) -> Self {
        self.0.extend(other.0);
        self
    }
}

/// True when the request body is declared as a form (`application/x-www-form-urlencoded`).
pub(crate) fn is_form(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
        .unwrap_or(false)
}

/// `Authorization: Bearer <token>` (scheme case-insensitive). Meta also accepts `OAuth <token>`.
pub(crate) fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    if (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth"))
        && !token.is_empty()
    {
        Some(token.to_owned())
    } else {
        None
    }
}

/// What the `Authorization: Basic` header held.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BasicAuth {
    Missing,
    Malformed,
    Present { client_id: String, secret: String },
}

pub(crate) fn basic_auth(req: &HttpRequest) -> BasicAuth {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return BasicAuth::Missing;
    };
    let Some((scheme, encoded)) = value.to_str().ok().and_then(|v| v.trim().split_once(' ')) else {
        return BasicAuth::Malformed;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return BasicAuth::Missing;
    }
    let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
        return BasicAuth::Malformed;
    };
    let Ok(text) = String::from_utf8(decoded) else {
        return BasicAuth::Malformed;
    };
    let Some((id, secret)) = text.split_once(':') else {
        return BasicAuth::Malformed;
    };
    // RFC 6749 2.3.1: both parts are form-urlencoded before base64.
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    BasicAuth::Present {
        client_id: unescape(id),
        secret: unescape(secret),
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness and PKCE

/// `prefix` + `bytes` random bytes as base64url (no padding).
pub(crate) fn random_token(prefix: &str, bytes: usize) -> String {
    let mut buf = vec![0_u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(buf))
}

/// A random alphanumeric string (trace ids, log ids, cursors).
pub(crate) fn random_alnum(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut buf = vec![0_u8; len];
    rand::rng().fill_bytes(&mut buf);
    buf.iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// PKCE `code_challenge_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PkceMethod {
    S256,
    Plain,
}

/// How a platform encodes an S256 challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChallengeEncoding {
    /// RFC 7636: base64url(SHA-256(verifier)), no padding.
    Base64Url,
    /// TikTok: lowercase hex SHA-256(verifier).
    Hex,
}

/// A challenge recorded at authorize time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub(crate) value: String,
    pub(crate) method: PkceMethod,
    pub(crate) encoding: ChallengeEncoding,
}

impl Challenge {
    pub(crate) fn verify(&self, verifier: &str) -> bool {
        if !verifier_is_well_formed(verifier) {
            return false;
        }
        let expected = match self.method {
            PkceMethod::Plain => verifier.to_owned(),
            PkceMethod::S256 => {
                let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
                match self.encoding {
                    ChallengeEncoding::Base64Url => URL_SAFE_NO_PAD.encode(digest.as_ref()),
                    ChallengeEncoding::Hex => {
                        digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
                    }
                }
            }
        };
        secret_eq(&expected, &self.value)
    }
}

/// RFC 7636 4.1: 43–128 characters of `[A-Za-z0-9-._~]`.
pub(crate) fn verifier_is_well_formed(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Whether a challenge has the shape its method and encoding imply.
pub(crate) fn challenge_is_well_formed(
    value: &str,
    method: PkceMethod,
    encoding: ChallengeEncoding,
) -> bool {
    match (method, encoding) {
        (PkceMethod::Plain, _) => verifier_is_well_formed(value),
        (PkceMethod::S256, ChallengeEncoding::Base64Url) => {
            value.len() == 43
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        }
        (PkceMethod::S256, ChallengeEncoding::Hex) => {
            value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
        }
    }
}

/// String comparison for secrets whose time does not depend on where the strings differ.
pub(crate) fn secret_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------------------------
// Codes, grants, tokens

/// A consent page waiting for Approve / Deny.
#[derive(Debug, Clone)]
pub(crate) struct PendingAuthorization {
    pub(crate) platform: Platform,
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) state: String,
    pub(crate) challenge: Option<Challenge>,
    pub(crate) expires_at: OffsetDateTime,
}

/// An issued authorization code.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub(crate) platform: Platform,
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) challenge: Option<Challenge>,
    pub(crate) expires_at: OffsetDateTime,
    pub(crate) used: bool,
}

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeError {
    Unknown,
    Used,
    Expired,
    WrongClient,
    RedirectMismatch,
    VerifierMissing,
    VerifierMismatch,
}

/// One user authorization of one app; every token belongs to one grant.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) platform: Platform,
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) revoked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Access,
    Refresh,
}

/// Meta-specific token kinds; everything else is `Standard`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Flavor {
    Standard,
    MetaShortLived,
    MetaLongLived,
    FacebookPage(String),
}

#[derive(Debug, Clone)]
pub(crate) struct TokenRecord {
    pub(crate) platform: Platform,
    pub(crate) grant: u64,
    pub(crate) kind: TokenKind,
    pub(crate) flavor: Flavor,
    pub(crate) issued_at: OffsetDateTime,
    pub(crate) expires_at: Option<OffsetDateTime>,
    pub(crate) revoked: bool,
    /// A rotated refresh token (already exchanged once).
    pub(crate) rotated: bool,
}

/// A valid access token, as the API handlers see it.
#[derive(Debug, Clone)]
pub(crate) struct AccessInfo {
    pub(crate) grant: u64,
    pub(crate) scopes: Vec<String>,
    pub(crate) flavor: Flavor,
    pub(crate) issued_at: OffsetDateTime,
    pub(crate) expires_at: Option<OffsetDateTime>,
}

impl AccessInfo {
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenError {
    Missing,
    Unknown,
    Expired(OffsetDateTime),
    Revoked,
}

/// A refresh token that may be exchanged.
#[derive(Debug, Clone)]
pub(crate) struct RefreshInfo {
    pub(crate) grant: u64,
    pub(crate) scopes: Vec<String>,
    pub(crate) expires_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshError {
    Unknown,
    WrongClient,
    Expired,
    Revoked,
    /// Already exchanged once (rotation).
    Reused,
}

/// A freshly issued token and its lifetime in seconds (`None` = never expires).
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) token: String,
    pub(crate) expires_in: Option<i64>,
}

impl Issued {
    /// `expires_in` for a JSON body: never negative.
    pub(crate) fn expires_in_json(&self) -> i64 {
        self.expires_in.unwrap_or(0).max(0)
    }
}

impl SimState {
    /// Random token with the platform's look.
    fn mint(platform: Platform, kind: TokenKind, flavor: &Flavor) -> String {
        match (platform, kind) {
            (Platform::X, _) => random_token("", 64),
            (Platform::Pinterest, TokenKind::Access) => random_token("pina_", 48),
            (Platform::Pinterest, TokenKind::Refresh) => random_token("pinr_", 48),
            (Platform::Tiktok, TokenKind::Access) => random_token("act.", 48),
            (Platform::Tiktok, TokenKind::Refresh) => random_token("rft.", 48),
            (Platform::Facebook, _) => match flavor {
                Flavor::FacebookPage(_) => random_token("EAAPage", 96),
                _ => random_token("EAASim", 96),
            },
            (Platform::Instagram, _) => random_token("IGAA", 96),
            (Platform::Linkedin, _) => random_token("AQV", 256),
        }
    }

    /// Remember a code for `pending`'s authorization; returns the code.
    pub(crate) fn issue_code(&mut self, pending: &PendingAuthorization) -> String {
        self.sweep();
        let code = random_token("", 32);
        let expires_at = self.now() + Duration::seconds(self.config.code_ttl_seconds);
        self.codes.insert(
            code.clone(),
            AuthCode {
                platform: pending.platform,
                client_id: pending.client_id.clone(),
                redirect_uri: pending.redirect_uri.clone(),
                scopes: pending.scopes.clone(),
                challenge: pending.challenge.clone(),
                expires_at,
                used: false,
            },
        );
        self.stats_mut(pending.platform).codes_issued += 1;
        code
    }

    /// Redeem a code (single use) and create a grant for it.
    pub(crate) fn redeem_code(
        &mut self,
        platform: Platform,
        code: &str,
        client_id: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
    ) -> Result<u64, CodeError> {
        let now = self.now();
        let record = match self.codes.get_mut(code) {
            Some(r) if r.platform == platform => r,
            _ => return Err(CodeError::Unknown),
        };
        if record.used {
            return Err(CodeError::Used);
        }
        if record.expires_at <= now {
            return Err(CodeError::Expired);
        }
        if record.client_id != client_id {
            return Err(CodeError::WrongClient);
        }
        if redirect_uri != Some(record.redirect_uri.as_str()) {
            return Err(CodeError::RedirectMismatch);
        }
        if let Some(challenge) = &record.challenge {
            match verifier {
                None => return Err(CodeError::VerifierMissing),
                Some(v) if !challenge.verify(v) => return Err(CodeError::VerifierMismatch),
                Some(_) => {}
            }
        }
        record.used = true;
        let scopes = record.scopes.clone();
        let client_id = record.client_id.clone();
        self.stats_mut(platform).codes_redeemed += 1;
        Ok(self.new_grant(platform, client_id, scopes))
    }

    pub(crate) fn new_grant(
        &mut self,
        platform: Platform,
        client_id: String,
        scopes: Vec<String>,
    ) -> u64 {
        let id = self.next_grant;
        self.next_grant += 1;
        self.grants.insert(
            id,
            Grant {
                platform,
                client_id,
                scopes,
                revoked: false,
            },
        );
        id
    }

    /// Issue a token of `grant`. `ttl` None = never expires.
    pub(crate) fn issue(
        &mut self,
        grant: u64,
        kind: TokenKind,
        flavor: Flavor,
        ttl: Option<i64>,
    ) -> Issued {
        let platform = self
            .grants
            .get(&grant)
            .map(|g| g.platform)
            .unwrap_or(Platform::X);
        let now = self.now();
        let token = Self::mint(platform, kind, &flavor);
        self.tokens.insert(
            token.clone(),
            TokenRecord {
                platform,
                grant,
                kind,
                flavor,
                issued_at: now,
                expires_at: ttl.map(|s| now + Duration::seconds(s)),
                revoked: false,
                rotated: false,
            },
        );
        let stats = self.stats_mut(platform);
        match kind {
            TokenKind::Access => stats.access_tokens_issued += 1,
            TokenKind::Refresh => stats.refresh_tokens_issued += 1,
        }
        Issued {
            token,
            expires_in: ttl,
        }
    }

    /// Access-token lifetime to use now (runtime override, else configured).
    pub(crate) fn access_ttl(&self, platform: Platform) -> i64 {
        self.knobs
            .get(&platform)
            .and_then(|k| k.access_token_ttl_seconds)
            .unwrap_or_else(|| self.config.lifetimes(platform).access_seconds)
    }

    /// Meta long-lived lifetime to use now.
    pub(crate) fn long_lived_ttl(&self, platform: Platform) -> i64 {
        self.knobs
            .get(&platform)
            .and_then(|k| k.access_token_ttl_seconds)
            .or(self.config.lifetimes(platform).long_lived_access_seconds)
            .unwrap_or(5_183_944)
    }

    /// Refresh-token lifetime to use now (None = platform issues no refresh tokens).
    pub(crate) fn refresh_ttl(&self, platform: Platform) -> Option<i64> {
        let configured = self.config.lifetimes(platform).refresh_seconds;
        match self
            .knobs
            .get(&platform)
            .and_then(|k| k.refresh_token_ttl_seconds)
        {
            Some(ttl) if configured.is_some() => Some(ttl),
            _ => configured,
        }
    }

    pub(crate) fn grant_scopes(&self, grant: u64) -> Vec<String> {
        self.grants
            .get(&grant)
            .map(|g| g.scopes.clone())
            .unwrap_or_default()
    }

    pub(crate) fn token_usable(&self, record: &TokenRecord, now: OffsetDateTime) -> bool {
        !record.revoked
            && !record.rotated
            && !self.grants.get(&record.grant).is_none_or(|g| g.revoked)
            && record.expires_at.is_none_or(|e| e > now)
    }

    /// Check an access token presented to `platform`'s API.
    pub(crate) fn check_access(
        &self,
        platform: Platform,
        token: Option<&str>,
    ) -> Result<AccessInfo, TokenError> {
        let token = token.ok_or(TokenError::Missing)?;
        let record = self
            .tokens
            .get(token)
            .filter(|r| r.platform == platform && r.kind == TokenKind::Access)
            .ok_or(TokenError::Unknown)?;
        let grant = self.grants.get(&record.grant).ok_or(TokenError::Unknown)?;
        if record.revoked || grant.revoked {
            return Err(TokenError::Revoked);
        }
        if let Some(expires_at) = record.expires_at
            && expires_at <= self.now()
        {
            return Err(TokenError::Expired(expires_at));
        }
        Ok(AccessInfo {
            grant: record.grant,
            scopes: grant.scopes.clone(),
            flavor: record.flavor.clone(),
            issued_at: record.issued_at,
            expires_at: record.expires_at,
        })
    }

    /// Check a refresh token; `rotate` marks it used so a second exchange is refused.
    pub(crate) fn use_refresh(
        &mut self,
        platform: Platform,
        token: &str,
        client_id: &str,
        rotate: bool,
    ) -> Result<RefreshInfo, RefreshError> {
        let now = self.now();
        let record = self
            .tokens
            .get(token)
            .filter(|r| r.platform == platform && r.kind == TokenKind::Refresh)
            .cloned()
            .ok_or(RefreshError::Unknown)?;
        let grant = self
            .grants
            .get(&record.grant)
            .cloned()
            .ok_or(RefreshError::Unknown)?;
        if grant.client_id != client_id {
            return Err(RefreshError::WrongClient);
        }
        if record.revoked || grant.revoked {
            return Err(RefreshError::Revoked);
        }
        if record.rotated {
            return Err(RefreshError::Reused);
        }
        if record.expires_at.is_some_and(|e| e <= now) {
            return Err(RefreshError::Expired);
        }
        if rotate && let Some(r) = self.tokens.get_mut(token) {
            r.rotated = true;
        }
        self.stats_mut(platform).refreshes += 1;
        Ok(RefreshInfo {
            grant: record.grant,
            scopes: grant.scopes,
            expires_at: record.expires_at,
        })
    }

    /// The grant a token belongs to, when the token is known to `platform`.
    pub(crate) fn grant_of(&self, platform: Platform, token: &str) -> Option<u64> {
        self.tokens
            .get(token)
            .filter(|r| r.platform == platform)
            .map(|r| r.grant)
    }

    /// Revoke a whole grant and every token in it. Returns how many tokens became revoked.
    pub(crate) fn revoke_grant(&mut self, grant: u64) -> u64 {
        let Some(g) = self.grants.get_mut(&grant) else {
            return 0;
        };
        g.revoked = true;
        let platform = g.platform;
        let mut count = 0;
        for record in self.tokens.values_mut().filter(|t| t.grant == grant) {
            if !record.revoked {
                record.revoked = true;
                count += 1;
            }
        }
        self.stats_mut(platform).tokens_revoked += count;
        count
    }

    /// Knob `revoke_all`: revoke every grant of `platform`.
    pub(crate) fn revoke_all(&mut self, platform: Platform) {
        let ids: Vec<u64> = self
            .grants
            .iter()
            .filter(|(_, g)| g.platform == platform && !g.revoked)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.revoke_grant(id);
        }
    }

    /// Knob `expire_all_tokens`: every access token of `platform` (Page tokens too) expires now.
    pub(crate) fn expire_all(&mut self, platform: Platform, refresh_too: bool) {
        let past = self.now() - Duration::seconds(1);
        for record in self.tokens.values_mut().filter(|t| t.platform == platform) {
            if record.kind == TokenKind::Access || refresh_too {
                record.expires_at = Some(past);
            }
        }
    }
}

/// Split a scope parameter by the platform's separator.
pub(crate) fn split_scopes(raw: &str, comma: bool, space: bool) -> Vec<String> {
    raw.split(|c: char| (comma && c == ',') || (space && c.is_whitespace()))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
