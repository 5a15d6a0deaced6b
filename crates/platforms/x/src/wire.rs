//! X API v2 wire types (OpenAPI 2.167: `GetUsersMeResponse`, `User`, `Problem`, `Error`).

use serde::Deserialize;

/// `GET /2/users/me` response.
#[derive(Debug, Clone, Deserialize)]
pub struct UsersMeResponse {
    #[serde(default)]
    pub data: Option<User>,
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

/// The fields of an X user we ask for.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// Numeric id as a string (up to 19 digits).
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Handle without `@`; needed to build post URLs.
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub profile_image_url: Option<String>,
    #[serde(default)]
    pub verified: Option<bool>,
    #[serde(default)]
    pub protected: Option<bool>,
}

/// An error body: a problem object (RFC 7807-like), `{"errors": [...]}` (v2 partial errors
/// or the legacy v1.1 shape), or both.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default, rename = "type")]
    pub problem_type: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
    /// Some gateways answer `{"code": .., "message": ..}` or `{"message": ..}`.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// One item of `errors`: a v2 problem or a legacy `{"code": 88, "message": "..."}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorItem {
    #[serde(default, rename = "type")]
    pub problem_type: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
}

/// `POST /2/oauth2/revoke` response.
#[derive(Debug, Clone, Deserialize)]
pub struct RevokeResponse {
    #[serde(default)]
    pub revoked: Option<bool>,
}
