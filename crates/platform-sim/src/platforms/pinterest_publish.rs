//! Pinterest publishing (API v5): `POST /v5/pins` (image, carousel and video pins), `GET
//! /v5/boards/{board_id}/pins` (bookmark paging, newest first), `POST /v5/media` (a video
//! upload registration with a signed upload URL), the upload itself (`POST
//! /pinterest/upload/`, standing in for the S3 bucket: form fields, then `file`), and `GET
//! /v5/media/{media_id}` (`registered` → `processing` → `succeeded`).
//!
//! Checks what Pinterest checks (digit board ids of the user's boards, field lengths, 2–5
//! carousel items, a processed video and a cover image for video pins) and answers
//! `{"code", "message"}` bodies; the upload answers S3's XML errors.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::StreamExt as _;
use serde_json::{Map, Value, json};
use socialpub_domain::Platform;
use time::format_description::well_known::Rfc3339;

use super::json;
use super::pinterest::{access, error};
use crate::faults::{self, PublishEndpoint};
use crate::posts::SimPost;
use crate::seed;
use crate::state::Shared;

const PLATFORM: Platform = Platform::Pinterest;

/// How many status checks a processed video answers `processing` before `succeeded`.
const PROCESSING_CHECKS: u32 = 2;

/// How much of an upload's body is kept to read its form fields (they come before the file).
const UPLOAD_HEAD_LIMIT: usize = 64 * 1024;

/// A video registered with `POST /v5/media`.
#[derive(Debug, Clone)]
pub(crate) struct SimPinterestMedia {
    key: String,
    signature: String,
    state: VideoState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VideoState {
    Registered,
    /// Uploaded; status checks left before it is processed.
    Processing(u32),
    Succeeded,
}

/// What a pin holds besides the shared post record.
#[derive(Debug, Clone)]
pub(crate) struct SimPinDetails {
    board_id: String,
    title: Option<String>,
    alt_text: Option<String>,
    media_type: &'static str,
}

/// Pinterest's part of the post store: registered videos and pin details, by id.
#[derive(Debug, Default)]
pub(crate) struct PinterestStore {
    media: BTreeMap<String, SimPinterestMedia>,
    pins: BTreeMap<String, SimPinDetails>,
}

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/pinterest/api/v5/pins", web::post().to(create_pin))
        .route(
            "/pinterest/api/v5/boards/{board_id}/pins",
            web::get().to(board_pins),
        )
        .route("/pinterest/api/v5/media", web::post().to(register_media))
        .route(
            "/pinterest/api/v5/media/{media_id}",
            web::get().to(media_status),
        )
        .route("/pinterest/upload/", web::post().to(upload));
}

fn invalid(message: &str) -> HttpResponse {
    error(StatusCode::BAD_REQUEST, 1, Some(message))
}

fn board_not_found() -> HttpResponse {
    error(StatusCode::NOT_FOUND, 404, Some("Board not found."))
}

fn authorize(req: &HttpRequest, shared: &Shared, scopes: &[&str]) -> Result<(), HttpResponse> {
    let access = access(req, shared)?;
    if scopes.iter().all(|s| access.has_scope(s)) {
        Ok(())
    } else {
        Err(error(
            StatusCode::FORBIDDEN,
            29,
            Some("You are not permitted to access that resource."),
        ))
    }
}

fn is_digits(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
}

fn is_board(board_id: &str) -> bool {
    seed::pinterest::BOARDS
        .iter()
        .any(|(id, ..)| *id == board_id)
}

fn pin_url(id: &str) -> String {
    format!("https://www.pinterest.com/pin/{id}/")
}

/// A text field: absent, null, or a string of at most `max` characters.
fn text_field(
    body: &Map<String, Value>,
    name: &str,
    max: usize,
) -> Result<Option<String>, HttpResponse> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(invalid(&format!(
            "Invalid request: '{name}' is too long (constraint: maxLength={max})"
        ))),
        Some(_) => Err(invalid(&format!(
            "Invalid request: '{name}' is not of type 'string'"
        ))),
    }
}

fn is_web_url(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// What a `media_source` names: image URLs, or a processed video.
struct Source {
    media_type: &'static str,
    image_urls: Vec<String>,
    media_id: Option<String>,
}

fn media_source(shared: &Shared, source: Option<&Value>) -> Result<Source, HttpResponse> {
    let Some(source) = source.and_then(Value::as_object) else {
        return Err(invalid(
            "Invalid request: 'media_source' is a required property",
        ));
    };
    let url_of = |item: &Value| -> Result<String, HttpResponse> {
        match item.get("url").and_then(Value::as_str) {
            Some(url) if is_web_url(url) => Ok(url.to_owned()),
            Some(_) => Err(invalid("Invalid request: Unable to reach the URL")),
            None => Err(invalid("Invalid request: 'url' is a required property")),
        }
    };
    match source.get("source_type").and_then(Value::as_str) {
        Some("image_url") => Ok(Source {
            media_type: "image",
            image_urls: vec![url_of(&Value::Object(source.clone()))?],
            media_id: None,
        }),
        Some("multiple_image_urls") => {
            let items = source
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if items.len() < 2 {
                return Err(invalid(
                    "Invalid request: 'items' is too short (constraint: minItems=2)",
                ));
            }
            if items.len() > 5 {
                return Err(invalid(
                    "Invalid request: 'items' is too long (constraint: maxItems=5)",
                ));
            }
            Ok(Source {
                media_type: "multiple_images",
                image_urls: items.iter().map(url_of).collect::<Result<_, _>>()?,
                media_id: None,
            })
        }
        Some("video_id") => {
            let Some(media_id) = source.get("media_id").and_then(Value::as_str) else {
                return Err(invalid(
                    "Invalid request: 'media_id' is a required property",
                ));
            };
            if !is_digits(media_id) {
                return Err(invalid(&format!(
                    "Invalid request: '{media_id}' does not match '^\\\\d+$'"
                )));
            }
            let has_cover = source
                .get("cover_image_url")
                .and_then(Value::as_str)
                .is_some()
                || source
                    .get("cover_image_content_type")
                    .and_then(Value::as_str)
                    .is_some();
            if !has_cover {
                return Err(invalid(
                    "Invalid request: a video pin needs cover_image_url or cover_image_content_type",
                ));
            }
            let state = shared.lock();
            match state.posts.pinterest.media.get(media_id).map(|m| m.state) {
                Some(VideoState::Succeeded) => {}
                Some(_) => {
                    return Err(invalid(
                        "Invalid request: the video is still being processed",
                    ));
                }
                None => {
                    return Err(error(StatusCode::NOT_FOUND, 404, Some("Media not found.")));
                }
            }
            Ok(Source {
                media_type: "video",
                image_urls: Vec::new(),
                media_id: Some(media_id.to_owned()),
            })
        }
        Some(other) => Err(invalid(&format!(
            "Invalid request: source_type '{other}' is not supported"
        ))),
        None => Err(invalid(
            "Invalid request: 'source_type' is a required property",
        )),
    }
}

fn pin_json(post: &SimPost, details: Option<&SimPinDetails>) -> Value {
    json!({
        "id": post.id,
        "created_at": post.created_at.format(&Rfc3339).unwrap_or_default(),
        "link": post.link,
        "title": details.and_then(|d| d.title.clone()),
        "description": post.text,
        "alt_text": details.and_then(|d| d.alt_text.clone()),
        "board_id": details.map(|d| d.board_id.clone()),
        "board_section_id": null,
        "board_owner": {"username": seed::pinterest::USERNAME},
        "is_owner": true,
        "is_standard": true,
        "has_been_promoted": false,
        "creative_type": if details.is_some_and(|d| d.media_type == "video") { "VIDEO" } else { "REGULAR" },
        "media": {"media_type": details.map_or("image", |d| d.media_type)},
    })
}

/// `POST /v5/pins`.
async fn create_pin(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, &["pins:write", "boards:read"]) {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::PinterestCreatePin, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return invalid("Invalid request: the body is not a JSON object");
    };
    let Some(board_id) = body.get("board_id").and_then(Value::as_str) else {
        return invalid("Invalid request: 'board_id' is a required property");
    };
    if !is_digits(board_id) {
        return invalid(&format!(
            "Invalid request: '{board_id}' does not match '^\\\\d+$'"
        ));
    }
    if !is_board(board_id) {
        return board_not_found();
    }
    let fields = (
        text_field(&body, "title", 100),
        text_field(&body, "description", 800),
        text_field(&body, "link", 2048),
        text_field(&body, "alt_text", 500),
    );
    let (title, description, link, alt_text) = match fields {
        (Ok(t), Ok(d), Ok(l), Ok(a)) => (t, d, l, a),
        (Err(e), ..) | (_, Err(e), ..) | (.., Err(e), _) | (.., Err(e)) => return e,
    };
    if let Some(link) = &link
        && !is_web_url(link)
    {
        return invalid("Invalid request: 'link' is not a valid URL");
    }
    let source = match media_source(&shared, body.get("media_source")) {
        Ok(source) => source,
        Err(response) => return response,
    };
    let answer = {
        let mut state = shared.lock();
        let id = state.posts.next_id(PLATFORM);
        let now = state.now();
        let post = state.store_post(SimPost {
            platform: PLATFORM,
            account_id: seed::pinterest::USER_ID.to_owned(),
            url: pin_url(&id),
            id: id.clone(),
            text: description.unwrap_or_default(),
            media_ids: source.media_id.into_iter().collect(),
            link,
            photo_urls: source.image_urls,
            created_at: now,
        });
        let details = SimPinDetails {
            board_id: board_id.to_owned(),
            title,
            alt_text,
            media_type: source.media_type,
        };
        let body = pin_json(&post, Some(&details));
        state.posts.pinterest.pins.insert(id, details);
        json(StatusCode::CREATED, body)
    };
    faults::leave(fault, PLATFORM, answer)
}

/// `GET /v5/boards/{board_id}/pins`: the board's pins, newest first, `page_size` 1–250
/// (default 25), `bookmark` naming the last pin of the previous page.
async fn board_pins(
    req: HttpRequest,
    path: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, &["boards:read", "pins:read"]) {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::PinterestBoardPins, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let board_id = path.into_inner();
    if !is_board(&board_id) {
        return faults::leave(fault, PLATFORM, board_not_found());
    }
    let params = crate::oauth::Params::from_query(&req);
    let page_size = match params.get("page_size").map(str::parse::<usize>) {
        None => 25,
        Some(Ok(n)) if (1..=250).contains(&n) => n,
        Some(_) => {
            return invalid("Invalid parameter: page_size must be between 1 and 250.");
        }
    };
    let after = match params.get("bookmark") {
        None => None,
        Some(raw) => match decode_bookmark(raw) {
            Some(id) => Some(id),
            None => return invalid("Invalid parameter: bookmark."),
        },
    };
    let answer = {
        let state = shared.lock();
        let pins = &state.posts.pinterest.pins;
        let on_board = |post: &SimPost| pins.get(&post.id).is_some_and(|d| d.board_id == board_id);
        match state.posts.page_of(
            PLATFORM,
            seed::pinterest::USER_ID,
            after.as_deref(),
            page_size,
            on_board,
        ) {
            Some((page, more)) => {
                let bookmark = page
                    .last()
                    .filter(|_| more)
                    .map(|last| encode_bookmark(&last.id));
                let items: Vec<Value> = page
                    .iter()
                    .map(|post| pin_json(post, pins.get(&post.id)))
                    .collect();
                json(
                    StatusCode::OK,
                    json!({"items": items, "bookmark": bookmark}),
                )
            }
            None => invalid("Invalid parameter: bookmark."),
        }
    };
    faults::leave(fault, PLATFORM, answer)
}

fn encode_bookmark(pin_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("sim-pins:{pin_id}"))
}

fn decode_bookmark(bookmark: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(bookmark).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("sim-pins:").map(str::to_owned)
}

/// `POST /v5/media {"media_type": "video"}`.
async fn register_media(
    req: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, &["pins:write"]) {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::PinterestMedia, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let media_type = serde_json::from_slice::<Value>(&body).ok().and_then(|b| {
        b.get("media_type")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    match media_type.as_deref() {
        Some("video") => {}
        Some(other) => {
            return invalid(&format!(
                "Invalid request: '{other}' is not one of ['video']"
            ));
        }
        None => return invalid("Invalid request: 'media_type' is a required property"),
    }
    let answer = {
        let mut state = shared.lock();
        let id = state.posts.next_id(PLATFORM);
        let now = state.now();
        let key = format!("uploads/sim/{id}:video:{}", now.unix_timestamp());
        let signature = URL_SAFE_NO_PAD.encode(format!("sim-signature-{id}"));
        let upload_url = shared.url_for("pinterest/upload/");
        let body = json!({
            "media_id": id,
            "media_type": "video",
            "upload_url": upload_url.as_str(),
            "upload_parameters": {
                "x-amz-date": "20261130T100000Z",
                "x-amz-signature": signature,
                "x-amz-security-token": format!("sim-security-token-{id}"),
                "x-amz-algorithm": "AWS4-HMAC-SHA256",
                "key": key,
                "policy": URL_SAFE_NO_PAD.encode(format!("{{\"expiration\":\"sim\",\"key\":\"{key}\"}}")),
                "x-amz-credential": "SIMACCESSKEY/20261130/us-east-1/s3/aws4_request",
                "Content-Type": "multipart/form-data",
            },
        });
        state.posts.pinterest.media.insert(
            id,
            SimPinterestMedia {
                key,
                signature,
                state: VideoState::Registered,
            },
        );
        json(StatusCode::CREATED, body)
    };
    faults::leave(fault, PLATFORM, answer)
}

/// `GET /v5/media/{media_id}`.
async fn media_status(
    req: HttpRequest,
    path: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = authorize(&req, &shared, &["pins:read"]) {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::PinterestMediaStatus, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let media_id = path.into_inner();
    let answer = {
        let mut state = shared.lock();
        match state.posts.pinterest.media.get_mut(&media_id) {
            None => error(StatusCode::NOT_FOUND, 404, Some("Media not found.")),
            Some(media) => {
                let status = match media.state {
                    VideoState::Registered => "registered",
                    VideoState::Processing(0) => {
                        media.state = VideoState::Succeeded;
                        "succeeded"
                    }
                    VideoState::Processing(left) => {
                        media.state = VideoState::Processing(left - 1);
                        "processing"
                    }
                    VideoState::Succeeded => "succeeded",
                };
                json(
                    StatusCode::OK,
                    json!({"media_id": media_id, "media_type": "video", "status": status}),
                )
            }
        }
    };
    faults::leave(fault, PLATFORM, answer)
}

fn s3_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/xml")
        .body(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        ))
}

/// `POST /pinterest/upload/`: S3's form upload. The body is read as it arrives; only its
/// head (the form fields) is kept, the file is counted, so a large video costs no memory.
async fn upload(
    req: HttpRequest,
    mut payload: web::Payload,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| {
            rest.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
        })
        .map(|b| b.trim_matches('"').to_owned())
    else {
        return s3_error(
            StatusCode::PRECONDITION_FAILED,
            "PreconditionFailed",
            "Bucket POST must be of the enclosure-type multipart/form-data",
        );
    };
    let mut head = Vec::new();
    let mut total = 0_usize;
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return s3_error(
                StatusCode::BAD_REQUEST,
                "IncompleteBody",
                "The request body terminated unexpectedly",
            );
        };
        total += chunk.len();
        let room = UPLOAD_HEAD_LIMIT.saturating_sub(head.len());
        head.extend_from_slice(&chunk[..room.min(chunk.len())]);
    }
    let Some(form) = UploadForm::read(&head, &boundary, total) else {
        return s3_error(
            StatusCode::BAD_REQUEST,
            "MalformedPOSTRequest",
            "The body of your POST request is not well-formed multipart/form-data.",
        );
    };
    let mut state = shared.lock();
    let found = state
        .posts
        .pinterest
        .media
        .iter_mut()
        .find(|(_, m)| form.fields.get("key") == Some(&m.key));
    let Some((_, media)) = found else {
        return s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\"]",
        );
    };
    if form.fields.get("x-amz-signature") != Some(&media.signature) {
        return s3_error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        );
    }
    if form.file_len == 0 {
        return s3_error(
            StatusCode::BAD_REQUEST,
            "EntityTooSmall",
            "Your proposed upload is smaller than the minimum allowed size",
        );
    }
    if media.state == VideoState::Registered {
        media.state = VideoState::Processing(PROCESSING_CHECKS);
    }
    HttpResponse::NoContent().finish()
}

/// The fields before the file, and the file's length.
struct UploadForm {
    fields: BTreeMap<String, String>,
    file_len: usize,
}

impl UploadForm {
    /// `head` is the start of a body of `total` bytes: every field, then the `file` part,
    /// whose content runs to the closing delimiter at the very end.
    fn read(head: &[u8], boundary: &str, total: usize) -> Option<Self> {
        let delimiter = format!("--{boundary}");
        let closing = format!("\r\n--{boundary}--\r\n");
        let mut fields = BTreeMap::new();
        let mut at = find(head, delimiter.as_bytes())?;
        loop {
            let part_start = at + delimiter.len() + 2;
            let head_end = part_start + find(head.get(part_start..)?, b"\r\n\r\n")?;
            let part_head = String::from_utf8_lossy(head.get(part_start..head_end)?);
            let name = part_head
                .split(';')
                .find_map(|p| p.trim().strip_prefix("name="))?
                .split(['\r', '\n'])
                .next()?
                .trim_matches('"')
                .to_owned();
            let content_start = head_end + 4;
            if name == "file" {
                let file_len = total.checked_sub(content_start + closing.len())?;
                return Some(Self { fields, file_len });
            }
            let next = content_start + find(head.get(content_start..)?, delimiter.as_bytes())?;
            let value = head.get(content_start..next.checked_sub(2)?)?;
            fields.insert(name, String::from_utf8_lossy(value).into_owned());
            at = next;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
