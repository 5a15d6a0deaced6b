//! TikTok (Login Kit v2): `client_key` in the form, PKCE with a hex S256 challenge, rotating
//! refresh tokens, `/v2/user/info/`.
//!
//! Oauth base `/tiktok/oauth` (www.tiktok.com), API base `/tiktok/api` (open.tiktokapis.com).

use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;

use super::{json, set_header};
use crate::config::AppCredentials;
use crate::consent::{AuthorizeSpec, PkceRule, authorize};
use crate::oauth::{
    CodeError, Flavor, Params, RefreshError, bearer, is_form, random_alnum, secret_eq,
};
use crate::seed;
use crate::state::Shared;
use crate::token_endpoint::{
    ClientAuth, ClientFailure, CodeRule, Encoding, GrantTypeRule, RefreshGrant, RefreshIssue,
    Route, TokenAnswer, TokenEndpoint, TokenFailure,
};

const PLATFORM: Platform = Platform::Tiktok;

/// Login Kit / Content Posting scopes.
pub(crate) const SCOPES: &[&str] = &[
    "user.info.basic",
    "user.info.profile",
    "user.info.stats",
    "video.list",
    "video.publish",
    "video.upload",
];

const SPEC: AuthorizeSpec = AuthorizeSpec {
    platform: PLATFORM,
    client_param: "client_key",
    comma_scopes: true,
    space_scopes: false,
    known_scopes: SCOPES,
    response_type_required: true,
    pkce: PkceRule::Required { allow_plain: false },
};

/// `client_key` + `client_secret` in the form body, PKCE (hex S256), rotating refresh tokens:
/// the presented refresh token dies once a new one is issued.
pub(crate) const TOKEN_ENDPOINT: TokenEndpoint = TokenEndpoint {
    platform: PLATFORM,
    route: Route::Post("/tiktok/api/v2/oauth/token/"),
    encoding: Encoding::FormBody,
    client_auth: ClientAuth::Parameters {
        id: "client_key",
        secret: "client_secret",
    },
    grant_type: GrantTypeRule::Required,
    code: CodeRule {
        redirect_uri_required: false,
        pkce: true,
    },
    code_flavor: Flavor::Standard,
    refresh_issue: RefreshIssue::Always,
    refresh_grant: RefreshGrant::Rotating {
        reuse_revokes_grant: |_| false,
    },
    refresh_default_ttl: Some(15_552_000),
    long_lived_exchange: false,
    answer: token_json,
    error: token_error,
};

/// `/v2/user/info/` fields and the scope each needs.
const USER_FIELDS: &[(&str, &str)] = &[
    ("open_id", "user.info.basic"),
    ("union_id", "user.info.basic"),
    ("avatar_url", "user.info.basic"),
    ("avatar_url_100", "user.info.basic"),
    ("avatar_large_url", "user.info.basic"),
    ("display_name", "user.info.basic"),
    ("bio_description", "user.info.profile"),
    ("profile_deep_link", "user.info.profile"),
    ("is_verified", "user.info.profile"),
    ("username", "user.info.profile"),
    ("follower_count", "user.info.stats"),
    ("following_count", "user.info.stats"),
    ("likes_count", "user.info.stats"),
    ("video_count", "user.info.stats"),
];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/tiktok/oauth/v2/auth/authorize/",
        web::get().to(authorize_handler),
    )
    .route(
        "/tiktok/oauth/v2/auth/authorize",
        web::get().to(authorize_handler),
    )
    .route("/tiktok/api/v2/oauth/revoke/", web::post().to(revoke))
    .route("/tiktok/api/v2/user/info/", web::get().to(user_info));
}

async fn authorize_handler(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    authorize(&SPEC, &req, &shared)
}

fn log_id() -> String {
    format!("2026{}", random_alnum(28))
}

/// `{"data":{},"error":{"code","message","log_id"}}`.
pub(crate) fn api_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    json(
        status,
        json!({"data": {}, "error": {"code": code, "message": message, "log_id": log_id()}}),
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> HttpResponse {
    json(
        status,
        json!({"error": error, "error_description": description, "log_id": log_id()}),
    )
}

pub(crate) fn injected_failure(status: StatusCode) -> HttpResponse {
    let code = if status.is_server_error() {
        "internal_error"
    } else {
        "invalid_params"
    };
    api_error(
        status,
        code,
        "Something went wrong. Please try again later.",
    )
}

pub(crate) fn rate_limited(status: Option<StatusCode>) -> HttpResponse {
    api_error(
        status.unwrap_or(StatusCode::TOO_MANY_REQUESTS),
        "rate_limit_exceeded",
        "API rate limit exceeded, please retry later.",
    )
}

pub(crate) fn decorate(headers: &mut HeaderMap) {
    set_header(headers, "x-tt-logid", &log_id());
}

fn form(req: &HttpRequest, body: &[u8]) -> Params {
    if is_form(req) {
        Params::parse(body)
    } else {
        Params::default()
    }
}

/// `client_key` + `client_secret` in the form body.
fn authenticate(params: &Params, app: &AppCredentials) -> Result<(), HttpResponse> {
    match (params.get("client_key"), params.get("client_secret")) {
        (Some(key), Some(secret))
            if key == app.client_id && secret_eq(secret, &app.client_secret) =>
        {
            Ok(())
        }
        (None, _) => Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing client_key.",
        )),
        _ => Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client key or secret is incorrect.",
        )),
    }
}

fn token_json(answer: &TokenAnswer<'_>) -> HttpResponse {
    let (refresh, refresh_expires_in) = answer
        .refresh
        .as_ref()
        .map_or(("", 0), |r| (r.token.as_str(), r.expires_in));
    json(
        StatusCode::OK,
        json!({
            "access_token": answer.access.token,
            "expires_in": answer.access.expires_in_json(),
            "open_id": seed::tiktok::OPEN_ID,
            "refresh_expires_in": refresh_expires_in,
            "refresh_token": refresh,
            "scope": answer.scopes.join(","),
            "token_type": "Bearer",
        }),
    )
}

fn token_error(failure: &TokenFailure) -> HttpResponse {
    let (status, error, description) = match failure {
        TokenFailure::Client(ClientFailure::MissingId) => (
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing client_key.",
        ),
        TokenFailure::Client(_) => (
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client key or secret is incorrect.",
        ),
        TokenFailure::UnsupportedGrantType => (
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The grant type is not supported.",
        ),
        TokenFailure::MissingGrantType => (
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing grant_type.",
        ),
        TokenFailure::MissingParameter(name) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("Missing {name}."),
            );
        }
        TokenFailure::Code(CodeError::VerifierMissing | CodeError::VerifierMismatch) => (
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Code verifier or code challenge is invalid.",
        ),
        TokenFailure::Code(CodeError::RedirectMismatch) => (
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Redirect URI does not match the authorization request.",
        ),
        TokenFailure::Code(CodeError::Expired) => (
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Authorization code is expired.",
        ),
        TokenFailure::Code(_) => (
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Authorization code is invalid.",
        ),
        TokenFailure::Refresh(RefreshError::Expired) => (
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Refresh token is expired.",
        ),
        TokenFailure::Refresh(_)
        | TokenFailure::ExchangeNotUserToken
        | TokenFailure::ExchangeToken { .. } => (
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Refresh token is invalid or expired.",
        ),
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
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Missing token.");
    };
    let mut state = shared.lock();
    if let Some(grant) = state.grant_of(PLATFORM, token) {
        state.revoke_grant(grant);
    }
    json(StatusCode::OK, json!({}))
}

async fn user_info(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let params = Params::from_query(&req);
    let checked = shared
        .lock()
        .check_access(PLATFORM, bearer(&req).as_deref());
    let access = match checked {
        Ok(a) => a,
        Err(_) => {
            return api_error(
                StatusCode::UNAUTHORIZED,
                "access_token_invalid",
                "The access token is invalid or not found in the request.",
            );
        }
    };
    let Some(fields) = params.get("fields") else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_params",
            "The fields parameter is required.",
        );
    };
    let requested: Vec<&str> = fields
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let mut user = serde_json::Map::new();
    for field in &requested {
        let Some((_, scope)) = USER_FIELDS.iter().find(|(name, _)| name == field) else {
            return api_error(
                StatusCode::BAD_REQUEST,
                "invalid_params",
                &format!("Invalid field: {field}."),
            );
        };
        if !access.has_scope(scope) {
            return api_error(
                StatusCode::UNAUTHORIZED,
                "scope_not_authorized",
                "The user did not authorize the scope required for completing this request.",
            );
        }
        user.insert((*field).to_owned(), user_value(field));
    }
    json(
        StatusCode::OK,
        json!({"data": {"user": user}, "error": {"code": "ok", "message": "", "log_id": log_id()}}),
    )
}

fn user_value(field: &str) -> Value {
    match field {
        "open_id" => seed::tiktok::OPEN_ID.into(),
        "union_id" => seed::tiktok::UNION_ID.into(),
        "avatar_url" | "avatar_url_100" | "avatar_large_url" => {
            "https://p16-sign.tiktokcdn.com/sim/socialpub-avatar.jpeg".into()
        }
        "display_name" => seed::tiktok::DISPLAY_NAME.into(),
        "bio_description" => "Simulated TikTok creator for Socialpub.".into(),
        "profile_deep_link" => format!("https://www.tiktok.com/@{}", seed::tiktok::USERNAME).into(),
        "is_verified" => false.into(),
        "username" => seed::tiktok::USERNAME.into(),
        "follower_count" => 2048.into(),
        "following_count" => 64.into(),
        "likes_count" => 99_999.into(),
        "video_count" => 37.into(),
        _ => Value::Null,
    }
}
