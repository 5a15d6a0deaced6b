//! The Graph API's JSON, as sent on the wire. Tolerant on purpose: every field has a default,
//! unknown enum values land in `Other`, and tokens are read straight into [`SecretString`] so a
//! `Debug` print of a response can never show one.

use serde::{Deserialize, Deserializer};
use socialpub_domain::SecretString;

fn secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SecretString, D::Error> {
    String::deserialize(deserializer).map(SecretString::new)
}

fn optional_secret<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SecretString>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?
        .filter(|token| !token.is_empty())
        .map(SecretString::new))
}

/// `GET /oauth/access_token`, both the code exchange and `fb_exchange_token`:
/// `{"access_token","token_type":"bearer","expires_in"}`. `expires_in` is absent for tokens
/// that do not expire.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenResponse {
    #[serde(deserialize_with = "secret")]
    pub access_token: SecretString,
    #[serde(default)]
    pub expires_in: Option<i64>,
}

/// `GET /me/permissions`: `{"data":[{"permission":"pages_manage_posts","status":"granted"}]}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PermissionsResponse {
    pub data: Vec<PermissionEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PermissionEntry {
    pub permission: String,
    pub status: PermissionStatus,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PermissionStatus {
    Granted,
    Declined,
    Expired,
    #[default]
    #[serde(other)]
    Other,
}

/// One page of `GET /me/accounts?fields=id,name,access_token,tasks`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct AccountsPage {
    pub data: Vec<PageEntry>,
    pub paging: Option<Paging>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageEntry {
    pub id: String,
    pub name: String,
    pub category: Option<String>,
    #[serde(deserialize_with = "optional_secret")]
    pub access_token: Option<SecretString>,
    pub tasks: Vec<PageTask>,
    /// The Instagram professional account linked to the Page, when asked for and linked.
    pub instagram_business_account: Option<NodeRef>,
}

/// `{"id": "..."}`: a reference to another Graph node. Graph sends ids as strings; a number is
/// read as its text.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct NodeRef {
    #[serde(deserialize_with = "id_text")]
    pub id: String,
}

/// `GET /{ig-user-id}?fields=id,username,name` on the Facebook host.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct InstagramProfileEntry {
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    pub username: Option<String>,
    pub name: Option<String>,
}

/// An id sent as a string or a number, as text (empty when neither).
fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(serde_json::Number),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Option::<Id>::deserialize(deserializer)? {
        Some(Id::Text(text)) => text,
        Some(Id::Number(number)) => number.to_string(),
        _ => String::new(),
    })
}

/// What the user may do on a Page (`tasks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PageTask {
    Analyze,
    Advertise,
    Moderate,
    CreateContent,
    Manage,
    #[serde(other)]
    Other,
}

/// Cursor paging. `next` is a full URL (it embeds the access token: never log it).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Paging {
    pub next: Option<String>,
}

/// `DELETE /me/permissions` answers `{"success":true}` or a bare `true`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum SuccessResponse {
    Object {
        #[serde(default)]
        success: bool,
    },
    Bare(bool),
}

impl SuccessResponse {
    pub fn succeeded(&self) -> bool {
        match self {
            SuccessResponse::Object { success } | SuccessResponse::Bare(success) => *success,
        }
    }
}
