//! Facebook Page publishing on the Graph API: `POST /{page-id}/feed` (message, link,
//! `attached_media`), `POST /{page-id}/photos` (`url`, `caption`, `published`), `POST
//! /{page-id}/videos` (`file_url`, or the resumable `upload_phase=start|transfer|finish` with
//! multipart `video_file_chunk`s; served on the API host and on `graph-video`), `GET
//! /{page-id}/videos` (published feed videos), reels (`POST /{page-id}/video_reels` start and finish, the
//! upload on the rupload host by `file_url` header or by bytes at an offset), `GET
//! /{page-id}/published_posts` (and `/feed`; reels are not listed there), `GET /{post-id}`
//! (`permalink_url`...), `GET /{video-id}` (`status`, `permalink_url`). Posting needs the
//! Page's own token, as on Graph. Bodies may be forms or JSON.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value, json};
use socialpub_domain::Platform;
use time::OffsetDateTime;
use time::macros::format_description;

use super::facebook::{decode_cursor, encode_cursor, graph_error, graph_token, token_error};
use super::{field_names, json, select_fields};
use crate::faults::{self, PublishEndpoint};
use crate::oauth::{Flavor, Params, is_form};
use crate::posts::{SimPhoto, SimPost};
use crate::state::Shared;

const PLATFORM: Platform = Platform::Facebook;

fn bad(code: i64, subcode: Option<i64>, message: &str) -> HttpResponse {
    graph_error(StatusCode::BAD_REQUEST, code, subcode, message)
}

/// Query, form and JSON body fields, JSON values kept as JSON.
fn fields(req: &HttpRequest, body: &[u8]) -> Map<String, Value> {
    let mut out = Map::new();
    let mut sources = vec![Params::from_query(req)];
    if is_form(req) {
        sources.push(Params::parse(body));
    }
    for params in sources {
        for (k, v) in params.pairs() {
            out.insert(k.clone(), Value::String(v.clone()));
        }
    }
    if let Some(boundary) = super::multipart_boundary(req) {
        // Text parts only; a file part is read by the handler that takes one.
        for (name, content) in super::multipart_parts(body, &boundary) {
            if let Ok(text) = std::str::from_utf8(content)
                && name != VIDEO_FILE_CHUNK
            {
                out.insert(name, Value::String(text.to_owned()));
            }
        }
    } else if !is_form(req)
        && let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body)
    {
        out.extend(object);
    }
    out
}

/// The multipart part holding a transfer's bytes.
const VIDEO_FILE_CHUNK: &str = "video_file_chunk";

fn text(fields: &Map<String, Value>, name: &str) -> Option<String> {
    match fields.get(name)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn flag(fields: &Map<String, Value>, name: &str) -> Option<bool> {
    match fields.get(name)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// `attached_media` as a JSON array, a JSON array in a form field, or indexed form fields
/// `attached_media[0]={"media_fbid":"…"}`.
fn attached_media(fields: &Map<String, Value>) -> Vec<String> {
    let mut entries: Vec<Value> = match fields.get("attached_media") {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::String(raw)) => serde_json::from_str(raw).unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut indexed: Vec<(usize, Value)> = fields
        .iter()
        .filter_map(|(k, v)| {
            let index = k
                .strip_prefix("attached_media[")?
                .strip_suffix(']')?
                .parse()
                .ok()?;
            let value = match v {
                Value::String(raw) => serde_json::from_str(raw).ok()?,
                other => other.clone(),
            };
            Some((index, value))
        })
        .collect();
    indexed.sort_by_key(|(i, _)| *i);
    entries.extend(indexed.into_iter().map(|(_, v)| v));
    entries
        .iter()
        .filter_map(|e| e.get("media_fbid")?.as_str().map(str::to_owned))
        .collect()
}

/// The request must carry the Page token of `page_id`.
fn page_access(
    req: &HttpRequest,
    fields: &Map<String, Value>,
    shared: &Shared,
    page_id: &str,
) -> Result<(), HttpResponse> {
    let token = fields
        .get("access_token")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| graph_token(req, &Params::default()));
    let state = shared.lock();
    let now = state.now();
    match state.check_access(PLATFORM, token.as_deref()) {
        Ok(access) => match access.flavor {
            Flavor::FacebookPage(page) if page == page_id => Ok(()),
            _ => Err(bad(
                200,
                None,
                "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission",
            )),
        },
        Err(error) => Err(token_error(
            error,
            now,
            &state.config.app(PLATFORM).client_id,
        )),
    }
}

fn post_url(post_id: &str) -> String {
    match post_id.split_once('_') {
        Some((page, n)) => format!("https://www.facebook.com/{page}/posts/{n}"),
        None => format!("https://www.facebook.com/{post_id}"),
    }
}

fn graph_time(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]+0000"
    ))
    .unwrap_or_default()
}

fn post_json(post: &SimPost) -> Value {
    json!({
        "id": post.id,
        "message": post.text,
        "created_time": graph_time(post.created_at),
        "permalink_url": post.url,
    })
}

/// A Page video as `/{page-id}/videos` lists it: its text is the `description`.
fn video_json(post: &SimPost) -> Value {
    json!({
        "id": post.id,
        "description": post.text,
        "created_time": graph_time(post.created_at),
        "permalink_url": post.url,
    })
}

/// What a Page listing edge shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageEdge {
    /// `published_posts` (and `feed`): every post but reels.
    PublishedPosts,
    /// `videos`: the Page's published feed videos.
    Videos,
}

impl PageEdge {
    fn path(self) -> &'static str {
        match self {
            PageEdge::PublishedPosts => "published_posts",
            PageEdge::Videos => "videos",
        }
    }
}

/// Stores a post unless an identical one is refused (Graph's 506).
fn publish(shared: &Shared, mut post: SimPost) -> Result<SimPost, HttpResponse> {
    let mut state = shared.lock();
    if state.reject_duplicate_posts && state.has_identical(&post) {
        return Err(bad(506, None, "(#506) Duplicate status message"));
    }
    post.created_at = state.now();
    Ok(state.store_post(post))
}

/// `POST /{page-id}/feed`.
pub(crate) async fn feed(
    req: &HttpRequest,
    body: &[u8],
    shared: &Shared,
    page_id: &str,
) -> HttpResponse {
    let fields = fields(req, body);
    if let Err(response) = page_access(req, &fields, shared, page_id) {
        return response;
    }
    let fault = match faults::enter(shared, PublishEndpoint::FacebookFeed, Some(page_id)).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let message = text(&fields, "message").unwrap_or_default();
    let link = text(&fields, "link");
    let media = attached_media(&fields);
    if message.is_empty() && link.is_none() && media.is_empty() {
        return bad(100, None, "(#100) Missing message or attachment");
    }
    if let Some(link) = &link
        && !(link.starts_with("http://") || link.starts_with("https://"))
    {
        return bad(100, Some(2_061_006), "(#100) The link is not a valid URL");
    }
    let photo_urls = {
        let mut state = shared.lock();
        let mut urls = Vec::new();
        for id in &media {
            match state.posts.photos.get(id) {
                Some(photo) if photo.page_id == page_id => urls.push(photo.url.clone()),
                _ => {
                    return bad(
                        100,
                        None,
                        "(#100) attached_media is not a valid photo of this Page",
                    );
                }
            }
        }
        for id in &media {
            state.posts.photos.remove(id);
        }
        urls
    };
    let id = format!("{page_id}_{}", shared.lock().posts.next_id(PLATFORM));
    let post = SimPost {
        platform: PLATFORM,
        account_id: page_id.to_owned(),
        url: post_url(&id),
        id,
        text: message,
        media_ids: media,
        link,
        photo_urls,
        created_at: OffsetDateTime::UNIX_EPOCH,
    };
    let answer = match publish(shared, post) {
        Ok(post) => json(StatusCode::OK, json!({"id": post.id})),
        Err(response) => return response,
    };
    faults::leave(fault, PLATFORM, answer)
}

/// `POST /{page-id}/photos` with a `url` Facebook would fetch.
pub(crate) async fn photos(
    req: &HttpRequest,
    body: &[u8],
    shared: &Shared,
    page_id: &str,
) -> HttpResponse {
    let fields = fields(req, body);
    if let Err(response) = page_access(req, &fields, shared, page_id) {
        return response;
    }
    let fault = match faults::enter(shared, PublishEndpoint::FacebookPhotos, Some(page_id)).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Some(url) = text(&fields, "url") else {
        return bad(324, None, "(#324) Requires upload file");
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return bad(
            100,
            Some(2_061_006),
            "(#100) url should represent a valid URL",
        );
    }
    let caption = text(&fields, "caption")
        .or_else(|| text(&fields, "message"))
        .unwrap_or_default();
    let published = flag(&fields, "published").unwrap_or(true);
    let photo_id = shared.lock().posts.next_id(PLATFORM);
    let answer = if published {
        let id = format!("{page_id}_{}", shared.lock().posts.next_id(PLATFORM));
        let post = SimPost {
            platform: PLATFORM,
            account_id: page_id.to_owned(),
            url: post_url(&id),
            id,
            text: caption,
            media_ids: vec![photo_id.clone()],
            link: None,
            photo_urls: vec![url],
            created_at: OffsetDateTime::UNIX_EPOCH,
        };
        match publish(shared, post) {
            Ok(post) => json(StatusCode::OK, json!({"id": photo_id, "post_id": post.id})),
            Err(response) => return response,
        }
    } else {
        shared.lock().posts.photos.insert(
            photo_id.clone(),
            SimPhoto {
                page_id: page_id.to_owned(),
                url,
            },
        );
        json(StatusCode::OK, json!({"id": photo_id}))
    };
    faults::leave(fault, PLATFORM, answer)
}

/// `GET /{page-id}/published_posts` (and `/feed`): newest first, `since` and `until` in Unix
/// seconds (both inclusive), cursor paging (`limit`, `after`) with `paging.next` while older
/// posts of the window remain.
pub(crate) async fn published_posts(
    req: &HttpRequest,
    shared: &Shared,
    page_id: &str,
    version: &str,
    edge: PageEdge,
) -> HttpResponse {
    let fields = fields(req, &[]);
    if let Err(response) = page_access(req, &fields, shared, page_id) {
        return response;
    }
    let endpoint = match edge {
        PageEdge::PublishedPosts => PublishEndpoint::FacebookPublishedPosts,
        PageEdge::Videos => PublishEndpoint::FacebookPageVideos,
    };
    let fault = match faults::enter(shared, endpoint, Some(page_id)).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let seconds = |name: &str| text(&fields, name).and_then(|s| s.parse::<i64>().ok());
    let (since, until) = (seconds("since"), seconds("until"));
    let limit = text(&fields, "limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(25)
        .clamp(1, 100);
    let after = match text(&fields, "after") {
        None => None,
        Some(cursor) => match decode_cursor(&cursor) {
            Some(post_id) => Some(post_id),
            None => return faults::leave(fault, PLATFORM, bad(100, None, "(#100) Invalid cursor")),
        },
    };
    let mut wanted = field_names(text(&fields, "fields").as_deref());
    if wanted.is_empty() {
        wanted = match edge {
            PageEdge::PublishedPosts => vec!["created_time".into(), "message".into()],
            PageEdge::Videos => vec!["id".into(), "description".into()],
        };
    }
    let render = match edge {
        PageEdge::PublishedPosts => post_json,
        PageEdge::Videos => video_json,
    };
    let listed = {
        let state = shared.lock();
        // Reels are not in the Page's posts; the videos edge lists feed videos only.
        let videos = &state.posts.facebook_videos;
        let keep = |p: &SimPost| {
            let at = p.created_at.unix_timestamp();
            let shown = match (edge, videos.get(&p.id)) {
                (PageEdge::PublishedPosts, video) => !video.is_some_and(|v| v.reel),
                (PageEdge::Videos, Some(video)) => !video.reel,
                (PageEdge::Videos, None) => false,
            };
            since.is_none_or(|s| at >= s) && until.is_none_or(|u| at <= u) && shown
        };
        state
            .posts
            .page_of(PLATFORM, page_id, after.as_deref(), limit, keep)
            .map(|(page, more)| {
                let data: Vec<Value> = page
                    .iter()
                    .map(|p| select_fields(&render(p), &wanted, &["id"]))
                    .collect();
                let cursors = page
                    .first()
                    .zip(page.last())
                    .map(|(first, last)| (encode_cursor(&first.id), encode_cursor(&last.id)));
                (data, cursors, more)
            })
    };
    let Some((data, cursors, more)) = listed else {
        return faults::leave(fault, PLATFORM, bad(100, None, "(#100) Invalid cursor"));
    };
    let mut paging = json!({});
    if let Some((before, after)) = cursors {
        paging["cursors"] = json!({"before": before, "after": after});
        if more {
            let mut next =
                shared.url_for(&format!("facebook/api/{version}/{page_id}/{}", edge.path()));
            {
                let mut query = next.query_pairs_mut();
                for name in ["access_token", "fields", "since", "until"] {
                    if let Some(value) = text(&fields, name) {
                        query.append_pair(name, &value);
                    }
                }
                query.append_pair("limit", &limit.to_string());
                query.append_pair("after", &after);
            }
            paging["next"] = json!(next.as_str());
        }
    }
    let answer = json(StatusCode::OK, json!({"data": data, "paging": paging}));
    faults::leave(fault, PLATFORM, answer)
}

/// Whether `node` is a post the simulator made.
pub(crate) fn is_post(shared: &Shared, node: &str) -> bool {
    node.contains('_')
        && shared
            .lock()
            .posts
            .get(node)
            .is_some_and(|p| p.platform == PLATFORM)
}

/// `GET /{post-id}?fields=…` (`permalink_url`, `message`, `created_time`).
pub(crate) async fn post(req: &HttpRequest, shared: &Shared, post_id: &str) -> HttpResponse {
    let fields = fields(req, &[]);
    let page_id = post_id.split('_').next().unwrap_or("").to_owned();
    if let Err(response) = page_access(req, &fields, shared, &page_id) {
        return response;
    }
    let fault = match faults::enter(shared, PublishEndpoint::FacebookPost, Some(&page_id)).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let mut wanted = field_names(text(&fields, "fields").as_deref());
    if wanted.is_empty() {
        wanted = vec!["created_time".into(), "message".into()];
    }
    let found = shared
        .lock()
        .posts
        .get(post_id)
        .filter(|p| p.platform == PLATFORM)
        .map(post_json);
    let answer = match found {
        Some(post) => json(StatusCode::OK, select_fields(&post, &wanted, &["id"])),
        None => bad(
            100,
            Some(33),
            "Unsupported get request. Object does not exist or cannot be loaded.",
        ),
    };
    faults::leave(fault, PLATFORM, answer)
}

// ---------------------------------------------------------------------------------------------
// Videos and reels

/// Largest reel upload request accepted (the publisher sends 4 MB chunks).
pub(crate) const RUPLOAD_LIMIT: usize = 8 << 20;

/// A Page video or reel.
#[derive(Debug, Clone)]
pub(crate) struct SimVideo {
    pub(crate) page_id: String,
    pub(crate) reel: bool,
    /// Bytes received so far, and the announced size (reels sent as bytes).
    pub(crate) received: u64,
    pub(crate) file_size: Option<u64>,
    /// The hosted file Meta would fetch (`file_url`).
    pub(crate) file_url: Option<String>,
    /// The resumable upload session of a feed video sent in chunks.
    pub(crate) upload_session: Option<String>,
    /// The public post, once published.
    pub(crate) published: bool,
}

impl SimVideo {
    fn uploaded(&self) -> bool {
        self.file_url.is_some() || self.file_size.is_some_and(|size| self.received == size)
    }
}

fn video_url(video: &SimVideo, id: &str) -> String {
    if video.reel {
        format!("https://www.facebook.com/reel/{id}")
    } else {
        format!("https://www.facebook.com/{}/videos/{id}/", video.page_id)
    }
}

fn is_http(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// Stores the public post of a video (its id is the video's).
fn publish_video(
    shared: &Shared,
    id: &str,
    video: &SimVideo,
    text: String,
) -> Result<SimPost, HttpResponse> {
    let post = SimPost {
        platform: PLATFORM,
        account_id: video.page_id.clone(),
        url: video_url(video, id),
        id: id.to_owned(),
        text,
        media_ids: vec![id.to_owned()],
        link: None,
        photo_urls: video.file_url.iter().cloned().collect(),
        created_at: OffsetDateTime::UNIX_EPOCH,
    };
    let post = publish(shared, post)?;
    if let Some(stored) = shared.lock().posts.facebook_videos.get_mut(id) {
        stored.published = true;
    }
    Ok(post)
}

/// `POST /{page-id}/videos` with `file_url`: Facebook fetches the file and publishes the
/// video, the `description` as its text.
pub(crate) async fn videos(
    req: &HttpRequest,
    body: &[u8],
    shared: &Shared,
    page_id: &str,
) -> HttpResponse {
    let fields = fields(req, body);
    if let Err(response) = page_access(req, &fields, shared, page_id) {
        return response;
    }
    let phase = text(&fields, "upload_phase");
    // start and transfer are safe to repeat; finish (like file_url) publishes.
    let endpoint = match phase.as_deref() {
        Some("start") => PublishEndpoint::FacebookVideoStart,
        Some("transfer") => PublishEndpoint::FacebookVideoUpload,
        _ => PublishEndpoint::FacebookVideos,
    };
    let fault = match faults::enter(shared, endpoint, Some(page_id)).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    if let Some(phase) = phase {
        if text(&fields, "file_url").is_some() {
            return bad(
                100,
                None,
                "(#100) file_url cannot be combined with upload_phase",
            );
        }
        let answer = match phase.as_str() {
            "start" => video_upload_start(shared, &fields, page_id),
            "transfer" => video_upload_transfer(req, body, shared, &fields, page_id),
            "finish" => video_upload_finish(shared, &fields, page_id),
            _ => Err(bad(
                100,
                None,
                "(#100) upload_phase must be one of start, transfer, finish",
            )),
        };
        return match answer {
            Ok(answer) => faults::leave(fault, PLATFORM, answer),
            Err(response) => response,
        };
    }
    let Some(file_url) = text(&fields, "file_url") else {
        return bad(
            100,
            None,
            "(#100) One of source, file_url or fbuploader_video_file_chunk is required",
        );
    };
    if !is_http(&file_url) {
        return bad(389, None, "(#389) Unable to fetch video file from URL.");
    }
    let id = shared.lock().posts.next_id(PLATFORM);
    let video = SimVideo {
        page_id: page_id.to_owned(),
        reel: false,
        received: 0,
        file_size: None,
        file_url: Some(file_url),
        upload_session: None,
        published: false,
    };
    shared
        .lock()
        .posts
        .facebook_videos
        .insert(id.clone(), video.clone());
    let description = text(&fields, "description").unwrap_or_default();
    let answer = match publish_video(shared, &id, &video, description) {
        Ok(_) => json(StatusCode::OK, json!({"id": id})),
        Err(response) => return response,
    };
    faults::leave(fault, PLATFORM, answer)
}

/// The window a transfer answer asks for next: Graph's examples hand out 1 MiB windows.
pub(crate) const VIDEO_WINDOW: u64 = 1 << 20;

/// Largest file a resumable upload takes (Graph's documented ceiling for resumable video).
const VIDEO_MAX_BYTES: u64 = 10 << 30;

/// `{"start_offset","end_offset"}` as Graph writes them: strings.
fn window_json(received: u64, size: u64) -> Value {
    json!({
        "start_offset": received.to_string(),
        "end_offset": (received + VIDEO_WINDOW).min(size).to_string(),
    })
}

/// The video of upload session `session` on `page_id`.
fn session_video(
    shared: &Shared,
    fields: &Map<String, Value>,
    page_id: &str,
) -> Result<(String, SimVideo), HttpResponse> {
    let Some(session) = text(fields, "upload_session_id") else {
        return Err(bad(
            100,
            None,
            "(#100) The parameter upload_session_id is required",
        ));
    };
    shared
        .lock()
        .posts
        .facebook_videos
        .iter()
        .find(|(_, v)| v.upload_session.as_deref() == Some(&session) && v.page_id == page_id)
        .map(|(id, v)| (id.clone(), v.clone()))
        .ok_or_else(|| {
            bad(
                6001,
                None,
                "(#6001) There was a problem uploading your video file: the upload session is invalid or expired.",
            )
        })
}

/// `upload_phase=start`: `file_size` in bytes opens a session.
fn video_upload_start(
    shared: &Shared,
    fields: &Map<String, Value>,
    page_id: &str,
) -> Result<HttpResponse, HttpResponse> {
    let size = match fields.get("file_size") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => {
            return Err(bad(100, None, "(#100) The parameter file_size is required"));
        }
    };
    let Some(size) = size else {
        return Err(bad(
            100,
            None,
            "(#100) Param file_size must be a non-negative integer",
        ));
    };
    if size == 0 {
        return Err(bad(
            382,
            None,
            "(#382) The video file you tried to upload is too small. Please try again with a larger file.",
        ));
    }
    if size > VIDEO_MAX_BYTES {
        return Err(bad(
            6000,
            None,
            "(#6000) There was a problem uploading your video file: it is larger than the maximum file size.",
        ));
    }
    let (id, session) = {
        let mut state = shared.lock();
        (state.posts.next_id(PLATFORM), state.posts.next_id(PLATFORM))
    };
    shared.lock().posts.facebook_videos.insert(
        id.clone(),
        SimVideo {
            page_id: page_id.to_owned(),
            reel: false,
            received: 0,
            file_size: Some(size),
            file_url: None,
            upload_session: Some(session.clone()),
            published: false,
        },
    );
    let mut answer = window_json(0, size);
    answer["video_id"] = json!(id);
    answer["upload_session_id"] = json!(session);
    Ok(json(StatusCode::OK, answer))
}

/// `upload_phase=transfer`: the multipart `video_file_chunk` at `start_offset`, which must be
/// where the upload stands.
fn video_upload_transfer(
    req: &HttpRequest,
    body: &[u8],
    shared: &Shared,
    fields: &Map<String, Value>,
    page_id: &str,
) -> Result<HttpResponse, HttpResponse> {
    let (id, video) = session_video(shared, fields, page_id)?;
    let Some(start) = text(fields, "start_offset").and_then(|s| s.parse::<u64>().ok()) else {
        return Err(bad(
            100,
            None,
            "(#100) The parameter start_offset is required",
        ));
    };
    let chunk = super::multipart_boundary(req).and_then(|boundary| {
        super::multipart_parts(body, &boundary)
            .into_iter()
            .find(|(name, _)| name == VIDEO_FILE_CHUNK)
            .map(|(_, bytes)| bytes.len() as u64)
    });
    let Some(len) = chunk.filter(|n| *n > 0) else {
        return Err(bad(
            100,
            None,
            "(#100) The parameter video_file_chunk is required",
        ));
    };
    let size = video.file_size.unwrap_or(0);
    if video.published {
        return Err(bad(
            6001,
            None,
            "(#6001) There was a problem uploading your video file: the upload is already finished.",
        ));
    }
    if start != video.received {
        return Err(bad(
            6001,
            None,
            &format!(
                "(#6001) There was a problem uploading your video file: start_offset {start} does not match the expected offset {}.",
                video.received
            ),
        ));
    }
    if start + len > size {
        return Err(bad(
            6001,
            None,
            "(#6001) There was a problem uploading your video file: the chunk runs past file_size.",
        ));
    }
    let received = start + len;
    if let Some(stored) = shared.lock().posts.facebook_videos.get_mut(&id) {
        stored.received = received;
    }
    Ok(json(StatusCode::OK, window_json(received, size)))
}

/// `upload_phase=finish`: publishes the video once every byte arrived, the `description` as
/// its text.
fn video_upload_finish(
    shared: &Shared,
    fields: &Map<String, Value>,
    page_id: &str,
) -> Result<HttpResponse, HttpResponse> {
    let (id, video) = session_video(shared, fields, page_id)?;
    if video.published {
        return Err(bad(
            6001,
            None,
            "(#6001) There was a problem uploading your video file: the upload is already finished.",
        ));
    }
    if !video.uploaded() {
        return Err(bad(
            6000,
            None,
            "(#6000) There was a problem uploading your video file. Please try again.",
        ));
    }
    let description = text(fields, "description").unwrap_or_default();
    publish_video(shared, &id, &video, description)?;
    Ok(json(StatusCode::OK, json!({"success": true})))
}

/// `POST /{page-id}/video_reels`: `upload_phase=start` opens an upload, `finish` publishes
/// it once the whole file arrived (`video_state=PUBLISHED`).
pub(crate) async fn video_reels(
    req: &HttpRequest,
    body: &[u8],
    shared: &Shared,
    page_id: &str,
    version: &str,
) -> HttpResponse {
    let fields = fields(req, body);
    if let Err(response) = page_access(req, &fields, shared, page_id) {
        return response;
    }
    let endpoint = if text(&fields, "upload_phase").as_deref() == Some("finish") {
        PublishEndpoint::FacebookReels
    } else {
        PublishEndpoint::FacebookReelUpload
    };
    let fault = match faults::enter(shared, endpoint, Some(page_id)).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let answer = match text(&fields, "upload_phase").as_deref() {
        Some("start") => {
            let id = shared.lock().posts.next_id(PLATFORM);
            shared.lock().posts.facebook_videos.insert(
                id.clone(),
                SimVideo {
                    page_id: page_id.to_owned(),
                    reel: true,
                    received: 0,
                    file_size: None,
                    file_url: None,
                    upload_session: None,
                    published: false,
                },
            );
            let upload_url =
                shared.url_for(&format!("facebook/rupload/video-upload/{version}/{id}"));
            json(
                StatusCode::OK,
                json!({"video_id": id, "upload_url": upload_url.as_str()}),
            )
        }
        Some("finish") => {
            let Some(id) = text(&fields, "video_id") else {
                return bad(100, None, "(#100) The parameter video_id is required");
            };
            match text(&fields, "video_state").as_deref() {
                Some("PUBLISHED") => {}
                Some("DRAFT" | "SCHEDULED") => {
                    return bad(
                        100,
                        None,
                        "(#100) This simulator publishes reels only (video_state=PUBLISHED)",
                    );
                }
                _ => {
                    return bad(
                        100,
                        None,
                        "(#100) video_state must be PUBLISHED, DRAFT or SCHEDULED",
                    );
                }
            }
            let video = shared.lock().posts.facebook_videos.get(&id).cloned();
            let Some(video) = video.filter(|v| v.reel && v.page_id == page_id) else {
                return bad(
                    100,
                    Some(33),
                    "Unsupported post request. Object does not exist or cannot be loaded.",
                );
            };
            if video.published {
                return bad(100, None, "(#100) The video was already published");
            }
            if !video.uploaded() {
                return bad(
                    6000,
                    None,
                    "(#6000) There was a problem uploading your video file.",
                );
            }
            let description = text(&fields, "description").unwrap_or_default();
            match publish_video(shared, &id, &video, description) {
                Ok(_) => json(StatusCode::OK, json!({"success": true})),
                Err(response) => return response,
            }
        }
        _ => bad(100, None, "(#100) upload_phase must be start or finish"),
    };
    faults::leave(fault, PLATFORM, answer)
}

/// The reel upload (`rupload.facebook.com`): the Page token as `Authorization: OAuth`, then
/// either a `file_url` header (Meta fetches it) or the bytes at an `offset` header of a
/// `file_size` header. A wrong offset is refused, so an upload resumes where Meta stopped.
pub(crate) async fn rupload(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let (_, video_id) = path.into_inner();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let page_id = shared
        .lock()
        .posts
        .facebook_videos
        .get(&video_id)
        .map(|v| v.page_id.clone());
    let Some(page_id) = page_id else {
        return bad(100, Some(33), "(#100) Unknown video id");
    };
    if let Err(response) = page_access(&req, &Map::new(), &shared, &page_id) {
        return response;
    }
    let fault =
        match faults::enter(&shared, PublishEndpoint::FacebookReelUpload, Some(&page_id)).await {
            Ok(fault) => fault,
            Err(response) => return response,
        };
    let answer = {
        let mut state = shared.lock();
        let Some(video) = state.posts.facebook_videos.get_mut(&video_id) else {
            return bad(100, Some(33), "(#100) Unknown video id");
        };
        if let Some(file_url) = header("file_url") {
            if !is_http(&file_url) {
                return bad(389, None, "(#389) Unable to fetch video file from URL.");
            }
            video.file_url = Some(file_url);
        } else {
            let (Some(offset), Some(size)) = (
                header("offset").and_then(|o| o.parse::<u64>().ok()),
                header("file_size").and_then(|s| s.parse::<u64>().ok()),
            ) else {
                return bad(
                    100,
                    None,
                    "(#100) offset and file_size headers are required",
                );
            };
            if video.file_size.is_some_and(|known| known != size) || size == 0 {
                return bad(100, None, "(#100) file_size does not match the upload");
            }
            if offset != video.received {
                return json(
                    StatusCode::BAD_REQUEST,
                    json!({"debug_info": {
                        "retriable": false,
                        "type": "OffsetInvalidError",
                        "message": format!("Start offset {offset} does not match the expected offset {}", video.received),
                    }}),
                );
            }
            if offset + body.len() as u64 > size {
                return bad(100, None, "(#100) The upload is larger than file_size");
            }
            video.file_size = Some(size);
            video.received += body.len() as u64;
        }
        json(StatusCode::OK, json!({"success": true}))
    };
    faults::leave(fault, PLATFORM, answer)
}

/// Whether `node` is a video or reel the simulator holds.
pub(crate) fn is_video(shared: &Shared, node: &str) -> bool {
    shared.lock().posts.facebook_videos.contains_key(node)
}

/// `GET /{video-id}?fields=status,permalink_url,...`.
pub(crate) async fn video(req: &HttpRequest, shared: &Shared, video_id: &str) -> HttpResponse {
    let fields = fields(req, &[]);
    let Some(video) = shared.lock().posts.facebook_videos.get(video_id).cloned() else {
        return bad(
            100,
            Some(33),
            "Unsupported get request. Object does not exist or cannot be loaded.",
        );
    };
    if let Err(response) = page_access(req, &fields, shared, &video.page_id) {
        return response;
    }
    let fault =
        match faults::enter(shared, PublishEndpoint::FacebookPost, Some(&video.page_id)).await {
            Ok(fault) => fault,
            Err(response) => return response,
        };
    let mut wanted = field_names(text(&fields, "fields").as_deref());
    if wanted.is_empty() {
        wanted = vec!["id".into()];
    }
    let (video_status, publishing) = match (video.published, video.uploaded()) {
        (true, _) => (
            "ready",
            json!({"status": "complete", "publish_status": "published"}),
        ),
        (false, true) => (
            "upload_complete",
            json!({"status": "not_started", "publish_status": "draft"}),
        ),
        (false, false) => (
            "uploading",
            json!({"status": "not_started", "publish_status": "draft"}),
        ),
    };
    let full = json!({
        "id": video_id,
        "permalink_url": video_url(&video, video_id),
        "status": {
            "video_status": video_status,
            "uploading_phase": {
                "status": if video.uploaded() { "complete" } else { "in_progress" },
                "bytes_transfered": video.received,
            },
            "publishing_phase": publishing,
        },
    });
    let answer = json(StatusCode::OK, select_fields(&full, &wanted, &["id"]));
    faults::leave(fault, PLATFORM, answer)
}
