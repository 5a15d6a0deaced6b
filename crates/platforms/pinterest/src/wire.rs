//! Pinterest API v5 wire types (OpenAPI 5.23.0: `Account`, `Board`, `Error`).

use serde::Deserialize;

/// `GET /v5/user_account`.
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    /// Numeric id as a string.
    pub id: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub account_type: Option<AccountType>,
    #[serde(default)]
    pub business_name: Option<String>,
    #[serde(default)]
    pub profile_image: Option<String>,
    #[serde(default)]
    pub website_url: Option<String>,
    #[serde(default)]
    pub about: Option<String>,
    #[serde(default)]
    pub board_count: Option<u64>,
    #[serde(default)]
    pub pin_count: Option<u64>,
    #[serde(default)]
    pub follower_count: Option<u64>,
    #[serde(default)]
    pub following_count: Option<u64>,
    #[serde(default)]
    pub monthly_views: Option<i64>,
}

impl Account {
    /// `business_name`, else `username`, else the id.
    pub fn display_name(&self) -> String {
        [self.business_name.as_deref(), self.username.as_deref()]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
            .unwrap_or(&self.id)
            .to_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountType {
    Pinner,
    Business,
    #[serde(other)]
    Other,
}

/// A board (`BoardBase` + `privacy`).
#[derive(Debug, Clone, Deserialize)]
pub struct Board {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub privacy: Option<BoardPrivacy>,
    #[serde(default)]
    pub pin_count: Option<u64>,
    #[serde(default)]
    pub follower_count: Option<u64>,
    #[serde(default)]
    pub is_ads_only: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BoardPrivacy {
    Public,
    Protected,
    Secret,
    #[serde(other)]
    Other,
}

/// One page of a bookmark-paginated list.
#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `bookmark` for the next page; `None` on the last page.
    #[serde(default)]
    pub bookmark: Option<String>,
}

/// `{"code": 8, "message": "..."}`, Pinterest's error body for every 4xx/5xx.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
}
