use socialpub_domain::{Platform, SecretString};
use socialpub_platform_http::{authorization_url, request_token, s256_challenge_to_hex};
use socialpub_ports::{AuthorizationRequest, PlatformError, TokenGrant};
use url::Url;

use crate::client::TiktokClient;
use crate::errors::classify;

impl TiktokClient {
    /// `{oauth_base}/v2/auth/authorize/` with `client_key`, `response_type=code`,
    /// comma-separated `scope`, `redirect_uri`, `state` and the PKCE challenge.
    ///
    /// TikTok's Login Kit takes the S256 challenge as the **hex** SHA-256 of the verifier,
    /// not base64url (a deviation from RFC 7636), so the RFC challenge the caller passes is
    /// re-encoded as hex; the `code_verifier` sent at exchange is unchanged.
    pub fn authorize_url(&self, request: &AuthorizationRequest<'_>) -> Url {
        let scope = self.config.scopes.join(",");
        let challenge = request
            .code_challenge
            .map(|c| s256_challenge_to_hex(c).unwrap_or_else(|| c.to_owned()));
        let mut params = vec![
            ("client_key", self.config.client_id.as_str()),
            ("response_type", "code"),
            ("scope", scope.as_str()),
            ("redirect_uri", request.redirect_uri.as_str()),
            ("state", request.state.expose()),
        ];
        if let Some(challenge) = challenge.as_deref() {
            params.push(("code_challenge", challenge));
            params.push(("code_challenge_method", "S256"));
        }
        authorization_url(&self.config.oauth_base_url, "/v2/auth/authorize/", &params)
    }

    /// `POST {api_base}/v2/oauth/token/` with `client_key`, `client_secret`, `code`,
    /// `grant_type=authorization_code`, `redirect_uri` and `code_verifier`. The grant's
    /// `subject` is the user's `open_id`.
    ///
    /// # Errors
    /// Auth for an invalid or expired code (`invalid_grant`).
    pub async fn exchange_authorization_code(
        &self,
        code: &SecretString,
        redirect_uri: &Url,
        code_verifier: Option<&SecretString>,
    ) -> Result<TokenGrant, PlatformError> {
        let mut form = vec![
            ("code", code.expose()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", redirect_uri.as_str()),
        ];
        if let Some(verifier) = code_verifier {
            form.push(("code_verifier", verifier.expose()));
        }
        self.token(form).await
    }

    /// `POST {api_base}/v2/oauth/token/` with `grant_type=refresh_token`. TikTok returns a
    /// new refresh token (the old one stops working): store it.
    ///
    /// # Errors
    /// Auth when the refresh token is invalid or expired.
    pub async fn refresh_token(
        &self,
        refresh_token: &SecretString,
    ) -> Result<TokenGrant, PlatformError> {
        self.token(vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ])
        .await
    }

    /// `POST {api_base}/v2/oauth/revoke/` with `client_key`, `client_secret` and `token`.
    ///
    /// # Errors
    /// As classified by [`classify`](crate::classify), including error bodies sent with 200.
    pub async fn revoke_token(&self, access_token: &SecretString) -> Result<(), PlatformError> {
        let request = self.http.post(self.api_url("/v2/oauth/revoke/")).form(&[
            ("client_key", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose()),
            ("token", access_token.expose()),
        ]);
        let (status, body) = self.send(request).await?;
        let failed = serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| {
            match v.get("error") {
                Some(serde_json::Value::String(code)) => !code.is_empty(),
                Some(serde_json::Value::Object(error)) => error
                    .get("code")
                    .and_then(|c| c.as_str())
                    .is_some_and(|c| !c.is_empty() && c != "ok"),
                _ => false,
            }
        });
        if failed {
            return Err(classify(
                Platform::Tiktok,
                status,
                &Default::default(),
                &body,
            ));
        }
        Ok(())
    }

    async fn token(&self, mut form: Vec<(&str, &str)>) -> Result<TokenGrant, PlatformError> {
        form.insert(0, ("client_key", self.config.client_id.as_str()));
        form.insert(1, ("client_secret", self.config.client_secret.expose()));
        request_token(
            &self.http,
            Platform::Tiktok,
            &self.api_url("/v2/oauth/token/"),
            &form,
            None,
            classify,
        )
        .await
    }
}
