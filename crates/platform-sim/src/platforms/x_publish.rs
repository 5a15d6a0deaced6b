//! X publishing (API v2, spec 2.167): `POST /2/tweets`, the chunked media upload
//! (`/2/media/upload/initialize`, `/{id}/append`, `/{id}/finalize`, `GET /2/media/upload`
//! status with video processing states), `POST /2/media/metadata` (alt text) and
//! `GET /2/users/{id}/tweets`.
//!
//! The timeline shows texts as X does: links shortened to `t.co`, a `t.co` link appended for
//! attached media, `&`, `<` and `>` escaped, so reconciliation is tested against the real
//! shape rather than an echo.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::json;
use super::x::problem;
use crate::faults::{self, PublishEndpoint};
use crate::oauth::{Params, bearer};
use crate::posts::{MediaState, SimMedia, SimPost};
use crate::seed;
use crate::state::Shared;

const PLATFORM: Platform = Platform::X;
/// Largest append body accepted (X documents up to 5 MB per chunk; some room for the form).
const APPEND_LIMIT: usize = 8 << 20;
/// Status checks answered `in_progress` before a finalized video is ready.
const PROCESSING_CHECKS: u32 = 1;
const MEDIA_TYPES: &[&str] = &[
    "video/mp4",
    "video/webm",
    "video/mp2t",
    "video/quicktime",
    "text/srt",
    "text/vtt",
    "image/jpeg",
    "image/gif",
    "image/bmp",
    "image/png",
    "image/webp",
    "image/pjpeg",
    "image/tiff",
];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/x/api/2/tweets", web::post().to(create_tweet))
        .route(
            "/x/api/2/media/upload/initialize",
            web::post().to(initialize),
        )
        .service(
            web::resource("/x/api/2/media/upload/{id}/append")
                .app_data(web::PayloadConfig::new(APPEND_LIMIT))
                .route(web::post().to(append)),
        )
        .route(
            "/x/api/2/media/upload/{id}/finalize",
            web::post().to(finalize),
        )
        .route("/x/api/2/media/upload", web::get().to(status))
        .route("/x/api/2/media/metadata", web::post().to(metadata))
        .route("/x/api/2/users/{id}/tweets", web::get().to(user_tweets))
        .route("/_sim/x/media/{id}", web::get().to(sim_media))
        .route("/_sim/x/replies", web::get().to(sim_replies));
}

/// `GET /_sim/x/media/{id}`: what the simulator holds of an upload (key, state, alt text),
/// for tests to check what was sent beyond the post itself.
async fn sim_media(path: web::Path<String>, shared: web::Data<Shared>) -> HttpResponse {
    let state = shared.lock();
    match state.posts.media.get(path.as_str()) {
        Some(media) => json(
            StatusCode::OK,
            json!({
                "key": media.key,
                "total": media.total,
                "ready": media.state == MediaState::Ready,
                "alt_text": media.alt_text,
            }),
        ),
        None => json(StatusCode::NOT_FOUND, json!({"error": "no such media"})),
    }
}

/// `GET /_sim/x/replies`: `{reply id: parent id}` of every reply posted.
async fn sim_replies(shared: web::Data<Shared>) -> HttpResponse {
    let state = shared.lock();
    json(StatusCode::OK, json!(state.posts.x_replies))
}

fn invalid(detail: &str) -> HttpResponse {
    json(
        StatusCode::BAD_REQUEST,
        json!({
            "errors": [{"message": detail}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.x.com/2/problems/invalid-request",
        }),
    )
}

/// The bearer token must be a live X access token with `scope`.
fn authorize(req: &HttpRequest, shared: &Shared, scope: &str) -> Result<(), HttpResponse> {
    let state = shared.lock();
    match state.check_access(PLATFORM, bearer(req).as_deref()) {
        Ok(access) if access.has_scope(scope) => Ok(()),
        Ok(_) => Err(problem(
            StatusCode::FORBIDDEN,
            Some("You are not permitted to perform this action."),
        )),
        Err(_) => Err(problem(StatusCode::UNAUTHORIZED, None)),
    }
}

// ---------------------------------------------------------------------------------------------
// Posts

#[derive(Debug, Default, Deserialize)]
struct CreateTweet {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    media: Option<CreateTweetMedia>,
    #[serde(default)]
    reply: Option<CreateTweetReply>,
}

#[derive(Debug, Default, Deserialize)]
struct CreateTweetMedia {
    #[serde(default)]
    media_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct CreateTweetReply {
    #[serde(default)]
    in_reply_to_tweet_id: Option<String>,
}

/// How long X keeps an unused media id.
const MEDIA_LIFETIME_SECONDS: i64 = 86_400;

/// The post's text as X shows it: links and attached media as `t.co` links, HTML-escaped.
fn displayed_text(post: &SimPost) -> String {
    let short = |n: usize| {
        let tail = &post.id[post.id.len().saturating_sub(8)..];
        format!("https://t.co/s{tail}{n}")
    };
    let mut words: Vec<String> = Vec::new();
    for (n, word) in post.text.split(' ').enumerate() {
        if word.starts_with("http://") || word.starts_with("https://") {
            words.push(short(n));
        } else {
            words.push(
                word.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;"),
            );
        }
    }
    let mut text = words.join(" ");
    if !post.media_ids.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&short(999));
    }
    text
}

async fn create_tweet(
    req: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "tweet.write") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::XCreatePost, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Ok(request) = serde_json::from_slice::<CreateTweet>(&body) else {
        return invalid("The request body is not valid JSON for a post.");
    };
    let text = request.text.unwrap_or_default();
    let media_ids = request.media.map(|m| m.media_ids).unwrap_or_default();
    if text.is_empty() && media_ids.is_empty() {
        return invalid("A post needs text or media.");
    }
    if media_ids.len() > 4 {
        return invalid("A post can have at most 4 media items.");
    }
    let parent = request.reply.and_then(|r| r.in_reply_to_tweet_id);
    let answer = {
        let mut state = shared.lock();
        let now = state.now();
        for id in &media_ids {
            match state.posts.media.get(id) {
                Some(media) if media.state == MediaState::Ready && media.expires_at > now => {}
                _ => return invalid("Your media IDs are invalid."),
            }
        }
        if let Some(parent) = &parent
            && state
                .posts
                .get(parent)
                .is_none_or(|p| p.platform != PLATFORM)
        {
            return invalid("The post you are replying to does not exist or is not visible.");
        }
        let id = state.posts.next_id(PLATFORM);
        let post = SimPost {
            platform: PLATFORM,
            account_id: seed::x::USER_ID.to_owned(),
            url: format!("https://x.com/{}/status/{id}", seed::x::USERNAME),
            id,
            text,
            media_ids,
            link: None,
            photo_urls: Vec::new(),
            created_at: state.now(),
        };
        if state.reject_duplicate_posts && state.has_identical(&post) {
            return problem(
                StatusCode::FORBIDDEN,
                Some("You are not allowed to create a Tweet with duplicate content."),
            );
        }
        let post = state.store_post(post);
        if let Some(parent) = parent {
            state.posts.x_replies.insert(post.id.clone(), parent);
        }
        json(
            StatusCode::CREATED,
            json!({"data": {
                "id": post.id,
                "text": displayed_text(&post),
                "edit_history_tweet_ids": [post.id],
            }}),
        )
    };
    faults::leave(fault, PLATFORM, answer)
}

async fn user_tweets(
    req: HttpRequest,
    path: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "tweet.read") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::XUserPosts, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let params = Params::from_query(&req);
    let time = |name: &str| -> Result<Option<OffsetDateTime>, HttpResponse> {
        params
            .get(name)
            .map(|raw| OffsetDateTime::parse(raw, &Rfc3339))
            .transpose()
            .map_err(|_| invalid(&format!("{name} must be an RFC 3339 time.")))
    };
    let id = |name: &str| -> Result<Option<u64>, HttpResponse> {
        params
            .get(name)
            .map(str::parse::<u64>)
            .transpose()
            .map_err(|_| invalid(&format!("{name} must be a post id.")))
    };
    let (start, end, since_id, until_id) = match (
        time("start_time"),
        time("end_time"),
        id("since_id"),
        id("until_id"),
    ) {
        (Ok(start), Ok(end), Ok(since_id), Ok(until_id)) => (start, end, since_id, until_id),
        (Err(e), ..) | (_, Err(e), ..) | (.., Err(e), _) | (.., Err(e)) => return e,
    };
    let max = match params.get("max_results").map(str::parse::<usize>) {
        None => 10,
        Some(Ok(n)) if (5..=100).contains(&n) => n,
        Some(_) => return invalid("max_results must be between 5 and 100."),
    };
    let fields: Vec<&str> = params
        .get("tweet.fields")
        .map(|f| f.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let user = path.into_inner();
    // `start_time` inclusive, `end_time` exclusive; ids compared as numbers.
    let keep = |post: &SimPost| {
        let number = post.id.parse::<u64>().unwrap_or(0);
        start.is_none_or(|s| post.created_at >= s)
            && end.is_none_or(|e| post.created_at < e)
            && since_id.is_none_or(|s| number > s)
            && until_id.is_none_or(|u| number < u)
    };
    let (posts, next_token) = {
        let after = match params.get("pagination_token").map(decode_token) {
            None => None,
            Some(Some(post_id)) => Some(post_id),
            Some(None) => {
                return invalid("The pagination_token query parameter value is not valid.");
            }
        };
        let state = shared.lock();
        let Some((page, more)) = state
            .posts
            .page_of(PLATFORM, &user, after.as_deref(), max, keep)
        else {
            return invalid("The pagination_token query parameter value is not valid.");
        };
        let media_keys = |post: &SimPost| -> Vec<String> {
            post.media_ids
                .iter()
                .filter_map(|id| state.posts.media.get(id).map(|m| m.key.clone()))
                .collect()
        };
        let next_token = page
            .last()
            .filter(|_| more)
            .map(|last| encode_token(&last.id));
        let posts: Vec<Value> = page
            .into_iter()
            .map(|post| {
                let mut value = json!({
                    "id": post.id,
                    "text": displayed_text(post),
                    "edit_history_tweet_ids": [post.id],
                });
                if fields.contains(&"created_at") {
                    value["created_at"] =
                        json!(post.created_at.format(&Rfc3339).unwrap_or_default());
                }
                if fields.contains(&"public_metrics") {
                    value["public_metrics"] = super::x_insights::public_metrics(&post.id);
                }
                if fields.contains(&"attachments") && !post.media_ids.is_empty() {
                    value["attachments"] = json!({"media_keys": media_keys(post)});
                }
                if fields.contains(&"referenced_tweets")
                    && let Some(parent) = state.posts.x_replies.get(&post.id)
                {
                    value["referenced_tweets"] = json!([{"type": "replied_to", "id": parent}]);
                }
                value
            })
            .collect();
        (posts, next_token)
    };
    let count = posts.len();
    let mut body = if posts.is_empty() {
        json!({"meta": {"result_count": 0}})
    } else {
        json!({
            "data": posts,
            "meta": {
                "result_count": count,
                "newest_id": posts.first().map(|p| p["id"].clone()),
                "oldest_id": posts.last().map(|p| p["id"].clone()),
            }
        })
    };
    if let Some(token) = next_token {
        body["meta"]["next_token"] = json!(token);
    }
    faults::leave(fault, PLATFORM, json(StatusCode::OK, body))
}

/// `next_token`s are opaque to clients (X's are base32hex); here, the last post of the
/// page in lowercase hex, so a token is never mistaken for a post id.
fn encode_token(post_id: &str) -> String {
    post_id.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(token: &str) -> Option<String> {
    let bytes = token.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .and_then(|raw| String::from_utf8(raw).ok())
}

// ---------------------------------------------------------------------------------------------
// Media upload

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Initialize {
    media_type: Option<String>,
    total_bytes: Option<u64>,
    media_category: Option<String>,
    #[serde(default)]
    #[expect(dead_code, reason = "accepted as the spec allows; no effect here")]
    shared: Option<bool>,
    #[serde(default)]
    #[expect(dead_code, reason = "accepted as the spec allows; no effect here")]
    additional_owners: Option<Vec<String>>,
}

fn media_json(
    id: &str,
    media: &SimMedia,
    processing_info: Option<Value>,
    now: OffsetDateTime,
) -> Value {
    let mut data = json!({
        "id": id,
        "media_key": media.key,
        "size": media.total,
        "expires_after_secs": (media.expires_at - now).whole_seconds().max(0),
    });
    if let Some(info) = processing_info {
        data["processing_info"] = info;
    }
    json!({"data": data})
}

fn succeeded() -> Value {
    json!({"state": "succeeded", "progress_percent": 100})
}

async fn initialize(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "media.write") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::XMediaUpload, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Ok(request) = serde_json::from_slice::<Initialize>(&body) else {
        return invalid("The initialize body is not valid.");
    };
    if !request
        .media_type
        .is_some_and(|t| MEDIA_TYPES.contains(&t.as_str()))
    {
        return invalid("media_type is missing or not supported.");
    }
    let Some(total) = request.total_bytes.filter(|n| *n > 0) else {
        return invalid("total_bytes must be positive.");
    };
    let category = request
        .media_category
        .unwrap_or_else(|| "tweet_image".to_owned());
    let (prefix, needs_processing) = match category.as_str() {
        "tweet_video" | "amplify_video" | "dm_video" => ("7", true),
        "tweet_gif" | "dm_gif" => ("16", true),
        "tweet_image" | "dm_image" | "subtitles" => ("3", false),
        _ => return invalid("media_category is not supported."),
    };
    let answer = {
        let mut state = shared.lock();
        let id = state.posts.next_id(PLATFORM);
        let media = SimMedia {
            key: format!("{prefix}_{id}"),
            total,
            segments: Default::default(),
            needs_processing,
            state: MediaState::Uploading,
            alt_text: None,
            expires_at: state.now() + time::Duration::seconds(MEDIA_LIFETIME_SECONDS),
        };
        let body = json!({"data": {
            "id": id,
            "media_key": media.key,
            "expires_after_secs": MEDIA_LIFETIME_SECONDS,
        }});
        state.posts.media.insert(id, media);
        json(StatusCode::OK, body)
    };
    faults::leave(fault, PLATFORM, answer)
}

/// `segment_index` and the chunk's bytes, from a multipart form or the JSON variant (base64).
fn read_segment(req: &HttpRequest, body: &[u8]) -> Option<(u32, Vec<u8>)> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        let boundary = content_type
            .split(';')
            .find_map(|p| p.trim().strip_prefix("boundary="))?
            .trim_matches('"');
        let mut index = None;
        let mut media = None;
        for (name, content) in super::multipart_parts(body, boundary) {
            match name.as_str() {
                "segment_index" => {
                    index = std::str::from_utf8(content).ok()?.trim().parse().ok();
                }
                "media" => media = Some(content.to_vec()),
                _ => {}
            }
        }
        return Some((index?, media?));
    }
    #[derive(Deserialize)]
    struct JsonSegment {
        media: String,
        segment_index: u32,
    }
    let segment: JsonSegment = serde_json::from_slice(body).ok()?;
    Some((segment.segment_index, STANDARD.decode(segment.media).ok()?))
}

async fn append(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "media.write") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::XMediaUpload, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Some((index, chunk)) = read_segment(&req, &body) else {
        return invalid("media and segment_index are required.");
    };
    if index > 999 {
        return invalid("segment_index must be between 0 and 999.");
    }
    let id = path.into_inner();
    let answer = {
        let mut state = shared.lock();
        let expires_at = state.now().unix_timestamp() + 86_400;
        let Some(media) = state.posts.media.get_mut(&id) else {
            return invalid("The media id is unknown.");
        };
        if media.state != MediaState::Uploading {
            return invalid("The upload is already finalized.");
        }
        media.segments.insert(index, chunk.len() as u64);
        if media.received() > media.total {
            return invalid("Segments exceed the total_bytes of the upload.");
        }
        json(StatusCode::OK, json!({"data": {"expires_at": expires_at}}))
    };
    faults::leave(fault, PLATFORM, answer)
}

async fn finalize(
    req: HttpRequest,
    path: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "media.write") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::XMediaUpload, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let id = path.into_inner();
    let answer = {
        let mut state = shared.lock();
        let now = state.now();
        let Some(media) = state.posts.media.get_mut(&id) else {
            return invalid("The media id is unknown.");
        };
        if media.state == MediaState::Uploading {
            if media.received() != media.total {
                return invalid("Segments do not add up to provided total file size.");
            }
            media.expires_at = now + time::Duration::seconds(MEDIA_LIFETIME_SECONDS);
            media.state = if media.needs_processing {
                MediaState::Processing(PROCESSING_CHECKS)
            } else {
                MediaState::Ready
            };
        }
        let info = match media.state {
            MediaState::Processing(_) => Some(json!({"state": "pending", "check_after_secs": 1})),
            MediaState::Ready if media.needs_processing => Some(succeeded()),
            _ => None,
        };
        json(StatusCode::OK, media_json(&id, media, info, now))
    };
    faults::leave(fault, PLATFORM, answer)
}

async fn status(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "media.write") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::XMediaStatus, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let params = Params::from_query(&req);
    if params.get("command").is_some_and(|c| c != "STATUS") {
        return invalid("command must be STATUS.");
    }
    let Some(id) = params.get("media_id").map(str::to_owned) else {
        return invalid("media_id is required.");
    };
    let answer = {
        let mut state = shared.lock();
        let now = state.now();
        let Some(media) = state.posts.media.get_mut(&id) else {
            return problem(StatusCode::NOT_FOUND, Some("The media id is unknown."));
        };
        // Each check moves processing on: in_progress, then succeeded.
        let info = match media.state {
            MediaState::Uploading => return invalid("The upload is not finalized."),
            MediaState::Processing(0) => {
                media.state = MediaState::Ready;
                Some(succeeded())
            }
            MediaState::Processing(left) => {
                media.state = MediaState::Processing(left - 1);
                Some(json!({"state": "in_progress", "check_after_secs": 1, "progress_percent": 50}))
            }
            MediaState::Ready if media.needs_processing => Some(succeeded()),
            MediaState::Ready => None,
        };
        json(StatusCode::OK, media_json(&id, media, info, now))
    };
    faults::leave(fault, PLATFORM, answer)
}

#[derive(Debug, Deserialize)]
struct Metadata {
    id: String,
    #[serde(default)]
    metadata: Option<Value>,
}

async fn metadata(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "media.write") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::XMediaUpload, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Ok(request) = serde_json::from_slice::<Metadata>(&body) else {
        return invalid("The metadata body is not valid.");
    };
    let alt = request
        .metadata
        .as_ref()
        .and_then(|m| m.pointer("/alt_text/text"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if alt.as_ref().is_some_and(|a| a.chars().count() > 1000) {
        return invalid("alt_text.text must be at most 1000 characters.");
    }
    let answer = {
        let mut state = shared.lock();
        let Some(media) = state.posts.media.get_mut(&request.id) else {
            return invalid("The media id is unknown.");
        };
        if alt.is_some() {
            media.alt_text = alt;
        }
        json(
            StatusCode::OK,
            json!({"data": {
                "id": request.id,
                "associated_metadata": request.metadata.unwrap_or_else(|| json!({})),
            }}),
        )
    };
    faults::leave(fault, PLATFORM, answer)
}
