//! TikTok API v2 wire types. TikTok publishes no OpenAPI spec; shapes follow the Login Kit
//! and Display API docs.

use serde::Deserialize;

/// Every v2 API response: `{"data": {...}, "error": {"code": "ok", ...}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope<T> {
    #[serde(default = "Option::default")]
    pub data: Option<T>,
    #[serde(default)]
    pub error: Option<ApiError>,
}

/// The `error` object; `code == "ok"` means success.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub log_id: Option<String>,
}

impl ApiError {
    pub fn is_ok(&self) -> bool {
        self.code.is_empty() || self.code == "ok"
    }
}

/// `data` of `GET /v2/user/info/`.
#[derive(Debug, Clone, Deserialize)]
pub struct UserInfoData {
    pub user: User,
}

/// The user fields we ask for (`open_id,union_id,avatar_url,display_name`, plus `username`
/// when `user.info.profile` is granted).
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// Per-app user id: the connection's external id.
    pub open_id: String,
    #[serde(default)]
    pub union_id: Option<String>,
    #[serde(default)]
    pub avatar_url: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
}

/// An OAuth endpoint error: `{"error": "invalid_grant", "error_description": .., "log_id": ..}`.
#[derive(Debug, Clone, Deserialize)]
pub struct OAuthError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub log_id: Option<String>,
}
