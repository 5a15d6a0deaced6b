mod boards;
mod connect;
mod connections;
mod health;
mod insights;
mod jobs;
mod openapi;
mod publish;
mod validation;
mod webhooks;

use actix_web::web;

pub use health::{healthz, metrics, readyz};
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

/// A resource that answers other methods with 405 and the `Allow` header RFC 9110 asks for.
fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move || async move {
        Err::<actix_web::HttpResponse, _>(crate::ApiError::MethodNotAllowed { allow })
    }))
}

/// A health probe resource (GET only).
pub fn probe(path: &str) -> actix_web::Resource {
    resource(path, "GET")
}

/// The versioned API, mounted under `/api/v1`.
pub fn api_v1(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/connect/{platform}", "GET").route(web::get().to(connect::start)))
        .service(
            resource("/connect/{platform}/callback", "GET").route(web::get().to(connect::callback)),
        )
        .service(
            resource("/connect/{platform}/complete", "POST")
                .route(web::post().to(connect::complete)),
        )
        .service(resource("/connections", "GET").route(web::get().to(connections::list)))
        .service(
            resource("/connections/{id}", "GET, DELETE")
                .route(web::get().to(connections::get))
                .route(web::delete().to(connections::delete)),
        )
        .service(
            resource("/connections/{id}/refresh", "POST")
                .route(web::post().to(connections::refresh)),
        )
        .service(resource("/connections/{id}/boards", "GET").route(web::get().to(boards::list)))
        .service(resource("/publish", "POST").route(web::post().to(publish::publish)))
        .service(resource("/schedule", "POST").route(web::post().to(publish::schedule)))
        .service(resource("/posts", "POST").route(web::post().to(publish::create_post)))
        .service(resource("/posts/{id}", "GET").route(web::get().to(publish::get_post)))
        .service(resource("/posts/{id}/retry", "POST").route(web::post().to(publish::retry_post)))
        .service(resource("/jobs", "GET").route(web::get().to(jobs::list)))
        .service(
            resource("/jobs/{id}", "GET, PATCH")
                .route(web::get().to(jobs::get))
                .route(web::patch().to(jobs::patch)),
        )
        .service(resource("/jobs/{id}/status", "GET").route(web::get().to(jobs::get)))
        .service(resource("/jobs/{id}/attempts", "GET").route(web::get().to(jobs::attempts)))
        .service(resource("/jobs/{id}/cancel", "POST").route(web::post().to(jobs::cancel)))
        .service(resource("/jobs/{id}/retry", "POST").route(web::post().to(jobs::retry)))
        .service(resource("/jobs/{id}/resolve", "POST").route(web::post().to(jobs::resolve)))
        .service(resource("/validate", "POST").route(web::post().to(validation::validate)))
        .service(resource("/platforms", "GET").route(web::get().to(validation::platforms)))
        .service(
            resource("/platforms/{platform}/rules", "GET").route(web::get().to(validation::rules)),
        )
        .service(
            resource("/insights/{platform}/best-times", "GET")
                .route(web::get().to(insights::best_times)),
        )
        .service(
            resource("/insights/{platform}/hashtags", "POST")
                .route(web::post().to(insights::hashtags)),
        )
        .service(
            resource("/webhooks", "GET, POST")
                .route(web::get().to(webhooks::list))
                .route(web::post().to(webhooks::create)),
        )
        .service(
            resource("/webhooks/{id}", "GET, PATCH, DELETE")
                .route(web::get().to(webhooks::get))
                .route(web::patch().to(webhooks::patch))
                .route(web::delete().to(webhooks::delete)),
        )
        .service(
            resource("/webhooks/{id}/rotate-secret", "POST")
                .route(web::post().to(webhooks::rotate_secret)),
        )
        .service(resource("/webhooks/{id}/test", "POST").route(web::post().to(webhooks::test)))
        .service(
            resource("/webhooks/{id}/deliveries", "GET").route(web::get().to(webhooks::deliveries)),
        )
        .service(
            resource("/webhooks/deliveries/{id}/replay", "POST")
                .route(web::post().to(webhooks::replay)),
        )
        .service(resource("/openapi.json", "GET").route(web::get().to(openapi::openapi)));
}
