//! Facebook Page publishing on the Graph API: `POST /{page-id}/feed` (message, link,
//! `attached_media`), `POST /{page-id}/photos` (`url`, `caption`, `published`), `GET
//! /{page-id}/published_posts` (and `/feed`), `GET /{post-id}` (`permalink_url`...). Posting
//! needs the Page's own token, as on Graph. Bodies may be forms or JSON.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
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
) -> HttpResponse {
    let fields = fields(req, &[]);
    if let Err(response) = page_access(req, &fields, shared, page_id) {
        return response;
    }
    let fault = match faults::enter(
        shared,
        PublishEndpoint::FacebookPublishedPosts,
        Some(page_id),
    )
    .await
    {
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
        wanted = vec!["created_time".into(), "message".into()];
    }
    let keep = |p: &SimPost| {
        let at = p.created_at.unix_timestamp();
        since.is_none_or(|s| at >= s) && until.is_none_or(|u| at <= u)
    };
    let listed = {
        let state = shared.lock();
        state
            .posts
            .page_of(PLATFORM, page_id, after.as_deref(), limit, keep)
            .map(|(page, more)| {
                let data: Vec<Value> = page
                    .iter()
                    .map(|p| select_fields(&post_json(p), &wanted, &["id"]))
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
                shared.url_for(&format!("facebook/api/{version}/{page_id}/published_posts"));
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
