use actix_web::test::TestRequest;

use crate::harness::*;

#[actix_web::test]
async fn a_request_id_is_generated_when_none_is_sent() {
    let world = World::default();
    let app = world.app().await;
    let (_, headers, _) = send(&app, TestRequest::get().uri("/healthz")).await;
    let id = headers.get("x-request-id").unwrap().to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

#[actix_web::test]
async fn a_sane_request_id_is_echoed_even_on_errors() {
    let world = World::default();
    let app = world.app().await;
    let req = TestRequest::get()
        .uri("/api/v1/jobs")
        .insert_header(("x-request-id", "trace-abc-123"));
    let (status, headers, _) = send(&app, req).await;
    assert_eq!(status, 401);
    assert_eq!(headers.get("x-request-id").unwrap(), "trace-abc-123");
}

#[actix_web::test]
async fn an_unsafe_request_id_is_replaced() {
    let world = World::default();
    let app = world.app().await;
    let long = "a".repeat(500);
    let req = TestRequest::get()
        .uri("/healthz")
        .insert_header(("x-request-id", long.as_str()));
    let (_, headers, _) = send(&app, req).await;
    assert_ne!(headers.get("x-request-id").unwrap().to_str().unwrap(), long);
}
