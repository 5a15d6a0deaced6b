use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use socialpub_application::ContentToCheck;
use socialpub_domain::Asset;
use socialpub_domain::policy::{RULES_VERSION, versioned_rules};

use super::connect::parse_platform;
use crate::current_user::CurrentUser;
use crate::{ApiError, ApiState};

/// The body of a publish request; fields a dry run does not need (schedule, idempotency)
/// are accepted and ignored, so the web app can send the same body to both.
#[derive(Debug, Deserialize)]
pub struct ValidateRequest {
    connection_id: Option<String>,
    platform: Option<String>,
    #[serde(default)]
    text_content: String,
    #[serde(default)]
    assets: Vec<Asset>,
    #[serde(default)]
    platform_specific_options: serde_json::Map<String, serde_json::Value>,
}

/// `POST /validate`: every rule the content breaks on the target platform, at once.
pub async fn validate(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    body: web::Json<ValidateRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let connection_id = body
        .connection_id
        .as_deref()
        .map(|raw| {
            raw.parse().map_err(|_| ApiError::InvalidBody {
                detail: "connection_id is not a valid connection id".into(),
                field: Some("connection_id".into()),
            })
        })
        .transpose()?;
    let platform = body
        .platform
        .as_deref()
        .map(|raw| {
            raw.parse().map_err(
                |e: socialpub_domain::UnknownPlatform| ApiError::InvalidBody {
                    detail: e.to_string(),
                    field: Some("platform".into()),
                },
            )
        })
        .transpose()?;
    let report = state
        .validation
        .validate(
            &user,
            ContentToCheck {
                connection_id,
                platform,
                text: body.text_content,
                assets: body.assets,
                options: body.platform_specific_options,
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "valid": report.is_valid(),
        "platform": report.platform,
        "violations": report.violations,
        "assets": report.assets,
    })))
}

fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// `GET /platforms`: the platforms, whether this server can connect them, and where their
/// rules are.
pub async fn platforms(state: web::Data<ApiState>) -> HttpResponse {
    let enabled = state.connections.enabled_platforms();
    let items: Vec<_> = socialpub_domain::Platform::ALL
        .into_iter()
        .map(|p| {
            serde_json::json!({
                "platform": p,
                "name": p.display_name(),
                "connectable": enabled.contains(&p),
                "rules_url": format!("/api/v1/platforms/{p}/rules"),
            })
        })
        .collect();
    HttpResponse::Ok().json(serde_json::json!({ "rules_version": RULES_VERSION, "items": items }))
}

/// `GET /platforms/{platform}/rules`: the versioned rules catalog, so the web app can check
/// content exactly as we do. Cacheable; answers 304 to a matching `If-None-Match`.
pub async fn rules(
    req: HttpRequest,
    platform: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let platform = parse_platform(&platform)?;
    let etag = format!("\"{RULES_VERSION}-{platform}\"");
    if not_modified(&req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .json(versioned_rules(platform)))
}
