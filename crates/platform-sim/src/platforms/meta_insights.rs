//! Instagram and Facebook insights reads, seeded and deterministic:
//!
//! - `GET /{version}/{media-id}/insights?metric=..` on either Graph host: the media's current
//!   metrics (`views`, `likes`, `comments`, `shares`, `saved`), derived from its id, so the
//!   same media always reads the same. Retired metrics (`impressions`, `plays`,
//!   `video_views`) are refused as Graph refuses them: code 100, "invalid metric".
//! - `GET /{version}/{ig-user-id}/insights?metric=online_followers`: thirty days of followers
//!   online by hour, each day's hours counted from the start of the day ending at its
//!   `end_time` (07:00 UTC, Pacific midnight), peaking on **Tuesdays at 18:00 UTC**.
//! - `GET /facebook/api/{version}/{post-id}/insights?metric=post_media_view`: a Page post's
//!   views. Retired Page metrics (`post_impressions*`, `page_fans_online`) are refused.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::{Duration, OffsetDateTime, Time, Weekday};

use super::facebook::graph_error;
use super::json;
use crate::oauth::{Params, bearer};
use crate::state::Shared;

/// Days of `online_followers` (Graph keeps 30).
const AUDIENCE_DAYS: i64 = 30;
/// Metrics Meta retired: asked for, they fail as invalid.
const RETIRED: &[&str] = &[
    "impressions",
    "plays",
    "video_views",
    "clips_replays_count",
    "ig_reels_aggregated_all_plays_count",
    "page_fans_online",
    "page_fans_online_per_day",
    "page_impressions",
    "post_impressions",
    "post_impressions_unique",
    "page_impressions_unique",
];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/instagram/api/{version}/{node}/insights",
        web::get().to(instagram),
    )
    .route(
        "/facebook/api/{version}/{node}/insights",
        web::get().to(facebook),
    );
}

/// A stable number from an id: the same media always has the same reception.
pub(crate) fn spread(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    }) % 97
}

fn unauthorized() -> HttpResponse {
    graph_error(
        StatusCode::BAD_REQUEST,
        190,
        None,
        "Invalid OAuth access token - Cannot parse access token",
    )
}

fn metrics(req: &HttpRequest) -> Result<Vec<String>, HttpResponse> {
    let params = Params::from_query(req);
    let asked: Vec<String> = params
        .get("metric")
        .unwrap_or_default()
        .split(',')
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty())
        .collect();
    if asked.is_empty() {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            "(#100) The value must be a valid insights metric",
        ));
    }
    if let Some(retired) = asked.iter().find(|m| RETIRED.contains(&m.as_str())) {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            100,
            None,
            &format!("(#100) {retired} is not a valid insights metric"),
        ));
    }
    Ok(asked)
}

/// `GET /{media-id}/insights` and `GET /{ig-user-id}/insights?metric=online_followers`.
async fn instagram(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let now = {
        let state = shared.lock();
        let token = bearer(&req);
        let allowed = state
            .check_access(Platform::Instagram, token.as_deref())
            .is_ok()
            || state
                .check_access(Platform::Facebook, token.as_deref())
                .is_ok();
        if !allowed {
            return unauthorized();
        }
        state.now()
    };
    let asked = match metrics(&req) {
        Ok(asked) => asked,
        Err(response) => return response,
    };
    let (_, node) = path.into_inner();
    if asked.iter().any(|m| m == "online_followers") {
        return json(StatusCode::OK, online_followers(now));
    }
    json(StatusCode::OK, media_insights(&node, &asked))
}

/// `GET /facebook/.../{node}/insights`: a Page post's views, or (a Facebook Login token
/// reading Instagram) media and account insights.
async fn facebook(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let asked = match metrics(&req) {
        Ok(asked) => asked,
        Err(response) => return response,
    };
    if !asked.iter().any(|m| m.starts_with("post_")) {
        return instagram(req, path, shared).await;
    }
    {
        let state = shared.lock();
        if state
            .check_access(Platform::Facebook, bearer(&req).as_deref())
            .is_err()
        {
            return unauthorized();
        }
    }
    let (_, post) = path.into_inner();
    let data: Vec<Value> = asked
        .iter()
        .filter(|m| m.as_str() == "post_media_view")
        .map(|m| {
            json!({
                "name": m,
                "period": "lifetime",
                "values": [{"value": 400 + spread(&post) * 10}],
                "title": "Lifetime Post Media Views",
                "id": format!("{post}/insights/{m}/lifetime"),
            })
        })
        .collect();
    json(StatusCode::OK, json!({ "data": data }))
}

/// The media's metrics: likes 20-116, the rest in proportion.
fn media_insights(media: &str, asked: &[String]) -> Value {
    let likes = 20 + spread(media);
    let value = |name: &str| -> Option<u64> {
        match name {
            "likes" => Some(likes),
            "comments" => Some(likes / 8),
            "shares" => Some(likes / 15),
            "saved" => Some(likes / 6),
            "views" => Some(likes * 30),
            "reach" => Some(likes * 22),
            "total_interactions" => Some(likes + likes / 8 + likes / 15 + likes / 6),
            _ => None,
        }
    };
    let data: Vec<Value> = asked
        .iter()
        .filter_map(|name| {
            let v = value(name)?;
            Some(json!({
                "name": name,
                "period": "lifetime",
                "values": [{"value": v}],
                "id": format!("{media}/insights/{name}/lifetime"),
            }))
        })
        .collect();
    json!({ "data": data })
}

/// Thirty days of `online_followers`, newest last.
pub(crate) fn online_followers(now: OffsetDateTime) -> Value {
    let today = now.replace_time(Time::MIDNIGHT) + Duration::hours(7);
    let values: Vec<Value> = (1..=AUDIENCE_DAYS)
        .rev()
        .map(|back| {
            let end = today - Duration::days(back - 1);
            let start = end - Duration::days(1);
            let mut hours = serde_json::Map::new();
            for hour in 0..24 {
                let at = start + Duration::hours(hour);
                let online = match (at.weekday(), at.hour()) {
                    (Weekday::Tuesday, 18) => 900,
                    (_, 18) => 300,
                    (_, 8..=22) => 200,
                    _ => 60,
                };
                hours.insert(hour.to_string(), json!(online));
            }
            json!({
                "value": hours,
                "end_time": end.format(&GRAPH_TIME).unwrap_or_default(),
            })
        })
        .collect();
    json!({"data": [{
        "name": "online_followers",
        "period": "lifetime",
        "values": values,
        "title": "Online Followers",
        "id": "insights/online_followers/lifetime",
    }]})
}

const GRAPH_TIME: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+0000");
