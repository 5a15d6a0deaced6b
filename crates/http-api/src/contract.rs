//! The OpenAPI document as a test oracle (feature `test-support`): every response a test sees
//! is checked against the document's schema for its operation and status, so a DTO field the
//! document does not describe, a status it does not list, or an error code missing from the
//! `ErrorCode` schema fails the test that produced it.
//!
//! The document stays hand-written (`src/openapi.json`): it is the contract the web app is
//! built against, and reviewing a change to it is reviewing an API change.
//!
//! # Using it
//!
//! - actix test services: wrap the app, `test::init_service(build_app(state).wrap(from_fn(
//!   check_every_response)))` (the http-api test harness does this, so every route is covered).
//! - any other client (the end-to-end tests' reqwest client): call [`assert_documented`] with
//!   the method, path, status, `Content-Type` and body of each response.
//!
//! # Adding a route
//!
//! 1. Route it in `routes.rs` and describe it in `openapi.json` under its path and method,
//!    listing every status it can answer explicitly (no `default`); error statuses use
//!    `{"$ref": "#/components/responses/Error"}`.
//! 2. Give every object schema an explicit `additionalProperties` (`false` for responses), so
//!    that an undocumented field fails; the `openapi` tests check this.
//! 3. New error codes go in `error_code.rs` (see its module docs).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use serde_json::Value;

use crate::{ErrorCode, OPENAPI_JSON};

/// The parsed document and the schemas compiled so far.
pub struct Contract {
    doc: Value,
    base: String,
    compiled: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

/// The document served at `/api/v1/openapi.json`, parsed once per test process.
pub fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let doc: Value = serde_json::from_str(OPENAPI_JSON)
            .unwrap_or_else(|e| panic!("openapi.json is not JSON: {e}"));
        Contract::new(doc)
    })
}

/// Panics, naming what is wrong, unless the response is one the document describes.
pub fn assert_documented(
    method: &str,
    path: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) {
    if let Err(problem) = contract().check(method, path, status, content_type, body) {
        panic!("response does not match openapi.json: {problem}");
    }
}

/// actix middleware for tests: checks every response with [`assert_documented`] and passes it
/// on unchanged.
pub async fn check_every_response(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let (req, res) = next.call(req).await?.into_parts();
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.map_err(|e| {
        actix_web::error::ErrorInternalServerError(format!("unreadable body: {}", e.into()))
    })?;
    assert_documented(&method, &path, status, content_type.as_deref(), &bytes);
    Ok(ServiceResponse::new(
        req,
        head.set_body(BoxBody::new(bytes)),
    ))
}

impl Contract {
    pub fn new(doc: Value) -> Self {
        let base = doc["servers"][0]["url"]
            .as_str()
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_owned();
        Self {
            doc,
            base,
            compiled: Mutex::default(),
        }
    }

    /// `Ok` when the document describes this response: its operation lists the status, and
    /// the body has the media type and satisfies the schema given for it. Paths outside the
    /// API's base (probes, metrics) are not part of the document and pass.
    pub fn check(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let Some(rest) = path.strip_prefix(&self.base) else {
            return Ok(());
        };
        let method = method.to_ascii_lowercase();
        let what = format!("{} {path} answered {status}", method.to_uppercase());
        let operation = self
            .template_for(rest)
            .and_then(|template| Some((template, self.doc["paths"][template].get(&method)?)));
        let Some((template, operation)) = operation else {
            // No operation: only the routing errors may answer, in the envelope.
            return match status {
                404 | 405 => self.check_body(
                    &what,
                    "#/components/responses/Error",
                    &self.doc["components"]["responses"]["Error"],
                    status,
                    content_type,
                    body,
                ),
                _ => Err(format!("{what}, but the document has no such operation")),
            };
        };
        let key = format!("#/paths/{template}/{method}/responses/{status}");
        let Some(response) = operation["responses"].get(status.to_string()) else {
            let listed: Vec<&String> = operation["responses"]
                .as_object()
                .map(|r| r.keys().collect())
                .unwrap_or_default();
            return Err(format!(
                "{what}, which {method} {template} does not list (it lists {listed:?})"
            ));
        };
        let response = self.resolve(response)?;
        self.check_body(&what, &key, response, status, content_type, body)
    }

    fn check_body(
        &self,
        what: &str,
        key: &str,
        response: &Value,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return if body.is_empty() {
                Ok(())
            } else {
                Err(format!("{what} with a body, but the document gives none"))
            };
        };
        let media = content_type
            .and_then(|c| c.split(';').next())
            .map(str::trim)
            .unwrap_or_default();
        let Some(described) = content.get(media) else {
            let listed: Vec<&String> = content.keys().collect();
            return Err(format!(
                "{what} with Content-Type {content_type:?}; the document gives {listed:?}"
            ));
        };
        if media != "application/json" {
            return Ok(());
        }
        let instance: Value = serde_json::from_slice(body)
            .map_err(|e| format!("{what} with a body that is not JSON ({e})"))?;
        let Some(schema) = described.get("schema") else {
            return Ok(());
        };
        let validator = self.validator(&format!("{key}/{media}"), schema)?;
        let problems: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("at `{}`: {e}", e.instance_path()))
            .collect();
        if !problems.is_empty() {
            return Err(format!("{what}: {}\nbody: {instance}", problems.join("; ")));
        }
        error_code_agrees(what, status, &instance)
    }

    /// The documented path template a concrete path (below the base) falls under; literal
    /// segments win over parameters, as in the router.
    fn template_for(&self, path: &str) -> Option<&str> {
        let segments: Vec<&str> = path.split('/').collect();
        let paths = self.doc["paths"].as_object()?;
        paths
            .keys()
            .filter_map(|template| {
                let parts: Vec<&str> = template.split('/').collect();
                if parts.len() != segments.len() {
                    return None;
                }
                let mut literals = 0;
                for (part, segment) in parts.iter().zip(&segments) {
                    if part.starts_with('{') && part.ends_with('}') {
                        if segment.is_empty() {
                            return None;
                        }
                    } else if part == segment {
                        literals += 1;
                    } else {
                        return None;
                    }
                }
                Some((literals, template.as_str()))
            })
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, template)| template)
    }

    fn resolve<'a>(&'a self, mut value: &'a Value) -> Result<&'a Value, String> {
        while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let pointer = reference
                .strip_prefix('#')
                .ok_or_else(|| format!("external $ref {reference} is not supported"))?;
            value = self
                .doc
                .pointer(pointer)
                .ok_or_else(|| format!("$ref {reference} points nowhere"))?;
        }
        Ok(value)
    }

    /// Compiles a schema with the document's components beside it, so its `#/components/...`
    /// references resolve.
    fn validator(&self, key: &str, schema: &Value) -> Result<Arc<jsonschema::Validator>, String> {
        let mut compiled = self.compiled.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(validator) = compiled.get(key) {
            return Ok(validator.clone());
        }
        let mut root = serde_json::json!({ "allOf": [schema] });
        root["components"] = self.doc["components"].clone();
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("the schema at {key} does not compile: {e}"))?;
        let validator = Arc::new(validator);
        compiled.insert(key.to_owned(), validator.clone());
        Ok(validator)
    }
}

/// An error envelope's code is sent only with its own status (codes actix chose from a status
/// it produced by itself excepted).
fn error_code_agrees(what: &str, status: u16, instance: &Value) -> Result<(), String> {
    if status < 400 {
        return Ok(());
    }
    let Some(code) = instance.get("code").and_then(Value::as_str) else {
        return Ok(());
    };
    let Some(code) = ErrorCode::ALL.iter().find(|c| c.as_str() == code) else {
        return Err(format!(
            "{what} with code `{code}`, which ErrorCode does not have"
        ));
    };
    let fallback = matches!(code, ErrorCode::BadRequest | ErrorCode::InternalError);
    if u16::from(code.status()) != status && !fallback {
        return Err(format!(
            "{what} with code `{code}`, whose status is {}",
            code.status().as_u16()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONNECTION: &str = r#"{"id":"0190c0de-0000-7000-8000-000000000000","platform":"x",
        "external_user_id":"1","display_name":"A","status":"active","scopes":[],
        "expires_at":null,"expires_in":null,"refresh_expires_at":null,
        "created_at":"2026-05-01T12:00:00Z","updated_at":"2026-05-01T12:00:00Z"}"#;
    const ID_PATH: &str = "/api/v1/connections/0190c0de-0000-7000-8000-000000000000";
    const JSON: Option<&str> = Some("application/json");

    fn with_field(body: &str, name: &str, value: Value) -> Vec<u8> {
        let mut value_of: Value = serde_json::from_str(body).unwrap_or_default();
        value_of[name] = value;
        serde_json::to_vec(&value_of).unwrap_or_default()
    }

    #[test]
    fn a_documented_response_passes() {
        assert_eq!(
            contract().check("GET", ID_PATH, 200, JSON, CONNECTION.as_bytes()),
            Ok(())
        );
    }

    #[test]
    fn a_field_the_document_does_not_describe_fails() {
        let body = with_field(CONNECTION, "access_token", Value::from("leak"));
        let problem = contract()
            .check("GET", ID_PATH, 200, JSON, &body)
            .unwrap_err();
        assert!(problem.contains("access_token"), "{problem}");
    }

    #[test]
    fn a_wrong_type_or_format_fails() {
        let body = with_field(CONNECTION, "expires_in", Value::from("soon"));
        assert!(contract().check("GET", ID_PATH, 200, JSON, &body).is_err());
        let body = with_field(CONNECTION, "created_at", Value::from("yesterday"));
        assert!(contract().check("GET", ID_PATH, 200, JSON, &body).is_err());
    }

    #[test]
    fn a_status_the_operation_does_not_list_fails() {
        let body = br#"{"code":"platform_rate_limited","detail":"slow down","field":null}"#;
        let problem = contract()
            .check("GET", ID_PATH, 429, JSON, body)
            .unwrap_err();
        assert!(problem.contains("does not list"), "{problem}");
    }

    #[test]
    fn an_unknown_code_or_a_code_with_another_status_fails() {
        let body = br#"{"code":"made_up","detail":"x","field":null}"#;
        assert!(contract().check("GET", ID_PATH, 404, JSON, body).is_err());
        let body = br#"{"code":"route_not_found","detail":"x","field":null}"#;
        assert!(contract().check("GET", ID_PATH, 401, JSON, body).is_err());
    }

    #[test]
    fn paths_are_matched_to_templates_literals_first() {
        let c = contract();
        assert_eq!(
            c.template_for("/connections/abc"),
            Some("/connections/{id}")
        );
        assert_eq!(
            c.template_for("/connect/x/callback"),
            Some("/connect/{platform}/callback")
        );
        assert_eq!(c.template_for("/connections//refresh"), None);
        assert_eq!(c.template_for("/nope"), None);
    }

    #[test]
    fn outside_the_api_nothing_is_checked_and_unknown_routes_must_be_errors() {
        let c = contract();
        assert_eq!(c.check("GET", "/healthz", 200, JSON, b"{}"), Ok(()));
        let not_found = br#"{"code":"route_not_found","detail":"x","field":null}"#;
        assert_eq!(c.check("GET", "/api/v1/nope", 404, JSON, not_found), Ok(()));
        assert!(c.check("GET", "/api/v1/nope", 200, JSON, b"{}").is_err());
    }
}
