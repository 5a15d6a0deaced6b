//! Instagram content publishing, on the Instagram Login host (`/instagram/api`, Instagram
//! tokens) and on the Facebook host (`/facebook/api`, Facebook Login: a user token with
//! `instagram_content_publish`, or the token of the Page the account is linked to):
//! `POST /{ig-user-id}/media` (containers: image, `REELS`, `STORIES`, carousel items and
//! `CAROUSEL`), `GET /{container-id}?fields=status_code,status`, `POST
//! /{ig-user-id}/media_publish` (the commit), `GET /{media-id}`, `GET /{ig-user-id}/media` and
//! `/stories` (listing, cursor paging, `since`/`until`) and `GET
//! /{ig-user-id}/content_publishing_limit`.
//!
//! As Instagram: image containers are `FINISHED` at once, video containers are `IN_PROGRESS`
//! for [`VIDEO_PROCESSING_SECONDS`] of the simulator's clock, a video whose file is not MP4 or
//! MOV ends in `ERROR` with subcode 2207026, a PNG/WebP/GIF image is refused (36001/2207005),
//! containers expire after 24 hours, a container is published once, and the rolling 24-hour
//! quota (50 by default; `POST /_sim/instagram/publishing_quota {"quota_total": n}`) refuses
//! publishing past it with 9/2207042. Captions are read back on the Facebook host only, as
//! Instagram Login has no `caption` read-back.

use std::collections::HashMap;

use actix_web::guard::{self, GuardContext};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value, json};
use socialpub_domain::Platform;
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

use super::facebook::{decode_cursor, encode_cursor, graph_error, graph_token, token_error};
use super::{field_names, json, select_fields};
use crate::faults::{self, PublishEndpoint};
use crate::oauth::{AccessInfo, Flavor, Params, is_form};
use crate::posts::SimPost;
use crate::seed;
use crate::state::Shared;

const PLATFORM: Platform = Platform::Instagram;
/// How long a video container stays `IN_PROGRESS`, on the simulator's clock.
pub const VIDEO_PROCESSING_SECONDS: i64 = 20;
/// Containers not published within this long expire.
const CONTAINER_LIFETIME: Duration = Duration::hours(24);
const CAPTION_LIMIT: usize = 2200;
const QUOTA_DURATION_SECONDS: i64 = 86_400;
const DEFAULT_QUOTA_TOTAL: u64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ContainerKind {
    Image,
    Reel,
    StoryImage,
    StoryVideo,
    ItemImage,
    ItemVideo,
    Carousel,
}

impl ContainerKind {
    fn is_video(self) -> bool {
        matches!(
            self,
            ContainerKind::Reel | ContainerKind::StoryVideo | ContainerKind::ItemVideo
        )
    }

    fn is_item(self) -> bool {
        matches!(self, ContainerKind::ItemImage | ContainerKind::ItemVideo)
    }

    fn is_story(self) -> bool {
        matches!(self, ContainerKind::StoryImage | ContainerKind::StoryVideo)
    }

    /// `media_type` of the published media.
    fn media_type(self) -> &'static str {
        match self {
            ContainerKind::Carousel => "CAROUSEL_ALBUM",
            kind if kind.is_video() => "VIDEO",
            _ => "IMAGE",
        }
    }

    fn product_type(self) -> &'static str {
        match self {
            ContainerKind::Reel => "REELS",
            kind if kind.is_story() => "STORY",
            _ => "FEED",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Container {
    account: String,
    kind: ContainerKind,
    caption: String,
    /// The files Instagram would fetch (the children's, for a carousel).
    urls: Vec<String>,
    /// Why processing fails (a video Instagram cannot read), as its error subcode.
    fails_with: Option<i64>,
    created_at: OffsetDateTime,
    /// The media id once published.
    published: Option<String>,
    /// Everything else that was sent, as sent.
    options: Map<String, Value>,
}

#[derive(Debug, Clone)]
struct Media {
    kind: ContainerKind,
    shortcode: String,
}

/// Instagram's containers and published media, inside the simulator's post store.
#[derive(Debug, Default)]
pub(crate) struct InstagramStore {
    containers: HashMap<String, Container>,
    media: HashMap<String, Media>,
    /// `None` is the default quota.
    quota_total: Option<u64>,
}

impl InstagramStore {
    fn quota_total(&self) -> u64 {
        self.quota_total.unwrap_or(DEFAULT_QUOTA_TOTAL)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    InProgress,
    Finished,
    Published,
    Error(i64),
    Expired,
}

impl Container {
    fn status(&self, now: OffsetDateTime) -> Status {
        if self.published.is_some() {
            return Status::Published;
        }
        if now - self.created_at > CONTAINER_LIFETIME {
            return Status::Expired;
        }
        let processed = !self.kind.is_video()
            || now - self.created_at >= Duration::seconds(VIDEO_PROCESSING_SECONDS);
        match (processed, self.fails_with) {
            (false, _) => Status::InProgress,
            (true, Some(subcode)) => Status::Error(subcode),
            (true, None) => Status::Finished,
        }
    }
}

/// Which Graph host a request came to: the Instagram Login host (Instagram User tokens) or
/// the Facebook host (Facebook Login: a user token or the linked Page's token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host {
    Instagram,
    Facebook,
}

impl Host {
    const fn prefix(self) -> &'static str {
        match self {
            Host::Instagram => "instagram",
            Host::Facebook => "facebook",
        }
    }

    /// Facebook Login reads captions and `media_product_type` back; Instagram Login does not.
    const fn reads_captions(self) -> bool {
        matches!(self, Host::Facebook)
    }

    /// The permission a write (`publish`) or a read needs on this host.
    const fn scope(self, publish: bool) -> &'static str {
        match (self, publish) {
            (Host::Instagram, true) => "instagram_business_content_publish",
            (Host::Instagram, false) => "instagram_business_basic",
            (Host::Facebook, true) => "instagram_content_publish",
            (Host::Facebook, false) => "instagram_basic",
        }
    }
}

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    for host in [Host::Instagram, Host::Facebook] {
        let at = |tail: &str| format!("/{}/api/{{version}}/{tail}", host.prefix());
        let data = web::Data::new(host);
        cfg.service(
            web::resource(at("{account}/media"))
                .guard(guard::Post())
                .app_data(data.clone())
                .route(web::post().to(create_container)),
        )
        .service(
            web::resource(at("{account}/media"))
                .guard(guard::Get())
                .app_data(data.clone())
                .route(web::get().to(list_media)),
        )
        .service(
            web::resource(at("{account}/stories"))
                .guard(guard::Get())
                .app_data(data.clone())
                .route(web::get().to(list_stories)),
        )
        .service(
            web::resource(at("{account}/media_publish"))
                .guard(guard::Post())
                .app_data(data.clone())
                .route(web::post().to(media_publish)),
        )
        .service(
            web::resource(at("{account}/content_publishing_limit"))
                .guard(guard::Get())
                .app_data(data.clone())
                .route(web::get().to(publishing_limit)),
        )
        .service(
            web::resource(at("{node}"))
                .guard(guard::Get())
                .guard(guard::fn_guard(is_publishing_node))
                .app_data(data)
                .route(web::get().to(node)),
        );
    }
    cfg.route(
        "/_sim/instagram/publishing_quota",
        web::post().to(set_quota),
    )
    .route("/_sim/instagram/containers", web::get().to(containers));
}

/// `GET /{node}` is ours when the node is a container or a media the simulator made; the
/// account's own node (`/me`, `/{ig-user-id}`) stays with the account handler.
fn is_publishing_node(ctx: &GuardContext<'_>) -> bool {
    let Some(shared) = ctx.app_data::<web::Data<Shared>>() else {
        return false;
    };
    let path = ctx.head().uri.path();
    let Some(node) = path.trim_end_matches('/').rsplit('/').next() else {
        return false;
    };
    let state = shared.lock();
    state.posts.instagram.containers.contains_key(node)
        || state.posts.instagram.media.contains_key(node)
}

fn bad(code: i64, subcode: Option<i64>, message: &str) -> HttpResponse {
    graph_error(StatusCode::BAD_REQUEST, code, subcode, message)
}

fn graph_time(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]+0000"
    ))
    .unwrap_or_default()
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
    if !is_form(req)
        && let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body)
    {
        out.extend(object);
    }
    out
}

fn text(fields: &Map<String, Value>, name: &str) -> Option<String> {
    match fields.get(name)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn flag(fields: &Map<String, Value>, name: &str) -> Result<Option<bool>, HttpResponse> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" => Ok(Some(true)),
        Some(Value::String(s)) if s == "false" => Ok(Some(false)),
        Some(_) => Err(bad(
            100,
            None,
            &format!("(#100) Param {name} must be a boolean"),
        )),
    }
}

/// The token must be good for the account `account` (`me` or its id) on `host`: an Instagram
/// token with the Instagram Login permission, or a Facebook token with the Facebook Login one
/// (a Page token only for the Page the account is linked to).
fn access(
    req: &HttpRequest,
    fields: &Map<String, Value>,
    shared: &Shared,
    host: Host,
    account: &str,
    publish: bool,
) -> Result<AccessInfo, HttpResponse> {
    let token = fields
        .get("access_token")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| graph_token(req, &Params::default()));
    let platform = match host {
        Host::Instagram => PLATFORM,
        Host::Facebook => Platform::Facebook,
    };
    let state = shared.lock();
    let now = state.now();
    let access = state
        .check_access(platform, token.as_deref())
        .map_err(|e| token_error(e, now, &state.config.app(platform).client_id))?;
    let known =
        account == seed::instagram::IG_USER_ID || (account == "me" && host == Host::Instagram);
    if !known {
        return Err(bad(
            100,
            Some(33),
            &format!(
                "Unsupported request - method type: get. Object with ID '{account}' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
            ),
        ));
    }
    if let Flavor::FacebookPage(page) = &access.flavor
        && page != seed::facebook::PAGES[0].0
    {
        return Err(bad(
            200,
            None,
            "(#200) The Page of this token is not linked to the Instagram account",
        ));
    }
    if !access.has_scope(host.scope(publish)) {
        return Err(bad(
            10,
            None,
            "(#10) Application does not have permission for this action",
        ));
    }
    Ok(access)
}

fn path_of(url: &str) -> String {
    url.split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn is_http_url(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// Instagram fetches images itself and refuses what is not JPEG.
fn check_image(url: &str) -> Result<(), HttpResponse> {
    if !is_http_url(url) {
        return Err(bad(
            9004,
            Some(2_207_052),
            "The media could not be fetched from this uri",
        ));
    }
    let path = path_of(url);
    if [".png", ".webp", ".gif", ".heic"]
        .iter()
        .any(|ext| path.ends_with(ext))
    {
        return Err(bad(
            36001,
            Some(2_207_005),
            "The image format is not supported. Supported formats are: JPEG",
        ));
    }
    Ok(())
}

/// A video's URL: fetchable, and (processed later) MP4 or MOV.
fn check_video(url: &str) -> Result<Option<i64>, HttpResponse> {
    if !is_http_url(url) {
        return Err(bad(
            9004,
            Some(2_207_052),
            "The media could not be fetched from this uri",
        ));
    }
    let path = path_of(url);
    let readable = [".mp4", ".mov"].iter().any(|ext| path.ends_with(ext));
    Ok((!readable).then_some(2_207_026))
}

struct Made {
    kind: ContainerKind,
    urls: Vec<String>,
    fails_with: Option<i64>,
}

/// What `POST /{ig-user-id}/media` was asked to make, checked as Instagram checks it.
fn container_from(
    fields: &Map<String, Value>,
    shared: &Shared,
    account: &str,
) -> Result<Made, HttpResponse> {
    let media_type = text(fields, "media_type").map(|t| t.to_ascii_uppercase());
    let item = flag(fields, "is_carousel_item")?.unwrap_or(false);
    let image_url = text(fields, "image_url");
    let video_url = text(fields, "video_url");
    flag(fields, "share_to_feed")?;
    if let Some(offset) = fields.get("thumb_offset")
        && !(offset.is_u64() || offset.as_str().is_some_and(|s| s.parse::<u64>().is_ok()))
    {
        return Err(bad(1, Some(2_207_057), "The thumbnail offset is invalid"));
    }
    if let Some(cover) = text(fields, "cover_url") {
        check_image(&cover)?;
    }
    if let Some(Value::Array(list)) = fields.get("collaborators")
        && list.len() > 3
    {
        return Err(bad(
            100,
            None,
            "(#100) At most 3 collaborators can be invited",
        ));
    }
    let one_file =
        |kind_image: ContainerKind, kind_video: ContainerKind| match (&image_url, &video_url) {
            (Some(image), None) => {
                check_image(image)?;
                Ok(Made {
                    kind: kind_image,
                    urls: vec![image.clone()],
                    fails_with: None,
                })
            }
            (None, Some(video)) => Ok(Made {
                kind: kind_video,
                fails_with: check_video(video)?,
                urls: vec![video.clone()],
            }),
            _ => Err(bad(
                100,
                None,
                "(#100) Exactly one of image_url and video_url is required",
            )),
        };
    match (media_type.as_deref(), item) {
        (None, false) => match (&image_url, &video_url) {
            (Some(image), None) => {
                check_image(image)?;
                Ok(Made {
                    kind: ContainerKind::Image,
                    urls: vec![image.clone()],
                    fails_with: None,
                })
            }
            (None, Some(_)) => Err(bad(
                100,
                None,
                "(#100) The parameter media_type is required with video_url: use REELS",
            )),
            _ => Err(bad(
                100,
                None,
                "(#100) The parameter image_url is required.",
            )),
        },
        (None, true) => match (&image_url, &video_url) {
            (Some(image), None) => {
                check_image(image)?;
                Ok(Made {
                    kind: ContainerKind::ItemImage,
                    urls: vec![image.clone()],
                    fails_with: None,
                })
            }
            _ => Err(bad(
                100,
                None,
                "(#100) An image carousel item needs image_url; a video one needs media_type=VIDEO",
            )),
        },
        (Some("VIDEO"), true) => match &video_url {
            Some(video) => Ok(Made {
                kind: ContainerKind::ItemVideo,
                fails_with: check_video(video)?,
                urls: vec![video.clone()],
            }),
            None => Err(bad(
                100,
                None,
                "(#100) The parameter video_url is required.",
            )),
        },
        (Some("VIDEO"), false) => Err(bad(
            100,
            None,
            "(#100) The VIDEO media type is no longer supported for feed posts: use REELS",
        )),
        (Some("REELS"), false) => match &video_url {
            Some(video) => Ok(Made {
                kind: ContainerKind::Reel,
                fails_with: check_video(video)?,
                urls: vec![video.clone()],
            }),
            None => Err(bad(
                100,
                None,
                "(#100) The parameter video_url is required.",
            )),
        },
        (Some("STORIES"), false) => one_file(ContainerKind::StoryImage, ContainerKind::StoryVideo),
        (Some("CAROUSEL"), false) => carousel(fields, shared, account),
        (Some(other), true) => Err(bad(
            100,
            None,
            &format!("(#100) media_type {other} cannot be a carousel item"),
        )),
        (Some(other), false) => Err(bad(
            100,
            None,
            &format!(
                "(#100) Param media_type must be one of {{REELS, STORIES, CAROUSEL, VIDEO}}, got {other}"
            ),
        )),
    }
}

/// `children`: 2 to 10 finished carousel items of the account, comma-separated or a list.
fn carousel(
    fields: &Map<String, Value>,
    shared: &Shared,
    account: &str,
) -> Result<Made, HttpResponse> {
    let children: Vec<String> = match fields.get("children") {
        Some(Value::String(list)) => list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    if !(2..=10).contains(&children.len()) {
        return Err(bad(
            100,
            Some(2_207_028),
            "The carousel is invalid: it needs 2 to 10 children",
        ));
    }
    let state = shared.lock();
    let now = state.now();
    let mut urls = Vec::new();
    for id in &children {
        let Some(child) = state.posts.instagram.containers.get(id) else {
            return Err(bad(
                100,
                Some(2_207_028),
                &format!("The carousel is invalid: {id} is not a container"),
            ));
        };
        if child.account != account_id(account) || !child.kind.is_item() {
            return Err(bad(
                100,
                Some(2_207_028),
                &format!("The carousel is invalid: {id} is not a carousel item of this account"),
            ));
        }
        if child.status(now) != Status::Finished {
            return Err(bad(
                9007,
                Some(2_207_027),
                "The media is not ready for publishing, please wait for a moment",
            ));
        }
        urls.extend(child.urls.iter().cloned());
    }
    Ok(Made {
        kind: ContainerKind::Carousel,
        urls,
        fails_with: None,
    })
}

fn account_id(account: &str) -> String {
    if account == "me" {
        seed::instagram::IG_USER_ID.to_owned()
    } else {
        account.to_owned()
    }
}

/// `POST /{ig-user-id}/media`.
async fn create_container(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
    shared: web::Data<Shared>,
    host: web::Data<Host>,
) -> HttpResponse {
    let (_, account) = path.into_inner();
    let fields = fields(&req, &body);
    if let Err(response) = access(&req, &fields, &shared, **host, &account, true) {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::InstagramCreateContainer, None).await
    {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let caption = text(&fields, "caption").unwrap_or_default();
    if caption.chars().count() > CAPTION_LIMIT {
        return bad(36004, Some(2_207_010), "The caption is too long");
    }
    let made = match container_from(&fields, &shared, &account) {
        Ok(made) => made,
        Err(response) => return response,
    };
    let mut options = fields.clone();
    for sent in ["access_token", "caption", "image_url", "video_url"] {
        options.remove(sent);
    }
    let id = {
        let mut state = shared.lock();
        let id = state.posts.next_id(PLATFORM);
        let created_at = state.now();
        state.posts.instagram.containers.insert(
            id.clone(),
            Container {
                account: account_id(&account),
                kind: made.kind,
                caption,
                urls: made.urls,
                fails_with: made.fails_with,
                created_at,
                published: None,
                options,
            },
        );
        id
    };
    faults::leave(fault, PLATFORM, json(StatusCode::OK, json!({ "id": id })))
}

fn usage(state: &crate::state::SimState, account: &str, now: OffsetDateTime) -> u64 {
    let since = now - Duration::seconds(QUOTA_DURATION_SECONDS);
    state
        .posts
        .posts
        .iter()
        .filter(|p| p.platform == PLATFORM && p.account_id == account && p.created_at > since)
        .count() as u64
}

fn shortcode(id: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut n: u64 = id.parse().unwrap_or(0);
    let mut out = Vec::new();
    while n > 0 {
        out.push(ALPHABET[(n % 64) as usize]);
        n /= 64;
    }
    out.reverse();
    format!("C{}", String::from_utf8(out).unwrap_or_default())
}

fn permalink(kind: ContainerKind, media_id: &str, shortcode: &str) -> String {
    match kind {
        ContainerKind::Reel => format!("https://www.instagram.com/reel/{shortcode}/"),
        kind if kind.is_story() => format!(
            "https://www.instagram.com/stories/{}/{media_id}/",
            seed::instagram::USERNAME
        ),
        _ => format!("https://www.instagram.com/p/{shortcode}/"),
    }
}

/// `POST /{ig-user-id}/media_publish?creation_id=...`: the commit.
async fn media_publish(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
    shared: web::Data<Shared>,
    host: web::Data<Host>,
) -> HttpResponse {
    let (_, account) = path.into_inner();
    let account = account_id(&account);
    let fields = fields(&req, &body);
    if let Err(response) = access(&req, &fields, &shared, **host, &account, true) {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::InstagramMediaPublish, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let Some(creation_id) = text(&fields, "creation_id") else {
        return bad(100, None, "(#100) The parameter creation_id is required.");
    };
    let mut state = shared.lock();
    let now = state.now();
    let Some(container) = state
        .posts
        .instagram
        .containers
        .get(&creation_id)
        .filter(|c| c.account == account)
        .cloned()
    else {
        return bad(24, Some(2_207_008), "Media builder not found or expired");
    };
    if container.kind.is_item() {
        return bad(
            100,
            None,
            "(#100) A carousel item cannot be published on its own",
        );
    }
    match container.status(now) {
        Status::Finished => {}
        Status::InProgress => {
            return bad(
                9007,
                Some(2_207_027),
                "The media is not ready for publishing, please wait for a moment",
            );
        }
        Status::Published => {
            return bad(
                100,
                None,
                "(#100) This media container has already been published",
            );
        }
        Status::Error(_) | Status::Expired => {
            return bad(24, Some(2_207_008), "Media builder not found or expired");
        }
    }
    if usage(&state, &account, now) >= state.posts.instagram.quota_total() {
        return graph_error(
            StatusCode::BAD_REQUEST,
            9,
            Some(2_207_042),
            "(#9) Application request limit reached: you reached the maximum number of posts that can be published in 24 hours",
        );
    }
    let media_id = state.posts.next_id(PLATFORM);
    let code = shortcode(&media_id);
    let post = SimPost {
        platform: PLATFORM,
        account_id: account.clone(),
        url: permalink(container.kind, &media_id, &code),
        id: media_id.clone(),
        text: container.caption.clone(),
        media_ids: Vec::new(),
        link: None,
        photo_urls: container.urls.clone(),
        created_at: now,
    };
    // Instagram has no duplicate-content refusal: the same media and caption publish again
    // (so `reject_duplicate_posts` does not apply here).
    state.store_post(post);
    state.posts.instagram.media.insert(
        media_id.clone(),
        Media {
            kind: container.kind,
            shortcode: code,
        },
    );
    if let Some(stored) = state.posts.instagram.containers.get_mut(&creation_id) {
        stored.published = Some(media_id.clone());
    }
    drop(state);
    faults::leave(
        fault,
        PLATFORM,
        json(StatusCode::OK, json!({ "id": media_id })),
    )
}

/// A published media as Graph shows it: with `caption` and `media_product_type` on the
/// Facebook host only (Instagram Login reads neither back).
fn media_json(post: &SimPost, media: &Media, host: Host) -> Value {
    let mut object = json!({
        "id": post.id,
        "media_type": media.kind.media_type(),
        "permalink": post.url,
        "shortcode": media.shortcode,
        "timestamp": graph_time(post.created_at),
        "username": seed::instagram::USERNAME,
    });
    if host.reads_captions() {
        object["caption"] = json!(post.text);
        object["media_product_type"] = json!(media.kind.product_type());
    }
    object
}

/// `GET /{container-id}` or `GET /{media-id}`.
async fn node(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    shared: web::Data<Shared>,
    host: web::Data<Host>,
) -> HttpResponse {
    let (_, node) = path.into_inner();
    let fields = fields(&req, &[]);
    let host = **host;
    if let Err(response) = access(
        &req,
        &fields,
        &shared,
        host,
        seed::instagram::IG_USER_ID,
        false,
    ) {
        return response;
    }
    let (endpoint, container) = {
        let state = shared.lock();
        let container = state.posts.instagram.containers.get(&node).cloned();
        let endpoint = if container.is_some() {
            PublishEndpoint::InstagramContainerStatus
        } else {
            PublishEndpoint::InstagramMedia
        };
        (endpoint, container)
    };
    let fault = match faults::enter(&shared, endpoint, None).await {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let wanted = field_names(text(&fields, "fields").as_deref());
    let state = shared.lock();
    let full = if let Some(container) = container {
        let (code, status) = match container.status(state.now()) {
            Status::InProgress => ("IN_PROGRESS", "In Progress".to_owned()),
            Status::Finished => ("FINISHED", "Finished".to_owned()),
            Status::Published => ("PUBLISHED", "Published".to_owned()),
            Status::Expired => ("EXPIRED", "Expired".to_owned()),
            Status::Error(subcode) => (
                "ERROR",
                format!("Error: Media upload has failed with error code {subcode}"),
            ),
        };
        json!({"id": node, "status_code": code, "status": status})
    } else {
        match (
            state.posts.get(&node),
            state.posts.instagram.media.get(&node),
        ) {
            (Some(post), Some(media)) => media_json(post, media, host),
            _ => {
                return bad(
                    100,
                    Some(33),
                    "Unsupported get request. Object does not exist or cannot be loaded.",
                );
            }
        }
    };
    drop(state);
    let answer = if wanted.is_empty() {
        select_fields(&full, &[], &["id"])
    } else {
        select_fields(&full, &wanted, &["id"])
    };
    faults::leave(fault, PLATFORM, json(StatusCode::OK, answer))
}

async fn list_media(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    shared: web::Data<Shared>,
    host: web::Data<Host>,
) -> HttpResponse {
    let (version, account) = path.into_inner();
    listing(&req, &shared, **host, &version, &account, false).await
}

async fn list_stories(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    shared: web::Data<Shared>,
    host: web::Data<Host>,
) -> HttpResponse {
    let (version, account) = path.into_inner();
    listing(&req, &shared, **host, &version, &account, true).await
}

/// `GET /{ig-user-id}/media` (no stories) or `/stories` (the last 24 hours' stories), newest
/// first, `since`/`until` in Unix seconds (inclusive), cursor paging with `limit` and `after`.
async fn listing(
    req: &HttpRequest,
    shared: &Shared,
    host: Host,
    version: &str,
    account: &str,
    stories: bool,
) -> HttpResponse {
    let fields = fields(req, &[]);
    if let Err(response) = access(req, &fields, shared, host, account, false) {
        return response;
    }
    let account = account_id(account);
    let fault = match faults::enter(shared, PublishEndpoint::InstagramMedia, None).await {
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
            Some(id) => Some(id),
            None => return faults::leave(fault, PLATFORM, bad(100, None, "(#100) Invalid cursor")),
        },
    };
    let mut wanted = field_names(text(&fields, "fields").as_deref());
    if wanted.is_empty() {
        wanted = vec!["id".into()];
    }
    let state = shared.lock();
    let now = state.now();
    let store = &state.posts.instagram;
    let keep = |p: &SimPost| {
        let at = p.created_at.unix_timestamp();
        let is_story = store.media.get(&p.id).is_some_and(|m| m.kind.is_story());
        let live = !stories || now - p.created_at < Duration::hours(24);
        is_story == stories
            && live
            && since.is_none_or(|s| at >= s)
            && until.is_none_or(|u| at <= u)
    };
    let Some((page, more)) = state
        .posts
        .page_of(PLATFORM, &account, after.as_deref(), limit, keep)
    else {
        drop(state);
        return faults::leave(fault, PLATFORM, bad(100, None, "(#100) Invalid cursor"));
    };
    let data: Vec<Value> = page
        .iter()
        .filter_map(|p| {
            let media = store.media.get(&p.id)?;
            Some(select_fields(&media_json(p, media, host), &wanted, &["id"]))
        })
        .collect();
    let cursors = page
        .first()
        .zip(page.last())
        .map(|(first, last)| (encode_cursor(&first.id), encode_cursor(&last.id)));
    drop(state);
    let mut paging = json!({});
    if let Some((before, after)) = cursors {
        paging["cursors"] = json!({"before": before, "after": after});
        if more {
            let edge = if stories { "stories" } else { "media" };
            let mut next =
                shared.url_for(&format!("{}/api/{version}/{account}/{edge}", host.prefix()));
            {
                let mut query = next.query_pairs_mut();
                for name in ["fields", "since", "until"] {
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
    faults::leave(
        fault,
        PLATFORM,
        json(StatusCode::OK, json!({"data": data, "paging": paging})),
    )
}

/// `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`.
async fn publishing_limit(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    shared: web::Data<Shared>,
    host: web::Data<Host>,
) -> HttpResponse {
    let (_, account) = path.into_inner();
    let fields = fields(&req, &[]);
    if let Err(response) = access(&req, &fields, &shared, **host, &account, false) {
        return response;
    }
    let fault = match faults::enter(&shared, PublishEndpoint::InstagramPublishingLimit, None).await
    {
        Ok(fault) => fault,
        Err(response) => return response,
    };
    let wanted = field_names(text(&fields, "fields").as_deref());
    let entry = {
        let state = shared.lock();
        let used = usage(&state, &account_id(&account), state.now());
        let mut entry = json!({ "quota_usage": used });
        if wanted.iter().any(|f| f == "config") {
            entry["config"] = json!({
                "quota_total": state.posts.instagram.quota_total(),
                "quota_duration": QUOTA_DURATION_SECONDS,
            });
        }
        entry
    };
    faults::leave(
        fault,
        PLATFORM,
        json(StatusCode::OK, json!({ "data": [entry] })),
    )
}

/// `POST /_sim/instagram/publishing_quota {"quota_total": n}` (`null` restores 50).
async fn set_quota(body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let total = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(object)) => match object.get("quota_total") {
            Some(Value::Null) | None => None,
            Some(value) => match value.as_u64() {
                Some(n) => Some(n),
                None => {
                    return json(
                        StatusCode::BAD_REQUEST,
                        json!({"error": "invalid_knobs", "message": "quota_total must be a non-negative integer or null"}),
                    );
                }
            },
        },
        _ => {
            return json(
                StatusCode::BAD_REQUEST,
                json!({"error": "invalid_knobs", "message": "expected {\"quota_total\": n}"}),
            );
        }
    };
    let mut state = shared.lock();
    state.posts.instagram.quota_total = total;
    let quota_total = state.posts.instagram.quota_total();
    json(StatusCode::OK, json!({ "quota_total": quota_total }))
}

/// `GET /_sim/instagram/containers`: every container made, oldest first, with what was sent
/// for it, so tests can check the options that reached Instagram.
async fn containers(shared: web::Data<Shared>) -> HttpResponse {
    let state = shared.lock();
    let now = state.now();
    let mut list: Vec<(&String, &Container)> = state.posts.instagram.containers.iter().collect();
    list.sort_by_key(|(id, c)| (c.created_at, id.len(), (*id).clone()));
    let items: Vec<Value> = list
        .into_iter()
        .map(|(id, c)| {
            json!({
                "id": id,
                "account_id": c.account,
                "kind": format!("{:?}", c.kind).to_ascii_lowercase(),
                "media_type": c.kind.media_type(),
                "media_product_type": c.kind.product_type(),
                "caption": c.caption,
                "urls": c.urls,
                "status": format!("{:?}", c.status(now)).to_ascii_lowercase(),
                "published_media_id": c.published,
                "options": c.options,
            })
        })
        .collect();
    json(
        StatusCode::OK,
        json!({ "count": items.len(), "containers": items }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcodes_differ_per_media() {
        assert_ne!(shortcode("120000000000001"), shortcode("120000000000002"));
        assert!(shortcode("120000000000001").starts_with('C'));
    }
}
