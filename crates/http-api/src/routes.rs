mod connect;
mod connections;
mod health;
mod jobs;
mod openapi;
mod validation;

use actix_web::web;

pub use health::{healthz, readyz};
pub use openapi::OPENAPI_JSON;

/// Parses a path id into its newtype; a malformed id names a resource that cannot exist.
pub(crate) fn parse_id<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T, crate::ApiError> {
    raw.parse().map_err(|_| {
        crate::ApiError::not_found(format_args!(
            "{what} `{}`",
            raw.chars().take(64).collect::<String>()
        ))
    })
}

/// The versioned API, mounted under `/api/v1`.
pub fn api_v1(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/connect/{platform}").route(web::get().to(connect::start)))
        .service(
            web::resource("/connect/{platform}/callback").route(web::get().to(connect::callback)),
        )
        .service(web::resource("/connections").route(web::get().to(connections::list)))
        .service(
            web::resource("/connections/{id}")
                .route(web::get().to(connections::get))
                .route(web::delete().to(connections::delete)),
        )
        .service(
            web::resource("/connections/{id}/refresh").route(web::post().to(connections::refresh)),
        )
        .service(web::resource("/jobs").route(web::get().to(jobs::list)))
        .service(
            web::resource("/jobs/{id}")
                .route(web::get().to(jobs::get))
                .route(web::patch().to(jobs::reschedule)),
        )
        .service(web::resource("/jobs/{id}/attempts").route(web::get().to(jobs::attempts)))
        .service(web::resource("/jobs/{id}/cancel").route(web::post().to(jobs::cancel)))
        .service(web::resource("/validate").route(web::post().to(validation::validate)))
        .service(web::resource("/platforms").route(web::get().to(validation::platforms)))
        .service(
            web::resource("/platforms/{platform}/rules").route(web::get().to(validation::rules)),
        )
        .service(web::resource("/openapi.json").route(web::get().to(openapi::openapi)));
}
