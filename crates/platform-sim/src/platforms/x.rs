//! X (API v2): OAuth 2.0 authorization code + PKCE, rotating refresh tokens, `/2/users/me`.
//!
//! Oauth base `/x/oauth` (x.com), API base `/x/api` (api.x.com).

use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::OffsetDateTime;

use super::{json, set_header};
use crate::config::AppCredentials;
use crate::consent::{AuthorizeSpec, PkceRule, authorize};
use crate::oauth::{BasicAuth, CodeError, Flavor, Params, basic_auth, bearer, is_form, secret_eq};
use crate::seed;
use crate::state::Shared;
use crate::token_endpoint::{
    ClientAuth, CodeRule, Encoding, GrantTypeRule, RefreshGrant, RefreshIssue, Route, TokenAnswer,
    TokenEndpoint, TokenFailure,
};

const PLATFORM: Platform = Platform::X;

/// Scopes of the X API v2 spec.
pub(crate) const SCOPES: &[&str] = &[
    "tweet.read",
    "tweet.write",
    "tweet.moderate.write",
    "users.read",
    "users.email",
    "follows.read",
    "follows.write",
    "offline.access",
    "space.read",
    "mute.read",
    "mute.write",
    "like.read",
    "like.write",
    "list.read",
    "list.write",
    "block.read",
    "block.write",
    "bookmark.read",
    "bookmark.write",
    "dm.read",
    "dm.write",
    "media.write",
    "timeline.read",
];

const SPEC: AuthorizeSpec = AuthorizeSpec {
    platform: PLATFORM,
    client_param: "client_id",
    comma_scopes: false,
    space_scopes: true,
    known_scopes: SCOPES,
    response_type_required: true,
    pkce: PkceRule::Required { allow_plain: true },
};

/// `user.fields` values `/2/users/me` accepts.
const USER_FIELDS: &[&str] = &[
    "affiliation",
    "confirmed_email",
    "connection_status",
    "created_at",
    "description",
    "entities",
    "id",
    "is_identity_verified",
    "location",
    "most_recent_tweet_id",
    "name",
    "parody",
    "pinned_tweet_id",
    "profile_banner_url",
    "profile_image_url",
    "protected",
    "public_metrics",
    "receives_your_dm",
    "subscription",
    "subscription_type",
    "url",
    "username",
    "verified",
    "verified_followers_count",
    "verified_type",
    "withheld",
];

/// Confidential client (HTTP Basic), form body, PKCE, rotating refresh tokens with
/// `offline.access` only; a reused refresh token may revoke the whole grant.
pub(crate) const TOKEN_ENDPOINT: TokenEndpoint = TokenEndpoint {
    platform: PLATFORM,
    route: Route::Post("/x/api/2/oauth2/token"),
    encoding: Encoding::FormBody,
    client_auth: ClientAuth::Basic,
    grant_type: GrantTypeRule::Required,
    code: CodeRule {
        redirect_uri_required: false,
        pkce: true,
    },
    code_flavor: Flavor::Standard,
    refresh_issue: RefreshIssue::WithScope("offline.access"),
    refresh_grant: RefreshGrant::Rotating {
        reuse_revokes_grant: |config| config.x_refresh_reuse_revokes_grant,
    },
    refresh_default_ttl: None,
    long_lived_exchange: false,
    answer: token_body,
    error: token_error,
};

const USERS_ME_LIMIT: u32 = 75;
const WINDOW_SECONDS: i64 = 900;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/x/oauth/i/oauth2/authorize",
        web::get().to(authorize_handler),
    )
    .route("/x/api/2/oauth2/revoke", web::post().to(revoke))
    .route("/x/api/2/users/me", web::get().to(users_me));
}

async fn authorize_handler(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    authorize(&SPEC, &req, &shared)
}

/// RFC 7807-style problem body, as X's v2 API answers errors.
pub(crate) fn problem(status: StatusCode, detail: Option<&str>) -> HttpResponse {
    let title = status.canonical_reason().unwrap_or("Error");
    json(
        status,
        json!({
            "title": title,
            "detail": detail.unwrap_or(title),
            "type": "about:blank",
            "status": status.as_u16(),
        }),
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> HttpResponse {
    json(
        status,
        json!({"error": error, "error_description": description}),
    )
}

fn unauthorized_client() -> HttpResponse {
    oauth_error(
        StatusCode::UNAUTHORIZED,
        "unauthorized_client",
        "Missing valid authorization header",
    )
}

/// Confidential client: HTTP Basic with the app's id and secret.
fn authenticate(req: &HttpRequest, app: &AppCredentials) -> Result<(), HttpResponse> {
    match basic_auth(req) {
        BasicAuth::Present { client_id, secret }
            if client_id == app.client_id && secret_eq(&secret, &app.client_secret) =>
        {
            Ok(())
        }
        _ => Err(unauthorized_client()),
    }
}

fn token_body(answer: &TokenAnswer<'_>) -> HttpResponse {
    let mut body = json!({
        "token_type": "bearer",
        "expires_in": answer.access.expires_in_json(),
        "access_token": answer.access.token,
        "scope": answer.scopes.join(" "),
    });
    if let (Some(r), Some(obj)) = (&answer.refresh, body.as_object_mut()) {
        obj.insert("refresh_token".into(), Value::from(r.token.clone()));
    }
    json(StatusCode::OK, body)
}

fn token_error(failure: &TokenFailure) -> HttpResponse {
    let invalid =
        |description: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description);
    match failure {
        TokenFailure::Client(_) => unauthorized_client(),
        TokenFailure::UnsupportedGrantType => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Grant type is not supported.",
        ),
        TokenFailure::MissingGrantType => invalid("Missing required parameter [grant_type]."),
        TokenFailure::MissingParameter(name) => {
            invalid(&format!("Missing required parameter [{name}]."))
        }
        TokenFailure::Code(CodeError::VerifierMissing) => {
            invalid("Missing required parameter [code_verifier].")
        }
        TokenFailure::Code(_) => invalid("Value passed for the authorization code was invalid."),
        TokenFailure::Refresh(_)
        | TokenFailure::ExchangeNotUserToken
        | TokenFailure::ExchangeToken { .. } => invalid("Value passed for the token was invalid."),
    }
}

async fn revoke(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let params = if is_form(&req) {
        Params::parse(&body)
    } else {
        Params::default()
    };
    let app = shared.lock().config.app(PLATFORM);
    if let Err(response) = authenticate(&req, &app) {
        return response;
    }
    let Some(token) = params.get("token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter [token].",
        );
    };
    let mut state = shared.lock();
    if let Some(grant) = state.grant_of(PLATFORM, token)
        && state
            .grants
            .get(&grant)
            .is_some_and(|g| g.client_id == app.client_id)
    {
        state.revoke_grant(grant);
    }
    json(StatusCode::OK, json!({"revoked": true}))
}

async fn users_me(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let params = Params::from_query(&req);
    let access = {
        let state = shared.lock();
        state.check_access(PLATFORM, bearer(&req).as_deref())
    };
    let access = match access {
        Ok(a) => a,
        Err(_) => {
            return problem(StatusCode::UNAUTHORIZED, None);
        }
    };
    if !(access.has_scope("users.read") && access.has_scope("tweet.read")) {
        return problem(StatusCode::FORBIDDEN, None);
    }
    let requested: Vec<&str> = params
        .get("user.fields")
        .map(|f| {
            f.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let invalid: Vec<&str> = requested
        .iter()
        .copied()
        .filter(|f| !USER_FIELDS.contains(f))
        .collect();
    if !invalid.is_empty() {
        return invalid_request("user.fields", &invalid);
    }
    let full = json!({
        "id": seed::x::USER_ID,
        "name": seed::x::NAME,
        "username": seed::x::USERNAME,
        "created_at": "2020-01-15T09:30:00.000Z",
        "description": "Simulated X account for Socialpub.",
        "location": "Localhost",
        "profile_image_url": "https://pbs.twimg.com/profile_images/sim/socialpub_normal.png",
        "protected": false,
        "public_metrics": {
            "followers_count": 1234,
            "following_count": 56,
            "tweet_count": 789,
            "listed_count": 3,
            "like_count": 42,
            "media_count": 12
        },
        "url": "",
        "verified": false,
        "verified_type": "none",
    });
    let mut wanted: Vec<String> = requested.iter().map(|s| (*s).to_owned()).collect();
    wanted.retain(|f| full.get(f).is_some());
    let data = super::select_fields(&full, &wanted, &["id", "name", "username"]);
    json(StatusCode::OK, json!({"data": data}))
}

fn invalid_request(parameter: &str, values: &[&str]) -> HttpResponse {
    json(
        StatusCode::BAD_REQUEST,
        json!({
            "errors": [{
                "parameters": {parameter: values},
                "message": format!(
                    "The `{parameter}` query parameter value [{}] is not one of [{}]",
                    values.join(","),
                    USER_FIELDS.join(",")
                ),
            }],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.x.com/2/problems/invalid-request",
        }),
    )
}

pub(crate) fn rate_limited(
    status: Option<StatusCode>,
    retry_after: u64,
    now: OffsetDateTime,
) -> HttpResponse {
    let mut response = problem(status.unwrap_or(StatusCode::TOO_MANY_REQUESTS), None);
    let reset = now.unix_timestamp() + i64::try_from(retry_after).unwrap_or(i64::MAX / 2);
    let headers = response.headers_mut();
    set_header(headers, "x-rate-limit-limit", &USERS_ME_LIMIT.to_string());
    set_header(headers, "x-rate-limit-remaining", "0");
    set_header(headers, "x-rate-limit-reset", &reset.to_string());
    response
}

/// Rate-limit headers on every answer (15-minute window; the simulator never runs out).
pub(crate) fn decorate(headers: &mut HeaderMap, now: OffsetDateTime) {
    let reset = now.unix_timestamp() + WINDOW_SECONDS;
    set_header(headers, "x-rate-limit-limit", &USERS_ME_LIMIT.to_string());
    set_header(
        headers,
        "x-rate-limit-remaining",
        &(USERS_ME_LIMIT - 1).to_string(),
    );
    set_header(headers, "x-rate-limit-reset", &reset.to_string());
    set_header(headers, "api-version", "2.167");
}
