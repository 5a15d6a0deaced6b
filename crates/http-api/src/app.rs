use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, Error, web};

use crate::body_deadline::body_deadline;
use crate::complete_writes::complete_writes;

use crate::error_handlers::{
    envelope_everything, json_config, path_config, query_config, route_not_found,
};
use crate::request_id::request_id;
use crate::{ApiState, routes};

/// The whole application: health probes at the root, the API under `/api/v1`, one error
/// envelope for everything, the security headers on every response. Called once per actix
/// worker with a clone of the same state.
pub fn build_app(
    state: web::Data<ApiState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(json_config())
        .app_data(query_config())
        .app_data(path_config())
        .wrap(from_fn(complete_writes))
        .wrap(envelope_everything())
        .wrap(from_fn(body_deadline))
        .wrap(from_fn(request_id))
        .wrap(security_headers())
        .service(routes::probe("/healthz").route(web::get().to(routes::healthz)))
        .service(routes::probe("/readyz").route(web::get().to(routes::readyz)))
        .service(routes::probe("/metrics").route(web::get().to(routes::metrics)))
        .service(web::scope("/api/v1").configure(routes::api_v1))
        .default_service(web::to(route_not_found))
}

/// Answers carry user data and bearer-protected state: no cache may keep them, no browser may
/// sniff them into something executable, no link may leak their URL. A handler that sets its
/// own `Cache-Control` (the public OpenAPI document and rules catalog) keeps it.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CACHE_CONTROL, "no-store"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
}
