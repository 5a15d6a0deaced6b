use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use tracing::Instrument;
use uuid::Uuid;

use crate::ApiState;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The route label of requests that matched no route (404s of made-up paths).
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Ids we echo must be short and printable, so a client cannot inject log lines or headers.
fn acceptable(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Gives every request an id (the caller's `X-Request-Id` when sane, else a new UUID), opens a
/// span carrying it so every log line of the request has it, logs one line per request, counts
/// it into the HTTP latency series under its route *template* (`/api/v1/jobs/{id}`, never the
/// raw path, so ids cannot multiply the series), and returns the id in the response.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
    );
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let metrics = req
        .app_data::<web::Data<ApiState>>()
        .map(|state| state.metrics.clone());
    let mut res = next.call(req).instrument(span.clone()).await?;
    let elapsed = started.elapsed();
    if let Some(metrics) = metrics {
        let route = res.request().match_pattern();
        metrics.http_request(
            method.as_str(),
            route.as_deref().unwrap_or(UNMATCHED_ROUTE),
            res.status().as_u16(),
            elapsed.as_secs_f64(),
        );
    }
    span.in_scope(|| {
        tracing::info!(
            status = res.status().as_u16(),
            elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            "request finished"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(res)
}
