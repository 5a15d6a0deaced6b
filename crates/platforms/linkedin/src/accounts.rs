//! Account discovery: the member (`/v2/userinfo`) and the organizations they administer
//! (`/rest/organizationAcls`, then `/rest/organizations/{id}` for each name).

use socialpub_domain::SecretString;
use socialpub_ports::{AccountKind, PlatformAccount, PlatformError, PlatformErrorKind, TokenGrant};

use crate::client::LinkedinClient;
use crate::errors::classify_api;
use crate::wire::{AclState, Organization, OrganizationAcls, OrganizationRole, UserInfo};

/// ACL entries per request.
const ACL_PAGE_SIZE: u32 = 100;
/// At most this many ACL requests (and so 1,000 organizations) per listing.
pub const MAX_ACL_REQUESTS: u32 = 10;
/// Scopes that allow reading organization ACLs.
const ORG_ADMIN_SCOPES: &[&str] = &["r_organization_admin", "rw_organization_admin"];
const ORGANIZATION_URN_PREFIX: &str = "urn:li:organization:";

/// The member behind a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedinMember {
    /// The OpenID subject.
    pub sub: String,
    /// `urn:li:person:{sub}`, the author URN for the member's posts.
    pub urn: String,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub picture: Option<String>,
}

impl LinkedinMember {
    fn display_name(&self) -> String {
        if let Some(name) = self.name.as_deref().filter(|n| !n.is_empty()) {
            return name.to_owned();
        }
        let joined = [self.given_name.as_deref(), self.family_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if joined.is_empty() {
            self.urn.clone()
        } else {
            joined
        }
    }
}

/// An organization the member holds a role on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedinOrganization {
    /// `urn:li:organization:{id}`, the author URN for the organization's posts.
    pub urn: String,
    /// The numeric id.
    pub id: String,
    pub localized_name: Option<String>,
    pub vanity_name: Option<String>,
}

impl LinkedinOrganization {
    fn display_name(&self) -> String {
        self.localized_name
            .clone()
            .filter(|n| !n.is_empty())
            .or_else(|| self.vanity_name.clone().filter(|n| !n.is_empty()))
            .unwrap_or_else(|| self.urn.clone())
    }
}

impl LinkedinClient {
    /// `GET {api_base}/v2/userinfo` (needs `openid profile`).
    ///
    /// # Errors
    /// [`PlatformErrorKind::Auth`] when the token is invalid, expired or revoked.
    pub async fn userinfo(&self, token: &SecretString) -> Result<LinkedinMember, PlatformError> {
        let url = self.api_url(&["v2", "userinfo"])?;
        let request = self.http.get(url).bearer_auth(token.expose());
        let info: UserInfo = self.call(request, classify_api, &[token]).await?;
        if info.sub.is_empty() {
            return Err(socialpub_platform_http::platform_error(
                socialpub_domain::Platform::Linkedin,
                PlatformErrorKind::InvalidRequest,
                Some("malformed_response".to_owned()),
                "userinfo answered without a subject",
                Some(reqwest::StatusCode::OK),
                None,
            ));
        }
        Ok(LinkedinMember {
            urn: format!("urn:li:person:{}", info.sub),
            sub: info.sub,
            name: info.name,
            given_name: info.given_name,
            family_name: info.family_name,
            email: info.email,
            picture: info.picture,
        })
    }

    /// The URNs of the organizations the member administers:
    /// `GET {api_base}/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`,
    /// paged with `start`/`count` for at most [`MAX_ACL_REQUESTS`] requests.
    ///
    /// # Errors
    /// [`PlatformErrorKind::Permission`] when the token lacks `r_organization_admin` /
    /// `rw_organization_admin`.
    pub async fn administered_organizations(
        &self,
        token: &SecretString,
    ) -> Result<Vec<String>, PlatformError> {
        let mut urns: Vec<String> = Vec::new();
        let mut start = 0_u32;
        for _ in 0..MAX_ACL_REQUESTS {
            let mut url = self.api_url(&["rest", "organizationAcls"])?;
            url.query_pairs_mut()
                .append_pair("q", "roleAssignee")
                .append_pair("role", "ADMINISTRATOR")
                .append_pair("state", "APPROVED")
                .append_pair("start", &start.to_string())
                .append_pair("count", &ACL_PAGE_SIZE.to_string());
            let page: OrganizationAcls = self
                .call(self.rest_get(url, token), classify_api, &[token])
                .await?;
            let received = u32::try_from(page.elements.len()).unwrap_or(u32::MAX);
            for acl in page.elements {
                let approved_admin = acl
                    .role
                    .is_none_or(|r| r == OrganizationRole::Administrator)
                    && acl.state.is_none_or(|s| s == AclState::Approved);
                let urn = acl.organization.or(acl.organizational_target);
                if let Some(urn) = urn.filter(|u| u.starts_with(ORGANIZATION_URN_PREFIX))
                    && approved_admin
                    && !urns.contains(&urn)
                {
                    urns.push(urn);
                }
            }
            start = start.saturating_add(received);
            let total = page.paging.and_then(|p| p.total);
            let more = match total {
                Some(total) => start < total,
                None => received >= ACL_PAGE_SIZE,
            };
            if received == 0 || !more {
                break;
            }
        }
        Ok(urns)
    }

    /// `GET {api_base}/rest/organizations/{id}` (one call per organization: BATCH_GET is not
    /// available on the Development tier).
    ///
    /// # Errors
    /// The classified failure (403 when the member lost the role).
    pub async fn organization(
        &self,
        token: &SecretString,
        urn: &str,
    ) -> Result<LinkedinOrganization, PlatformError> {
        let id = urn.strip_prefix(ORGANIZATION_URN_PREFIX).unwrap_or(urn);
        let url = self.api_url(&["rest", "organizations", id])?;
        let organization: Organization = self
            .call(self.rest_get(url, token), classify_api, &[token])
            .await?;
        Ok(LinkedinOrganization {
            urn: format!("{ORGANIZATION_URN_PREFIX}{id}"),
            id: id.to_owned(),
            localized_name: organization.localized_name,
            vanity_name: organization.vanity_name,
        })
    }

    /// The member's own account, then one account per administered organization. Without the
    /// organization scopes (not asked for, not granted, or a 403 on the ACL lookup) only the
    /// member is returned.
    pub(crate) async fn accounts(
        &self,
        grant: &TokenGrant,
    ) -> Result<Vec<PlatformAccount>, PlatformError> {
        let token = &grant.access_token;
        let member = self.userinfo(token).await?;
        let mut accounts = vec![PlatformAccount {
            display_name: member.display_name(),
            external_user_id: member.urn,
            kind: AccountKind::Personal,
            access_token: None,
            expires_in: None,
        }];

        if !self.may_read_organizations(&grant.scopes) {
            return Ok(accounts);
        }
        let urns = match self.administered_organizations(token).await {
            Ok(urns) => urns,
            Err(error) if error.kind == PlatformErrorKind::Permission => return Ok(accounts),
            Err(error) => return Err(error),
        };
        for urn in urns {
            let organization = match self.organization(token, &urn).await {
                Ok(organization) => organization,
                // Name unreadable (role just changed, or masked 403): keep the URN as name.
                Err(error)
                    if error.kind == PlatformErrorKind::Permission
                        || error.http_status == Some(404) =>
                {
                    LinkedinOrganization {
                        id: urn.trim_start_matches(ORGANIZATION_URN_PREFIX).to_owned(),
                        urn: urn.clone(),
                        localized_name: None,
                        vanity_name: None,
                    }
                }
                Err(error) => return Err(error),
            };
            accounts.push(PlatformAccount {
                display_name: organization.display_name(),
                external_user_id: organization.urn,
                kind: AccountKind::Organization,
                access_token: None,
                expires_in: None,
            });
        }
        Ok(accounts)
    }

    /// Whether an ACL lookup can succeed: organization scopes are configured and, when the
    /// grant reports its scopes, an organization admin scope is among them.
    fn may_read_organizations(&self, granted: &[String]) -> bool {
        let asked = self
            .config
            .scopes
            .iter()
            .any(|s| ORG_ADMIN_SCOPES.contains(&s.as_str()));
        let granted_ok = granted.is_empty()
            || granted
                .iter()
                .any(|s| ORG_ADMIN_SCOPES.contains(&s.as_str()));
        asked && granted_ok
    }
}
