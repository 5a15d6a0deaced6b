//! The simulator's own admin API under `/_sim/`: knobs, reset, state, consent answers, index.

use actix_web::http::StatusCode;
use std::str::FromStr as _;

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;

use crate::consent;
use crate::knobs::KnobSettings;
use crate::oauth::Params;
use crate::platforms::json;
use crate::posts::duplicate_count;
use crate::seed;
use crate::server::platform_urls;
use crate::state::Shared;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/_sim/knobs", web::post().to(set_knobs))
        .route("/_sim/reset", web::post().to(reset))
        .route("/_sim/state", web::get().to(state))
        .route("/_sim/posts", web::get().to(posts))
        .route("/_sim/faults", web::get().to(faults))
        .route("/_sim/consent/{id}", web::post().to(consent::decide))
        .route("/_sim", web::get().to(index))
        .route("/_sim/", web::get().to(index))
        .route("/", web::get().to(index));
}

fn snapshot(shared: &Shared) -> HttpResponse {
    let snapshot = shared.lock().snapshot();
    HttpResponse::Ok().json(snapshot)
}

async fn set_knobs(body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let settings: KnobSettings = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => {
            return json(
                StatusCode::BAD_REQUEST,
                json!({"error": "invalid_knobs", "message": e.to_string()}),
            );
        }
    };
    if let Err(e) = shared.lock().apply_knobs(&settings) {
        return json(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_knobs", "message": e.0}),
        );
    }
    tracing::info!(?settings, "simulator knobs changed");
    snapshot(&shared)
}

async fn reset(shared: web::Data<Shared>) -> HttpResponse {
    shared.lock().reset();
    tracing::info!("simulator state reset");
    snapshot(&shared)
}

async fn state(shared: web::Data<Shared>) -> HttpResponse {
    snapshot(&shared)
}

/// `GET /_sim/posts[?platform=x]`: every accepted post, with the count and how many repeat
/// an earlier one exactly.
async fn posts(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let platform = match Params::from_query(&req).get("platform") {
        Some(raw) => match Platform::from_str(raw) {
            Ok(platform) => Some(platform),
            Err(_) => {
                return json(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "invalid_platform", "message": format!("unknown platform `{raw}`")}),
                );
            }
        },
        None => None,
    };
    let posts = shared.lock().posts_of(platform);
    HttpResponse::Ok().json(json!({
        "count": posts.len(),
        "duplicates": duplicate_count(&posts),
        "posts": posts,
    }))
}

/// `GET /_sim/faults`: the fault knobs of the publishing endpoints.
async fn faults(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(shared.lock().faults.snapshot())
}

/// What a person (or a script) needs to point Socialpub at the simulator.
async fn index(shared: web::Data<Shared>) -> HttpResponse {
    let config = shared.lock().config.clone();
    let platforms: serde_json::Map<String, Value> = Platform::ALL
        .iter()
        .map(|p| {
            let urls = platform_urls(&shared.base_url, *p);
            let app = config.app(*p);
            (
                p.as_str().to_owned(),
                json!({
                    "oauth_base": urls.oauth_base.as_str(),
                    "api_base": urls.api_base.as_str(),
                    "token_base": urls.token_base.as_ref().map(url::Url::as_str),
                    "client_id": app.client_id,
                    "client_secret": app.client_secret,
                }),
            )
        })
        .collect();
    HttpResponse::Ok().json(json!({
        "simulator": "socialpub-platform-sim",
        "base_url": shared.base_url.as_str(),
        "admin": {
            "knobs": "POST /_sim/knobs",
            "reset": "POST /_sim/reset",
            "state": "GET /_sim/state",
            "posts": "GET /_sim/posts",
            "faults": "GET /_sim/faults",
        },
        "platforms": platforms,
        "sample_media": crate::media::SampleMedia::ALL.iter().map(|m| shared.url_for(m.path()).to_string()).collect::<Vec<_>>(),
        "accounts": {
            "x": {"id": seed::x::USER_ID, "username": seed::x::USERNAME},
            "pinterest": {"id": seed::pinterest::USER_ID, "username": seed::pinterest::USERNAME},
            "tiktok": {"open_id": seed::tiktok::OPEN_ID, "display_name": seed::tiktok::DISPLAY_NAME},
            "facebook": {"user_id": seed::facebook::USER_ID, "pages": seed::facebook::PAGES.iter().map(|p| json!({"id": p.0, "name": p.1})).collect::<Vec<_>>()},
            "instagram": {"user_id": seed::instagram::IG_USER_ID, "username": seed::instagram::USERNAME},
            "linkedin": {"sub": seed::linkedin::SUB, "organization_id": seed::linkedin::ORGANIZATION_ID},
        },
    }))
}
