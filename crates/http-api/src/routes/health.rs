use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::{ApiError, ApiState};

/// The process is up. Checks nothing else, so an orchestrator restarts only a dead process.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The process can serve: its database answers.
pub async fn readyz(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    state
        .readiness
        .check()
        .await
        .map_err(|reason| ApiError::Unavailable {
            detail: format!("not ready: {reason}"),
        })?;
    Ok(HttpResponse::Ok().json(json!({ "status": "ready", "database": "ok" })))
}

/// Prometheus metrics: HTTP traffic of this process and the gauges its sources add.
pub async fn metrics(state: web::Data<ApiState>) -> HttpResponse {
    let mut out = String::new();
    state.metrics.render(&mut out);
    for source in &state.metrics_sources {
        source.render(&mut out);
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(out)
}
