use reqwest::StatusCode;
use reqwest::header::{ACCEPT, HeaderMap};
use serde::Deserialize;
use socialpub_domain::{Platform, SecretString};
use socialpub_ports::{PlatformError, PlatformErrorKind, TokenGrant};
use time::Duration;
use url::Url;

use crate::classify::{malformed_body, platform_error, transport_error};

/// How the client authenticates at the token endpoint (RFC 6749 section 2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `Authorization: Basic base64(client_id:client_secret)` (X, Pinterest).
    Basic,
    /// `client_id` and `client_secret` as form fields (Meta, LinkedIn).
    FormBody,
}

/// Posts `form` to a token endpoint and reads the grant.
///
/// `credentials` adds the client authentication; pass `None` when the form already carries
/// it under other names (TikTok's `client_key`). Failures go through `classify`, as does a
/// 200 response whose body is an error (some platforms answer errors with 200).
///
/// # Errors
/// Transport failures (Transient), the classifier's verdict on error responses, and
/// InvalidRequest for a success body without an access token. No error carries a token.
pub async fn request_token(
    client: &reqwest::Client,
    platform: Platform,
    token_url: &Url,
    form: &[(&str, &str)],
    credentials: Option<(&str, &SecretString, ClientAuth)>,
    classify: fn(Platform, StatusCode, &HeaderMap, &[u8]) -> PlatformError,
) -> Result<TokenGrant, PlatformError> {
    let mut fields: Vec<(&str, &str)> = form.to_vec();
    let mut request = client
        .post(token_url.clone())
        .header(ACCEPT, "application/json");
    match credentials {
        Some((client_id, secret, ClientAuth::Basic)) => {
            request = request.basic_auth(client_id, Some(secret.expose()));
        }
        Some((client_id, secret, ClientAuth::FormBody)) => {
            fields.push(("client_id", client_id));
            fields.push(("client_secret", secret.expose()));
        }
        None => {}
    }
    let response = request
        .form(&fields)
        .send()
        .await
        .map_err(|e| transport_error(platform, &e))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| transport_error(platform, &e))?;
    if !status.is_success() {
        return Err(classify(platform, status, &headers, &body));
    }
    parse_token_response(platform, status, &body).map_err(|error| {
        if has_error_member(&body) {
            classify(platform, status, &headers, &body)
        } else {
            error
        }
    })
}

/// Reads a token response, tolerating the usual deviations from RFC 6749 section 5.1:
///
/// - fields wrapped in a `data` object;
/// - `expires_in` as a number (integer or float) or a numeric string;
/// - `scope` (or `scopes`) as a space- or comma-separated string or an array;
/// - the refresh lifetime as `refresh_token_expires_in` (LinkedIn, Pinterest) or
///   `refresh_expires_in` (TikTok);
/// - the account id as `open_id` (TikTok) or `user_id` (Instagram), put in `subject`;
/// - no `token_type`, unknown fields, an empty `refresh_token`.
///
/// # Errors
/// InvalidRequest when the body is not JSON or has no access token. The error never quotes
/// the body.
pub fn parse_token_response(
    platform: Platform,
    status: StatusCode,
    body: &[u8],
) -> Result<TokenGrant, PlatformError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| malformed_body(platform, status, &e))?;
    let object = match value.get("data") {
        Some(data) if value.get("access_token").is_none() && data.get("access_token").is_some() => {
            data.clone()
        }
        _ => value,
    };
    let raw: RawTokenResponse =
        serde_json::from_value(object).map_err(|e| malformed_body(platform, status, &e))?;
    let access_token = raw.access_token.filter(|t| !t.is_empty()).ok_or_else(|| {
        platform_error(
            platform,
            PlatformErrorKind::InvalidRequest,
            Some("malformed_response".to_owned()),
            "token response without an access token",
            Some(status),
            None,
        )
    })?;
    Ok(TokenGrant {
        access_token: SecretString::new(access_token),
        refresh_token: raw
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(SecretString::new),
        expires_in: raw.expires_in.and_then(Flexible::seconds),
        refresh_expires_in: raw.refresh_token_expires_in.and_then(Flexible::seconds),
        scopes: raw.scope.map(Scope::into_vec).unwrap_or_default(),
        subject: raw.open_id.or(raw.user_id).and_then(Flexible::text),
    })
}

fn has_error_member(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| {
        v.get("error").is_some() || v.get("data").and_then(|d| d.get("error")).is_some()
    })
}

/// RFC 6749 section 5.1 plus the platforms' variations. Secrets are plain `String`s only
/// until they are moved into a `SecretString`; this type has no `Debug`.
#[derive(Deserialize)]
struct RawTokenResponse {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<Flexible>,
    #[serde(default, alias = "refresh_expires_in")]
    refresh_token_expires_in: Option<Flexible>,
    #[serde(default, alias = "scopes")]
    scope: Option<Scope>,
    #[serde(default)]
    open_id: Option<Flexible>,
    #[serde(default)]
    user_id: Option<Flexible>,
}

/// A number or a string holding one.
#[derive(Deserialize)]
#[serde(untagged)]
enum Flexible {
    Integer(i64),
    Float(f64),
    Text(String),
    Other(serde::de::IgnoredAny),
}

impl Flexible {
    fn seconds(self) -> Option<Duration> {
        let seconds = match self {
            Flexible::Integer(n) => n,
            Flexible::Float(f) if f.is_finite() => f as i64,
            Flexible::Text(s) => {
                let s = s.trim();
                s.parse::<i64>().ok().or_else(|| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .map(|f| f as i64)
                })?
            }
            _ => return None,
        };
        (seconds >= 0).then(|| Duration::seconds(seconds))
    }

    fn text(self) -> Option<String> {
        match self {
            Flexible::Integer(n) => Some(n.to_string()),
            Flexible::Text(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Scope {
    Text(String),
    List(Vec<String>),
    Other(serde::de::IgnoredAny),
}

impl Scope {
    fn into_vec(self) -> Vec<String> {
        match self {
            Scope::Text(text) => text
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            Scope::List(list) => list.into_iter().filter(|s| !s.is_empty()).collect(),
            Scope::Other(_) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<TokenGrant, PlatformError> {
        parse_token_response(Platform::X, StatusCode::OK, body.as_bytes())
    }

    #[test]
    fn standard_response() -> Result<(), PlatformError> {
        let grant = parse(
            r#"{"token_type":"bearer","expires_in":7200,"access_token":"AT","scope":"tweet.read users.read offline.access","refresh_token":"RT"}"#,
        )?;
        assert_eq!(grant.access_token.expose(), "AT");
        assert_eq!(
            grant.refresh_token.as_ref().map(SecretString::expose),
            Some("RT")
        );
        assert_eq!(grant.expires_in, Some(Duration::hours(2)));
        assert_eq!(grant.scopes, ["tweet.read", "users.read", "offline.access"]);
        assert_eq!(grant.subject, None);
        Ok(())
    }

    #[test]
    fn string_and_float_lifetimes() -> Result<(), PlatformError> {
        let grant = parse(
            r#"{"access_token":"AT","expires_in":"5183944","refresh_expires_in":31536000.0}"#,
        )?;
        assert_eq!(grant.expires_in, Some(Duration::seconds(5_183_944)));
        assert_eq!(
            grant.refresh_expires_in,
            Some(Duration::seconds(31_536_000))
        );
        let grant =
            parse(r#"{"access_token":"AT","expires_in":"soon","refresh_token_expires_in":"60"}"#)?;
        assert_eq!(grant.expires_in, None);
        assert_eq!(grant.refresh_expires_in, Some(Duration::minutes(1)));
        Ok(())
    }

    #[test]
    fn scope_forms() -> Result<(), PlatformError> {
        assert_eq!(
            parse(r#"{"access_token":"AT","scope":"boards:read,pins:write"}"#)?.scopes,
            ["boards:read", "pins:write"]
        );
        assert_eq!(
            parse(r#"{"access_token":"AT","scope":"a, b  c"}"#)?.scopes,
            ["a", "b", "c"]
        );
        assert_eq!(
            parse(r#"{"access_token":"AT","scopes":["r_basicprofile","w_member_social"]}"#)?.scopes,
            ["r_basicprofile", "w_member_social"]
        );
        assert!(
            parse(r#"{"access_token":"AT","scope":null}"#)?
                .scopes
                .is_empty()
        );
        Ok(())
    }

    #[test]
    fn data_envelope_and_subject() -> Result<(), PlatformError> {
        let grant = parse(
            r#"{"data":{"access_token":"act.1","open_id":"open-9","refresh_token":"rft.1","expires_in":86400,"scope":"user.info.basic,video.publish"},"message":"success"}"#,
        )?;
        assert_eq!(grant.access_token.expose(), "act.1");
        assert_eq!(grant.subject.as_deref(), Some("open-9"));
        assert_eq!(grant.scopes, ["user.info.basic", "video.publish"]);
        let grant = parse(r#"{"access_token":"IG","user_id":17841400000000000}"#)?;
        assert_eq!(grant.subject.as_deref(), Some("17841400000000000"));
        Ok(())
    }

    #[test]
    fn missing_token_type_and_empty_refresh() -> Result<(), PlatformError> {
        let grant = parse(r#"{"access_token":"AT","refresh_token":""}"#)?;
        assert!(grant.refresh_token.is_none());
        assert_eq!(grant.expires_in, None);
        Ok(())
    }

    #[test]
    fn errors_never_quote_the_body() {
        for body in [
            r#"{"access_token":"#,
            r#"{"refresh_token":"canary-secret"}"#,
            r#"{"access_token":["canary-secret"]}"#,
            "canary-secret",
        ] {
            let error = parse(body).err();
            assert!(error.is_some(), "{body}");
            if let Some(error) = error {
                assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
                assert!(
                    !format!("{error} {error:?}").contains("canary"),
                    "{error:?}"
                );
            }
        }
    }
}
