//! Pinterest reads for insights, seeded and deterministic:
//!
//! - `GET /v5/pins?pin_metrics=true&page_size&bookmark`: the account's Pins (those made on
//!   the simulator, newest first, then a seeded history of one Pin a day for twelve weeks,
//!   at 09:00, 14:00 or 20:00 UTC in turn) with `pin_metrics.lifetime_metrics`. The history
//!   peaks on **Sundays at 20:00 UTC** (four times the usual saves and reactions).
//! - `GET /v5/pins/{pin_id}?pin_metrics=true`: one of them.
//! - `GET /v5/trends/keywords/{region}/top/{trend_type}?include_keywords&limit`: a fixed
//!   list of trending keywords, those containing one of `include_keywords` when given.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, Time, Weekday};

use super::json;
use super::meta_insights::spread;
use super::pinterest::error;
use crate::oauth::{Params, bearer};
use crate::state::Shared;

const WEEKS: i64 = 12;
const HOURS: [i64; 3] = [9, 14, 20];
/// Pinterest's largest page.
const MAX_PAGE: usize = 250;

/// Trending keywords and their month-on-month growth (10001: new).
const TRENDS: &[(&str, i64)] = &[
    ("sourdough starter", 400),
    ("fall outfits", 250),
    ("bread recipes", 10_001),
    ("cozy home decor", 180),
    ("wedding guest dress", 150),
    ("healthy lunch ideas", 120),
    ("diy christmas gifts", 95),
    ("home office setup", 80),
    ("travel packing list", 60),
    ("easy dinner recipes", 45),
];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/pinterest/api/v5/pins", web::get().to(list_pins))
        .route("/pinterest/api/v5/pins/{pin_id}", web::get().to(get_pin))
        .route(
            "/pinterest/api/v5/trends/keywords/{region}/top/{trend_type}",
            web::get().to(trends),
        );
}

fn authorized(req: &HttpRequest, shared: &Shared) -> Result<OffsetDateTime, HttpResponse> {
    let state = shared.lock();
    state
        .check_access(Platform::Pinterest, bearer(req).as_deref())
        .map(|_| state.now())
        .map_err(|_| error(StatusCode::UNAUTHORIZED, 2, Some("Authentication failed.")))
}

fn metrics(reactions: u64) -> Value {
    json!({
        "90d": {"impression": reactions * 20, "save": reactions / 2, "pin_click": reactions},
        "lifetime_metrics": {
            "impression": reactions * 50,
            "save": reactions / 2,
            "reaction": reactions,
            "comment": reactions / 10,
            "pin_click": reactions * 3,
            "outbound_click": reactions,
        }
    })
}

fn pin(id: &str, at: OffsetDateTime, title: &str, description: &str, reactions: u64) -> Value {
    json!({
        "id": id,
        "created_at": at.format(&Rfc3339).unwrap_or_default(),
        "title": title,
        "description": description,
        "board_id": "sim-board",
        "pin_metrics": metrics(reactions),
    })
}

/// Every Pin of the account, newest first: the simulator's, then the seeded history.
fn all_pins(shared: &Shared, now: OffsetDateTime) -> Vec<Value> {
    let mut pins: Vec<Value> = {
        let state = shared.lock();
        let mut made = state.posts_of(Some(Platform::Pinterest));
        made.reverse();
        made.iter()
            .map(|post| {
                pin(
                    &post.id,
                    post.created_at,
                    &post.text,
                    &post.text,
                    10 + spread(&post.id),
                )
            })
            .collect()
    };
    let today = now.replace_time(Time::MIDNIGHT);
    for day in 1..=WEEKS * 7 {
        let date = today - Duration::days(day);
        let hour = HOURS[usize::try_from(day % 3).unwrap_or(0)];
        let at = date + Duration::hours(hour);
        let (reactions, title, description) = match (at.weekday(), hour) {
            (Weekday::Sunday, 20) => (160, "Sunday baking", "Slow Sunday bake #sourdough #bread"),
            _ => (40, "Daily idea", "Idea of the day #homedecor"),
        };
        let reactions = reactions + spread(&at.unix_timestamp().to_string()) % 5;
        pins.push(pin(
            &format!("sim-pin-{}", at.unix_timestamp()),
            at,
            title,
            description,
            reactions,
        ));
    }
    pins
}

async fn list_pins(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let now = match authorized(&req, &shared) {
        Ok(now) => now,
        Err(response) => return response,
    };
    let params = Params::from_query(&req);
    let size = match params.get("page_size").map(str::parse::<usize>) {
        None => 25,
        Some(Ok(n)) if (1..=MAX_PAGE).contains(&n) => n,
        Some(_) => return error(StatusCode::BAD_REQUEST, 1, Some("page_size must be 1-250")),
    };
    let start = match params.get("bookmark").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return error(StatusCode::BAD_REQUEST, 1, Some("Invalid bookmark")),
    };
    let with_metrics = params.get("pin_metrics") == Some("true");
    let pins = all_pins(&shared, now);
    let end = (start + size).min(pins.len());
    let items: Vec<Value> = pins
        .get(start.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(|pin| strip(pin, with_metrics))
        .collect();
    let bookmark = (end < pins.len()).then(|| end.to_string());
    json(
        StatusCode::OK,
        json!({"items": items, "bookmark": bookmark}),
    )
}

fn strip(pin: &Value, with_metrics: bool) -> Value {
    let mut pin = pin.clone();
    if !with_metrics && let Some(object) = pin.as_object_mut() {
        object.remove("pin_metrics");
    }
    pin
}

async fn get_pin(
    req: HttpRequest,
    path: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let now = match authorized(&req, &shared) {
        Ok(now) => now,
        Err(response) => return response,
    };
    let id = path.into_inner();
    let with_metrics = Params::from_query(&req).get("pin_metrics") == Some("true");
    match all_pins(&shared, now)
        .iter()
        .find(|pin| pin["id"].as_str() == Some(id.as_str()))
    {
        Some(pin) => json(StatusCode::OK, strip(pin, with_metrics)),
        None => error(StatusCode::NOT_FOUND, 50, Some("Pin not found.")),
    }
}

async fn trends(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = authorized(&req, &shared) {
        return response;
    }
    let (_, trend_type) = path.into_inner();
    if !["growing", "monthly", "yearly", "seasonal"].contains(&trend_type.as_str()) {
        return error(StatusCode::BAD_REQUEST, 1, Some("Invalid trend_type"));
    }
    let params = Params::from_query(&req);
    let limit = match params.get("limit").map(str::parse::<usize>) {
        None => 50,
        Some(Ok(n)) if (1..=50).contains(&n) => n,
        Some(_) => return error(StatusCode::BAD_REQUEST, 1, Some("limit must be 1-50")),
    };
    let included: Vec<String> = params
        .get("include_keywords")
        .map(|raw| raw.split(',').map(|k| k.trim().to_lowercase()).collect())
        .unwrap_or_default();
    let trends: Vec<Value> = TRENDS
        .iter()
        .filter(|(keyword, _)| {
            included.is_empty()
                || included
                    .iter()
                    .any(|k| !k.is_empty() && keyword.contains(k.as_str()))
        })
        .take(limit)
        .map(|(keyword, growth)| {
            json!({
                "keyword": keyword,
                "pct_growth_wow": growth / 4,
                "pct_growth_mom": growth,
                "pct_growth_yoy": growth * 2,
                "time_series": {},
            })
        })
        .collect();
    json(StatusCode::OK, json!({ "trends": trends }))
}
