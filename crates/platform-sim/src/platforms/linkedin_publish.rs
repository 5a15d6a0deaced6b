//! LinkedIn publishing (Posts, Images, Videos and Documents APIs, `LinkedIn-Version` header
//! checked): `POST /rest/posts` (201, empty body, `x-restli-id`), `initializeUpload` of
//! images, documents and videos, the upload `PUT`s (one per file, or one per 4 MiB video
//! part answered with an `ETag`), `finalizeUpload`, video status reads (`PROCESSING` once,
//! then `AVAILABLE`) and the `q=author` finder on an organization's posts.
//!
//! As LinkedIn does: identical content from the same author is refused with a 422 naming the
//! original post; media must be uploaded (videos processed) and owned by the post's author;
//! a document needs a title; reserved little-text characters must be escaped; a member's
//! posts cannot be listed without the closed `r_member_social` scope.
//!
//! A sample PDF for document posts is served at `/linkedin/media/sample.pdf`.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt as _;
use serde::Deserialize;
use serde_json::{Value, json};
use socialpub_domain::Platform;

use super::json;
use super::linkedin::{access_denied, check, check_rest_headers, error};
use crate::faults::{self, PublishEndpoint};
use crate::media::parse_range;
use crate::oauth::{AccessInfo, Params, bearer};
use crate::posts::SimPost;
use crate::seed;
use crate::state::Shared;

const PLATFORM: Platform = Platform::Linkedin;
/// Bytes per video upload part, as LinkedIn cuts them.
pub const VIDEO_PART_BYTES: u64 = 4 * 1024 * 1024;
/// Video size limits: 75 KB – 500 MB.
const VIDEO_MIN_BYTES: u64 = 75 * 1024;
const VIDEO_MAX_BYTES: u64 = 500 * 1024 * 1024;
/// Document size limit: 100 MB.
const DOCUMENT_MAX_BYTES: u64 = 100 * 1024 * 1024;
/// Status reads answered `PROCESSING` before a finalized video is `AVAILABLE`.
const PROCESSING_READS: u32 = 1;
const MAX_COMMENTARY: usize = 3000;
const VISIBILITIES: &[&str] = &["PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"];
const DOCUMENT_TYPES: &[&str] = &[
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

/// A small, well-formed one-page PDF.
const SAMPLE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n";

/// What kind of asset a URN is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaKind {
    Image,
    Video,
    Document,
}

impl MediaKind {
    fn urn_type(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Document => "document",
        }
    }
}

/// Where an upload stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaStatus {
    WaitingUpload,
    /// Finalized; the status reads left before it is available.
    Processing(u32),
    Available,
}

/// A LinkedIn image, video or document.
#[derive(Debug, Clone)]
pub(crate) struct LinkedinMedia {
    pub(crate) kind: MediaKind,
    /// The author URN that may use it.
    pub(crate) owner: String,
    /// Announced size (videos) or bytes received (images, documents).
    pub(crate) size: u64,
    /// Videos: byte range of each part, and the ETag of each received part.
    pub(crate) parts: Vec<(u64, u64)>,
    pub(crate) etags: BTreeMap<usize, String>,
    pub(crate) status: MediaStatus,
}

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/linkedin/api/rest/posts", web::post().to(create_post))
        .route("/linkedin/api/rest/posts", web::get().to(list_posts))
        .route(
            "/linkedin/api/rest/videos/{urn}",
            web::get().to(video_status),
        )
        .route(
            "/linkedin/api/rest/images/{urn}",
            web::get().to(image_status),
        )
        .route(
            "/linkedin/api/rest/{resource}",
            web::post().to(media_action),
        )
        .route(
            "/linkedin/upload/videos/{id}/{part}",
            web::put().to(upload_part),
        )
        .route("/linkedin/upload/{kind}/{id}", web::put().to(upload_file))
        .route("/linkedin/media/sample.pdf", web::get().to(sample_pdf))
        .route("/linkedin/media/sample.pdf", web::head().to(sample_pdf));
}

fn bad(code: &str, message: &str) -> HttpResponse {
    error(StatusCode::BAD_REQUEST, Some(code), Some(message))
}

/// Headers and token of a `/rest` call.
fn rest_access(req: &HttpRequest, shared: &Shared) -> Result<AccessInfo, HttpResponse> {
    check_rest_headers(req, shared)?;
    check(req, shared)
}

fn member_urn() -> String {
    format!("urn:li:person:{}", seed::linkedin::SUB)
}

fn organization_urn() -> String {
    format!("urn:li:organization:{}", seed::linkedin::ORGANIZATION_ID)
}

/// The token may act as `author`: itself with `w_member_social`, or the organization it
/// administers with `w_organization_social`.
fn may_write_as(access: &AccessInfo, author: &str) -> Result<(), HttpResponse> {
    let allowed = (author == member_urn() && access.has_scope("w_member_social"))
        || (author == organization_urn() && access.has_scope("w_organization_social"));
    if allowed {
        Ok(())
    } else {
        Err(access_denied(&format!("author {author}")))
    }
}

/// `urn%3Ali%3Avideo%3A1` as a path segment, decoded.
fn decode_urn(raw: &str) -> String {
    raw.replace("%3A", ":").replace("%3a", ":")
}

/// `commentary` must escape `| { } [ ] ( ) < > \ * _ ~` outside mentions and hashtag
/// templates (`#` and `@` are tolerated: they are hashtags and mentions or plain text).
fn unescaped_reserved(commentary: &str) -> Option<char> {
    let mut rest = commentary;
    while let Some(c) = rest.chars().next() {
        if let Some(tail) = rest.strip_prefix("@[")
            && let Some(end) = tail.find("](urn:li:")
            && let Some(close) = tail[end..].find(')')
        {
            rest = &tail[end + close + 1..];
            continue;
        }
        if let Some(tail) = rest.strip_prefix("{hashtag|\\#|")
            && let Some(end) = tail.find('}')
        {
            rest = &tail[end + 1..];
            continue;
        }
        if c == '\\' {
            let mut chars = rest.chars();
            chars.next();
            let skip = 1 + chars.next().map_or(0, char::len_utf8);
            rest = &rest[skip..];
            continue;
        }
        if "|{}[]()<>*_~".contains(c) {
            return Some(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Posts

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatePost {
    author: Option<String>,
    commentary: Option<String>,
    visibility: Option<String>,
    distribution: Option<Value>,
    lifecycle_state: Option<String>,
    #[serde(default)]
    content: Option<Value>,
}

/// The media URNs and article link a post's `content` names, checked against the store.
fn read_content(
    content: Option<&Value>,
    author: &str,
    shared: &Shared,
) -> Result<(Vec<String>, Option<String>), HttpResponse> {
    let Some(content) = content else {
        return Ok((Vec::new(), None));
    };
    let state = shared.lock();
    let usable = |urn: &str, kinds: &[MediaKind]| -> Result<MediaKind, HttpResponse> {
        let Some(media) = state.posts.linkedin_media.get(urn) else {
            return Err(bad("INVALID_URN_ID", &format!("{urn} does not exist")));
        };
        if !kinds.contains(&media.kind) {
            return Err(bad(
                "INVALID_URN_TYPE",
                &format!("{urn} cannot be used here"),
            ));
        }
        if media.owner != author {
            return Err(bad(
                "INVALID_VALUE_FOR_FIELD",
                &format!("{urn} is owned by another author"),
            ));
        }
        match media.status {
            MediaStatus::Available => Ok(media.kind),
            MediaStatus::WaitingUpload => Err(bad(
                "MEDIA_ASSET_WAITING_UPLOAD",
                &format!("{urn} has not been uploaded"),
            )),
            MediaStatus::Processing(_) => Err(bad(
                "MEDIA_ASSET_WAITING_UPLOAD",
                &format!("{urn} is still processing"),
            )),
        }
    };
    if let Some(media) = content.get("media") {
        let urn = media.get("id").and_then(Value::as_str).unwrap_or("");
        let kind = usable(
            urn,
            &[MediaKind::Image, MediaKind::Video, MediaKind::Document],
        )?;
        let titled = media
            .get("title")
            .and_then(Value::as_str)
            .is_some_and(|t| !t.trim().is_empty());
        if kind == MediaKind::Document && !titled {
            return Err(bad(
                "MISSING_FIELD",
                "content.media.title is required for documents",
            ));
        }
        return Ok((vec![urn.to_owned()], None));
    }
    if let Some(multi) = content.get("multiImage") {
        let images = multi
            .get("images")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if !(2..=20).contains(&images.len()) {
            return Err(bad(
                "INVALID_VALUE_FOR_FIELD",
                "content.multiImage.images takes 2 to 20 images",
            ));
        }
        let mut urns = Vec::with_capacity(images.len());
        for image in &images {
            let urn = image.get("id").and_then(Value::as_str).unwrap_or("");
            usable(urn, &[MediaKind::Image])?;
            urns.push(urn.to_owned());
        }
        return Ok((urns, None));
    }
    if let Some(article) = content.get("article") {
        let source = article.get("source").and_then(Value::as_str).unwrap_or("");
        if !(source.starts_with("https://") || source.starts_with("http://")) {
            return Err(bad(
                "INVALID_VALUE_FOR_FIELD",
                "content.article.source must be a URL",
            ));
        }
        if article
            .get("title")
            .and_then(Value::as_str)
            .is_none_or(|t| t.trim().is_empty())
        {
            return Err(bad("MISSING_FIELD", "content.article.title is required"));
        }
        let mut urns = Vec::new();
        if let Some(thumbnail) = article.get("thumbnail").and_then(Value::as_str) {
            usable(thumbnail, &[MediaKind::Image])?;
            urns.push(thumbnail.to_owned());
        }
        return Ok((urns, Some(source.to_owned())));
    }
    Err(bad(
        "INVALID_VALUE_FOR_FIELD",
        "content must hold media, multiImage or article",
    ))
}

async fn create_post(
    req: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let access = match rest_access(&req, &shared) {
        Ok(access) => access,
        Err(response) => return response,
    };
    let fault = match faults::enter(&shared, PublishEndpoint::LinkedinCreatePost, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Ok(request) = serde_json::from_slice::<CreatePost>(&body) else {
        return bad("ILLEGAL_ARGUMENT", "The request body is not a valid post.");
    };
    let Some(author) = request.author.filter(|a| !a.is_empty()) else {
        return bad("MISSING_FIELD", "author is required");
    };
    if let Err(response) = may_write_as(&access, &author) {
        return response;
    }
    let Some(commentary) = request.commentary else {
        return bad("MISSING_FIELD", "commentary is required");
    };
    if commentary.trim().is_empty() {
        return bad("INVALID_VALUE_BLANK_FIELD", "commentary cannot be blank");
    }
    if commentary.chars().count() > MAX_COMMENTARY {
        return bad(
            "FIELD_LENGTH_TOO_LONG",
            "commentary is longer than 3000 characters",
        );
    }
    if let Some(c) = unescaped_reserved(&commentary) {
        return bad(
            "INVALID_VALUE_FOR_FIELD",
            &format!("commentary has an unescaped reserved character `{c}`"),
        );
    }
    if !request
        .visibility
        .as_deref()
        .is_some_and(|v| VISIBILITIES.contains(&v))
    {
        return bad(
            "INVALID_VALUE_FOR_FIELD",
            "visibility is missing or unknown",
        );
    }
    if request.lifecycle_state.as_deref() != Some("PUBLISHED") {
        return bad(
            "INVALID_VALUE_FOR_FIELD",
            "lifecycleState must be PUBLISHED",
        );
    }
    if request
        .distribution
        .as_ref()
        .and_then(|d| d.get("feedDistribution"))
        .and_then(Value::as_str)
        .is_none()
    {
        return bad("MISSING_FIELD", "distribution.feedDistribution is required");
    }
    let (media_ids, link) = match read_content(request.content.as_ref(), &author, &shared) {
        Ok(content) => content,
        Err(response) => return response,
    };
    let answer = {
        let mut state = shared.lock();
        let duplicate = state
            .posts
            .posts
            .iter()
            .find(|p| {
                p.platform == PLATFORM
                    && p.account_id == author
                    && p.text == commentary
                    && p.media_ids == media_ids
                    && p.link == link
            })
            .map(|p| p.id.clone());
        if let Some(original) = duplicate {
            return json(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({
                    "status": 422,
                    "message": format!("Content is a duplicate of {original}"),
                }),
            );
        }
        let id = format!("urn:li:share:7{}", state.posts.next_id(PLATFORM));
        let post = SimPost {
            platform: PLATFORM,
            account_id: author,
            url: format!("https://www.linkedin.com/feed/update/{id}"),
            id,
            text: commentary,
            media_ids,
            link,
            photo_urls: Vec::new(),
            created_at: state.now(),
        };
        let post = state.store_post(post);
        let mut response = HttpResponse::Created().finish();
        super::set_header(response.headers_mut(), "x-restli-id", &post.id);
        response
    };
    faults::leave(fault, PLATFORM, answer)
}

/// A stored post as the finder lists it.
fn listed(post: &SimPost, state: &crate::state::SimState) -> Value {
    let millis = (post.created_at.unix_timestamp_nanos() / 1_000_000) as i64;
    let media_kind = |urn: &str| state.posts.linkedin_media.get(urn).map(|m| m.kind);
    let content = match (&post.link, post.media_ids.as_slice()) {
        (Some(source), thumbnail) => {
            let mut article = json!({"source": source, "title": source});
            if let Some(urn) = thumbnail.first() {
                article["thumbnail"] = json!(urn);
            }
            Some(json!({"article": article}))
        }
        (None, []) => None,
        (None, [one]) => {
            let mut media = json!({"id": one});
            if media_kind(one) == Some(MediaKind::Document) {
                media["title"] = json!("Document");
            }
            Some(json!({"media": media}))
        }
        (None, many) => Some(json!({"multiImage": {
            "images": many.iter().map(|u| json!({"id": u})).collect::<Vec<_>>(),
        }})),
    };
    let mut value = json!({
        "id": post.id,
        "author": post.account_id,
        "commentary": post.text,
        "visibility": "PUBLIC",
        "lifecycleState": "PUBLISHED",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "isReshareDisabledByAuthor": false,
        "createdAt": millis,
        "publishedAt": millis,
        "lastModifiedAt": millis,
    });
    if let Some(content) = content {
        value["content"] = content;
    }
    value
}

async fn list_posts(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let access = match rest_access(&req, &shared) {
        Ok(access) => access,
        Err(response) => return response,
    };
    let fault = match faults::enter(&shared, PublishEndpoint::LinkedinListPosts, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let params = Params::from_query(&req);
    let finder = req
        .headers()
        .get("x-restli-method")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("FINDER"));
    if params.get("q") != Some("author") || !finder {
        return bad(
            "ILLEGAL_ARGUMENT",
            "Only the author finder (q=author, X-RestLi-Method: FINDER) is supported",
        );
    }
    let author = params.get("author").map(decode_urn).unwrap_or_default();
    let readable = (author == organization_urn() && access.has_scope("r_organization_social"))
        || (author == member_urn() && access.has_scope("r_member_social"));
    if !readable {
        return access_denied("posts.FINDER-author");
    }
    let number = |name: &str, default: usize| -> Result<usize, HttpResponse> {
        params.get(name).map_or(Ok(default), |raw| {
            raw.parse()
                .map_err(|_| bad("ILLEGAL_ARGUMENT", &format!("{name} must be a number")))
        })
    };
    let (start, count) = match (number("start", 0), number("count", 10)) {
        (Ok(start), Ok(count)) if (1..=100).contains(&count) => (start, count),
        (Err(response), _) | (_, Err(response)) => return response,
        _ => return bad("ILLEGAL_ARGUMENT", "count must be between 1 and 100"),
    };
    let body = {
        let state = shared.lock();
        let mine: Vec<&SimPost> = state
            .posts
            .posts
            .iter()
            .rev()
            .filter(|p| p.platform == PLATFORM && p.account_id == author)
            .collect();
        let total = mine.len();
        let elements: Vec<Value> = mine
            .into_iter()
            .skip(start)
            .take(count)
            .map(|p| listed(p, &state))
            .collect();
        json!({
            "paging": {"start": start, "count": count, "links": [], "total": total},
            "elements": elements,
        })
    };
    faults::leave(fault, PLATFORM, json(StatusCode::OK, body))
}

// ---------------------------------------------------------------------------------------------
// Uploads

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InitializeRequest {
    owner: Option<String>,
    file_size_bytes: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FinalizeRequest {
    video: Option<String>,
    #[serde(default)]
    upload_token: Option<String>,
    #[serde(default)]
    uploaded_part_ids: Vec<String>,
}

async fn media_action(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let kind = match path.as_str() {
        "images" => MediaKind::Image,
        "videos" => MediaKind::Video,
        "documents" => MediaKind::Document,
        other => {
            return error(
                StatusCode::NOT_FOUND,
                Some("NOT_FOUND"),
                Some(&format!("No resource {other}")),
            );
        }
    };
    let access = match rest_access(&req, &shared) {
        Ok(access) => access,
        Err(response) => return response,
    };
    let fault = match faults::enter(&shared, PublishEndpoint::LinkedinUpload, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return bad("ILLEGAL_ARGUMENT", "The request body is not JSON.");
    };
    let answer = match Params::from_query(&req).get("action") {
        Some("initializeUpload") => initialize(kind, &access, &body, &shared),
        Some("finalizeUpload") if kind == MediaKind::Video => finalize(&body, &shared),
        _ => bad("ILLEGAL_ARGUMENT", "Unknown or missing action"),
    };
    faults::leave(fault, PLATFORM, answer)
}

fn initialize(kind: MediaKind, access: &AccessInfo, body: &Value, shared: &Shared) -> HttpResponse {
    let Some(request) = body
        .get("initializeUploadRequest")
        .and_then(|r| serde_json::from_value::<InitializeRequest>(r.clone()).ok())
    else {
        return bad("MISSING_FIELD", "initializeUploadRequest is required");
    };
    let Some(owner) = request.owner.filter(|o| !o.is_empty()) else {
        return bad("MISSING_FIELD", "initializeUploadRequest.owner is required");
    };
    if let Err(response) = may_write_as(access, &owner) {
        return response;
    }
    let size = match (kind, request.file_size_bytes) {
        (MediaKind::Video, Some(size)) if (VIDEO_MIN_BYTES..=VIDEO_MAX_BYTES).contains(&size) => {
            size
        }
        (MediaKind::Video, Some(_)) => {
            return bad(
                "INVALID_VALUE_FOR_FIELD",
                "fileSizeBytes must be between 75 KB and 500 MB",
            );
        }
        (MediaKind::Video, None) => {
            return bad(
                "MISSING_FIELD",
                "initializeUploadRequest.fileSizeBytes is required",
            );
        }
        _ => 0,
    };
    let mut state = shared.lock();
    let number = state.posts.next_id(PLATFORM);
    let urn = format!("urn:li:{}:D4E10AQ{number}", kind.urn_type());
    let expires = (state.now().unix_timestamp() + 86_400) * 1000;
    let parts: Vec<(u64, u64)> = if kind == MediaKind::Video {
        (0..size.div_ceil(VIDEO_PART_BYTES))
            .map(|i| {
                let first = i * VIDEO_PART_BYTES;
                (first, (first + VIDEO_PART_BYTES).min(size) - 1)
            })
            .collect()
    } else {
        Vec::new()
    };
    state.posts.linkedin_media.insert(
        urn.clone(),
        LinkedinMedia {
            kind,
            owner,
            size,
            parts: parts.clone(),
            etags: BTreeMap::new(),
            status: MediaStatus::WaitingUpload,
        },
    );
    drop(state);
    let value = match kind {
        MediaKind::Video => json!({
            "uploadUrlsExpireAt": expires,
            "video": urn,
            "uploadInstructions": parts.iter().enumerate().map(|(i, (first, last))| json!({
                "uploadUrl": shared.url_for(&format!("linkedin/upload/videos/{number}/{i}")).as_str(),
                "firstByte": first,
                "lastByte": last,
            })).collect::<Vec<_>>(),
            "uploadToken": "",
        }),
        MediaKind::Image | MediaKind::Document => {
            let upload_url = shared
                .url_for(&format!("linkedin/upload/{}s/{number}", kind.urn_type()))
                .to_string();
            let mut value = json!({"uploadUrlExpiresAt": expires, "uploadUrl": upload_url});
            value[kind.urn_type()] = json!(urn);
            value
        }
    };
    json(StatusCode::OK, json!({"value": value}))
}

fn finalize(body: &Value, shared: &Shared) -> HttpResponse {
    let Some(request) = body
        .get("finalizeUploadRequest")
        .and_then(|r| serde_json::from_value::<FinalizeRequest>(r.clone()).ok())
    else {
        return bad("MISSING_FIELD", "finalizeUploadRequest is required");
    };
    if request.upload_token.is_none() {
        return bad(
            "MISSING_FIELD",
            "finalizeUploadRequest.uploadToken is required",
        );
    }
    let urn = request.video.unwrap_or_default();
    let mut state = shared.lock();
    let Some(media) = state.posts.linkedin_media.get_mut(&urn) else {
        return bad("INVALID_URN_ID", &format!("{urn} does not exist"));
    };
    if media.status != MediaStatus::WaitingUpload {
        return bad("INVALID_VALUE_FOR_FIELD", "the upload is already finalized");
    }
    let received: Vec<String> = media.etags.values().cloned().collect();
    if media.etags.len() != media.parts.len() || received != request.uploaded_part_ids {
        return bad(
            "INVALID_VALUE_FOR_FIELD",
            "uploadedPartIds do not match the uploaded parts, in order",
        );
    }
    media.status = MediaStatus::Processing(PROCESSING_READS);
    json(StatusCode::OK, json!({}))
}

/// Reads an upload's body to its end, counting bytes only.
async fn count_bytes(mut payload: web::Payload) -> Result<u64, HttpResponse> {
    let mut total = 0_u64;
    while let Some(chunk) = payload.next().await {
        match chunk {
            Ok(bytes) => total += bytes.len() as u64,
            Err(_) => return Err(bad("ILLEGAL_ARGUMENT", "the upload body broke off")),
        }
    }
    Ok(total)
}

/// The bearer token must be a live LinkedIn token.
fn upload_auth(req: &HttpRequest, shared: &Shared) -> Result<(), HttpResponse> {
    let state = shared.lock();
    state
        .check_access(PLATFORM, bearer(req).as_deref())
        .map(|_| ())
        .map_err(|_| error(StatusCode::UNAUTHORIZED, None, Some("Invalid access token")))
}

async fn upload_file(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let (kind, number) = path.into_inner();
    let kind = match kind.as_str() {
        "images" => MediaKind::Image,
        "documents" => MediaKind::Document,
        _ => return error(StatusCode::NOT_FOUND, Some("NOT_FOUND"), None),
    };
    if let Err(response) = upload_auth(&req, &shared) {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::LinkedinUpload, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    if kind == MediaKind::Document {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !DOCUMENT_TYPES.contains(&content_type) {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                None,
                Some("Documents must be PDF, DOC, DOCX, PPT or PPTX"),
            );
        }
    }
    let size = match count_bytes(payload).await {
        Ok(size) => size,
        Err(response) => return response,
    };
    let urn = format!("urn:li:{}:D4E10AQ{number}", kind.urn_type());
    let answer = {
        let mut state = shared.lock();
        let Some(media) = state.posts.linkedin_media.get_mut(&urn) else {
            return error(StatusCode::NOT_FOUND, Some("NOT_FOUND"), None);
        };
        if size == 0 {
            return bad("INVALID_VALUE_FOR_FIELD", "the upload is empty");
        }
        if kind == MediaKind::Document && size > DOCUMENT_MAX_BYTES {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                None,
                Some("Document too large"),
            );
        }
        media.size = size;
        media.status = MediaStatus::Available;
        HttpResponse::Created().finish()
    };
    faults::leave(fault, PLATFORM, answer)
}

async fn upload_part(
    path: web::Path<(String, usize)>,
    payload: web::Payload,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let (number, part) = path.into_inner();
    let fault = match faults::enter(&shared, PublishEndpoint::LinkedinUpload, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let size = match count_bytes(payload).await {
        Ok(size) => size,
        Err(response) => return response,
    };
    let urn = format!("urn:li:video:D4E10AQ{number}");
    let answer = {
        let mut state = shared.lock();
        let Some(media) = state.posts.linkedin_media.get_mut(&urn) else {
            return error(StatusCode::NOT_FOUND, Some("NOT_FOUND"), None);
        };
        let Some((first, last)) = media.parts.get(part).copied() else {
            return error(StatusCode::NOT_FOUND, Some("NOT_FOUND"), None);
        };
        if size != last - first + 1 {
            return bad(
                "INVALID_VALUE_FOR_FIELD",
                &format!("part {part} must be {} bytes", last - first + 1),
            );
        }
        let etag = format!("/ambry-video/sim-{number}-{part}");
        media.etags.insert(part, etag.clone());
        let mut response = HttpResponse::Ok().finish();
        super::set_header(response.headers_mut(), "etag", &etag);
        response
    };
    faults::leave(fault, PLATFORM, answer)
}

async fn video_status(
    req: HttpRequest,
    path: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    if let Err(response) = rest_access(&req, &shared) {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::LinkedinMediaStatus, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let urn = decode_urn(&path.into_inner());
    let answer = {
        let mut state = shared.lock();
        let Some(media) = state
            .posts
            .linkedin_media
            .get_mut(&urn)
            .filter(|m| m.kind == MediaKind::Video)
        else {
            return error(
                StatusCode::NOT_FOUND,
                Some("NOT_FOUND"),
                Some(&format!("{urn} does not exist")),
            );
        };
        let status = match media.status {
            MediaStatus::WaitingUpload => "WAITING_UPLOAD",
            MediaStatus::Processing(0) => {
                media.status = MediaStatus::Available;
                "AVAILABLE"
            }
            MediaStatus::Processing(left) => {
                media.status = MediaStatus::Processing(left - 1);
                "PROCESSING"
            }
            MediaStatus::Available => "AVAILABLE",
        };
        json(
            StatusCode::OK,
            json!({
                "id": urn,
                "owner": media.owner,
                "status": status,
                "duration": 5000,
                "aspectRatioWidth": 16.0,
                "aspectRatioHeight": 9.0,
            }),
        )
    };
    faults::leave(fault, PLATFORM, answer)
}

/// An image's status: `WAITING_UPLOAD` until its `PUT`, then `AVAILABLE`. Readable with an
/// organization or read scope only: a member's `w_member_social` token is refused.
async fn image_status(
    req: HttpRequest,
    path: web::Path<String>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let access = match rest_access(&req, &shared) {
        Ok(access) => access,
        Err(response) => return response,
    };
    let readable = [
        "r_organization_social",
        "w_organization_social",
        "rw_organization_admin",
        "r_member_social",
    ]
    .iter()
    .any(|s| access.has_scope(s));
    if !readable {
        return error(
            StatusCode::FORBIDDEN,
            Some("ACCESS_DENIED"),
            Some("Accessing this image resource is forbidden"),
        );
    }
    let fault = match faults::enter(&shared, PublishEndpoint::LinkedinMediaStatus, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let urn = decode_urn(&path.into_inner());
    let answer = {
        let state = shared.lock();
        let Some(media) = state
            .posts
            .linkedin_media
            .get(&urn)
            .filter(|m| m.kind == MediaKind::Image)
        else {
            return error(
                StatusCode::NOT_FOUND,
                Some("NOT_FOUND"),
                Some(&format!("{urn} does not exist")),
            );
        };
        let status = match media.status {
            MediaStatus::Available => "AVAILABLE",
            MediaStatus::Processing(_) => "PROCESSING",
            MediaStatus::WaitingUpload => "WAITING_UPLOAD",
        };
        json(
            StatusCode::OK,
            json!({"id": urn, "owner": media.owner, "status": status}),
        )
    };
    faults::leave(fault, PLATFORM, answer)
}

async fn sample_pdf(req: HttpRequest) -> HttpResponse {
    let total = SAMPLE_PDF.len() as u64;
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|raw| parse_range(raw, total));
    let (status, start, end) = match range {
        None => (StatusCode::OK, 0, total - 1),
        Some(Some((start, end))) => (StatusCode::PARTIAL_CONTENT, start, end),
        Some(None) => {
            return HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{total}")))
                .finish();
        }
    };
    let mut response = HttpResponse::build(status);
    response
        .content_type("application/pdf")
        .insert_header((header::ACCEPT_RANGES, "bytes"));
    if status == StatusCode::PARTIAL_CONTENT {
        response.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {start}-{end}/{total}"),
        ));
    }
    let body = SAMPLE_PDF
        .get(start as usize..=end as usize)
        .unwrap_or_default();
    response.body(body)
}
