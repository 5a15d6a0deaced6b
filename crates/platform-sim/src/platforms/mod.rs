//! The six platforms: routes, token endpoints, account APIs and error shapes.

#![allow(
    clippy::result_large_err,
    reason = "helpers return the ready-made platform error response as their early exit; boxing it buys nothing"
)]

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;
use socialpub_domain::Platform;
use time::OffsetDateTime;

pub(crate) mod facebook;
pub(crate) mod facebook_publish;
pub(crate) mod instagram;
pub(crate) mod instagram_publish;
pub(crate) mod linkedin;
pub(crate) mod linkedin_insights;
pub(crate) mod linkedin_publish;
pub(crate) mod meta_insights;
pub(crate) mod pinterest;
pub(crate) mod pinterest_insights;
pub(crate) mod pinterest_publish;
pub(crate) mod tiktok;
pub(crate) mod tiktok_insights;
pub(crate) mod tiktok_publish;
pub(crate) mod x;
pub(crate) mod x_insights;
pub(crate) mod x_publish;

/// Register every platform's routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    crate::token_endpoint::configure(cfg);
    x::configure(cfg);
    x_insights::configure(cfg);
    x_publish::configure(cfg);
    pinterest::configure(cfg);
    pinterest_insights::configure(cfg);
    pinterest_publish::configure(cfg);
    tiktok::configure(cfg);
    tiktok_insights::configure(cfg);
    tiktok_publish::configure(cfg);
    // Before the Graph account handlers, whose catch-alls would take the publishing paths.
    meta_insights::configure(cfg);
    instagram_publish::configure(cfg);
    facebook::configure(cfg);
    instagram::configure(cfg);
    linkedin::configure(cfg);
    linkedin_insights::configure(cfg);
    linkedin_publish::configure(cfg);
}

/// A JSON response.
pub(crate) fn json(status: StatusCode, body: Value) -> HttpResponse {
    HttpResponse::build(status).json(body)
}

/// An empty 200.
pub(crate) fn empty_ok() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Body of a `fail_next` answer.
pub(crate) fn injected_failure(platform: Platform, status: StatusCode) -> HttpResponse {
    match platform {
        Platform::X => x::problem(status, None),
        Platform::Pinterest => pinterest::error(status, i64::from(status.as_u16()), None),
        Platform::Tiktok => tiktok::injected_failure(status),
        Platform::Facebook | Platform::Instagram => facebook::injected_failure(status),
        Platform::Linkedin => linkedin::error(status, None, None),
    }
}

/// Body and headers of a `rate_limit_next` answer.
pub(crate) fn rate_limited(
    platform: Platform,
    status: Option<StatusCode>,
    retry_after: u64,
    now: OffsetDateTime,
    facebook_page: Option<&str>,
) -> HttpResponse {
    let mut response = match platform {
        Platform::X => x::rate_limited(status, retry_after, now),
        Platform::Pinterest => pinterest::rate_limited(status, retry_after, now),
        Platform::Tiktok => tiktok::rate_limited(status),
        Platform::Facebook => facebook::rate_limited(status, retry_after, facebook_page),
        Platform::Instagram => instagram::rate_limited(status, retry_after),
        Platform::Linkedin => linkedin::rate_limited(status),
    };
    set_header(
        response.headers_mut(),
        "retry-after",
        &retry_after.to_string(),
    );
    response
}

/// Headers every successful answer of a platform carries (usage / rate-limit state).
pub(crate) fn decorate(platform: Platform, headers: &mut HeaderMap, now: OffsetDateTime) {
    match platform {
        Platform::X => x::decorate(headers, now),
        Platform::Facebook | Platform::Instagram => facebook::decorate(headers),
        Platform::Tiktok => tiktok::decorate(headers),
        Platform::Linkedin => linkedin::decorate(headers),
        Platform::Pinterest => {}
    }
}

/// Any path the simulator does not know.
pub(crate) async fn not_found(req: HttpRequest) -> HttpResponse {
    let path = req.path();
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "x" => x::problem(
            StatusCode::NOT_FOUND,
            Some("Sorry, that page does not exist"),
        ),
        "pinterest" => pinterest::error(StatusCode::NOT_FOUND, 404, Some("Not found.")),
        "tiktok" => tiktok::api_error(
            StatusCode::NOT_FOUND,
            "invalid_params",
            "The requested path does not exist.",
        ),
        "facebook" | "instagram" => facebook::graph_error(
            StatusCode::BAD_REQUEST,
            2500,
            None,
            &format!("Unknown path components: {path}"),
        ),
        "linkedin" => linkedin::error(StatusCode::NOT_FOUND, Some("NOT_FOUND"), None),
        _ => json(
            StatusCode::NOT_FOUND,
            serde_json::json!({"error": "not_found", "path": path}),
        ),
    }
}

pub(crate) fn set_header(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), v);
    }
}

/// Requested field names of a Graph-style `fields` parameter (`a,b{c},d.limit(2)` → a, b, d).
pub(crate) fn field_names(raw: Option<&str>) -> Vec<String> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut depth = 0_i32;
    let mut current = String::new();
    for c in raw.chars() {
        match c {
            '{' | '(' => {
                depth += 1;
            }
            '}' | ')' => depth -= 1,
            ',' if depth == 0 => {
                push_field(&mut out, &current);
                current.clear();
            }
            _ if depth == 0 => current.push(c),
            _ => {}
        }
    }
    push_field(&mut out, &current);
    out
}

fn push_field(out: &mut Vec<String>, raw: &str) {
    let name = raw.split('.').next().unwrap_or("").trim();
    if !name.is_empty() && !out.iter().any(|f| f == name) {
        out.push(name.to_owned());
    }
}

/// Keep `always` plus the requested keys of `full` (in the requested order).
pub(crate) fn select_fields(full: &Value, requested: &[String], always: &[&str]) -> Value {
    let mut out = serde_json::Map::new();
    let Some(object) = full.as_object() else {
        return full.clone();
    };
    for key in always {
        if let Some(v) = object.get(*key) {
            out.insert((*key).to_owned(), v.clone());
        }
    }
    for key in requested {
        if let Some(v) = object.get(key.as_str()) {
            out.insert(key.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// `(field name, content)` of each part of a multipart body.
pub(crate) fn multipart_parts<'a>(body: &'a [u8], boundary: &str) -> Vec<(String, &'a [u8])> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(at) = find(rest, delimiter.as_bytes()) {
        let part = &rest[..at];
        rest = &rest[at + delimiter.len()..];
        let Some(head_end) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..head_end]);
        let Some(name) = head
            .split(';')
            .find_map(|p| p.trim().strip_prefix("name="))
            .map(|n| {
                n.split(['\r', '\n'])
                    .next()
                    .unwrap_or("")
                    .trim_matches('"')
                    .to_owned()
            })
        else {
            continue;
        };
        let content = &part[head_end + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        parts.push((name, content));
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The boundary of a `multipart/form-data` request, when it is one.
pub(crate) fn multipart_boundary(req: &HttpRequest) -> Option<String> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    if !content_type.starts_with("multipart/form-data") {
        return None;
    }
    content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
}
