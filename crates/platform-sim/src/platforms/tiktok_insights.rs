//! TikTok's Display API video reads, over a seeded, deterministic history: every creator has
//! posted three videos a day (08:00, 12:00 and 19:00 UTC) for the twelve weeks before the
//! simulator's today, and its engagement peaks on **Saturdays at 19:00 UTC** (four times the
//! usual likes), with a lesser peak on **Wednesdays at 12:00 UTC**. Insights computed from
//! it must find that peak.
//!
//! `POST /v2/video/list/` (in `tiktok_publish`) pages this history after the posts made on the
//! simulator; `POST /v2/video/query/` answers the videos of `filters.video_ids`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::{Duration, OffsetDateTime, Weekday};

use super::json;
use super::tiktok::api_error;
use crate::oauth::{Params, bearer};
use crate::state::Shared;

const PLATFORM: Platform = Platform::Tiktok;
const WEEKS: i64 = 12;
const HOURS: [i64; 3] = [8, 12, 19];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    // `/v2/video/list/` is served by `tiktok_publish`, which lists this history after the
    // posts made on the simulator.
    cfg.route("/tiktok/api/v2/video/query/", web::post().to(query));
}

/// The seeded videos, newest first, for the day `now` falls on.
pub(crate) fn seeded(now: OffsetDateTime) -> Vec<Value> {
    let today = now.replace_time(time::Time::MIDNIGHT);
    let mut videos = Vec::new();
    for day in 1..=WEEKS * 7 {
        let date = today - Duration::days(day);
        for hour in HOURS.iter().rev() {
            let at = date + Duration::hours(*hour);
            let seq = at.unix_timestamp() / 3600;
            // A little deterministic spread, so buckets are not all equal.
            let wobble = u64::try_from(seq % 7).unwrap_or(0) * 3;
            let (likes, description) = match (at.weekday(), *hour) {
                (Weekday::Saturday, 19) => {
                    (400 + wobble, "Saturday night set #weekendvibes #dance")
                }
                (Weekday::Wednesday, 12) => (220 + wobble, "Midweek lunch break #midweek #dance"),
                _ => (100 + wobble, "Daily clip #daily"),
            };
            videos.push(json!({
                "id": format!("sim-video-{}", at.unix_timestamp()),
                "create_time": at.unix_timestamp(),
                "title": description,
                "video_description": description,
                "duration": 15,
                "like_count": likes,
                "comment_count": likes / 10,
                "share_count": likes / 20,
                "view_count": likes * 25,
                "share_url": format!("https://www.tiktok.com/@sim/video/{}", at.unix_timestamp()),
            }));
        }
    }
    videos
}

pub(crate) fn keep_fields(video: &Value, fields: &[&str]) -> Value {
    let Some(object) = video.as_object() else {
        return video.clone();
    };
    Value::Object(
        object
            .iter()
            .filter(|(key, _)| fields.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
    )
}

/// Checks the token and its `video.list` scope; answers the requested fields.
fn authorize(
    req: &HttpRequest,
    shared: &Shared,
) -> Result<(OffsetDateTime, Vec<String>), HttpResponse> {
    let state = shared.lock();
    let access = state
        .check_access(PLATFORM, bearer(req).as_deref())
        .map_err(|_| {
            api_error(
                StatusCode::UNAUTHORIZED,
                "access_token_invalid",
                "The access token is invalid or not found in the request.",
            )
        })?;
    if !access.has_scope("video.list") {
        return Err(api_error(
            StatusCode::UNAUTHORIZED,
            "scope_not_authorized",
            "The user did not authorize the scope required for completing this request.",
        ));
    }
    let params = Params::from_query(req);
    let fields: Vec<String> = params
        .get("fields")
        .unwrap_or("id,create_time")
        .split(',')
        .map(|f| f.trim().to_owned())
        .filter(|f| !f.is_empty())
        .collect();
    Ok((state.now(), fields))
}

fn ok(data: Value) -> HttpResponse {
    json(
        StatusCode::OK,
        json!({"data": data, "error": {"code": "ok", "message": "", "log_id": "sim"}}),
    )
}

async fn query(req: HttpRequest, shared: web::Data<Shared>, body: web::Bytes) -> HttpResponse {
    let (now, fields) = match authorize(&req, &shared) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let ids: Vec<&str> = body["filters"]["video_ids"]
        .as_array()
        .map(|ids| ids.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if ids.is_empty() || ids.len() > 20 {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_params",
            "filters.video_ids must hold 1 to 20 ids.",
        );
    }
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    let videos: Vec<Value> = seeded(now)
        .into_iter()
        .filter(|video| video["id"].as_str().is_some_and(|id| ids.contains(&id)))
        .map(|video| keep_fields(&video, &fields))
        .collect();
    ok(json!({ "videos": videos }))
}
