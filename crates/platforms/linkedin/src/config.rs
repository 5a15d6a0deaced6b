use socialpub_platform_http::PlatformDefaults;

/// `LinkedIn-Version` sent on every `/rest` call unless configured otherwise: the newest
/// active version in September 2026, supported until 2027-09-15. LinkedIn applies no default:
/// a missing header is a 400 `VERSION_MISSING`, a sunset one a 426 `NONEXISTENT_VERSION`.
pub const DEFAULT_LINKEDIN_VERSION: &str = "202609";

/// [`MEMBER_SCOPES`] then [`ORGANIZATION_SCOPES`]: everything asked for at consent by default.
pub const DEFAULT_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "w_member_social",
    "r_organization_admin",
    "rw_organization_admin",
    "w_organization_social",
    "r_organization_social",
    "r_member_postAnalytics",
];

/// Self-serve scopes: the member's identity (Sign In with LinkedIn using OpenID Connect:
/// `openid`, `profile`, `email`) and posting as the member (Share on LinkedIn:
/// `w_member_social`). An app with only the self-serve products asks for these alone
/// (`PRODUCTION.config(..).with_scopes(MEMBER_SCOPES.iter().copied())`); then only the
/// member's own account is discovered.
pub const MEMBER_SCOPES: &[&str] = DEFAULT_SCOPES.split_at(4).0;

/// Scopes of LinkedIn's vetted Community Management product: the organizations the member
/// administers (`r_organization_admin`, `rw_organization_admin`, which also grants the
/// organization statistics used for best-time suggestions), posting and reading as them
/// (`w_organization_social`, `r_organization_social`) and the member's own post analytics
/// (`r_member_postAnalytics`). Asking for a scope the app is not approved for fails the whole
/// consent.
pub const ORGANIZATION_SCOPES: &[&str] = DEFAULT_SCOPES.split_at(4).1;

/// The live LinkedIn hosts: `api.linkedin.com` (API) and `www.linkedin.com` (authorization,
/// token, revocation).
pub const PRODUCTION: PlatformDefaults = PlatformDefaults {
    api_base_url: "https://api.linkedin.com",
    oauth_base_url: "https://www.linkedin.com",
    token_base_url: None,
    upload_base_url: None,
    api_version: Some(DEFAULT_LINKEDIN_VERSION),
    scopes: DEFAULT_SCOPES,
};
