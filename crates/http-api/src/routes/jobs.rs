use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use socialpub_application::JobEdit;
use socialpub_domain::{JobId, JobStatus};
use socialpub_ports::JobFilter;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::parse_id;
use super::publish::{parse_schedule, publish_error};
use crate::current_user::CurrentUser;
use crate::dto::{AttemptResponse, JobPatchRequest, JobResponse, ResolveRequest};
use crate::idempotency::{JsonBody, Reply, idempotent};
use crate::query::{PageQuery, parse_opt};
use crate::{ApiError, ApiState};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    platform: Option<String>,
    status: Option<String>,
    connection_id: Option<String>,
    post_id: Option<String>,
    /// Jobs due (or created, when published at once) at or after this instant.
    from: Option<String>,
    /// Jobs due before this instant.
    until: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

fn instant(raw: &str) -> Result<OffsetDateTime, &'static str> {
    OffsetDateTime::parse(raw, &Rfc3339).map_err(|_| "must be an RFC 3339 date-time with an offset")
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
                 content_rejected, cancelled, missed, outcome_unknown",
            )
        })?,
        connection_id: parse_opt("connection_id", query.connection_id.as_deref(), str::parse)?,
        post_id: parse_opt("post_id", query.post_id.as_deref(), str::parse)?,
        from: parse_opt("from", query.from.as_deref(), instant)?,
        until: parse_opt("until", query.until.as_deref(), instant)?,
    };
    let page = state.jobs.list(&user, &filter, query.page.page()?).await?;
    Ok(HttpResponse::Ok().json(page.map(JobResponse::from)))
}

/// `GET /jobs/{id}` and `GET /jobs/{id}/status` (the spec's name for the same thing).
pub async fn get(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: JobId = parse_id(&id, "job")?;
    let (job, metrics) = state.jobs.get_with_metrics(&user, id).await?;
    Ok(HttpResponse::Ok().json(JobResponse::from(job).with_metrics(metrics)))
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
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id: JobId = parse_id(&id, "job")?;
    idempotent(&state, &user, &req, &body, async {
        let job = state.jobs.cancel(&user, id).await?;
        Reply::new(StatusCode::OK, &JobResponse::from(job))
    })
    .await
}

/// `POST /jobs/{id}/retry`: a failed or missed job goes back to the queue.
pub async fn retry(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id: JobId = parse_id(&id, "job")?;
    idempotent(&state, &user, &req, &body, async {
        let job = state.jobs.retry(&user, id).await?;
        Reply::new(StatusCode::OK, &JobResponse::from(job))
    })
    .await
}

/// `POST /jobs/{id}/resolve`: the user says whether an `outcome_unknown` job went out.
pub async fn resolve(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: JsonBody<ResolveRequest>,
) -> Result<HttpResponse, ApiError> {
    let id: JobId = parse_id(&id, "job")?;
    let JsonBody { value, raw } = body;
    idempotent(&state, &user, &req, &raw, async {
        if let Some(url) = &value.post_url
            && url::Url::parse(url).is_err()
        {
            return Err(ApiError::InvalidBody {
                detail: "post_url must be an absolute URL".into(),
                field: Some("post_url".into()),
            });
        }
        if !value.published && value.post_url.is_some() {
            return Err(ApiError::InvalidBody {
                detail: "post_url is only for a job resolved as published".into(),
                field: Some("post_url".into()),
            });
        }
        let job = state
            .jobs
            .resolve(&user, id, value.published, value.post_url)
            .await?;
        Reply::new(StatusCode::OK, &JobResponse::from(job))
    })
    .await
}

/// `PATCH /jobs/{id}`: reschedule and/or edit a job no worker has taken; new content is
/// checked against the rules again.
pub async fn patch(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
    body: web::Json<JobPatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let id: JobId = parse_id(&id, "job")?;
    let body = body.into_inner();
    let edit = JobEdit {
        schedule: parse_schedule(body.schedule_time.as_deref(), body.time_zone.as_deref())?,
        text: body.text_content,
        assets: body.assets,
        options: body.platform_specific_options,
    };
    match state.publishing.edit_job(&user, id, edit).await {
        Ok(job) => Ok(HttpResponse::Ok().json(JobResponse::from(job))),
        Err(error) => publish_error(error).map(Reply::respond),
    }
}
