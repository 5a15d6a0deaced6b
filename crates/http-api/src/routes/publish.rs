//! Creating jobs and posts, following posts.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use socialpub_application::{
    Created, NewPost, PostTarget, PublishError, PublishRequest, TargetViolations,
};
use socialpub_domain::{ConnectionId, PostId, ScheduleError, ScheduleTime, parse_schedule_time};

use super::parse_id;
use crate::current_user::CurrentUser;
use crate::dto::{
    CreatedJobResponse, JobResponse, PostBody, PostResponse, PublishBody, TargetViolationsResponse,
    WarningResponse,
};
use crate::idempotency::{JsonBody, Reply, idempotent};
use crate::{ApiError, ApiState, ErrorCode};

pub(crate) fn schedule_error(error: &ScheduleError) -> ApiError {
    let code = match error {
        ScheduleError::Malformed => ErrorCode::InvalidScheduleTime,
        ScheduleError::NaiveWithoutZone(_) => ErrorCode::ScheduleTimeWithoutZone,
        ScheduleError::UnknownZone(_) => ErrorCode::UnknownTimeZone,
        ScheduleError::NonExistentLocalTime { .. } => ErrorCode::NonexistentLocalTime,
        ScheduleError::InPast => ErrorCode::ScheduleInPast,
        ScheduleError::BeyondHorizon { .. } => ErrorCode::ScheduleBeyondHorizon,
    };
    ApiError::Unprocessable {
        code,
        detail: error.to_string(),
        field: Some(error.field().into()),
    }
}

/// Reads `schedule_time` and `time_zone`; `None` when no time was given.
pub(crate) fn parse_schedule(
    schedule_time: Option<&str>,
    time_zone: Option<&str>,
) -> Result<Option<ScheduleTime>, ApiError> {
    match schedule_time {
        Some(raw) => parse_schedule_time(raw, time_zone)
            .map(Some)
            .map_err(|e| schedule_error(&e)),
        None if time_zone.is_some() => Err(ApiError::InvalidBody {
            detail: "time_zone is given without a schedule_time".into(),
            field: Some("time_zone".into()),
        }),
        None => Ok(None),
    }
}

fn connection_id(raw: &str, field: String) -> Result<ConnectionId, ApiError> {
    raw.parse().map_err(|_| ApiError::InvalidBody {
        detail: format!("{field} is not a valid connection id"),
        field: Some(field),
    })
}

/// `422 content_rejected`: the envelope, plus every violation of every target.
fn content_rejected(
    error: &PublishError,
    targets: Vec<TargetViolations>,
) -> Result<Reply, ApiError> {
    let targets: Vec<TargetViolationsResponse> = targets.into_iter().map(Into::into).collect();
    Reply::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        &serde_json::json!({
            "code": ErrorCode::ContentRejected,
            "detail": error.to_string(),
            "field": null,
            "targets": targets,
        }),
    )
}

/// Every way a publishing use case refuses, as HTTP.
pub(crate) fn publish_error(error: PublishError) -> Result<Reply, ApiError> {
    let unprocessable =
        |code, field: Option<String>, error: &PublishError| ApiError::Unprocessable {
            code,
            detail: error.to_string(),
            field,
        };
    Err(match error {
        PublishError::ContentRejected(ref targets) => {
            let targets = targets.clone();
            return content_rejected(&error, targets);
        }
        PublishError::ConnectionNotFound(id) => {
            ApiError::not_found(format_args!("connection {id}"))
        }
        PublishError::PostNotFound(id) => ApiError::not_found(format_args!("post {id}")),
        PublishError::ConnectionNeedsReauth(_) => ApiError::Conflict {
            code: ErrorCode::ConnectionNeedsReauth,
            detail: error.to_string(),
        },
        PublishError::NothingToRetry(_) => ApiError::Conflict {
            code: ErrorCode::NothingToRetry,
            detail: error.to_string(),
        },
        PublishError::PlatformNotEnabled(_) => unprocessable(
            ErrorCode::PlatformNotEnabled,
            Some("connection_id".into()),
            &error,
        ),
        PublishError::LinkedinPersonalPublishingDisabled(_) => unprocessable(
            ErrorCode::LinkedinPersonalPublishingDisabled,
            Some("connection_id".into()),
            &error,
        ),
        PublishError::PlatformNotPublishable(_) => unprocessable(
            ErrorCode::PlatformNotPublishable,
            Some("connection_id".into()),
            &error,
        ),
        PublishError::PublishingSwitchedOff(_) => unprocessable(
            ErrorCode::PublishingDisabled,
            Some("connection_id".into()),
            &error,
        ),
        PublishError::Schedule(ref e) => schedule_error(e),
        PublishError::Targets { .. } => {
            unprocessable(ErrorCode::InvalidTargets, Some("targets".into()), &error)
        }
        PublishError::DuplicateTarget { index, .. } => unprocessable(
            ErrorCode::DuplicateTarget,
            Some(format!("targets[{index}].connection_id")),
            &error,
        ),
        PublishError::Validation(e) => e.into(),
        PublishError::Job(e) => e.into(),
        PublishError::Repository(e) => e.into(),
    })
}

fn created_job(created: Created) -> Result<Reply, ApiError> {
    let warnings: Vec<WarningResponse> = created.warnings.into_iter().map(Into::into).collect();
    let job = created
        .jobs
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::Internal {
            cause: "a publish created no job".into(),
        })?;
    Reply::new(
        StatusCode::ACCEPTED,
        &CreatedJobResponse {
            job: JobResponse::from(job),
            warnings,
        },
    )
}

async fn create_job(
    state: &ApiState,
    user: &socialpub_domain::UserId,
    body: PublishBody,
    schedule: Option<ScheduleTime>,
) -> Result<Reply, ApiError> {
    let request = PublishRequest {
        connection_id: connection_id(&body.connection_id, "connection_id".into())?,
        text: body.text_content,
        assets: body.assets,
        options: body.platform_specific_options,
        metadata: body.metadata,
        schedule,
    };
    match state.publishing.publish(user, request).await {
        Ok(created) => created_job(created),
        Err(error) => publish_error(error),
    }
}

/// `POST /publish`: one connection, now.
pub async fn publish(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    req: HttpRequest,
    body: JsonBody<PublishBody>,
) -> Result<HttpResponse, ApiError> {
    let JsonBody { value, raw } = body;
    idempotent(&state, &user, &req, &raw, async {
        if value.schedule_time.is_some() || value.time_zone.is_some() {
            return Err(ApiError::InvalidBody {
                detail: "publish takes no schedule_time; use POST /api/v1/schedule".into(),
                field: Some("schedule_time".into()),
            });
        }
        create_job(&state, &user, value, None).await
    })
    .await
}

/// `POST /schedule`: one connection, at a time.
pub async fn schedule(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    req: HttpRequest,
    body: JsonBody<PublishBody>,
) -> Result<HttpResponse, ApiError> {
    let JsonBody { mut value, raw } = body;
    idempotent(&state, &user, &req, &raw, async {
        if value.schedule_time.as_deref() == Some(super::insights::NEXT_BEST) {
            let connection = connection_id(&value.connection_id, "connection_id".into())?;
            let schedule = super::insights::next_best_schedule(
                &state,
                &user,
                connection,
                value.time_zone.as_deref(),
                &mut value.metadata,
            )
            .await?;
            return create_job(&state, &user, value, Some(schedule)).await;
        }
        let Some(schedule) =
            parse_schedule(value.schedule_time.as_deref(), value.time_zone.as_deref())?
        else {
            return Err(ApiError::InvalidBody {
                detail: "missing field `schedule_time`".into(),
                field: Some("schedule_time".into()),
            });
        };
        create_job(&state, &user, value, Some(schedule)).await
    })
    .await
}

/// `POST /posts`: one piece of content to several connections, each a job.
pub async fn create_post(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    req: HttpRequest,
    body: JsonBody<PostBody>,
) -> Result<HttpResponse, ApiError> {
    let JsonBody { mut value, raw } = body;
    idempotent(&state, &user, &req, &raw, async {
        // `next_best` follows the first target's account: one post has one time.
        let schedule = match (value.schedule_time.as_deref(), value.targets.first()) {
            (Some(super::insights::NEXT_BEST), Some(first)) => {
                let connection =
                    connection_id(&first.connection_id, "targets[0].connection_id".into())?;
                Some(
                    super::insights::next_best_schedule(
                        &state,
                        &user,
                        connection,
                        value.time_zone.as_deref(),
                        &mut value.metadata,
                    )
                    .await?,
                )
            }
            _ => parse_schedule(value.schedule_time.as_deref(), value.time_zone.as_deref())?,
        };
        let targets = value
            .targets
            .into_iter()
            .enumerate()
            .map(|(index, t)| {
                Ok(PostTarget {
                    connection_id: connection_id(
                        &t.connection_id,
                        format!("targets[{index}].connection_id"),
                    )?,
                    text: t.text_content,
                    assets: t.assets,
                    options: t.platform_specific_options,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let new = NewPost {
            text: value.text_content,
            assets: value.assets,
            options: value.platform_specific_options,
            metadata: value.metadata,
            schedule,
            targets,
        };
        match state.publishing.create_post(&user, new).await {
            Ok(created) => {
                let post = created.post.ok_or_else(|| ApiError::Internal {
                    cause: "a post was created without its post".into(),
                })?;
                let statuses: Vec<_> = created.jobs.iter().map(|j| j.status).collect();
                let mut response = PostResponse::from(socialpub_application::PostView {
                    state: socialpub_domain::PostState::of(&statuses),
                    post,
                    jobs: created.jobs,
                });
                response.warnings = Some(created.warnings.into_iter().map(Into::into).collect());
                Reply::new(StatusCode::ACCEPTED, &response)
            }
            Err(error) => publish_error(error),
        }
    })
    .await
}

/// `GET /posts/{id}`.
pub async fn get_post(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: PostId = parse_id(&id, "post")?;
    match state.publishing.get_post(&user, id).await {
        Ok(view) => Ok(HttpResponse::Ok().json(PostResponse::from(view))),
        Err(error) => publish_error(error).map(Reply::respond),
    }
}

/// `POST /posts/{id}/retry`: retries the post's failed and missed targets only.
pub async fn retry_post(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id: PostId = parse_id(&id, "post")?;
    idempotent(&state, &user, &req, &body, async {
        match state.publishing.retry_post(&user, id).await {
            Ok(view) => Reply::new(StatusCode::OK, &PostResponse::from(view)),
            Err(error) => publish_error(error),
        }
    })
    .await
}
