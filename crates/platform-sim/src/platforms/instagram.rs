//! Instagram API with Business Login for Instagram: short-lived token from the form POST on
//! api.instagram.com, `ig_exchange_token` (60 days), `ig_refresh_token`, `/me?fields=...`.
//!
//! Oauth base `/instagram/oauth` (www.instagram.com), token base `/instagram/token`
//! (api.instagram.com), API base `/instagram/api` (graph.instagram.com).

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::OffsetDateTime;

use super::facebook::{buc_usage, graph_error, graph_params, graph_token, is_version, token_error};
use super::{field_names, json, select_fields, set_header};
use crate::consent::{AuthorizeSpec, PkceRule, authorize};
use crate::oauth::{AccessInfo, CodeError, Flavor, Params, TokenKind, secret_eq};
use crate::seed;
use crate::state::Shared;
use crate::token_endpoint::{
    ClientAuth, ClientFailure, CodeRule, Encoding, GrantTypeRule, RefreshGrant, RefreshIssue,
    Route, TokenAnswer, TokenEndpoint, TokenFailure,
};

const PLATFORM: Platform = Platform::Instagram;

/// Business Login for Instagram scopes (the pre-2025 `business_*` names are refused).
pub(crate) const SCOPES: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_insights",
    "instagram_business_manage_comments",
    "instagram_business_manage_messages",
];

const SPEC: AuthorizeSpec = AuthorizeSpec {
    platform: PLATFORM,
    client_param: "client_id",
    comma_scopes: true,
    space_scopes: true,
    known_scopes: SCOPES,
    response_type_required: true,
    pkce: PkceRule::NotUsed,
};

/// `POST https://api.instagram.com/oauth/access_token` (form): the app's id and secret as
/// fields, `grant_type=authorization_code` only; the answer is a short-lived token, made
/// long-lived and refreshed on graph.instagram.com (below).
pub(crate) const TOKEN_ENDPOINT: TokenEndpoint = TokenEndpoint {
    platform: PLATFORM,
    route: Route::Post("/instagram/token/oauth/access_token"),
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
    code_flavor: Flavor::MetaShortLived,
    refresh_issue: RefreshIssue::Never,
    refresh_grant: RefreshGrant::Unsupported,
    refresh_default_ttl: None,
    long_lived_exchange: false,
    answer: token_json,
    error: token_failure,
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/instagram/oauth/oauth/authorize",
        web::get().to(authorize_handler),
    )
    .route(
        "/instagram/oauth/oauth/authorize/",
        web::get().to(authorize_handler),
    )
    .route("/instagram/api/{tail:.*}", web::route().to(graph));
}

async fn authorize_handler(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    authorize(&SPEC, &req, &shared)
}

/// api.instagram.com's error body.
fn ig_oauth_error(message: &str) -> HttpResponse {
    json(
        StatusCode::BAD_REQUEST,
        json!({"error_type": "OAuthException", "code": 400, "error_message": message}),
    )
}

fn graph_bad(code: i64, message: &str) -> HttpResponse {
    graph_error(StatusCode::BAD_REQUEST, code, None, message)
}

/// Instagram Platform BUC limit: code 80002 with `X-Business-Use-Case-Usage`.
pub(crate) fn rate_limited(status: Option<StatusCode>, retry_after: u64) -> HttpResponse {
    let mut response = graph_error(
        status.unwrap_or(StatusCode::BAD_REQUEST),
        80002,
        None,
        "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
    );
    set_header(
        response.headers_mut(),
        "x-business-use-case-usage",
        &buc_usage(seed::instagram::IG_USER_ID, "instagram", retry_after),
    );
    response
}

/// The short-lived token, flat or in a `data` list as the configuration says (both shapes
/// are seen in the wild).
fn token_json(answer: &TokenAnswer<'_>) -> HttpResponse {
    let scopes = answer.scopes.join(",");
    if answer.config.instagram_flat_token_response {
        let user_id: Value = seed::instagram::APP_SCOPED_ID
            .parse::<u64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(seed::instagram::APP_SCOPED_ID));
        return json(
            StatusCode::OK,
            json!({"access_token": answer.access.token, "user_id": user_id, "permissions": scopes}),
        );
    }
    json(
        StatusCode::OK,
        json!({"data": [{
            "access_token": answer.access.token,
            "user_id": seed::instagram::APP_SCOPED_ID,
            "permissions": scopes,
        }]}),
    )
}

fn token_failure(failure: &TokenFailure) -> HttpResponse {
    match failure {
        TokenFailure::Client(ClientFailure::MissingId | ClientFailure::UnknownId) => {
            ig_oauth_error("Invalid platform app")
        }
        TokenFailure::Client(ClientFailure::BadSecret) => {
            ig_oauth_error("Error validating client secret.")
        }
        TokenFailure::MissingParameter(name) => {
            ig_oauth_error(&format!("Missing required field {name}"))
        }
        TokenFailure::Code(CodeError::RedirectMismatch) => ig_oauth_error(
            "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
        ),
        TokenFailure::Code(CodeError::Used) => {
            ig_oauth_error("This authorization code has been used")
        }
        TokenFailure::Code(CodeError::Expired) => {
            ig_oauth_error("This authorization code has expired")
        }
        TokenFailure::Code(_) => ig_oauth_error("Matching code was not found or was already used"),
        TokenFailure::MissingGrantType
        | TokenFailure::UnsupportedGrantType
        | TokenFailure::Refresh(_)
        | TokenFailure::ExchangeNotUserToken
        | TokenFailure::ExchangeToken { .. } => {
            ig_oauth_error("Invalid grant_type: only authorization_code is supported.")
        }
    }
}

async fn graph(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let params = graph_params(&req, &body);
    let tail = req.match_info().get("tail").unwrap_or("").to_owned();
    let mut segments: Vec<&str> = tail.split('/').filter(|s| !s.is_empty()).collect();
    if segments.first().is_some_and(|s| is_version(s)) {
        segments.remove(0);
    }
    match (req.method().clone(), segments.as_slice()) {
        (Method::GET, ["access_token"]) => exchange(&req, &params, &shared),
        (Method::GET, ["refresh_access_token"]) => refresh(&req, &params, &shared),
        (Method::GET, [node]) => me(&req, &params, &shared, node),
        _ => graph_bad(2500, &format!("Unknown path components: /{tail}")),
    }
}

fn check(
    req: &HttpRequest,
    params: &Params,
    shared: &Shared,
) -> Result<(AccessInfo, OffsetDateTime), HttpResponse> {
    let state = shared.lock();
    let now = state.now();
    state
        .check_access(PLATFORM, graph_token(req, params).as_deref())
        .map(|a| (a, now))
        .map_err(|e| token_error(e, now, &state.config.app(PLATFORM).client_id))
}

fn long_lived_body(token: &str, expires_in: i64) -> HttpResponse {
    json(
        StatusCode::OK,
        json!({"access_token": token, "token_type": "bearer", "expires_in": expires_in}),
    )
}

/// `GET /access_token?grant_type=ig_exchange_token&client_secret=...&access_token={short}`.
fn exchange(req: &HttpRequest, params: &Params, shared: &Shared) -> HttpResponse {
    if params.get("grant_type") != Some("ig_exchange_token") {
        return graph_bad(
            100,
            "(#100) Unsupported grant_type, expected ig_exchange_token",
        );
    }
    let app = shared.lock().config.app(PLATFORM);
    if !params
        .get("client_secret")
        .is_some_and(|s| secret_eq(s, &app.client_secret))
    {
        return graph_bad(1, "Error validating client secret.");
    }
    let (access, _) = match check(req, params, shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    if access.flavor != Flavor::MetaShortLived {
        return graph_bad(
            100,
            "(#100) Only short-lived access tokens can be exchanged for a long-lived token",
        );
    }
    let mut state = shared.lock();
    let ttl = state.long_lived_ttl(PLATFORM);
    let issued = state.issue(
        access.grant,
        TokenKind::Access,
        Flavor::MetaLongLived,
        Some(ttl),
    );
    long_lived_body(&issued.token, issued.expires_in_json())
}

/// `GET /refresh_access_token?grant_type=ig_refresh_token&access_token={long}`: the token must be
/// long-lived, unexpired and at least `instagram_min_refresh_age_seconds` old. A new 60-day token
/// is returned; the old one keeps working until its own expiry.
fn refresh(req: &HttpRequest, params: &Params, shared: &Shared) -> HttpResponse {
    if params.get("grant_type") != Some("ig_refresh_token") {
        return graph_bad(
            100,
            "(#100) Unsupported grant_type, expected ig_refresh_token",
        );
    }
    let (access, now) = match check(req, params, shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    if access.flavor != Flavor::MetaLongLived {
        return graph_bad(100, "(#100) Only long-lived access tokens can be refreshed");
    }
    if !access.has_scope("instagram_business_basic") {
        return graph_bad(
            10,
            "(#10) The instagram_business_basic permission is required to refresh the token",
        );
    }
    let mut state = shared.lock();
    let age = (now - access.issued_at).whole_seconds();
    if age < state.config.instagram_min_refresh_age_seconds {
        return graph_bad(
            100,
            "(#100) The access token must be at least 24 hours old to be refreshed",
        );
    }
    let ttl = state.long_lived_ttl(PLATFORM);
    let issued = state.issue(
        access.grant,
        TokenKind::Access,
        Flavor::MetaLongLived,
        Some(ttl),
    );
    state.stats_mut(PLATFORM).refreshes += 1;
    long_lived_body(&issued.token, issued.expires_in_json())
}

/// `GET /me?fields=user_id,username,name,account_type,...` (also `/{ig-user-id}`).
fn me(req: &HttpRequest, params: &Params, shared: &Shared, node: &str) -> HttpResponse {
    if node != "me" && node != seed::instagram::IG_USER_ID && node != seed::instagram::APP_SCOPED_ID
    {
        return graph_bad(
            100,
            &format!(
                "(#100) Object with ID '{node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
            ),
        );
    }
    let (access, _) = match check(req, params, shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    if !access.has_scope("instagram_business_basic") {
        return graph_bad(
            10,
            "(#10) Application does not have permission for this action",
        );
    }
    let mut full = seed::instagram::profile();
    full.insert("id".into(), json!(seed::instagram::APP_SCOPED_ID));
    full.insert("user_id".into(), json!(seed::instagram::IG_USER_ID));
    full.insert("account_type".into(), json!(seed::instagram::ACCOUNT_TYPE));
    let full = Value::Object(full);
    let fields = field_names(params.get("fields"));
    json(StatusCode::OK, select_fields(&full, &fields, &["id"]))
}
