//! LinkedIn's JSON, as sent on the wire. Tolerant on purpose: every field has a default and
//! unknown enum values land in `Other`. Token responses are read by
//! `socialpub_platform_http::request_token`.

use serde::Deserialize;

/// `GET /v2/userinfo` (OpenID Connect).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UserInfo {
    pub sub: String,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub picture: Option<String>,
    pub locale: Option<serde_json::Value>,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
}

/// `GET /rest/organizationAcls?q=roleAssignee...`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct OrganizationAcls {
    pub elements: Vec<OrganizationAcl>,
    pub paging: Option<RestliPaging>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct OrganizationAcl {
    /// `urn:li:organization:{id}`.
    pub organization: Option<String>,
    /// The field's name in the older `organizationalEntityAcls` finder.
    pub organizational_target: Option<String>,
    pub role: Option<OrganizationRole>,
    pub state: Option<AclState>,
}

/// A member's role on an organization page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrganizationRole {
    Administrator,
    ContentAdmin,
    DirectSponsoredContentPoster,
    Analyst,
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum AclState {
    Approved,
    Requested,
    Rejected,
    Revoked,
    #[serde(other)]
    Other,
}

/// Rest.li collection paging.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RestliPaging {
    pub start: u32,
    pub count: u32,
    pub total: Option<u32>,
}

/// `GET /rest/organizations/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Organization {
    pub localized_name: Option<String>,
    pub vanity_name: Option<String>,
}

/// `{"status":403,"serviceErrorCode":100,"code":"ACCESS_DENIED","message":"..."}`; older
/// responses omit `code`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    pub status: Option<u16>,
    pub service_error_code: Option<i64>,
    pub code: Option<String>,
    pub message: Option<String>,
}
