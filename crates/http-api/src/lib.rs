//! Socialpub's HTTP API. Handlers are thin: extract, parse into domain types, call one
//! application service, map the result. Every error leaves through [`ApiError`] as the one
//! envelope `{"code", "detail", "field"}`, including actix's own extractor and routing errors.

mod app;
mod current_user;
mod dto;
mod engine_metrics;
mod error;
mod error_handlers;
mod idempotency;
mod metrics;
mod query;
mod readiness;
mod request_id;
mod routes;
mod state;

pub use app::build_app;
pub use error::{ApiError, ErrorBody};
pub use idempotency::{IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER};
pub use metrics::{HttpMetrics, MetricsSource};
pub use readiness::ReadinessCheck;
pub use request_id::REQUEST_ID_HEADER;
pub use routes::OPENAPI_JSON;
pub use state::ApiState;
