use actix_web::HttpResponse;
use actix_web::http::header;

/// The API's OpenAPI 3.1 description, hand-written next to the routes it describes. Tests
/// check that every documented operation is routed and that every answer the HTTP and
/// end-to-end tests see matches it (`contract`, feature `test-support`, says how to add a
/// route).
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// `GET /openapi.json`: public, so clients and tools can fetch it without a token.
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(OPENAPI_JSON)
}
