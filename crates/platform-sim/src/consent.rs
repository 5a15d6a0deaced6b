//! The authorize endpoints (one generic flow, tuned per platform by an [`AuthorizeSpec`]), the
//! consent page with Approve / Deny, and the redirects back to the app.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use socialpub_domain::Platform;
use time::Duration;
use url::Url;

use crate::oauth::{
    Challenge, ChallengeEncoding, Params, PendingAuthorization, PkceMethod,
    challenge_is_well_formed, random_token, split_scopes,
};
use crate::seed;
use crate::state::Shared;

/// Whether and how the platform uses PKCE at its authorize endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PkceRule {
    /// Not part of the platform's web flow; any PKCE parameters are ignored.
    NotUsed,
    /// `code_challenge` required; `plain` allowed or not.
    Required { allow_plain: bool },
}

/// How one platform's authorize endpoint reads its parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthorizeSpec {
    pub(crate) platform: Platform,
    /// `client_id`, or TikTok's `client_key`.
    pub(crate) client_param: &'static str,
    pub(crate) comma_scopes: bool,
    pub(crate) space_scopes: bool,
    /// Scopes the platform knows; anything else is `invalid_scope`.
    pub(crate) known_scopes: &'static [&'static str],
    pub(crate) response_type_required: bool,
    pub(crate) pkce: PkceRule,
}

const STATE_MAX_LEN: usize = 500;
const CONSENT_TTL_SECONDS: i64 = 600;

/// `GET <authorize path>`: validate, then consent page or straight redirect.
pub(crate) fn authorize(spec: &AuthorizeSpec, req: &HttpRequest, shared: &Shared) -> HttpResponse {
    let params = Params::from_query(req);
    let platform = spec.platform;
    let (app, auto_approve, tiktok_hex) = {
        let state = shared.lock();
        (
            state.config.app(platform),
            state.auto_approve,
            state.config.tiktok_pkce_hex,
        )
    };

    // Client and redirect URI problems are shown to the user, never redirected (RFC 6749 4.1.2.1).
    let Some(client_id) = params.get(spec.client_param) else {
        return error_page(
            platform,
            StatusCode::BAD_REQUEST,
            &format!("Missing {}.", spec.client_param),
        );
    };
    if client_id != app.client_id {
        return error_page(
            platform,
            StatusCode::BAD_REQUEST,
            &format!("Invalid {}: this app does not exist.", spec.client_param),
        );
    }
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return error_page(platform, StatusCode::BAD_REQUEST, "Missing redirect_uri.");
    };
    if !app.accepts_redirect(redirect_uri) {
        return error_page(
            platform,
            StatusCode::BAD_REQUEST,
            "The redirect_uri does not match the registered value.",
        );
    }
    let state = params.get("state").unwrap_or("");
    let fail = |error: &str, description: &str| {
        redirect(&with_params(
            redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", state),
            ],
            None,
        ))
    };

    if state.is_empty() {
        return fail("invalid_request", "The state parameter is required.");
    }
    if state.len() > STATE_MAX_LEN {
        return fail("invalid_request", "The state parameter is too long.");
    }
    match params.get("response_type") {
        None if spec.response_type_required => {
            return fail("invalid_request", "Missing response_type.");
        }
        Some(rt) if rt != "code" => {
            return fail(
                "unsupported_response_type",
                "Only response_type=code is supported.",
            );
        }
        _ => {}
    }
    let scopes = split_scopes(
        params.get("scope").unwrap_or(""),
        spec.comma_scopes,
        spec.space_scopes,
    );
    if scopes.is_empty() {
        return fail("invalid_scope", "The scope parameter is required.");
    }
    let unknown: Vec<&str> = scopes
        .iter()
        .map(String::as_str)
        .filter(|s| !spec.known_scopes.contains(s))
        .collect();
    if !unknown.is_empty() {
        let error = if platform == Platform::Linkedin {
            "unauthorized_scope_error"
        } else {
            "invalid_scope"
        };
        return fail(error, &format!("Invalid scopes: {}", unknown.join(", ")));
    }

    let challenge = match spec.pkce {
        PkceRule::NotUsed => None,
        PkceRule::Required { allow_plain } => {
            let encoding = if platform == Platform::Tiktok && tiktok_hex {
                ChallengeEncoding::Hex
            } else {
                ChallengeEncoding::Base64Url
            };
            let Some(value) = params.get("code_challenge") else {
                return fail("invalid_request", "Missing code_challenge.");
            };
            let method = match params.get("code_challenge_method") {
                Some("S256") => PkceMethod::S256,
                Some("plain") | None if allow_plain => PkceMethod::Plain,
                _ => {
                    return fail("invalid_request", "Unsupported code_challenge_method.");
                }
            };
            if !challenge_is_well_formed(value, method, encoding) {
                return fail("invalid_request", "Malformed code_challenge.");
            }
            Some(Challenge {
                value: value.to_owned(),
                method,
                encoding,
            })
        }
    };

    let mut sim = shared.lock();
    let pending = PendingAuthorization {
        platform,
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state: state.to_owned(),
        challenge,
        expires_at: sim.now() + Duration::seconds(CONSENT_TTL_SECONDS),
    };
    if auto_approve {
        let code = sim.issue_code(&pending);
        return redirect(&success_url(&pending, &code));
    }
    sim.sweep();
    let id = random_token("", 24);
    sim.pending.insert(id.clone(), pending.clone());
    drop(sim);
    let action = shared.url_for(&format!("_sim/consent/{id}"));
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(consent_page(&pending, action.as_str()))
}

/// `POST /_sim/consent/{id}` with `decision=approve|deny`.
pub(crate) async fn decide(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let params = Params::parse(&body).merged(Params::from_query(&req));
    let id = path.into_inner();
    let mut sim = shared.lock();
    let now = sim.now();
    let Some(pending) = sim.pending.remove(&id).filter(|p| p.expires_at > now) else {
        return error_page_generic(
            StatusCode::BAD_REQUEST,
            "This authorization request is unknown, expired or already answered.",
        );
    };
    match params.get("decision") {
        Some("approve") => {
            let code = sim.issue_code(&pending);
            see_other(&success_url(&pending, &code))
        }
        _ => see_other(&deny_url(&pending)),
    }
}

/// Where an approval sends the browser.
fn success_url(pending: &PendingAuthorization, code: &str) -> String {
    let uri = pending.redirect_uri.as_str();
    let state = pending.state.as_str();
    match pending.platform {
        // TikTok also returns the granted scopes.
        Platform::Tiktok => with_params(
            uri,
            &[
                ("code", code),
                ("scopes", &pending.scopes.join(",")),
                ("state", state),
            ],
            None,
        ),
        // Instagram appends `#_` to the callback.
        Platform::Instagram => with_params(uri, &[("code", code), ("state", state)], Some("_")),
        _ => with_params(uri, &[("code", code), ("state", state)], None),
    }
}

/// Where Deny sends the browser: each platform's documented cancel redirect.
fn deny_url(pending: &PendingAuthorization) -> String {
    let uri = pending.redirect_uri.as_str();
    let state = pending.state.as_str();
    let pairs: Vec<(&str, &str)> = match pending.platform {
        Platform::Facebook => vec![
            ("error", "access_denied"),
            ("error_code", "200"),
            ("error_description", "Permissions error"),
            ("error_reason", "user_denied"),
            ("state", state),
        ],
        Platform::Instagram => vec![
            ("error", "access_denied"),
            ("error_reason", "user_denied"),
            ("error_description", "The user denied your request."),
            ("state", state),
        ],
        Platform::Linkedin => vec![
            ("error", "user_cancelled_authorize"),
            (
                "error_description",
                "The user cancelled the authorization",
            ),
            ("state", state),
        ],
        Platform::X | Platform::Pinterest | Platform::Tiktok => vec![
            ("error", "access_denied"),
            (
                "error_description",
                "The user denied the authorization request.",
            ),
            ("state", state),
        ],
    };
    with_params(uri, &pairs, None)
}

/// `uri` with `pairs` appended to its query (existing parameters kept).
fn with_params(uri: &str, pairs: &[(&str, &str)], fragment: Option<&str>) -> String {
    match Url::parse(uri) {
        Ok(mut url) => {
            {
                let mut query = url.query_pairs_mut();
                for (k, v) in pairs {
                    if !v.is_empty() {
                        query.append_pair(k, v);
                    }
                }
            }
            url.set_fragment(fragment);
            url.to_string()
        }
        Err(_) => uri.to_owned(),
    }
}

fn redirect(location: &str) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// Minimal HTML escaping for text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The account(s) the user is about to connect, one line each.
fn account_lines(platform: Platform) -> Vec<String> {
    match platform {
        Platform::X => vec![format!("{} (@{})", seed::x::NAME, seed::x::USERNAME)],
        Platform::Pinterest => vec![format!(
            "{} (@{}), {} boards",
            seed::pinterest::BUSINESS_NAME,
            seed::pinterest::USERNAME,
            seed::pinterest::BOARDS.len()
        )],
        Platform::Tiktok => vec![format!(
            "{} (@{})",
            seed::tiktok::DISPLAY_NAME,
            seed::tiktok::USERNAME
        )],
        Platform::Facebook => {
            let mut lines = vec![format!("{} (Facebook user)", seed::facebook::USER_NAME)];
            lines.extend(
                seed::facebook::PAGES
                    .iter()
                    .map(|(_, name, category)| format!("Page: {name} ({category})")),
            );
            lines
        }
        Platform::Instagram => vec![format!(
            "{} (@{}), {} account",
            seed::instagram::NAME,
            seed::instagram::USERNAME,
            seed::instagram::ACCOUNT_TYPE
        )],
        Platform::Linkedin => vec![
            format!("{} (member)", seed::linkedin::NAME),
            format!(
                "Organization: {} (administrator)",
                seed::linkedin::ORGANIZATION_NAME
            ),
        ],
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}\
main{max-width:32rem;margin:4rem auto;background:#fff;border-radius:12px;padding:2rem;\
box-shadow:0 2px 12px rgba(0,0,0,.08)}h1{font-size:1.3rem;margin-top:0}\
.sim{font-size:.8rem;color:#888;text-transform:uppercase;letter-spacing:.08em}\
ul{padding-left:1.2rem}code{background:#f0f0f0;padding:0 .25rem;border-radius:4px}\
form{display:flex;gap:.75rem;margin-top:1.5rem}button{flex:1;padding:.7rem;border-radius:8px;\
border:1px solid #ccc;font-size:1rem;cursor:pointer}button.approve{background:#1f6feb;color:#fff;\
border-color:#1f6feb}";

fn consent_page(pending: &PendingAuthorization, action: &str) -> String {
    let platform = pending.platform;
    let accounts: String = account_lines(platform)
        .iter()
        .map(|l| format!("<li>{}</li>", escape(l)))
        .collect();
    let scopes: String = pending
        .scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect();
    let name = escape(platform.display_name());
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Authorize app - {name} (simulated)</title><style>{STYLE}</style></head><body><main>\
<div class=\"sim\">Socialpub platform simulator</div>\
<h1>{name}: authorize <code>{client}</code>?</h1>\
<p>The app will be connected to:</p><ul class=\"accounts\">{accounts}</ul>\
<p>It asks for these permissions:</p><ul class=\"scopes\">{scopes}</ul>\
<p>You will be sent back to <code>{redirect}</code>.</p>\
<form method=\"post\" action=\"{action}\">\
<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
<button class=\"approve\" type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
</form></main></body></html>",
        client = escape(&pending.client_id),
        redirect = escape(&pending.redirect_uri),
        action = escape(action),
    )
}

/// The platform's "something is wrong with this app" page (bad client id or redirect URI).
pub(crate) fn error_page(platform: Platform, status: StatusCode, message: &str) -> HttpResponse {
    error_page_titled(
        status,
        &format!("{} - authorization error", platform.display_name()),
        message,
    )
}

fn error_page_generic(status: StatusCode, message: &str) -> HttpResponse {
    error_page_titled(status, "Authorization error", message)
}

fn error_page_titled(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
<style>{STYLE}</style></head><body><main><div class=\"sim\">Socialpub platform simulator</div>\
<h1>{t}</h1><p class=\"error\">{m}</p></main></body></html>",
        t = escape(title),
        m = escape(message),
    );
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}
