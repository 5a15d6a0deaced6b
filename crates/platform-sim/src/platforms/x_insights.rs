//! X reads for insights: `public_metrics` of posts made on the simulator (derived from the
//! post id, so a post always reads the same), `GET /2/tweets/{id}` to read one, and
//! `GET /2/tweets/search/recent`, which answers a fixed set of recent public posts whose
//! hashtags co-occur with the query's terms.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;

use super::json;
use super::meta_insights::spread;
use super::x::problem;
use crate::oauth::{Params, bearer};
use crate::state::Shared;

/// Recent public posts the search answers from (text, hashtags).
const PUBLIC_POSTS: &[(&str, &[&str])] = &[
    ("Morning pour-over ritual", &["coffee", "morningroutine"]),
    ("New single origin in", &["coffee", "specialtycoffee"]),
    ("Latte art practice", &["coffee", "latteart", "barista"]),
    ("Café hopping in Lisbon", &["coffee", "travel"]),
    ("Cold brew season", &["coldbrew", "coffee"]),
    ("Shipping a Rust release", &["rustlang", "opensource"]),
    ("Async Rust tips", &["rustlang", "programming"]),
    ("Launch day!", &["buildinpublic", "startup"]),
    ("Weekend sourdough", &["baking", "sourdough"]),
    ("Marathon training log", &["running", "fitness"]),
];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/x/api/2/tweets/search/recent",
        web::get().to(search_recent),
    )
    .route("/x/api/2/tweets/{id}", web::get().to(get_tweet));
}

/// A post's `public_metrics`.
pub(crate) fn public_metrics(post_id: &str) -> Value {
    let likes = 3 + spread(post_id);
    json!({
        "retweet_count": likes / 8,
        "reply_count": likes / 5,
        "like_count": likes,
        "quote_count": likes / 20,
        "bookmark_count": likes / 10,
        "impression_count": likes * 45,
    })
}

fn authorized(req: &HttpRequest, shared: &Shared) -> Result<(), HttpResponse> {
    let state = shared.lock();
    let access = state
        .check_access(Platform::X, bearer(req).as_deref())
        .map_err(|_| problem(StatusCode::UNAUTHORIZED, None))?;
    if access.has_scope("tweet.read") {
        Ok(())
    } else {
        Err(problem(StatusCode::FORBIDDEN, None))
    }
}

fn fields(req: &HttpRequest) -> Vec<String> {
    Params::from_query(req)
        .get("tweet.fields")
        .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_default()
}

async fn get_tweet(
    req: HttpRequest,
    path: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = authorized(&req, &shared) {
        return response;
    }
    let id = path.into_inner();
    let post = {
        let state = shared.lock();
        state
            .posts
            .get(&id)
            .filter(|post| post.platform == Platform::X)
            .cloned()
    };
    let Some(post) = post else {
        return json(
            StatusCode::OK,
            json!({"errors": [{
                "value": id,
                "detail": format!("Could not find tweet with id: [{id}]."),
                "title": "Not Found Error",
                "resource_type": "tweet",
                "parameter": "id",
                "resource_id": id,
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }]}),
        );
    };
    let mut data = json!({"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]});
    if fields(&req).iter().any(|f| f == "public_metrics") {
        data["public_metrics"] = public_metrics(&post.id);
    }
    json(StatusCode::OK, json!({ "data": data }))
}

async fn search_recent(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorized(&req, &shared) {
        return response;
    }
    let query = Params::from_query(&req)
        .get("query")
        .unwrap_or_default()
        .to_lowercase();
    if query.trim().is_empty() {
        return problem(
            StatusCode::BAD_REQUEST,
            Some("The `query` query parameter can not be empty"),
        );
    }
    let terms: Vec<String> = query
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty() && !["or", "has", "hashtags", "is", "retweet"].contains(t))
        .map(str::to_owned)
        .collect();
    let with_entities = fields(&req).iter().any(|f| f == "entities");
    let data: Vec<Value> = PUBLIC_POSTS
        .iter()
        .enumerate()
        .filter(|(_, (text, tags))| {
            terms.iter().any(|term| {
                text.to_lowercase().contains(term.as_str()) || tags.iter().any(|t| t == term)
            })
        })
        .map(|(n, (text, tags))| {
            let shown: Vec<String> = tags.iter().map(|t| format!("#{t}")).collect();
            let mut post = json!({
                "id": format!("19000000000000{n:05}"),
                "text": format!("{text} {}", shown.join(" ")),
            });
            if with_entities {
                let hashtags: Vec<Value> = tags.iter().map(|t| json!({"tag": t})).collect();
                post["entities"] = json!({ "hashtags": hashtags });
            }
            post
        })
        .collect();
    let count = data.len();
    if data.is_empty() {
        return json(StatusCode::OK, json!({"meta": {"result_count": 0}}));
    }
    json(
        StatusCode::OK,
        json!({"data": data, "meta": {"result_count": count}}),
    )
}
