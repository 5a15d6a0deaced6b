//! actix answers its own errors (bad JSON, bad query, no route, wrong method) in plain text.
//! These hooks reshape every one of them into the envelope.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, QueryPayloadError};
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::ApiError;

/// Largest JSON body accepted; publish requests are text plus asset URLs, never files.
pub const JSON_LIMIT: usize = 256 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|err, _req| json_error(&err).into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let detail = match &err {
            QueryPayloadError::Deserialize(e) => e.to_string(),
            other => other.to_string(),
        };
        ApiError::InvalidParameter {
            field: field_in(&detail).unwrap_or_else(|| "query".into()),
            detail,
        }
        .into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| {
        ApiError::NotFound {
            detail: err.to_string(),
        }
        .into()
    })
}

pub(crate) fn json_error(err: &JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::PayloadTooLarge { limit: JSON_LIMIT }
        }
        JsonPayloadError::Payload(e) if crate::body_deadline::is_body_timeout(e) => {
            ApiError::BodyTimeout
        }
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType {
            detail: "send the body as application/json".into(),
        },
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            let detail = e.to_string();
            ApiError::InvalidBody {
                field: field_in(&detail),
                detail,
            }
        }
        JsonPayloadError::Deserialize(e) => ApiError::MalformedJson {
            detail: format!("the body is not valid JSON: {e}"),
        },
        other => ApiError::MalformedJson {
            detail: other.to_string(),
        },
    }
}

/// serde names the offending field in backticks ("missing field `text`").
fn field_in(detail: &str) -> Option<String> {
    let start = detail.find('`')? + 1;
    let len = detail.get(start..)?.find('`')?;
    let field = detail.get(start..start + len)?;
    (!field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| field.to_owned())
}

/// Answers requests no route matches.
pub async fn route_not_found(req: HttpRequest) -> HttpResponse {
    ApiError::RouteNotFound {
        method: req.method().to_string(),
        path: req.path().to_owned(),
    }
    .error_response()
}

/// Any error response that is not already JSON (405 from a method guard, a 413 from the
/// payload layer...) is rewritten into the envelope with the same status.
pub fn envelope_everything<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|res: ServiceResponse<B>| {
        let is_json = res
            .response()
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if is_json {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        let status = res.status();
        if status.is_server_error() {
            // Our own failures come as `ApiError`, logged where they answer; this is one actix
            // produced, whose cause only this response still has.
            tracing::error!(
                %status,
                error.cause = res.response().error().map(ToString::to_string),
                "request failed"
            );
        }
        let detail = status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_lowercase();
        let error = ApiError::Other { status, detail };
        let (req, _) = res.into_parts();
        let response: HttpResponse<BoxBody> = error.error_response();
        Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(req, response).map_into_right_body(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_field_names_are_found() {
        assert_eq!(
            field_in("missing field `text_content` at line 1").as_deref(),
            Some("text_content")
        );
        assert_eq!(field_in("invalid type: string \"x\", expected u32"), None);
    }
}
