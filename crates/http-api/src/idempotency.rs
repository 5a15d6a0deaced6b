//! `Idempotency-Key` on POST requests: the same key with the same request answers the first
//! response again and does nothing new; with another request it is refused.

use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::JsonPayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use socialpub_domain::{IdempotencyKey, UserId};
use socialpub_ports::{IdempotencyClaim, StoredResponse};
use time::Duration;

use crate::error_handlers::{JSON_LIMIT, json_error};
use crate::{ApiError, ApiState, ErrorCode};

/// The request header carrying the key.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Set on a replayed answer.
pub const IDEMPOTENT_REPLAYED_HEADER: &str = "idempotent-replayed";
/// How long an answer is kept for replays: at least a day, as the API promises.
const KEEP_FOR: Duration = Duration::hours(24);
/// A request holding its key longer than this is taken for dead, and its key can be reused.
const LOCK_FOR: Duration = Duration::minutes(5);

/// A JSON answer a POST produced, which can be stored and replayed as it was.
#[derive(Debug)]
pub struct Reply {
    status: StatusCode,
    body: String,
}

impl Reply {
    pub fn new(status: StatusCode, body: &impl Serialize) -> Result<Self, ApiError> {
        let body = serde_json::to_string(body).map_err(|e| ApiError::internal(&e))?;
        Ok(Self { status, body })
    }

    /// The answer as sent the first time.
    pub fn respond(self) -> HttpResponse {
        self.into_response(false)
    }

    fn into_response(self, replayed: bool) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.content_type(mime_json());
        if replayed {
            response.insert_header((IDEMPOTENT_REPLAYED_HEADER, HeaderValue::from_static("true")));
        }
        response.body(self.body)
    }
}

fn mime_json() -> HeaderValue {
    HeaderValue::from_static("application/json")
}

/// A JSON body kept with its raw bytes, which the idempotency fingerprint hashes.
pub struct JsonBody<T> {
    pub value: T,
    pub raw: Bytes,
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .is_some_and(|essence| {
            essence.eq_ignore_ascii_case("application/json")
                || essence.to_ascii_lowercase().ends_with("+json")
        })
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = Bytes::from_request(req, payload);
        Box::pin(async move {
            let raw = bytes.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge { limit: JSON_LIMIT }
                } else {
                    ApiError::MalformedJson {
                        detail: format!("the body could not be read: {e}"),
                    }
                }
            })?;
            if !json {
                return Err(json_error(&JsonPayloadError::ContentType));
            }
            let value = serde_json::from_slice(&raw)
                .map_err(|e| json_error(&JsonPayloadError::Deserialize(e)))?;
            Ok(Self { value, raw })
        })
    }
}

/// Method, path and a SHA-256 of the body: what makes two requests "the same".
fn fingerprint(req: &HttpRequest, body: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, body);
    let mut out = format!("{} {} ", req.method(), req.path());
    for byte in digest.as_ref() {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

fn key_of(req: &HttpRequest) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_KEY_HEADER) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::invalid_parameter(
            "Idempotency-Key",
            "the Idempotency-Key header must be 1 to 255 visible ASCII characters",
        )
    };
    let raw = value.to_str().map_err(|_| bad())?;
    IdempotencyKey::parse(raw).map(Some).map_err(|_| bad())
}

/// Runs `work` once per idempotency key: a replay answers the stored response with
/// `Idempotent-Replayed: true`; a key reused for another request, or still held by a running
/// one, is refused with 409. Without a key, `work` simply runs.
///
/// Answers below 500 are stored (a retry gets the same refusal); a 5xx releases the key, so
/// that a retry can succeed.
pub async fn idempotent(
    state: &ApiState,
    user: &UserId,
    req: &HttpRequest,
    body: &[u8],
    work: impl Future<Output = Result<Reply, ApiError>>,
) -> Result<HttpResponse, ApiError> {
    let Some(key) = key_of(req)? else {
        return work.await.map(|reply| reply.into_response(false));
    };
    let store = &state.idempotency;
    let now = state.connections.clock().now();
    match store
        .claim(user, &key, &fingerprint(req, body), now, LOCK_FOR)
        .await?
    {
        IdempotencyClaim::Proceed => {}
        IdempotencyClaim::Replay(stored) => {
            let status =
                StatusCode::from_u16(stored.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Ok(Reply {
                status,
                body: stored.body,
            }
            .into_response(true));
        }
        IdempotencyClaim::InProgress => {
            return Err(ApiError::Conflict {
                code: ErrorCode::IdempotencyRequestInProgress,
                detail: "a request with this Idempotency-Key is still running; retry shortly"
                    .into(),
            });
        }
        IdempotencyClaim::Mismatch => {
            return Err(ApiError::Conflict {
                code: ErrorCode::IdempotencyKeyReused,
                detail: "this Idempotency-Key was used with a different request".into(),
            });
        }
    }
    let outcome = work.await;
    let stored = match &outcome {
        Ok(reply) => Some(StoredResponse {
            status: reply.status.as_u16(),
            body: reply.body.clone(),
        }),
        Err(error) if !error.status_code().is_server_error() => Some(StoredResponse {
            status: error.status_code().as_u16(),
            body: serde_json::to_string(&error.body()).map_err(|e| ApiError::internal(&e))?,
        }),
        Err(_) => None,
    };
    let saved = match &stored {
        Some(response) => {
            store
                .complete(
                    user,
                    &key,
                    response,
                    state.connections.clock().now(),
                    KEEP_FOR,
                )
                .await
        }
        None => store.release(user, &key).await,
    };
    if let Err(error) = saved {
        // The work is done; only its replay is lost. The key expires by itself.
        tracing::warn!(%error, "could not store the idempotent answer");
    }
    outcome.map(|reply| reply.into_response(false))
}
