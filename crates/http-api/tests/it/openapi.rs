use actix_web::test::TestRequest;
use socialpub_http_api::OPENAPI_JSON;

use crate::harness::*;

/// Every path and method the document describes reaches a handler: none answers
/// `route_not_found` or `method_not_allowed`.
#[actix_web::test]
async fn every_documented_operation_is_routed() {
    let world = World::default();
    let app = world.app().await;
    let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{platform}", "x")
            .replace("{id}", "0190c0de-0000-7000-8000-000000000000");
        for method in item.as_object().unwrap().keys() {
            operations += 1;
            let req = TestRequest::default()
                .method(method.to_uppercase().parse().unwrap())
                .uri(&format!("/api/v1{concrete}"))
                .insert_header(bearer(ALICE_TOKEN))
                .set_json(serde_json::json!({}));
            let res = actix_web::test::call_service(&app, req.to_request()).await;
            let status = res.status().as_u16();
            let body: serde_json::Value =
                serde_json::from_slice(&actix_web::test::read_body(res).await).unwrap_or_default();
            assert!(
                status != 405 && body["code"] != "route_not_found",
                "{method} {path}: {status} {body}"
            );
        }
    }
    assert_eq!(operations, 23);
}

#[actix_web::test]
async fn the_document_is_served_without_a_token() {
    let world = World::default();
    let app = world.app().await;
    let (status, _, body) = send(&app, TestRequest::get().uri("/api/v1/openapi.json")).await;
    assert_eq!(status, 200);
    assert_eq!(body["openapi"], "3.1.0");
}
