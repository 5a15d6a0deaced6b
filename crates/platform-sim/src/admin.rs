//! The simulator's own admin API under `/_sim/`: knobs, reset, state, consent answers, index.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;

use crate::consent;
use crate::knobs::KnobSettings;
use crate::platforms::json;
use crate::seed;
use crate::server::platform_urls;
use crate::state::Shared;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/_sim/knobs", web::post().to(set_knobs))
        .route("/_sim/reset", web::post().to(reset))
        .route("/_sim/state", web::get().to(state))
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
        },
        "platforms": platforms,
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
