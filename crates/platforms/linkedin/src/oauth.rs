//! LinkedIn OAuth 2.0 (3-legged, web server flow): consent URL, code exchange, refresh
//! (apps approved for programmatic refresh tokens) and revocation.

use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{ClientAuth, authorization_url, redact, request_token};
use socialpub_ports::{PlatformError, TokenGrant};
use url::Url;

use crate::client::LinkedinClient;
use crate::errors::classify_token;

impl LinkedinClient {
    /// `{oauth_base}/oauth/v2/authorization?response_type=code&client_id&redirect_uri&state&scope`
    /// with every configured scope, space-delimited.
    pub fn consent_url(&self, state: &SecretString, redirect_uri: &Url) -> Url {
        authorization_url(
            &self.config.oauth_base_url,
            "oauth/v2/authorization",
            &[
                ("response_type", "code"),
                ("client_id", &self.config.client_id),
                ("redirect_uri", redirect_uri.as_str()),
                ("state", state.expose()),
                ("scope", &self.config.scopes.join(" ")),
            ],
        )
    }

    fn token_url(&self) -> Result<Url, PlatformError> {
        self.oauth_url(&["oauth", "v2", "accessToken"])
    }

    /// `POST {oauth_base}/oauth/v2/accessToken` with `grant_type=authorization_code`. The grant
    /// has a refresh token (and its lifetime) only for apps LinkedIn approved for them.
    ///
    /// # Errors
    /// [`socialpub_ports::PlatformErrorKind::Auth`] when the code is invalid, expired or used.
    pub async fn exchange_authorization_code(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
    ) -> Result<TokenGrant, PlatformError> {
        request_token(
            &self.http,
            Platform::Linkedin,
            &self.token_url()?,
            &[
                ("grant_type", "authorization_code"),
                ("code", code.expose()),
                ("redirect_uri", redirect_uri.as_str()),
            ],
            Some((
                &self.config.client_id,
                &self.config.client_secret,
                ClientAuth::FormBody,
            )),
            classify_token,
        )
        .await
        .map_err(|error| redact(error, &[code, &self.config.client_secret]))
    }

    /// `POST {oauth_base}/oauth/v2/accessToken` with `grant_type=refresh_token`. LinkedIn does
    /// not rotate refresh tokens (their 365-day lifetime does not reset); when the answer
    /// omits the refresh token the one passed in is kept.
    ///
    /// # Errors
    /// [`socialpub_ports::PlatformErrorKind::Auth`] when the refresh token is invalid,
    /// expired or revoked.
    pub async fn refresh_access_token(
        &self,
        refresh_token: &SecretString,
    ) -> Result<TokenGrant, PlatformError> {
        let mut grant = request_token(
            &self.http,
            Platform::Linkedin,
            &self.token_url()?,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose()),
            ],
            Some((
                &self.config.client_id,
                &self.config.client_secret,
                ClientAuth::FormBody,
            )),
            classify_token,
        )
        .await
        .map_err(|error| redact(error, &[refresh_token, &self.config.client_secret]))?;
        if grant.refresh_token.is_none() {
            grant.refresh_token = Some(refresh_token.clone());
        }
        Ok(grant)
    }

    /// `POST {oauth_base}/oauth/v2/revoke` (form: `client_id`, `client_secret`, `token`),
    /// RFC 7009 style; 200 with an empty body.
    ///
    /// # Errors
    /// The classified failure; an already invalid token is whatever LinkedIn says it is.
    pub async fn revoke_token(&self, token: &SecretString) -> Result<(), PlatformError> {
        let url = self.oauth_url(&["oauth", "v2", "revoke"])?;
        let request = self.http.post(url).form(&[
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose()),
            ("token", token.expose()),
        ]);
        self.call_empty(
            request,
            classify_token,
            &[token, &self.config.client_secret],
        )
        .await
    }
}
