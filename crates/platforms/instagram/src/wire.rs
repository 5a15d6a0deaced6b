//! Instagram Login's JSON, as sent on the wire. Tolerant on purpose: every field has a
//! default, ids may be numbers or strings, documented wrappers (`{"data":[...]}`) and the flat
//! shapes seen in practice are both read, and tokens go straight into [`SecretString`].

use serde::{Deserialize, Deserializer};
use socialpub_domain::SecretString;

fn secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SecretString, D::Error> {
    String::deserialize(deserializer).map(SecretString::new)
}

/// A string or a number, as text (`user_id` arrives as either).
fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(serde_json::Number),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Option::<Id>::deserialize(deserializer)? {
        Some(Id::Text(text)) if !text.is_empty() => Some(text),
        Some(Id::Number(number)) => Some(number.to_string()),
        _ => None,
    })
}

/// A required id that may be a string or a number.
pub(crate) fn id_text_required<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    id_text(deserializer)?.ok_or_else(|| serde::de::Error::custom("an id is missing or empty"))
}

/// `permissions`: a comma-separated string (documented) or an array.
fn permission_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Permissions {
        Text(String),
        List(Vec<String>),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Option::<Permissions>::deserialize(deserializer)? {
        Some(Permissions::Text(text)) => text
            .split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Permissions::List(list)) => list.into_iter().filter(|p| !p.is_empty()).collect(),
        _ => Vec::new(),
    })
}

/// `POST api.instagram.com/oauth/access_token`: documented as
/// `{"data":[{"access_token","user_id","permissions"}]}`, seen flat as
/// `{"access_token","user_id","permissions"}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum ShortLivedResponse {
    Wrapped { data: Vec<ShortLivedEntry> },
    Flat(ShortLivedEntry),
}

impl ShortLivedResponse {
    pub fn into_entry(self) -> Option<ShortLivedEntry> {
        match self {
            ShortLivedResponse::Wrapped { data } => data.into_iter().next(),
            ShortLivedResponse::Flat(entry) => Some(entry),
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ShortLivedEntry {
    #[serde(deserialize_with = "secret")]
    pub access_token: SecretString,
    #[serde(default, deserialize_with = "id_text")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "permission_list")]
    pub permissions: Vec<String>,
}

/// `GET graph.instagram.com/access_token` and `/refresh_access_token`:
/// `{"access_token","token_type":"bearer","expires_in":5183944}`.
#[derive(Debug, Deserialize)]
pub(crate) struct LongLivedResponse {
    #[serde(deserialize_with = "secret")]
    pub access_token: SecretString,
    #[serde(default)]
    pub expires_in: Option<i64>,
}

/// `GET /me?fields=user_id,username,name,account_type,profile_picture_url`, possibly wrapped
/// in `{"data":[...]}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum MeResponse {
    Wrapped { data: Vec<MeEntry> },
    Flat(MeEntry),
}

impl MeResponse {
    pub fn into_entry(self) -> Option<MeEntry> {
        match self {
            MeResponse::Wrapped { data } => data.into_iter().next(),
            MeResponse::Flat(entry) => Some(entry),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MeEntry {
    /// The professional account id (`IG_ID`) used for `/{IG_ID}/media`.
    #[serde(deserialize_with = "id_text")]
    pub user_id: Option<String>,
    /// The app-scoped id.
    #[serde(deserialize_with = "id_text")]
    pub id: Option<String>,
    pub username: Option<String>,
    pub name: Option<String>,
    pub account_type: Option<AccountType>,
    pub profile_picture_url: Option<String>,
}

/// The kind of Instagram account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountType {
    Business,
    MediaCreator,
    Personal,
    #[serde(other)]
    Other,
}
