//! `GET /insights/{platform}/best-times` and `POST /insights/{platform}/hashtags`.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use socialpub_application::{
    BestTimesAnswer, FailedSource, HashtagAnswer, HashtagRequest, InsightsError,
};
use socialpub_domain::ConnectionId;
use socialpub_domain::insights::{HashtagSource, HashtagSuggestion, SuggestedTime};
use time::format_description::well_known::Rfc3339;

use super::connect::parse_platform;
use crate::current_user::CurrentUser;
use crate::error_code::ErrorCode;
use crate::idempotency::JsonBody;
use crate::{ApiError, ApiState};

/// The query field naming the time zone of best times.
const TZ_FIELD: &str = "tz";

#[derive(Debug, Deserialize)]
pub struct BestTimesQuery {
    connection_id: Option<String>,
    tz: Option<String>,
}

#[derive(Debug, Serialize)]
struct BestTimesResponse {
    platform: socialpub_domain::Platform,
    connection_id: String,
    time_zone: String,
    suggested_times: Vec<SuggestedTime>,
    /// `heatmap[weekday][hour]`, Monday first.
    heatmap: Vec<Vec<f64>>,
    next_slots: Vec<String>,
    confidence: socialpub_domain::insights::Confidence,
    sample_size: u32,
    basis: socialpub_domain::insights::BestTimeBasis,
    sources_failed: Vec<FailedSource>,
}

#[derive(Debug, Serialize)]
struct HashtagResponse {
    suggestions: Vec<HashtagSuggestion>,
    cap: Option<usize>,
    sources_used: Vec<HashtagSource>,
    sources_failed: Vec<FailedSource>,
}

impl From<HashtagAnswer> for HashtagResponse {
    fn from(answer: HashtagAnswer) -> Self {
        Self {
            suggestions: answer.suggestions,
            cap: answer.cap,
            sources_used: answer.sources_used,
            sources_failed: answer.sources_failed,
        }
    }
}

/// Maps an insights refusal; `tz_field` names where the time zone came from.
pub(crate) fn insights_error(error: InsightsError, tz_field: &'static str) -> ApiError {
    match error {
        InsightsError::ConnectionNotFound(_) => ApiError::NotFound {
            detail: error.to_string(),
        },
        InsightsError::PlatformMismatch { .. } => ApiError::Unprocessable {
            code: ErrorCode::ConnectionPlatformMismatch,
            detail: error.to_string(),
            field: Some("connection_id".into()),
        },
        InsightsError::UnknownTimeZone(_) => ApiError::Unprocessable {
            code: ErrorCode::UnknownTimeZone,
            detail: error.to_string(),
            field: Some(tz_field.into()),
        },
        InsightsError::InvalidInput { field, message } => ApiError::InvalidBody {
            detail: message,
            field: Some(field.into()),
        },
        InsightsError::Repository(error) => error.into(),
    }
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

pub(crate) fn best_times_body(
    platform: socialpub_domain::Platform,
    connection: ConnectionId,
    answer: BestTimesAnswer,
) -> serde_json::Value {
    let body = BestTimesResponse {
        platform,
        connection_id: connection.to_string(),
        time_zone: answer.time_zone,
        suggested_times: answer.times.suggested_times,
        heatmap: answer
            .times
            .heatmap
            .iter()
            .map(|row| row.to_vec())
            .collect(),
        next_slots: answer.times.next_slots.into_iter().map(rfc3339).collect(),
        confidence: answer.times.confidence,
        sample_size: answer.times.sample_size,
        basis: answer.times.basis,
        sources_failed: answer.sources_failed,
    };
    serde_json::to_value(body).unwrap_or_default()
}

/// `GET /insights/{platform}/best-times?connection_id=&tz=`.
pub async fn best_times(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    platform: web::Path<String>,
    query: web::Query<BestTimesQuery>,
) -> Result<HttpResponse, ApiError> {
    let platform = parse_platform(&platform)?;
    let connection: ConnectionId = match query.connection_id.as_deref() {
        None => {
            return Err(ApiError::invalid_parameter(
                "connection_id",
                "connection_id is required: the account whose best times to compute",
            ));
        }
        Some(raw) => raw.parse().map_err(|_| {
            ApiError::invalid_parameter("connection_id", "connection_id is not a connection id")
        })?,
    };
    let tz = query.tz.as_deref().unwrap_or("UTC");
    let answer = state
        .insights
        .best_times(&user, platform, connection, tz)
        .await
        .map_err(|e| insights_error(e, TZ_FIELD))?;
    Ok(HttpResponse::Ok().json(best_times_body(platform, connection, answer)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HashtagBody {
    keywords: Vec<String>,
    industry: Option<String>,
    limit: Option<u64>,
    connection_id: Option<String>,
}

/// `POST /insights/{platform}/hashtags`.
pub async fn hashtags(
    state: web::Data<ApiState>,
    CurrentUser(user): CurrentUser,
    platform: web::Path<String>,
    body: JsonBody<HashtagBody>,
) -> Result<HttpResponse, ApiError> {
    let platform = parse_platform(&platform)?;
    let body = body.value;
    let connection_id = body
        .connection_id
        .as_deref()
        .map(|raw| {
            raw.parse().map_err(|_| ApiError::InvalidBody {
                detail: "connection_id is not a connection id".into(),
                field: Some("connection_id".into()),
            })
        })
        .transpose()?;
    let request = HashtagRequest {
        keywords: body.keywords,
        industry: body.industry,
        // Anything past usize is out of bounds anyway; the service names the field.
        limit: body.limit.map(|l| usize::try_from(l).unwrap_or(usize::MAX)),
        connection_id,
    };
    let answer = state
        .insights
        .hashtags(&user, platform, &request)
        .await
        .map_err(|e| insights_error(e, TZ_FIELD))?;
    Ok(HttpResponse::Ok().json(HashtagResponse::from(answer)))
}

/// The `schedule_time` value that asks for the account's next best slot.
pub(crate) const NEXT_BEST: &str = "next_best";

/// `schedule_time: "next_best"`: the connection's next best slot in `time_zone` (UTC when
/// absent). Why that slot is recorded in the job's metadata under `next_best`, so the job
/// shows it.
pub(crate) async fn next_best_schedule(
    state: &ApiState,
    user: &socialpub_domain::UserId,
    connection: ConnectionId,
    time_zone: Option<&str>,
    metadata: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<socialpub_domain::ScheduleTime, ApiError> {
    let zone = time_zone.unwrap_or("UTC");
    let next = state
        .insights
        .next_best_for(user, connection, zone)
        .await
        .map_err(|e| insights_error(e, "time_zone"))?
        .ok_or_else(|| ApiError::Unprocessable {
            code: ErrorCode::InvalidScheduleTime,
            detail: "no best slot could be found in the coming week".into(),
            field: Some("schedule_time".into()),
        })?;
    metadata.insert(
        NEXT_BEST.into(),
        serde_json::json!({
            "weekday": next.slot.weekday,
            "local_time": next.slot.local_time,
            "time_zone": next.time_zone,
            "score": next.slot.score,
            "basis": next.times.basis,
            "confidence": next.times.confidence,
            "sample_size": next.times.sample_size,
            "why": next.explanation(),
        }),
    );
    Ok(socialpub_domain::ScheduleTime {
        at: next.at,
        time_zone: time_zone.map(str::to_owned),
        note: None,
    })
}
