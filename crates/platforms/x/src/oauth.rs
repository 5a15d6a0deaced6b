use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{ClientAuth, authorization_url, request_token, send_json};
use socialpub_ports::{AuthorizationRequest, PlatformError, TokenGrant};
use url::Url;

use crate::client::XClient;
use crate::errors::classify;
use crate::wire::RevokeResponse;

impl XClient {
    /// `{oauth_base}/i/oauth2/authorize` with `response_type=code`, the client id, the
    /// redirect URI, space-separated scopes, `state` and the S256 PKCE challenge.
    pub fn authorize_url(&self, request: &AuthorizationRequest<'_>) -> Url {
        let scope = self.config.scopes.join(" ");
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", self.config.client_id.as_str()),
            ("redirect_uri", request.redirect_uri.as_str()),
            ("scope", scope.as_str()),
            ("state", request.state.expose()),
        ];
        if let Some(challenge) = request.code_challenge {
            params.push(("code_challenge", challenge));
            params.push(("code_challenge_method", "S256"));
        }
        authorization_url(&self.config.oauth_base_url, "/i/oauth2/authorize", &params)
    }

    /// `POST {api_base}/2/oauth2/token` with `grant_type=authorization_code`, HTTP Basic
    /// client authentication and the PKCE `code_verifier`. The code lives about 30 seconds.
    ///
    /// # Errors
    /// Auth for an invalid, expired or reused code or a wrong verifier.
    pub async fn exchange_authorization_code(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
        code_verifier: Option<&SecretString>,
    ) -> Result<TokenGrant, PlatformError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri.as_str()),
        ];
        if let Some(verifier) = code_verifier {
            form.push(("code_verifier", verifier.expose()));
        }
        self.token(&form).await
    }

    /// `POST {api_base}/2/oauth2/token` with `grant_type=refresh_token`. X rotates refresh
    /// tokens: the returned grant holds a new one and the old one is dead, so store it before
    /// using the new access token.
    ///
    /// # Errors
    /// Auth when the refresh token is invalid, reused or revoked.
    pub async fn refresh_token(
        &self,
        refresh_token: &SecretString,
    ) -> Result<TokenGrant, PlatformError> {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ])
        .await
    }

    /// `POST {api_base}/2/oauth2/revoke` with `token` and `token_type_hint=access_token`.
    ///
    /// # Errors
    /// As classified by [`classify`](crate::classify).
    pub async fn revoke_token(&self, access_token: &SecretString) -> Result<(), PlatformError> {
        let request = self
            .http
            .post(self.api_url("/2/oauth2/revoke"))
            .basic_auth(
                &self.config.client_id,
                Some(self.config.client_secret.expose()),
            )
            .form(&[
                ("token", access_token.expose()),
                ("token_type_hint", "access_token"),
            ]);
        let response: RevokeResponse = send_json(request, Platform::X, classify).await?;
        if response.revoked == Some(false) {
            tracing::warn!(platform = "x", "X answered revoked=false");
        }
        Ok(())
    }

    async fn token(&self, form: &[(&str, &str)]) -> Result<TokenGrant, PlatformError> {
        request_token(
            &self.http,
            Platform::X,
            &self.api_url("/2/oauth2/token"),
            form,
            Some((
                &self.config.client_id,
                &self.config.client_secret,
                ClientAuth::Basic,
            )),
            classify,
        )
        .await
    }
}
