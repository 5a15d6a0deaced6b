//! TikTok publishing (Content Posting API, direct post): `creator_info/query`, `video/init`
//! (FILE_UPLOAD or PULL_FROM_URL), the chunked `PUT {upload_url}` on the upload host
//! (`/tiktok/upload/video/`), `content/init` (photo posts), `status/fetch`, and
//! `POST /v2/video/list/` (the creator's public posts, newest first).
//!
//! Requests are checked as TikTok documents them: the required `privacy_level` and
//! `brand_content_toggle`, the chunk rules (5–64 MB chunks, `total_chunk_count =
//! floor(video_size / chunk_size)`, sequential `Content-Range`s), pulls only from a verified
//! prefix (the simulator's own base URL). A post exists from its commit: the last chunk for
//! FILE_UPLOAD, the init for pulls and photos. Its status then moves on per check
//! (`PROCESSING_*`, then `PUBLISH_COMPLETE`), and its public post id shows once complete,
//! never for `SELF_ONLY`. Uploaded bytes are counted, never kept.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt as _;
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::{Duration, OffsetDateTime};

use super::json;
use super::tiktok::api_error;
use crate::faults::{self, PublishEndpoint};
use crate::oauth::{Params, bearer, random_alnum};
use crate::posts::SimPost;
use crate::seed;
use crate::state::Shared;

const PLATFORM: Platform = Platform::Tiktok;
const PRIVACY_LEVELS: &[&str] = &[
    "PUBLIC_TO_EVERYONE",
    "MUTUAL_FOLLOW_FRIENDS",
    "FOLLOWER_OF_CREATOR",
    "SELF_ONLY",
];
/// The smaller reading of "5 MB" and the larger of "64 MB", as TikTok's page leaves both open.
const MIN_CHUNK: u64 = 5_000_000;
const MAX_CHUNK: u64 = 64 * 1024 * 1024;
const MAX_LAST_CHUNK: u64 = 128 * 1024 * 1024;
const MAX_VIDEO: u64 = 4 * 1024 * 1024 * 1024;
/// Status checks answered `PROCESSING_*` after the commit before the post is complete.
const PROCESSING_CHECKS: u32 = 1;
/// An upload URL is valid for one hour.
const UPLOAD_URL_LIFETIME: Duration = Duration::hours(1);
const MAX_VIDEO_SECONDS: u32 = 600;

/// A publish the simulated TikTok knows, by publish id.
#[derive(Debug, Clone)]
pub(crate) struct SimPublish {
    account: String,
    source: Source,
    /// The caption (video title, or photo description).
    text: String,
    privacy: String,
    state: State,
    created_at: OffsetDateTime,
    /// The post's id, from the commit on.
    post_id: Option<String>,
}

#[derive(Debug, Clone)]
enum Source {
    Upload {
        token: String,
        total: u64,
        chunk_size: u64,
        chunks: u64,
        received: u64,
        next_chunk: u64,
    },
    Pull {
        url: String,
    },
    Photos {
        urls: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Uploading,
    Processing(u32),
    Complete,
}

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/tiktok/api/v2/post/publish/creator_info/query/",
        web::post().to(creator_info),
    )
    .route(
        "/tiktok/api/v2/post/publish/video/init/",
        web::post().to(video_init),
    )
    .route(
        "/tiktok/api/v2/post/publish/content/init/",
        web::post().to(content_init),
    )
    .route(
        "/tiktok/api/v2/post/publish/status/fetch/",
        web::post().to(status),
    )
    .route("/tiktok/api/v2/video/list/", web::post().to(video_list))
    .route("/tiktok/upload/video/", web::put().to(upload));
}

fn log_id() -> String {
    format!("2026{}", random_alnum(28))
}

fn ok(data: Value) -> HttpResponse {
    json(
        StatusCode::OK,
        json!({"data": data, "error": {"code": "ok", "message": "", "log_id": log_id()}}),
    )
}

fn invalid(message: &str) -> HttpResponse {
    api_error(StatusCode::BAD_REQUEST, "invalid_params", message)
}

/// The bearer must be a live TikTok access token with `scope`.
fn authorize(req: &HttpRequest, shared: &Shared, scope: &str) -> Result<(), HttpResponse> {
    let checked = shared.lock().check_access(PLATFORM, bearer(req).as_deref());
    match checked {
        Ok(access) if access.has_scope(scope) => Ok(()),
        Ok(_) => Err(api_error(
            StatusCode::UNAUTHORIZED,
            "scope_not_authorized",
            "The user did not authorize the scope required for completing this request.",
        )),
        Err(_) => Err(api_error(
            StatusCode::UNAUTHORIZED,
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
        )),
    }
}

fn body_json(body: &[u8]) -> Result<Value, HttpResponse> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| invalid("The request body is not a JSON object."))
}

async fn creator_info(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "video.publish") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::TiktokCreatorInfo, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let answer = ok(json!({
        "creator_avatar_url": "https://p16-sign.tiktokcdn.com/sim/socialpub-avatar.jpeg",
        "creator_username": seed::tiktok::USERNAME,
        "creator_nickname": seed::tiktok::DISPLAY_NAME,
        "privacy_level_options": PRIVACY_LEVELS,
        "comment_disabled": false,
        "duet_disabled": false,
        "stitch_disabled": false,
        "max_video_post_duration_sec": MAX_VIDEO_SECONDS,
    }));
    faults::leave(fault, PLATFORM, answer)
}

/// `post_info`'s privacy level and branded-content switch, both required.
fn post_info(
    body: &Value,
    max_title: usize,
    utf16: bool,
) -> Result<(String, String), HttpResponse> {
    let info = body
        .get("post_info")
        .filter(|v| v.is_object())
        .ok_or_else(|| invalid("post_info is required."))?;
    let privacy = info
        .get("privacy_level")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("post_info.privacy_level is required."))?;
    if !PRIVACY_LEVELS.contains(&privacy) {
        return Err(api_error(
            StatusCode::FORBIDDEN,
            "privacy_level_option_mismatch",
            "privacy_level is not one of the creator's privacy_level_options.",
        ));
    }
    let Some(branded) = info.get("brand_content_toggle").and_then(Value::as_bool) else {
        return Err(invalid("post_info.brand_content_toggle is required."));
    };
    if branded && privacy == "SELF_ONLY" {
        return Err(invalid("Branded content cannot be posted as SELF_ONLY."));
    }
    let title = info.get("title").and_then(Value::as_str).unwrap_or("");
    let length = if utf16 {
        title.encode_utf16().count()
    } else {
        title.chars().count()
    };
    if length > max_title {
        return Err(invalid(&format!(
            "post_info.title is longer than {max_title}."
        )));
    }
    Ok((privacy.to_owned(), title.to_owned()))
}

/// A pull is only allowed from a verified URL prefix: the simulator's own base URL.
fn verified(shared: &Shared, url: &str) -> bool {
    url.starts_with(shared.base_url.as_str())
}

fn unverified() -> HttpResponse {
    api_error(
        StatusCode::FORBIDDEN,
        "url_ownership_unverified",
        "Please review our URL ownership verification rules.",
    )
}

/// The chunk rules for a FILE_UPLOAD: `(video_size, chunk_size, total_chunk_count)`.
fn upload_plan(source: &Value) -> Result<(u64, u64, u64), HttpResponse> {
    let number = |name: &str| {
        source
            .get(name)
            .and_then(Value::as_u64)
            .ok_or_else(|| invalid(&format!("source_info.{name} is required.")))
    };
    let (size, chunk, count) = (
        number("video_size")?,
        number("chunk_size")?,
        number("total_chunk_count")?,
    );
    if size == 0 || size > MAX_VIDEO {
        return Err(invalid("video_size must be between 1 byte and 4 GB."));
    }
    let whole = chunk == size && size <= MAX_CHUNK;
    if !whole && !(MIN_CHUNK..=MAX_CHUNK).contains(&chunk) {
        return Err(invalid(
            "chunk_size must be between 5 MB and 64 MB, or the whole video under 64 MB.",
        ));
    }
    if count != size / chunk || !(1..=1000).contains(&count) {
        return Err(invalid(
            "total_chunk_count must be video_size / chunk_size rounded down, from 1 to 1000.",
        ));
    }
    if size - (count - 1) * chunk > MAX_LAST_CHUNK {
        return Err(invalid("The last chunk may be at most 128 MB."));
    }
    Ok((size, chunk, count))
}

/// Makes the post public (the commit) and starts its processing.
fn commit(state: &mut crate::state::SimState, publish_id: &str) {
    let id = state.posts.next_id(PLATFORM);
    let created_at = state.now();
    let Some(publish) = state.posts.tiktok.get_mut(publish_id) else {
        return;
    };
    publish.state = State::Processing(PROCESSING_CHECKS);
    publish.post_id = Some(id.clone());
    let (kind, photo_urls) = match &publish.source {
        Source::Upload { .. } => ("video", Vec::new()),
        Source::Pull { url } => ("video", vec![url.clone()]),
        Source::Photos { urls } => ("photo", urls.clone()),
    };
    let post = SimPost {
        platform: PLATFORM,
        account_id: publish.account.clone(),
        url: format!(
            "https://www.tiktok.com/@{}/{kind}/{id}",
            seed::tiktok::USERNAME
        ),
        id,
        text: publish.text.clone(),
        media_ids: Vec::new(),
        link: None,
        photo_urls,
        created_at,
    };
    state.store_post(post);
}

async fn video_init(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "video.publish") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::TiktokInit, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let body = match body_json(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let (privacy, title) = match post_info(&body, 2200, true) {
        Ok(info) => info,
        Err(response) => return response,
    };
    let source_info = body.get("source_info").cloned().unwrap_or(Value::Null);
    let source = match source_info.get("source").and_then(Value::as_str) {
        Some("FILE_UPLOAD") => match upload_plan(&source_info) {
            Ok((total, chunk_size, chunks)) => Source::Upload {
                token: random_alnum(32),
                total,
                chunk_size,
                chunks,
                received: 0,
                next_chunk: 0,
            },
            Err(response) => return response,
        },
        Some("PULL_FROM_URL") => {
            let Some(url) = source_info.get("video_url").and_then(Value::as_str) else {
                return invalid("source_info.video_url is required.");
            };
            if !verified(&shared, url) {
                return unverified();
            }
            Source::Pull {
                url: url.to_owned(),
            }
        }
        _ => return invalid("source_info.source must be FILE_UPLOAD or PULL_FROM_URL."),
    };
    let answer = {
        let mut state = shared.lock();
        let serial = state.posts.next_id(PLATFORM);
        let (publish_id, upload_url) = match &source {
            Source::Upload { token, .. } => {
                let id = format!("v_pub_file~v2-1.{serial}");
                let url = shared.url_for(&format!(
                    "tiktok/upload/video/?upload_id={id}&upload_token={token}"
                ));
                (id, Some(url.to_string()))
            }
            _ => (format!("v_pub_url~v2-1.{serial}"), None),
        };
        let pulled = matches!(source, Source::Pull { .. });
        let publish = SimPublish {
            account: seed::tiktok::OPEN_ID.to_owned(),
            source,
            text: title,
            privacy,
            state: State::Uploading,
            created_at: state.now(),
            post_id: None,
        };
        state.posts.tiktok.insert(publish_id.clone(), publish);
        if pulled {
            commit(&mut state, &publish_id);
        }
        let mut data = json!({"publish_id": publish_id});
        if let Some(url) = upload_url {
            data["upload_url"] = json!(url);
        }
        ok(data)
    };
    faults::leave(fault, PLATFORM, answer)
}

async fn content_init(
    req: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "video.publish") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::TiktokInit, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let body = match body_json(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    if body.get("media_type").and_then(Value::as_str) != Some("PHOTO") {
        return invalid("media_type must be PHOTO.");
    }
    if body.get("post_mode").and_then(Value::as_str) != Some("DIRECT_POST") {
        return invalid("post_mode must be DIRECT_POST (MEDIA_UPLOAD is not simulated).");
    }
    let (privacy, _title) = match post_info(&body, 90, false) {
        Ok(info) => info,
        Err(response) => return response,
    };
    let description = body
        .pointer("/post_info/description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if description.chars().count() > 4000 {
        return invalid("post_info.description is longer than 4000.");
    }
    let source = body.get("source_info").cloned().unwrap_or(Value::Null);
    if source.get("source").and_then(Value::as_str) != Some("PULL_FROM_URL") {
        return invalid("Photos can only be posted with source PULL_FROM_URL.");
    }
    let urls: Vec<String> = source
        .get("photo_images")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if !(1..=35).contains(&urls.len()) {
        return invalid("photo_images must list 1 to 35 image URLs.");
    }
    if urls.iter().any(|url| !verified(&shared, url)) {
        return unverified();
    }
    let cover = source
        .get("photo_cover_index")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if cover >= urls.len() as u64 {
        return invalid("photo_cover_index must point at one of photo_images.");
    }
    let answer = {
        let mut state = shared.lock();
        let serial = state.posts.next_id(PLATFORM);
        let publish_id = format!("p_pub_url~v2.{serial}");
        let publish = SimPublish {
            account: seed::tiktok::OPEN_ID.to_owned(),
            source: Source::Photos { urls },
            text: description,
            privacy,
            state: State::Uploading,
            created_at: state.now(),
            post_id: None,
        };
        state.posts.tiktok.insert(publish_id.clone(), publish);
        commit(&mut state, &publish_id);
        ok(json!({"publish_id": publish_id}))
    };
    faults::leave(fault, PLATFORM, answer)
}

fn upload_refused(message: &str) -> HttpResponse {
    api_error(StatusCode::BAD_REQUEST, "invalid_file_upload", message)
}

/// `bytes {first}-{last}/{total}`.
fn content_range(req: &HttpRequest) -> Option<(u64, u64, u64)> {
    let raw = req
        .headers()
        .get(actix_web::http::header::CONTENT_RANGE)?
        .to_str()
        .ok()?;
    let (range, total) = raw.trim().strip_prefix("bytes ")?.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    Some((
        first.trim().parse().ok()?,
        last.trim().parse().ok()?,
        total.trim().parse().ok()?,
    ))
}

/// `PUT {upload_url}`: one chunk, in order; 206 until the last, which commits (201).
async fn upload(
    req: HttpRequest,
    mut payload: web::Payload,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let fault = match faults::enter(&shared, PublishEndpoint::TiktokUpload, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let params = Params::from_query(&req);
    let (Some(publish_id), Some(token)) = (params.get("upload_id"), params.get("upload_token"))
    else {
        return upload_refused("upload_id and upload_token are required.");
    };
    let publish_id = publish_id.to_owned();
    let expected = {
        let state = shared.lock();
        let now = state.now();
        let Some(publish) = state.posts.tiktok.get(&publish_id) else {
            return upload_refused("The upload does not exist.");
        };
        let Source::Upload {
            token: wanted,
            total,
            chunk_size,
            chunks,
            received,
            next_chunk,
        } = &publish.source
        else {
            return upload_refused("This publish takes no upload.");
        };
        if wanted != token {
            return upload_refused("The upload token is invalid.");
        }
        if now > publish.created_at + UPLOAD_URL_LIFETIME {
            return upload_refused("The upload URL has expired.");
        }
        if publish.state != State::Uploading {
            return upload_refused("The upload is already complete.");
        }
        let Some((first, last, announced)) = content_range(&req) else {
            return upload_refused("Content-Range is required: bytes {first}-{last}/{total}.");
        };
        let length = if next_chunk + 1 == *chunks {
            total - received
        } else {
            *chunk_size
        };
        if announced != *total || first != *received || last + 1 != first + length {
            return upload_refused(&format!(
                "Expected Content-Range bytes {received}-{}/{total} for chunk {next_chunk}.",
                received + length - 1
            ));
        }
        length
    };
    // Counted as it arrives, never kept: a 500 MB video costs the simulator nothing.
    let mut got = 0_u64;
    while let Some(piece) = payload.next().await {
        match piece {
            Ok(bytes) => got += bytes.len() as u64,
            Err(_) => return upload_refused("The chunk did not arrive whole."),
        }
        if got > expected {
            break;
        }
    }
    if got != expected {
        return upload_refused(&format!(
            "The chunk has {got} bytes; Content-Range announced {expected}."
        ));
    }
    let answer = {
        let mut state = shared.lock();
        let done = match state
            .posts
            .tiktok
            .get_mut(&publish_id)
            .map(|p| &mut p.source)
        {
            Some(Source::Upload {
                received,
                next_chunk,
                total,
                ..
            }) => {
                *received += got;
                *next_chunk += 1;
                *received == *total
            }
            _ => return upload_refused("The upload does not exist."),
        };
        if done {
            commit(&mut state, &publish_id);
            HttpResponse::Created().finish()
        } else {
            HttpResponse::PartialContent().finish()
        }
    };
    faults::leave(fault, PLATFORM, answer)
}

async fn status(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "video.publish") {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::TiktokStatus, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let body = match body_json(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(publish_id) = body.get("publish_id").and_then(Value::as_str) else {
        return invalid("publish_id is required.");
    };
    let answer = {
        let mut state = shared.lock();
        let Some(publish) = state.posts.tiktok.get_mut(publish_id) else {
            return invalid("publish_id does not exist.");
        };
        let uploaded = match &publish.source {
            Source::Upload { received, .. } => *received,
            Source::Pull { .. } | Source::Photos { .. } => 0,
        };
        let pulling = matches!(publish.source, Source::Pull { .. } | Source::Photos { .. });
        // Each check moves processing on.
        let status = match publish.state {
            State::Uploading => "PROCESSING_UPLOAD",
            State::Processing(left) => {
                publish.state = if left <= 1 {
                    State::Complete
                } else {
                    State::Processing(left - 1)
                };
                if pulling {
                    "PROCESSING_DOWNLOAD"
                } else {
                    "PROCESSING_UPLOAD"
                }
            }
            State::Complete => "PUBLISH_COMPLETE",
        };
        let public: Vec<u64> = match (&publish.post_id, status) {
            (Some(id), "PUBLISH_COMPLETE") if publish.privacy != "SELF_ONLY" => {
                id.parse().into_iter().collect()
            }
            _ => Vec::new(),
        };
        ok(json!({
            "status": status,
            "fail_reason": "",
            "publicaly_available_post_id": public,
            "uploaded_bytes": uploaded,
            "downloaded_bytes": 0,
        }))
    };
    faults::leave(fault, PLATFORM, answer)
}

/// The creator's public, complete posts, newest first, paged by `cursor` (the
/// `create_time` in ms of the last post of the previous page).
async fn video_list(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, "video.list") {
        return response;
    }
    let body = if body.is_empty() {
        json!({})
    } else {
        match body_json(&body) {
            Ok(body) => body,
            Err(response) => return response,
        }
    };
    let max = body.get("max_count").and_then(Value::as_u64).unwrap_or(10);
    if !(1..=20).contains(&max) {
        return invalid("max_count must be between 1 and 20.");
    }
    let cursor = body.get("cursor").and_then(Value::as_i64);
    let fields: Option<Vec<String>> = crate::oauth::Params::from_query(&req)
        .get("fields")
        .map(|raw| raw.split(',').map(|f| f.trim().to_owned()).collect());
    let state = shared.lock();
    // The creator's seeded history (for insights) is older than anything posted here.
    let history = super::tiktok_insights::seeded(state.now())
        .into_iter()
        .filter_map(|video| {
            let millis = video["create_time"].as_i64()? * 1000;
            Some((millis, video))
        })
        .filter(|(millis, _)| cursor.is_none_or(|c| *millis < c));
    let mut videos: Vec<(i64, Value)> = state
        .posts
        .tiktok
        .values()
        .filter(|p| p.state == State::Complete && p.privacy != "SELF_ONLY")
        .filter_map(|p| {
            let id = p.post_id.as_ref()?;
            let post = state.posts.get(id)?;
            let millis = i64::try_from(post.created_at.unix_timestamp_nanos() / 1_000_000).ok()?;
            Some((
                millis,
                json!({
                    "id": id,
                    "create_time": post.created_at.unix_timestamp(),
                    "title": post.text,
                    "share_url": post.url,
                }),
            ))
        })
        .filter(|(millis, _)| cursor.is_none_or(|c| *millis < c))
        .collect();
    videos.extend(history);
    videos.sort_by_key(|(millis, _)| std::cmp::Reverse(*millis));
    let more = videos.len() as u64 > max;
    videos.truncate(usize::try_from(max).unwrap_or(20));
    let next = videos.last().map_or(0, |(millis, _)| *millis);
    let fields: Option<Vec<&str>> = fields
        .as_ref()
        .map(|fields| fields.iter().map(String::as_str).collect());
    ok(json!({
        "videos": videos
            .into_iter()
            .map(|(_, v)| match &fields {
                Some(fields) => super::tiktok_insights::keep_fields(&v, fields),
                None => v,
            })
            .collect::<Vec<_>>(),
        "cursor": next,
        "has_more": more,
    }))
}
