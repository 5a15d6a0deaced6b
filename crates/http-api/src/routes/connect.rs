use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use socialpub_application::{CallbackParams, Completer, ConnectedAccounts};
use socialpub_domain::{LoginPath, Platform, SecretString};
use url::Url;

use crate::current_user::CurrentUser;
use crate::dto::{CompleteRequest, ConnectionResponse};
use crate::{ApiError, ApiState, ConnectCallback};

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
    /// `facebook` connects an Instagram account through Facebook Login; absent (or the
    /// platform's own name) is the platform's own login.
    login: Option<String>,
}

/// The login asked for on `platform`: 422 `unsupported_login` (field `login`) for a value
/// the platform does not take.
fn parse_login(platform: Platform, raw: Option<&str>) -> Result<LoginPath, ApiError> {
    let Some(raw) = raw else {
        return Ok(LoginPath::Native);
    };
    LoginPath::parse_for(platform, raw).map_err(|error| ApiError::Rejected {
        code: crate::ErrorCode::UnsupportedLogin,
        detail: error.to_string(),
        field: Some("login"),
        retry_after: None,
    })
}

/// `GET /connect/{platform}`: the authorization URL as JSON, or a 302 to it with
/// `?redirect=true`. `?login=facebook` (Instagram only) goes through Facebook Login; the choice
/// is stored with the pending authorization, not carried by the callback.
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
    let login = parse_login(platform, query.login.as_deref())?;
    let start = state
        .connections
        .start_authorization_with(&user, platform, login)
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

impl CallbackQuery {
    fn params(self) -> Result<CallbackParams, ApiError> {
        Ok(CallbackParams {
            code: bounded("code", self.code)?.map(SecretString::new),
            state: bounded("state", self.state)?,
            error: bounded("error", self.error)?,
            error_description: bounded("error_description", self.error_description)?,
        })
    }
}

/// `GET /connect/{platform}/callback`: reached by the user's browser, without our bearer
/// token, so it cannot tell who is completing. Only in development mode does it complete on
/// the `state` alone; otherwise it hands `code` and `state` on, to be completed by the signed-in
/// user through [`complete`] (see [`ConnectCallback`]).
pub async fn callback(
    state: web::Data<ApiState>,
    platform: web::Path<String>,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, ApiError> {
    let platform = parse_platform(&platform)?;
    let params = query.into_inner().params();
    match &state.connect_callback {
        ConnectCallback::CompleteDirectly => {
            let done = state
                .connections
                .complete_authorization(platform, params?, Completer::StateHolder)
                .await?;
            Ok(connected(&state, platform, done))
        }
        ConnectCallback::HandBack => {
            let approved = params?.approved(platform)?;
            // The code is a credential until exchanged: no cache keeps it.
            Ok(HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(serde_json::json!({
                    "status": "authorized",
                    "platform": platform,
                    "code": approved.code.expose(),
                    "state": approved.state,
                })))
        }
        ConnectCallback::HandToWebApp(url) => {
            match params.and_then(|p| p.approved(platform).map_err(ApiError::from)) {
                Ok(approved) => Ok(redirect_to(
                    url,
                    &[
                        ("status", "authorized"),
                        ("platform", platform.as_str()),
                        ("code", approved.code.expose()),
                        ("state", &approved.state),
                    ],
                )),
                Err(error) => {
                    // The browser gets a redirect, not the error response: log what the
                    // error response would have.
                    error.log();
                    Ok(redirect_to(
                        url,
                        &[
                            ("status", "error"),
                            ("platform", platform.as_str()),
                            ("error", error.code().as_str()),
                        ],
                    ))
                }
            }
        }
    }
}

/// `POST /connect/{platform}/complete {"code", "state"}`: finishes an authorization for the
/// signed-in caller, who must be the user who started it. Another user's state is answered
/// like an unknown one (400 `invalid_state`) and stays pending for its owner.
pub async fn complete(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    platform: web::Path<String>,
    body: web::Json<CompleteRequest>,
) -> Result<HttpResponse, ApiError> {
    let platform = parse_platform(&platform)?;
    let body = body.into_inner();
    let params = CallbackQuery {
        code: Some(body.code),
        state: Some(body.state),
        error: None,
        error_description: None,
    }
    .params()?;
    let done = state
        .connections
        .complete_authorization(platform, params, Completer::User(&user))
        .await?;
    Ok(connected(&state, platform, done))
}

fn connected(state: &ApiState, platform: Platform, done: ConnectedAccounts) -> HttpResponse {
    let now = state.connections.clock().now();
    let connections: Vec<_> = done
        .connections
        .into_iter()
        .map(|c| ConnectionResponse::new(c, now))
        .collect();
    HttpResponse::Ok().json(serde_json::json!({ "platform": platform, "connections": connections }))
}

fn redirect_to(base: &Url, params: &[(&str, &str)]) -> HttpResponse {
    let mut url = base.clone();
    url.query_pairs_mut().extend_pairs(params);
    HttpResponse::Found()
        .insert_header((header::LOCATION, url.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}
