//! Facebook Login + Graph API: code exchange and `fb_exchange_token` on
//! `GET /{version}/oauth/access_token`, `/me`, `/me/accounts` (Page tokens, cursor paging, the
//! first Page's linked `instagram_business_account`), `/{ig-user-id}` (that Instagram account,
//! for Instagram API with Facebook Login), `/me/permissions`, `debug_token`. Also the Graph error envelope shared with Instagram.
//!
//! Oauth base `/facebook/oauth` (www.facebook.com), API base `/facebook/api` (graph.facebook.com).
//! Any `vNN.N` version segment is accepted, and so is no version at all.

use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use super::{facebook_publish, field_names, json, select_fields, set_header};
use crate::consent::{AuthorizeSpec, PkceRule, authorize};
use crate::oauth::{
    AccessInfo, CodeError, Flavor, Params, TokenError, TokenKind, bearer, is_form, random_alnum,
    secret_eq,
};
use crate::seed;
use crate::state::{Shared, SimState};
use crate::token_endpoint::{
    self, ClientAuth, ClientFailure, CodeRule, Encoding, GrantTypeRule, RefreshGrant, RefreshIssue,
    Route, TokenAnswer, TokenEndpoint, TokenFailure,
};

const PLATFORM: Platform = Platform::Facebook;

/// Facebook Login permissions the simulator knows.
pub(crate) const SCOPES: &[&str] = &[
    "public_profile",
    "email",
    "openid",
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "pages_manage_metadata",
    "pages_manage_engagement",
    "pages_read_user_content",
    "pages_manage_ads",
    "read_insights",
    "publish_video",
    "business_management",
    "ads_management",
    "ads_read",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_insights",
    "instagram_manage_comments",
    "instagram_manage_contents",
    "instagram_manage_messages",
];

const SPEC: AuthorizeSpec = AuthorizeSpec {
    platform: PLATFORM,
    client_param: "client_id",
    comma_scopes: true,
    space_scopes: true,
    known_scopes: SCOPES,
    response_type_required: false,
    pkce: PkceRule::NotUsed,
};

const PAGE_TASKS: [&str; 5] = [
    "ANALYZE",
    "ADVERTISE",
    "MODERATE",
    "CREATE_CONTENT",
    "MANAGE",
];

/// `GET /oauth/access_token` on the Graph: the app's id and secret as parameters; a code buys a
/// short-lived user token, `grant_type=fb_exchange_token` a long-lived one; no refresh tokens.
pub(crate) const TOKEN_ENDPOINT: TokenEndpoint = TokenEndpoint {
    platform: PLATFORM,
    route: Route::Graph,
    encoding: Encoding::QueryAndForm,
    client_auth: ClientAuth::Parameters {
        id: "client_id",
        secret: "client_secret",
    },
    grant_type: GrantTypeRule::DefaultsToCode,
    code: CodeRule {
        redirect_uri_required: false,
        pkce: false,
    },
    code_flavor: Flavor::MetaShortLived,
    refresh_issue: RefreshIssue::Never,
    refresh_grant: RefreshGrant::Unsupported,
    refresh_default_ttl: None,
    long_lived_exchange: true,
    answer: token_json,
    error: token_failure,
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/facebook/oauth/{version}/dialog/oauth",
        web::get().to(authorize_versioned),
    )
    .route(
        "/facebook/oauth/dialog/oauth",
        web::get().to(authorize_handler),
    )
    .service(
        web::resource("/facebook/rupload/video-upload/{version}/{video_id}")
            .app_data(web::PayloadConfig::new(facebook_publish::RUPLOAD_LIMIT))
            .route(web::post().to(facebook_publish::rupload)),
    )
    .route("/facebook/api/{tail:.*}", web::route().to(graph))
    // graph-video.facebook.com: the same Graph, taking chunks of Page video uploads.
    .service(
        web::resource("/facebook/graph-video/{tail:.*}")
            .app_data(web::PayloadConfig::new(facebook_publish::RUPLOAD_LIMIT))
            .route(web::route().to(graph)),
    );
}

async fn authorize_versioned(
    req: HttpRequest,
    path: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if !is_version(&path) {
        return crate::consent::error_page(
            PLATFORM,
            StatusCode::NOT_FOUND,
            "This page isn't available.",
        );
    }
    authorize(&SPEC, &req, &shared)
}

async fn authorize_handler(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    authorize(&SPEC, &req, &shared)
}

// ---------------------------------------------------------------------------------------------
// Graph envelope (shared with Instagram)

/// `v25.0`-style version segment.
pub(crate) fn is_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix('v') else {
        return false;
    };
    let Some((major, minor)) = rest.split_once('.') else {
        return false;
    };
    !major.is_empty()
        && !minor.is_empty()
        && major.bytes().all(|b| b.is_ascii_digit())
        && minor.bytes().all(|b| b.is_ascii_digit())
}

pub(crate) fn fbtrace_id() -> String {
    random_alnum(11)
}

/// `{"error":{"message","type":"OAuthException","code","error_subcode"?,"fbtrace_id"}}`.
pub(crate) fn graph_error(
    status: StatusCode,
    code: i64,
    subcode: Option<i64>,
    message: &str,
) -> HttpResponse {
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": fbtrace_id(),
    });
    if let (Some(sub), Some(obj)) = (subcode, error.as_object_mut()) {
        obj.insert("error_subcode".into(), Value::from(sub));
    }
    let mut response = json(status, json!({"error": error}));
    if code == 190 {
        set_header(
            response.headers_mut(),
            "www-authenticate",
            &format!("OAuth \"Facebook Platform\" \"invalid_token\" \"{message}\""),
        );
    }
    response
}

fn graph_bad(code: i64, subcode: Option<i64>, message: &str) -> HttpResponse {
    graph_error(StatusCode::BAD_REQUEST, code, subcode, message)
}

/// The Graph answer for a refused token (code 190 and its subcodes; 2500 without a token).
pub(crate) fn token_error(error: TokenError, now: OffsetDateTime, app_id: &str) -> HttpResponse {
    match error {
        TokenError::Missing => graph_bad(
            2500,
            None,
            "An active access token must be used to query information about the current user.",
        ),
        TokenError::Unknown => graph_bad(
            190,
            None,
            "Invalid OAuth access token - Cannot parse access token",
        ),
        TokenError::Expired(at) => graph_bad(
            190,
            Some(463),
            &format!(
                "Error validating access token: Session has expired on {}. The current time is {}.",
                at.format(&Rfc2822).unwrap_or_default(),
                now.format(&Rfc2822).unwrap_or_default()
            ),
        ),
        TokenError::Revoked => graph_bad(
            190,
            Some(458),
            &format!(
                "Error validating access token: The user has not authorized application {app_id}."
            ),
        ),
    }
}

pub(crate) fn injected_failure(status: StatusCode) -> HttpResponse {
    match status {
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => {
            transient(status, 2, "Service temporarily unavailable")
        }
        s if s.is_server_error() => transient(status, 1, "An unknown error has occurred."),
        s => graph_error(s, 100, None, "(#100) Invalid parameter"),
    }
}

fn transient(status: StatusCode, code: i64, message: &str) -> HttpResponse {
    json(
        status,
        json!({"error": {
            "message": message,
            "type": "OAuthException",
            "is_transient": true,
            "code": code,
            "fbtrace_id": fbtrace_id(),
        }}),
    )
}

/// Facebook: code 4 with `X-App-Usage` at 100 for user tokens; code 80001 with
/// `X-Business-Use-Case-Usage` for Page tokens. Graph answers HTTP 400 unless overridden.
pub(crate) fn rate_limited(
    status: Option<StatusCode>,
    retry_after: u64,
    page: Option<&str>,
) -> HttpResponse {
    let status = status.unwrap_or(StatusCode::BAD_REQUEST);
    match page {
        Some(page_id) => {
            let mut response = graph_error(
                status,
                80001,
                None,
                "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
            );
            set_header(
                response.headers_mut(),
                "x-business-use-case-usage",
                &buc_usage(page_id, "pages", retry_after),
            );
            response
        }
        None => {
            let mut response =
                graph_error(status, 4, None, "(#4) Application request limit reached");
            set_header(
                response.headers_mut(),
                "x-app-usage",
                r#"{"call_count":100,"total_cputime":25,"total_time":40}"#,
            );
            response
        }
    }
}

/// `X-Business-Use-Case-Usage` value; `estimated_time_to_regain_access` is in minutes.
pub(crate) fn buc_usage(id: &str, kind: &str, retry_after: u64) -> String {
    json!({id: [{
        "type": kind,
        "call_count": 100,
        "total_cputime": 20,
        "total_time": 35,
        "estimated_time_to_regain_access": retry_after.div_ceil(60),
    }]})
    .to_string()
}

pub(crate) fn decorate(headers: &mut HeaderMap) {
    set_header(
        headers,
        "x-app-usage",
        r#"{"call_count":1,"total_cputime":1,"total_time":1}"#,
    );
    set_header(headers, "x-fb-trace-id", &fbtrace_id());
}

/// The request's token: `access_token` (query or form) or `Authorization: Bearer|OAuth`.
pub(crate) fn graph_token(req: &HttpRequest, params: &Params) -> Option<String> {
    params
        .get("access_token")
        .map(str::to_owned)
        .or_else(|| bearer(req))
}

/// Query parameters plus, for a form body, its fields.
pub(crate) fn graph_params(req: &HttpRequest, body: &[u8]) -> Params {
    let query = Params::from_query(req);
    if is_form(req) {
        query.merged(Params::parse(body))
    } else {
        query
    }
}

// ---------------------------------------------------------------------------------------------
// Graph routes

async fn graph(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let params = graph_params(&req, &body);
    let tail = req.match_info().get("tail").unwrap_or("").to_owned();
    let mut segments: Vec<&str> = tail.split('/').filter(|s| !s.is_empty()).collect();
    let version = match segments.first() {
        Some(first) if is_version(first) => Some(segments.remove(0).to_owned()),
        _ => None,
    };
    let version = version.unwrap_or_else(|| "v25.0".to_owned());
    let method = req.method().clone();
    match (method, segments.as_slice()) {
        (Method::GET, ["oauth", "access_token"]) => {
            token_endpoint::handle(&TOKEN_ENDPOINT, &req, &body, &shared)
        }
        (Method::GET, ["debug_token"]) => debug_token(&req, &params, &shared),
        (Method::POST, [page, "feed"]) => facebook_publish::feed(&req, &body, &shared, page).await,
        (Method::POST, [page, "photos"]) => {
            facebook_publish::photos(&req, &body, &shared, page).await
        }
        (Method::GET, [page, "published_posts" | "feed"]) => {
            facebook_publish::published_posts(
                &req,
                &shared,
                page,
                &version,
                facebook_publish::PageEdge::PublishedPosts,
            )
            .await
        }
        (Method::GET, [page, "videos"]) => {
            facebook_publish::published_posts(
                &req,
                &shared,
                page,
                &version,
                facebook_publish::PageEdge::Videos,
            )
            .await
        }
        (Method::POST, [page, "videos"]) => {
            facebook_publish::videos(&req, &body, &shared, page).await
        }
        (Method::POST, [page, "video_reels"]) => {
            facebook_publish::video_reels(&req, &body, &shared, page, &version).await
        }
        (Method::GET, [node]) if facebook_publish::is_video(&shared, node) => {
            facebook_publish::video(&req, &shared, node).await
        }
        (Method::GET, [node]) if facebook_publish::is_post(&shared, node) => {
            facebook_publish::post(&req, &shared, node).await
        }
        (Method::GET, [node]) => node_fields(&req, &params, &shared, node),
        (Method::GET, [node, "accounts"]) => accounts(&req, &params, &shared, node, &version),
        (Method::GET, [node, "permissions"]) => permissions(&req, &params, &shared, node),
        (Method::DELETE, [node, "permissions"]) => {
            delete_permissions(&req, &params, &shared, node, None)
        }
        (Method::DELETE, [node, "permissions", permission]) => {
            delete_permissions(&req, &params, &shared, node, Some(permission))
        }
        _ => graph_bad(2500, None, &format!("Unknown path components: /{tail}")),
    }
}

fn token_json(answer: &TokenAnswer<'_>) -> HttpResponse {
    json(
        StatusCode::OK,
        json!({"access_token": answer.access.token, "token_type": "bearer", "expires_in": answer.access.expires_in_json()}),
    )
}

fn token_failure(failure: &TokenFailure) -> HttpResponse {
    match failure {
        TokenFailure::Client(ClientFailure::MissingId | ClientFailure::UnknownId) => graph_bad(
            101,
            None,
            "Error validating application. Invalid application ID.",
        ),
        TokenFailure::Client(ClientFailure::BadSecret) => {
            graph_bad(1, None, "Error validating client secret.")
        }
        TokenFailure::ExchangeNotUserToken => graph_bad(190, None, "Invalid OAuth access token."),
        TokenFailure::ExchangeToken {
            error: TokenError::Missing,
            ..
        } => graph_bad(100, None, "(#100) Missing parameter fb_exchange_token"),
        TokenFailure::ExchangeToken {
            error,
            now,
            client_id,
        } => token_error(*error, *now, client_id),
        TokenFailure::Code(CodeError::Used) => {
            graph_bad(100, Some(36009), "This authorization code has been used.")
        }
        TokenFailure::Code(CodeError::Expired) => {
            graph_bad(100, Some(36007), "This authorization code has expired.")
        }
        TokenFailure::Code(CodeError::RedirectMismatch) => graph_bad(
            100,
            Some(36008),
            "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
        ),
        TokenFailure::Code(_) => graph_bad(100, None, "Invalid verification code format."),
        TokenFailure::MissingParameter(name) => graph_bad(
            100,
            None,
            &format!("(#100) The parameter {name} is required"),
        ),
        TokenFailure::MissingGrantType
        | TokenFailure::UnsupportedGrantType
        | TokenFailure::Refresh(_) => graph_bad(100, None, "(#100) Unsupported grant_type"),
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

fn user_json() -> Value {
    json!({
        "id": seed::facebook::USER_ID,
        "name": seed::facebook::USER_NAME,
        "first_name": "Sam",
        "last_name": "Sim",
        "short_name": "Sam",
        "email": "sam.sim@example.com",
        "picture": {"data": {
            "height": 50, "width": 50, "is_silhouette": false,
            "url": "https://platform-lookaside.fbsbx.com/sim/sam-sim.jpg",
        }},
    })
}

fn page_json(index: usize, (id, name, category): (&str, &str, &str)) -> Value {
    let mut page = json!({
        "id": id,
        "name": name,
        "category": category,
        "category_list": [{"id": format!("2{index}00"), "name": category}],
        "tasks": PAGE_TASKS,
        "link": format!("https://www.facebook.com/{id}"),
        "fan_count": 150 + index * 50,
        "followers_count": 160 + index * 50,
        "about": format!("{name} is a simulated Facebook Page."),
        "picture": {"data": {
            "height": 50, "width": 50, "is_silhouette": false,
            "url": format!("https://scontent.xx.fbcdn.net/sim/page-{id}.jpg"),
        }},
    });
    if index == 0
        && let Some(obj) = page.as_object_mut()
    {
        obj.insert(
            "instagram_business_account".into(),
            json!({"id": seed::facebook::FIRST_PAGE_INSTAGRAM_ID}),
        );
    }
    page
}

fn page_by_id(id: &str) -> Option<(usize, (&'static str, &'static str, &'static str))> {
    seed::facebook::PAGES
        .iter()
        .enumerate()
        .find(|(_, p)| p.0 == id)
        .map(|(i, p)| (i, *p))
}

/// `GET /me`, `GET /{user-id}`, `GET /{page-id}`, `GET /{ig-user-id}`.
fn node_fields(req: &HttpRequest, params: &Params, shared: &Shared, node: &str) -> HttpResponse {
    let (access, _) = match check(req, params, shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    let fields = field_names(params.get("fields"));
    if node == seed::facebook::FIRST_PAGE_INSTAGRAM_ID {
        return instagram_account(&access, &fields);
    }
    let page_target = match (&access.flavor, node) {
        (Flavor::FacebookPage(page), "me") => Some(page.clone()),
        (_, id) if page_by_id(id).is_some() => Some(id.to_owned()),
        _ => None,
    };
    if let Some(page_id) = page_target {
        let Some((index, page)) = page_by_id(&page_id) else {
            return unknown_node(node);
        };
        let full = page_json(index, page);
        let fields = if fields.is_empty() {
            vec!["name".to_owned()]
        } else {
            fields
        };
        return json(StatusCode::OK, select_fields(&full, &fields, &["id"]));
    }
    if node != "me" && node != seed::facebook::USER_ID {
        return unknown_node(node);
    }
    if matches!(access.flavor, Flavor::FacebookPage(_)) {
        return unknown_node(node);
    }
    let mut full = user_json();
    if !access.has_scope("email")
        && let Some(obj) = full.as_object_mut()
    {
        obj.remove("email");
    }
    let fields = if fields.is_empty() {
        vec!["name".to_owned()]
    } else {
        fields
    };
    json(StatusCode::OK, select_fields(&full, &fields, &["id"]))
}

/// `GET /{ig-user-id}` on the Facebook host (Instagram API with Facebook Login): the
/// professional account linked to the first Page, for a token with `instagram_basic` (a user
/// token, or that Page's token). `id` is the account id itself: there is no app-scoped id on
/// this host.
fn instagram_account(access: &AccessInfo, fields: &[String]) -> HttpResponse {
    if let Flavor::FacebookPage(page) = &access.flavor
        && page != seed::facebook::PAGES[0].0
    {
        return graph_bad(
            200,
            None,
            "(#200) The Page of this token is not linked to the Instagram account",
        );
    }
    if !access.has_scope("instagram_basic") {
        return graph_bad(
            10,
            None,
            "(#10) Application does not have permission for this action",
        );
    }
    let mut full = seed::instagram::profile();
    full.insert("id".into(), json!(seed::facebook::FIRST_PAGE_INSTAGRAM_ID));
    full.insert("ig_id".into(), json!(2_000_000_001_u64));
    let full = Value::Object(full);
    let fields = if fields.is_empty() {
        vec!["id".to_owned()]
    } else {
        fields.to_vec()
    };
    json(StatusCode::OK, select_fields(&full, &fields, &["id"]))
}

fn unknown_node(node: &str) -> HttpResponse {
    graph_bad(
        803,
        None,
        &format!("(#803) Some of the aliases you requested do not exist: {node}"),
    )
}

/// The Page token of `page_id` for this grant: never expires when derived from a long-lived
/// user token, expires with the user token otherwise. One token per (grant, page, kind).
fn page_token(state: &mut SimState, access: &AccessInfo, page_id: &str) -> String {
    let long = matches!(access.flavor, Flavor::MetaLongLived);
    let key = (access.grant, format!("{page_id}:{long}"));
    let now = state.now();
    if let Some(existing) = state.page_tokens.get(&key).cloned()
        && state
            .tokens
            .get(&existing)
            .is_some_and(|t| state.token_usable(t, now))
    {
        return existing;
    }
    let ttl = if long {
        None
    } else {
        access.expires_at.map(|e| (e - now).whole_seconds().max(0))
    };
    let issued = state.issue(
        access.grant,
        TokenKind::Access,
        Flavor::FacebookPage(page_id.to_owned()),
        ttl,
    );
    state.page_tokens.insert(key, issued.token.clone());
    issued.token
}

pub(crate) fn encode_cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

pub(crate) fn decode_cursor(cursor: &str) -> Option<String> {
    String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()
}

/// `GET /me/accounts`: the user's Pages with Page tokens, cursor paging (`limit`, `after`, `before`).
fn accounts(
    req: &HttpRequest,
    params: &Params,
    shared: &Shared,
    node: &str,
    version: &str,
) -> HttpResponse {
    let (access, _) = match check(req, params, shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    if matches!(access.flavor, Flavor::FacebookPage(_)) {
        return graph_bad(
            100,
            None,
            "(#100) Tried accessing nonexisting field (accounts) on node type (Page)",
        );
    }
    if node != "me" && node != seed::facebook::USER_ID {
        return unknown_node(node);
    }
    let pages: Vec<(usize, (&str, &str, &str))> = if access.has_scope("pages_show_list") {
        seed::facebook::PAGES.iter().copied().enumerate().collect()
    } else {
        Vec::new()
    };
    let limit = match params.get("limit").map(str::parse::<usize>) {
        None => 25,
        Some(Ok(n)) if n > 0 => n.min(100),
        Some(_) => return graph_bad(100, None, "(#100) Param limit must be a positive integer"),
    };
    let position = |cursor: Option<&str>| -> Result<Option<usize>, HttpResponse> {
        match cursor {
            None => Ok(None),
            Some(c) => decode_cursor(c)
                .and_then(|id| pages.iter().position(|(_, p)| p.0 == id))
                .map(Some)
                .ok_or_else(|| graph_bad(100, None, "(#100) Invalid cursor")),
        }
    };
    let (start, end) = match (
        position(params.get("after")),
        position(params.get("before")),
    ) {
        (Err(e), _) | (_, Err(e)) => return e,
        (Ok(Some(after)), _) => (after + 1, (after + 1 + limit).min(pages.len())),
        (Ok(None), Ok(Some(before))) => (before.saturating_sub(limit), before),
        (Ok(None), Ok(None)) => (0, limit.min(pages.len())),
    };
    let mut fields = field_names(params.get("fields"));
    if fields.is_empty() {
        fields = ["access_token", "category", "category_list", "name", "tasks"]
            .map(str::to_owned)
            .to_vec();
    }
    let wants_token = fields.iter().any(|f| f == "access_token");
    let slice = pages.get(start..end).unwrap_or(&[]);
    let mut data = Vec::with_capacity(slice.len());
    {
        let mut state = shared.lock();
        for (index, page) in slice {
            let mut full = page_json(*index, *page);
            if wants_token && let Some(obj) = full.as_object_mut() {
                obj.insert(
                    "access_token".into(),
                    Value::from(page_token(&mut state, &access, page.0)),
                );
            }
            data.push(select_fields(&full, &fields, &["id"]));
        }
    }
    let mut body = json!({"data": data});
    if let (Some((_, first)), Some((_, last))) = (slice.first(), slice.last()) {
        let mut paging = json!({"cursors": {
            "before": encode_cursor(first.0),
            "after": encode_cursor(last.0),
        }});
        let page_link = |key: &str, cursor: &str| -> String {
            let mut url = shared.url_for(&format!("facebook/api/{version}/{node}/accounts"));
            {
                let mut q = url.query_pairs_mut();
                for name in ["access_token", "fields", "limit"] {
                    if let Some(v) = params.get(name) {
                        q.append_pair(name, v);
                    }
                }
                if params.get("limit").is_none() {
                    q.append_pair("limit", &limit.to_string());
                }
                q.append_pair(key, cursor);
            }
            url.to_string()
        };
        if let Some(obj) = paging.as_object_mut() {
            if end < pages.len() {
                obj.insert(
                    "next".into(),
                    Value::from(page_link("after", &encode_cursor(last.0))),
                );
            }
            if start > 0 {
                obj.insert(
                    "previous".into(),
                    Value::from(page_link("before", &encode_cursor(first.0))),
                );
            }
        }
        if let Some(obj) = body.as_object_mut() {
            obj.insert("paging".into(), paging);
        }
    }
    json(StatusCode::OK, body)
}

fn permissions(req: &HttpRequest, params: &Params, shared: &Shared, node: &str) -> HttpResponse {
    let (access, _) = match check(req, params, shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    if matches!(access.flavor, Flavor::FacebookPage(_))
        || (node != "me" && node != seed::facebook::USER_ID)
    {
        return unknown_node(node);
    }
    let data: Vec<Value> = access
        .scopes
        .iter()
        .map(|s| json!({"permission": s, "status": "granted"}))
        .collect();
    json(StatusCode::OK, json!({"data": data}))
}

/// `DELETE /me/permissions` revokes the whole app grant (user and Page tokens);
/// `DELETE /me/permissions/{permission}` takes one permission away.
fn delete_permissions(
    req: &HttpRequest,
    params: &Params,
    shared: &Shared,
    node: &str,
    permission: Option<&str>,
) -> HttpResponse {
    let (access, _) = match check(req, params, shared) {
        Ok(a) => a,
        Err(response) => return response,
    };
    if matches!(access.flavor, Flavor::FacebookPage(_))
        || (node != "me" && node != seed::facebook::USER_ID)
    {
        return graph_bad(
            100,
            None,
            "(#100) Permissions can only be removed with a user access token",
        );
    }
    let mut state = shared.lock();
    match permission {
        None => {
            state.revoke_grant(access.grant);
        }
        Some(p) => {
            if let Some(grant) = state.grants.get_mut(&access.grant) {
                grant.scopes.retain(|s| s != p);
            }
        }
    }
    json(StatusCode::OK, json!({"success": true}))
}

/// `GET /debug_token?input_token=...&access_token={app-id}|{app-secret}` (or a user token).
fn debug_token(req: &HttpRequest, params: &Params, shared: &Shared) -> HttpResponse {
    let state = shared.lock();
    let app = state.config.app(PLATFORM);
    let caller = graph_token(req, params).unwrap_or_default();
    let app_token = format!("{}|{}", app.client_id, app.client_secret);
    if !secret_eq(&caller, &app_token) && state.check_access(PLATFORM, Some(&caller)).is_err() {
        return graph_bad(
            190,
            None,
            "Invalid OAuth access token - Cannot parse access token",
        );
    }
    let Some(input) = params.get("input_token") else {
        return graph_bad(100, None, "(#100) The parameter input_token is required");
    };
    let now = state.now();
    let Some(record) = state.tokens.get(input).filter(|t| t.platform == PLATFORM) else {
        return json(
            StatusCode::OK,
            json!({"data": {"is_valid": false, "error": {
                "code": 190, "message": "Invalid OAuth access token.",
            }}}),
        );
    };
    let scopes = state.grant_scopes(record.grant);
    let mut data = json!({
        "app_id": app.client_id,
        "type": if matches!(record.flavor, Flavor::FacebookPage(_)) { "PAGE" } else { "USER" },
        "application": "Socialpub Sim App",
        "data_access_expires_at": (now + time::Duration::days(90)).unix_timestamp(),
        "expires_at": record.expires_at.map_or(0, OffsetDateTime::unix_timestamp),
        "is_valid": state.token_usable(record, now),
        "issued_at": record.issued_at.unix_timestamp(),
        "scopes": scopes,
        "granular_scopes": scopes.iter().map(|s| json!({"scope": s})).collect::<Vec<_>>(),
        "user_id": seed::facebook::USER_ID,
    });
    if let (Flavor::FacebookPage(page), Some(obj)) = (&record.flavor, data.as_object_mut()) {
        obj.insert("profile_id".into(), Value::from(page.clone()));
    }
    json(StatusCode::OK, json!({"data": data}))
}
