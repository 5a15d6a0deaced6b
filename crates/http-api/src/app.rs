use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, Error, web};

use crate::error_handlers::{
    envelope_everything, json_config, path_config, query_config, route_not_found,
};
use crate::request_id::request_id;
use crate::{ApiState, routes};

/// The whole application: health probes at the root, the API under `/api/v1`, one error
/// envelope for everything. Called once per actix worker with a clone of the same state.
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
        .wrap(envelope_everything())
        .wrap(from_fn(request_id))
        .service(routes::probe("/healthz").route(web::get().to(routes::healthz)))
        .service(routes::probe("/readyz").route(web::get().to(routes::readyz)))
        .service(routes::probe("/metrics").route(web::get().to(routes::metrics)))
        .service(web::scope("/api/v1").configure(routes::api_v1))
        .default_service(web::to(route_not_found))
}
