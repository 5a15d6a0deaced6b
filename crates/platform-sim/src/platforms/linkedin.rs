//! LinkedIn: 3-legged OAuth (form client credentials), refresh tokens whose TTL does not reset,
//! revoke and introspect, `/v2/userinfo`, `/rest/organizationAcls`, `/rest/organizations/{id}`
//! with the `LinkedIn-Version` and `X-Restli-Protocol-Version` header checks.
//!
//! Oauth base `/linkedin/oauth` (www.linkedin.com), API base `/linkedin/api` (api.linkedin.com).

use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::OffsetDateTime;

use super::{empty_ok, json, set_header};
use crate::config::AppCredentials;
use crate::consent::{AuthorizeSpec, PkceRule, authorize};
use crate::oauth::{
    AccessInfo, Flavor, Params, TokenError, bearer, is_form, random_alnum, secret_eq,
};
use crate::seed;
use crate::state::Shared;
use crate::token_endpoint::{
    ClientAuth, ClientFailure, CodeRule, Encoding, GrantTypeRule, RefreshGrant, RefreshIssue,
    Route, TokenAnswer, TokenEndpoint, TokenFailure,
};

const PLATFORM: Platform = Platform::Linkedin;

/// Scopes the simulator knows.
pub(crate) const SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "w_member_social",
    "r_member_social",
    "r_member_postAnalytics",
    "w_organization_social",
    "r_organization_social",
    "rw_organization_admin",
    "r_organization_admin",
    "r_basicprofile",
];

const ORG_SCOPES: &[&str] = &[
    "rw_organization_admin",
    "r_organization_admin",
    "w_organization_social",
    "r_organization_social",
];

const SPEC: AuthorizeSpec = AuthorizeSpec {
    platform: PLATFORM,
    client_param: "client_id",
    comma_scopes: false,
    space_scopes: true,
    known_scopes: SCOPES,
    response_type_required: true,
    pkce: PkceRule::NotUsed,
};

const GRANT_INVALID: &str = "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists";
const REFRESH_INVALID: &str =
    "The provided authorization grant or refresh token is invalid, expired or revoked";

/// `client_id` + `client_secret` in the form body, no PKCE; refresh tokens only for apps that
/// have them (configured). A refresh returns a new access token and the same refresh token with
/// its remaining lifetime.
pub(crate) const TOKEN_ENDPOINT: TokenEndpoint = TokenEndpoint {
    platform: PLATFORM,
    route: Route::Post("/linkedin/oauth/oauth/v2/accessToken"),
    encoding: Encoding::FormBody,
    client_auth: ClientAuth::Parameters {
        id: "client_id",
        secret: "client_secret",
    },
    grant_type: GrantTypeRule::Required,
    code: CodeRule {
        redirect_uri_required: false,
        pkce: false,
    },
    code_flavor: Flavor::Standard,
    refresh_issue: RefreshIssue::Configured(|config| config.linkedin_refresh_tokens),
    refresh_grant: RefreshGrant::SameToken,
    refresh_default_ttl: Some(31_536_000),
    long_lived_exchange: false,
    answer: token_json,
    error: token_error,
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/linkedin/oauth/oauth/v2/authorization",
        web::get().to(authorize_handler),
    )
    .route("/linkedin/oauth/oauth/v2/revoke", web::post().to(revoke))
    .route(
        "/linkedin/oauth/oauth/v2/introspectToken",
        web::post().to(introspect),
    )
    .route("/linkedin/api/v2/userinfo", web::get().to(userinfo))
    .route(
        "/linkedin/api/rest/organizationAcls",
        web::get().to(organization_acls),
    )
    .route(
        "/linkedin/api/rest/organizations/{id}",
        web::get().to(organization),
    );
}

async fn authorize_handler(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    authorize(&SPEC, &req, &shared)
}

/// `{"status":int,"code"?:string,"message":string}` (+ `serviceErrorCode` where known).
pub(crate) fn error(status: StatusCode, code: Option<&str>, message: Option<&str>) -> HttpResponse {
    let message = message.unwrap_or_else(|| status.canonical_reason().unwrap_or("Error"));
    let mut body = json!({"status": status.as_u16(), "message": message});
    if let (Some(code), Some(obj)) = (code, body.as_object_mut()) {
        obj.insert("code".into(), Value::from(code));
    }
    json(status, body)
}

fn service_error(status: StatusCode, service_code: i64, code: &str, message: &str) -> HttpResponse {
    json(
        status,
        json!({"status": status.as_u16(), "serviceErrorCode": service_code, "code": code, "message": message}),
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> HttpResponse {
    json(
        status,
        json!({"error": error, "error_description": description}),
    )
}

pub(crate) fn rate_limited(status: Option<StatusCode>) -> HttpResponse {
    error(
        status.unwrap_or(StatusCode::TOO_MANY_REQUESTS),
        None,
        Some("Resource level throttle limit for calls to this resource is reached."),
    )
}

pub(crate) fn decorate(headers: &mut HeaderMap) {
    set_header(headers, "x-li-uuid", &random_alnum(22));
    set_header(headers, "x-li-fabric", "sim-local");
}

fn form(req: &HttpRequest, body: &[u8]) -> Params {
    if is_form(req) {
        Params::parse(body)
    } else {
        Params::default()
    }
}

fn authenticate(params: &Params, app: &AppCredentials) -> Result<(), HttpResponse> {
    match (params.get("client_id"), params.get("client_secret")) {
        (Some(id), Some(secret))
            if id == app.client_id && secret_eq(secret, &app.client_secret) =>
        {
            Ok(())
        }
        (None, _) => Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "A required parameter \"client_id\" is missing",
        )),
        _ => Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        )),
    }
}

fn token_json(answer: &TokenAnswer<'_>) -> HttpResponse {
    let mut body = json!({
        "access_token": answer.access.token,
        "expires_in": answer.access.expires_in_json(),
        "scope": answer.scopes.join(","),
    });
    if let (Some(refresh), Some(obj)) = (&answer.refresh, body.as_object_mut()) {
        obj.insert("refresh_token".into(), Value::from(refresh.token.clone()));
        obj.insert(
            "refresh_token_expires_in".into(),
            Value::from(refresh.expires_in),
        );
    }
    json(StatusCode::OK, body)
}

fn token_error(failure: &TokenFailure) -> HttpResponse {
    let (status, error, description) = match failure {
        TokenFailure::Client(ClientFailure::MissingId) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "A required parameter \"client_id\" is missing",
            );
        }
        TokenFailure::Client(_) => (
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        ),
        TokenFailure::UnsupportedGrantType => (
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The grant type is not supported",
        ),
        TokenFailure::MissingGrantType => (
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "A required parameter \"grant_type\" is missing",
        ),
        TokenFailure::MissingParameter(name) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("A required parameter \"{name}\" is missing"),
            );
        }
        TokenFailure::Code(_) => (StatusCode::BAD_REQUEST, "invalid_request", GRANT_INVALID),
        TokenFailure::Refresh(_)
        | TokenFailure::ExchangeNotUserToken
        | TokenFailure::ExchangeToken { .. } => {
            (StatusCode::BAD_REQUEST, "invalid_request", REFRESH_INVALID)
        }
    };
    oauth_error(status, error, description)
}

async fn revoke(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let params = form(&req, &body);
    let app = shared.lock().config.app(PLATFORM);
    if let Err(response) = authenticate(&params, &app) {
        return response;
    }
    let Some(token) = params.get("token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "A required parameter \"token\" is missing",
        );
    };
    let mut state = shared.lock();
    if let Some(grant) = state.grant_of(PLATFORM, token) {
        state.revoke_grant(grant);
    }
    empty_ok()
}

async fn introspect(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let params = form(&req, &body);
    let app = shared.lock().config.app(PLATFORM);
    if let Err(response) = authenticate(&params, &app) {
        return response;
    }
    let state = shared.lock();
    let now = state.now();
    let record = params
        .get("token")
        .and_then(|t| state.tokens.get(t))
        .filter(|r| r.platform == PLATFORM);
    let Some(record) = record else {
        return json(StatusCode::OK, json!({"active": false}));
    };
    let revoked = record.revoked || state.grants.get(&record.grant).is_none_or(|g| g.revoked);
    let expired = record.expires_at.is_some_and(|e| e <= now);
    let status = if revoked {
        "revoked"
    } else if expired {
        "expired"
    } else {
        "active"
    };
    json(
        StatusCode::OK,
        json!({
            "active": status == "active",
            "client_id": app.client_id,
            "authorized_at": record.issued_at.unix_timestamp(),
            "created_at": record.issued_at.unix_timestamp(),
            "status": status,
            "expires_at": record.expires_at.map_or(0, OffsetDateTime::unix_timestamp),
            "scope": state.grant_scopes(record.grant).join(","),
            "auth_type": "3L",
        }),
    )
}

pub(crate) fn check(req: &HttpRequest, shared: &Shared) -> Result<AccessInfo, HttpResponse> {
    let state = shared.lock();
    state
        .check_access(PLATFORM, bearer(req).as_deref())
        .map_err(|e| match e {
            TokenError::Missing => service_error(
                StatusCode::UNAUTHORIZED,
                65604,
                "EMPTY_ACCESS_TOKEN",
                "Empty oauth2 access token",
            ),
            TokenError::Unknown => service_error(
                StatusCode::UNAUTHORIZED,
                65600,
                "INVALID_ACCESS_TOKEN",
                "Invalid access token",
            ),
            TokenError::Expired(_) => service_error(
                StatusCode::UNAUTHORIZED,
                65601,
                "EXPIRED_ACCESS_TOKEN",
                "The token used in the request has expired",
            ),
            TokenError::Revoked => service_error(
                StatusCode::UNAUTHORIZED,
                65602,
                "REVOKED_ACCESS_TOKEN",
                "The token used in the request has been revoked by the user",
            ),
        })
}

pub(crate) fn access_denied(resource: &str) -> HttpResponse {
    service_error(
        StatusCode::FORBIDDEN,
        100,
        "ACCESS_DENIED",
        &format!("Not enough permissions to access: {resource}"),
    )
}

async fn userinfo(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let access = match check(&req, &shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    if !access.has_scope("openid") {
        return access_denied("userinfo.GET.NO_VERSION");
    }
    let mut body = json!({
        "sub": seed::linkedin::SUB,
        "name": seed::linkedin::NAME,
        "given_name": seed::linkedin::GIVEN_NAME,
        "family_name": seed::linkedin::FAMILY_NAME,
        "picture": "https://media.licdn.com/dms/image/sim/sam-sim.jpg",
        "locale": "en-US",
    });
    if access.has_scope("email")
        && let Some(obj) = body.as_object_mut()
    {
        obj.insert("email".into(), Value::from(seed::linkedin::EMAIL));
        obj.insert("email_verified".into(), Value::from(true));
    }
    json(StatusCode::OK, body)
}

/// `LinkedIn-Version` (active YYYYMM) and `X-Restli-Protocol-Version: 2.0.0` on `/rest/*`.
pub(crate) fn check_rest_headers(req: &HttpRequest, shared: &Shared) -> Result<(), HttpResponse> {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let Some(version) = header("linkedin-version") else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            Some("VERSION_MISSING"),
            Some(
                "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
            ),
        ));
    };
    let oldest = shared.lock().config.linkedin_oldest_active_version;
    let active = version.len() == 6
        && version
            .parse::<u32>()
            .is_ok_and(|v| v >= oldest && (1..=12).contains(&(v % 100)));
    if !active {
        return Err(error(
            StatusCode::UPGRADE_REQUIRED,
            Some("NONEXISTENT_VERSION"),
            Some(&format!("Requested version {version} is not active")),
        ));
    }
    if header("x-restli-protocol-version") != Some("2.0.0") {
        return Err(error(
            StatusCode::BAD_REQUEST,
            Some("ILLEGAL_ARGUMENT"),
            Some("The X-Restli-Protocol-Version header must be 2.0.0 for this resource."),
        ));
    }
    Ok(())
}

fn org_urn() -> String {
    format!("urn:li:organization:{}", seed::linkedin::ORGANIZATION_ID)
}

async fn organization_acls(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = check_rest_headers(&req, &shared) {
        return response;
    }
    let access = match check(&req, &shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    let params = Params::from_query(&req);
    if params.get("q") != Some("roleAssignee") {
        return error(
            StatusCode::BAD_REQUEST,
            Some("ILLEGAL_ARGUMENT"),
            Some("Invalid or missing finder: only q=roleAssignee is supported"),
        );
    }
    if !ORG_SCOPES.iter().any(|s| access.has_scope(s)) {
        return access_denied("organizationAcls.FINDER-roleAssignee");
    }
    let start = params
        .get("start")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    let count = params
        .get("count")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(10);
    let role_ok = params.get("role").is_none_or(|r| r == "ADMINISTRATOR");
    let state_ok = params.get("state").is_none_or(|s| s == "APPROVED");
    let all: Vec<Value> = if role_ok && state_ok {
        vec![json!({
            "roleAssignee": format!("urn:li:person:{}", seed::linkedin::SUB),
            "state": "APPROVED",
            "role": "ADMINISTRATOR",
            "organization": org_urn(),
        })]
    } else {
        Vec::new()
    };
    let total = all.len();
    let elements: Vec<Value> = all.into_iter().skip(start).take(count).collect();
    let mut response = json(
        StatusCode::OK,
        json!({
            "paging": {"start": start, "count": count, "links": [], "total": total},
            "elements": elements,
        }),
    );
    set_header(response.headers_mut(), "x-restli-protocol-version", "2.0.0");
    response
}

async fn organization(
    req: HttpRequest,
    path: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = check_rest_headers(&req, &shared) {
        return response;
    }
    if let Err(response) = check(&req, &shared) {
        return response;
    }
    let id = path.into_inner();
    if id.parse::<u64>().ok() != Some(seed::linkedin::ORGANIZATION_ID) {
        return error(
            StatusCode::NOT_FOUND,
            Some("NOT_FOUND"),
            Some(&format!("Organization {id} does not exist")),
        );
    }
    let mut response = json(
        StatusCode::OK,
        json!({
            "id": seed::linkedin::ORGANIZATION_ID,
            "$URN": org_urn(),
            "localizedName": seed::linkedin::ORGANIZATION_NAME,
            "vanityName": seed::linkedin::ORGANIZATION_VANITY,
            "name": {
                "localized": {"en_US": seed::linkedin::ORGANIZATION_NAME},
                "preferredLocale": {"country": "US", "language": "en"},
            },
            "localizedWebsite": "https://socialpub.example",
            "logoV2": {
                "original": "urn:li:digitalmediaAsset:C4D0BAQSimLogo",
                "cropped": "urn:li:digitalmediaAsset:C4D0BAQSimLogo",
                "cropInfo": {"x": 0, "y": 0, "width": 0, "height": 0},
            },
            "primaryOrganizationType": "NONE",
            "organizationType": "PRIVATELY_HELD",
            "versionTag": "1",
        }),
    );
    set_header(response.headers_mut(), "x-restli-protocol-version", "2.0.0");
    response
}
