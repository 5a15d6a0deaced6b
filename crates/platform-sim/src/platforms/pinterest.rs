//! Pinterest (API v5): OAuth with HTTP Basic at the token endpoint, continuous refresh,
//! `/v5/user_account`, `/v5/boards` with bookmark paging.
//!
//! Oauth base `/pinterest/oauth` (www.pinterest.com), API base `/pinterest/api` (api.pinterest.com).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::{Duration, OffsetDateTime};

use super::{empty_ok, json, set_header};
use crate::config::AppCredentials;
use crate::consent::{AuthorizeSpec, PkceRule, authorize};
use crate::oauth::{AccessInfo, BasicAuth, Flavor, Params, basic_auth, bearer, is_form, secret_eq};
use crate::seed;
use crate::state::Shared;
use crate::token_endpoint::{
    ClientAuth, CodeRule, Encoding, GrantType, GrantTypeRule, RefreshGrant, RefreshIssue, Route,
    TokenAnswer, TokenEndpoint, TokenFailure,
};

const PLATFORM: Platform = Platform::Pinterest;

/// Scopes of the Pinterest v5 spec.
pub(crate) const SCOPES: &[&str] = &[
    "ads:read",
    "ads:write",
    "billing:read",
    "billing:write",
    "biz_access:read",
    "biz_access:write",
    "boards:read",
    "boards:read_secret",
    "boards:write",
    "boards:write_secret",
    "catalogs:read",
    "catalogs:write",
    "pins:read",
    "pins:read_secret",
    "pins:write",
    "pins:write_secret",
    "user_accounts:read",
    "user_accounts:write",
];

const SPEC: AuthorizeSpec = AuthorizeSpec {
    platform: PLATFORM,
    client_param: "client_id",
    comma_scopes: true,
    space_scopes: false,
    known_scopes: SCOPES,
    response_type_required: true,
    pkce: PkceRule::NotUsed,
};

/// HTTP Basic client, form body, no PKCE, `redirect_uri` required; continuous refresh: every
/// refresh issues a new 60-day refresh token and the old one keeps working until it expires
/// (rotation is not documented for Pinterest).
pub(crate) const TOKEN_ENDPOINT: TokenEndpoint = TokenEndpoint {
    platform: PLATFORM,
    route: Route::Post("/pinterest/api/v5/oauth/token"),
    encoding: Encoding::FormBody,
    client_auth: ClientAuth::Basic,
    grant_type: GrantTypeRule::Required,
    code: CodeRule {
        redirect_uri_required: true,
        pkce: false,
    },
    code_flavor: Flavor::Standard,
    refresh_issue: RefreshIssue::Always,
    refresh_grant: RefreshGrant::Continuous,
    refresh_default_ttl: Some(5_184_000),
    long_lived_exchange: false,
    answer: token_json,
    error: token_error,
};

const RATE_LIMIT_MESSAGE: &str = "This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits or if multiple write operations are applied to an object within a short time window.";

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/pinterest/oauth/oauth/", web::get().to(authorize_handler))
        .route("/pinterest/oauth/oauth", web::get().to(authorize_handler))
        .route(
            "/pinterest/api/v5/oauth/token/revoke",
            web::post().to(revoke),
        )
        .route(
            "/pinterest/api/v5/user_account",
            web::get().to(user_account),
        )
        .route("/pinterest/api/v5/boards", web::get().to(boards));
}

async fn authorize_handler(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    authorize(&SPEC, &req, &shared)
}

/// `{"code":int,"message":string}`.
pub(crate) fn error(status: StatusCode, code: i64, message: Option<&str>) -> HttpResponse {
    let message = message
        .map(str::to_owned)
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned());
    json(status, json!({"code": code, "message": message}))
}

fn authentication_failed() -> HttpResponse {
    error(StatusCode::UNAUTHORIZED, 2, Some("Authentication failed."))
}

fn not_permitted() -> HttpResponse {
    error(
        StatusCode::FORBIDDEN,
        29,
        Some("You are not permitted to access that resource."),
    )
}

fn invalid(message: &str) -> HttpResponse {
    error(StatusCode::BAD_REQUEST, 1, Some(message))
}

fn authenticate(req: &HttpRequest, app: &AppCredentials) -> Result<(), HttpResponse> {
    match basic_auth(req) {
        BasicAuth::Present { client_id, secret }
            if client_id == app.client_id && secret_eq(&secret, &app.client_secret) =>
        {
            Ok(())
        }
        _ => Err(authentication_failed()),
    }
}

fn form(req: &HttpRequest, body: &[u8]) -> Params {
    if is_form(req) {
        Params::parse(body)
    } else {
        Params::default()
    }
}

fn token_json(answer: &TokenAnswer<'_>) -> HttpResponse {
    let response_type = match answer.grant_type {
        GrantType::RefreshToken => "refresh_token",
        GrantType::AuthorizationCode | GrantType::LongLivedExchange => "authorization_code",
    };
    let (refresh, refresh_expires_in) = answer
        .refresh
        .as_ref()
        .map_or(("", 0), |r| (r.token.as_str(), r.expires_in));
    json(
        StatusCode::OK,
        json!({
            "access_token": answer.access.token,
            "refresh_token": refresh,
            "response_type": response_type,
            "token_type": "bearer",
            "expires_in": answer.access.expires_in_json(),
            "scope": answer.scopes.join(","),
            "refresh_token_expires_in": refresh_expires_in,
            "refresh_token_expires_at": (answer.now + Duration::seconds(refresh_expires_in)).unix_timestamp(),
        }),
    )
}

fn token_error(failure: &TokenFailure) -> HttpResponse {
    match failure {
        TokenFailure::Client(_) => authentication_failed(),
        TokenFailure::UnsupportedGrantType => invalid("Unsupported grant_type."),
        TokenFailure::MissingGrantType => invalid("Missing required parameter: grant_type."),
        TokenFailure::MissingParameter(name) => {
            invalid(&format!("Missing required parameter: {name}."))
        }
        TokenFailure::Code(_) => invalid("Invalid authorization code or redirect_uri."),
        TokenFailure::Refresh(_)
        | TokenFailure::ExchangeNotUserToken
        | TokenFailure::ExchangeToken { .. } => invalid("Invalid refresh token."),
    }
}

async fn revoke(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let params = form(&req, &body);
    let app = shared.lock().config.app(PLATFORM);
    if let Err(response) = authenticate(&req, &app) {
        return response;
    }
    let Some(token) = params.get("token") else {
        return invalid("Missing required parameter: token.");
    };
    let mut state = shared.lock();
    if let Some(grant) = state.grant_of(PLATFORM, token) {
        state.revoke_grant(grant);
    }
    empty_ok()
}

pub(crate) fn access(req: &HttpRequest, shared: &Shared) -> Result<AccessInfo, HttpResponse> {
    let state = shared.lock();
    state
        .check_access(PLATFORM, bearer(req).as_deref())
        .map_err(|_| authentication_failed())
}

async fn user_account(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let access = match access(&req, &shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    if !access.has_scope("user_accounts:read") {
        return not_permitted();
    }
    json(
        StatusCode::OK,
        json!({
            "account_type": "BUSINESS",
            "id": seed::pinterest::USER_ID,
            "username": seed::pinterest::USERNAME,
            "profile_image": "https://i.pinimg.com/280x280_RS/sim/socialpubsim.jpg",
            "website_url": "https://socialpub.example",
            "business_name": seed::pinterest::BUSINESS_NAME,
            "about": "Simulated Pinterest business account for Socialpub.",
            "board_count": seed::pinterest::BOARDS.len(),
            "pin_count": 42,
            "follower_count": 321,
            "following_count": 12,
            "monthly_views": 4567,
        }),
    )
}

fn board_json(index: usize, (id, name, privacy): (&str, &str, &str)) -> Value {
    json!({
        "id": id,
        "name": name,
        "description": format!("Simulated board {name}"),
        "privacy": privacy,
        "owner": {"username": seed::pinterest::USERNAME},
        "pin_count": 10 + index * 5,
        "follower_count": 3 + index,
        "collaborator_count": 0,
        "created_at": "2024-03-01T10:00:00",
        "board_pins_modified_at": "2026-01-15T08:30:00.000000",
        "is_ads_only": false,
        "media": {"image_cover_url": null, "pin_thumbnail_urls": []},
    })
}

async fn boards(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let params = Params::from_query(&req);
    let access = match access(&req, &shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    if !access.has_scope("boards:read") {
        return not_permitted();
    }
    let page_size = match params.get("page_size").map(str::parse::<usize>) {
        None => 25,
        Some(Ok(n)) if (1..=250).contains(&n) => n,
        Some(_) => return invalid("Invalid parameter: page_size must be between 1 and 250."),
    };
    let can_see_secret = access.has_scope("boards:read_secret");
    let wanted: &[&str] = match params.get("privacy") {
        None if can_see_secret => &["PUBLIC", "PROTECTED", "SECRET"],
        None => &["PUBLIC", "PROTECTED"],
        Some("ALL") => &["PUBLIC", "PROTECTED", "SECRET"],
        Some("PUBLIC") => &["PUBLIC"],
        Some("PROTECTED") => &["PROTECTED"],
        Some("SECRET") => &["SECRET"],
        Some("PUBLIC_AND_SECRET") => &["PUBLIC", "SECRET"],
        Some(_) => return invalid("Invalid parameter: privacy."),
    };
    if wanted.contains(&"SECRET") && !can_see_secret && params.get("privacy").is_some() {
        return not_permitted();
    }
    let offset = match params.get("bookmark") {
        None => 0,
        Some(b) => match decode_bookmark(b) {
            Some(o) => o,
            None => return invalid("Invalid parameter: bookmark."),
        },
    };
    let visible: Vec<Value> = seed::pinterest::BOARDS
        .iter()
        .enumerate()
        .filter(|(_, b)| wanted.contains(&b.2))
        .map(|(i, b)| board_json(i, *b))
        .collect();
    let items: Vec<Value> = visible
        .iter()
        .skip(offset)
        .take(page_size)
        .cloned()
        .collect();
    let next = offset + items.len();
    let bookmark = if next < visible.len() {
        Value::from(encode_bookmark(next))
    } else {
        Value::Null
    };
    json(
        StatusCode::OK,
        json!({"items": items, "bookmark": bookmark}),
    )
}

fn encode_bookmark(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("sim-boards:{offset}"))
}

fn decode_bookmark(bookmark: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(bookmark).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("sim-boards:")?.parse().ok()
}

pub(crate) fn rate_limited(
    status: Option<StatusCode>,
    retry_after: u64,
    _now: OffsetDateTime,
) -> HttpResponse {
    let mut response = error(
        status.unwrap_or(StatusCode::TOO_MANY_REQUESTS),
        8,
        Some(RATE_LIMIT_MESSAGE),
    );
    let headers = response.headers_mut();
    set_header(headers, "x-ratelimit-limit", "1000");
    set_header(headers, "x-ratelimit-remaining", "0");
    set_header(headers, "x-ratelimit-reset", &retry_after.to_string());
    response
}
