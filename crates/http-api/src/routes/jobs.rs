use actix_web::{HttpResponse, web};
use serde::Deserialize;
use socialpub_domain::{JobId, JobStatus};
use socialpub_ports::JobFilter;

use super::parse_id;
use crate::current_user::CurrentUser;
use crate::dto::{AttemptResponse, JobResponse, RescheduleRequest};
use crate::query::{PageQuery, parse_opt};
use crate::{ApiError, ApiState};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    platform: Option<String>,
    status: Option<String>,
    connection_id: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

pub async fn list(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = JobFilter {
        platform: parse_opt("platform", query.platform.as_deref(), str::parse)?,
        status: parse_opt("status", query.status.as_deref(), |s| {
            JobStatus::parse(s).ok_or(
                "status must be one of scheduled, pending, processing, published, failed, \
                 content_rejected, cancelled",
            )
        })?,
        connection_id: parse_opt("connection_id", query.connection_id.as_deref(), str::parse)?,
    };
    let page = state.jobs.list(&user, &filter, query.page.page()?).await?;
    Ok(HttpResponse::Ok().json(page.map(JobResponse::from)))
}

pub async fn get(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: JobId = parse_id(&id, "job")?;
    Ok(HttpResponse::Ok().json(JobResponse::from(state.jobs.get(&user, id).await?)))
}

pub async fn attempts(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: JobId = parse_id(&id, "job")?;
    let attempts = state.jobs.attempts(&user, id).await?;
    let items: Vec<AttemptResponse> = attempts.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

pub async fn cancel(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: JobId = parse_id(&id, "job")?;
    Ok(HttpResponse::Ok().json(JobResponse::from(state.jobs.cancel(&user, id).await?)))
}

pub async fn reschedule(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
    body: web::Json<RescheduleRequest>,
) -> Result<HttpResponse, ApiError> {
    let id: JobId = parse_id(&id, "job")?;
    let job = state.jobs.reschedule(&user, id, body.scheduled_at).await?;
    Ok(HttpResponse::Ok().json(JobResponse::from(job)))
}
