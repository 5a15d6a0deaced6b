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

/// Prometheus metrics: this process's series, after the scrape-time gauges are read.
pub async fn metrics(state: web::Data<ApiState>) -> HttpResponse {
    for hook in &state.scrape_hooks {
        hook.before_scrape(state.metrics.as_ref()).await;
    }
    let exposition = state.metrics.render();
    HttpResponse::Ok()
        .content_type(exposition.content_type)
        .body(exposition.body)
}
