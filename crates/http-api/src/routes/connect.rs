use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use socialpub_application::CallbackParams;
use socialpub_domain::{Platform, SecretString};
use url::Url;

use crate::current_user::CurrentUser;
use crate::dto::ConnectionResponse;
use crate::{ApiError, ApiState};

/// OAuth values are short; anything longer is garbage or an attack on our logs.
const MAX_PARAM_LEN: usize = 4096;

pub(crate) fn parse_platform(raw: &str) -> Result<Platform, ApiError> {
    raw.parse()
        .map_err(|e: socialpub_domain::UnknownPlatform| ApiError::NotFound {
            detail: e.to_string(),
        })
}

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    redirect: Option<String>,
}

/// `GET /connect/{platform}`: the authorization URL as JSON, or a 302 to it with
/// `?redirect=true`.
pub async fn start(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    platform: web::Path<String>,
    query: web::Query<StartQuery>,
) -> Result<HttpResponse, ApiError> {
    let platform = parse_platform(&platform)?;
    let redirect = match query.redirect.as_deref() {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "redirect",
                "redirect must be true or false",
            ));
        }
    };
    let start = state
        .connections
        .start_authorization(&user, platform)
        .await?;
    if redirect {
        return Ok(HttpResponse::Found()
            .insert_header((header::LOCATION, start.authorization_url.as_str()))
            .finish());
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "platform": start.platform,
        "authorization_url": start.authorization_url.as_str(),
        "expires_at": start.expires_at.format(&time::format_description::well_known::Rfc3339).ok(),
    })))
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

fn bounded(field: &'static str, value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.len() > MAX_PARAM_LEN || v.chars().any(char::is_control) => Err(
            ApiError::invalid_parameter(field, format!("`{field}` is malformed")),
        ),
        other => Ok(other),
    }
}

/// `GET /connect/{platform}/callback`: reached by the user's browser, without our bearer
/// token; the `state` names the user.
pub async fn callback(
    state: web::Data<ApiState>,
    platform: web::Path<String>,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, ApiError> {
    let platform = parse_platform(&platform)?;
    let query = query.into_inner();
    let outcome = async {
        let params = CallbackParams {
            code: bounded("code", query.code)?.map(SecretString::new),
            state: bounded("state", query.state)?,
            error: bounded("error", query.error)?,
            error_description: bounded("error_description", query.error_description)?,
        };
        Ok::<_, ApiError>(
            state
                .connections
                .complete_authorization(platform, params)
                .await?,
        )
    }
    .await;
    let now = state.connections.clock().now();
    match (outcome, &state.connect_result_url) {
        (Ok(done), Some(url)) => {
            let ids: Vec<String> = done.connections.iter().map(|c| c.id.to_string()).collect();
            Ok(redirect_to(
                url,
                &[
                    ("status", "connected"),
                    ("platform", platform.as_str()),
                    ("connection_ids", &ids.join(",")),
                ],
            ))
        }
        (Ok(done), None) => {
            let connections: Vec<_> = done
                .connections
                .into_iter()
                .map(|c| ConnectionResponse::new(c, now))
                .collect();
            Ok(HttpResponse::Ok()
                .json(serde_json::json!({ "platform": platform, "connections": connections })))
        }
        (Err(error), Some(url)) => Ok(redirect_to(
            url,
            &[
                ("status", "error"),
                ("platform", platform.as_str()),
                ("code", error.code().as_str()),
            ],
        )),
        (Err(error), None) => Err(error),
    }
}

fn redirect_to(base: &Url, params: &[(&str, &str)]) -> HttpResponse {
    let mut url = base.clone();
    url.query_pairs_mut().extend_pairs(params);
    HttpResponse::Found()
        .insert_header((header::LOCATION, url.as_str()))
        .finish()
}
