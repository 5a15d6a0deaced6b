//! Socialpub's HTTP API. Handlers are thin: extract, parse into domain types, call one
//! application service, map the result. Every error leaves through [`ApiError`] as the one
//! envelope `{"code", "detail", "field"}`, including actix's own extractor and routing errors;
//! its codes are the [`ErrorCode`] enum. `src/openapi.json` is the contract: the `contract`
//! module (feature `test-support`) checks every test's answers against it and says how to add
//! a route.

mod app;
mod body_deadline;
mod complete_writes;
#[cfg(feature = "test-support")]
pub mod contract;
mod current_user;
mod dto;
mod engine_metrics;
mod error;
mod error_code;
mod error_handlers;
mod idempotency;
mod metrics;
mod query;
mod readiness;
mod request_id;
mod routes;
mod state;

pub use app::build_app;
pub use body_deadline::{BODY_READ_TIMEOUT, BodyReadTimeout};
pub use error::{ApiError, ErrorBody};
pub use error_code::{ErrorCode, markdown_table as error_code_table};
pub use idempotency::{IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER};
pub use metrics::{HttpMetrics, MetricsSource};
pub use readiness::ReadinessCheck;
pub use request_id::REQUEST_ID_HEADER;
pub use routes::OPENAPI_JSON;
pub use state::{ApiState, ConnectCallback};
