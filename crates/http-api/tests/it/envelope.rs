use actix_web::test::TestRequest;

use crate::harness::*;

#[actix_web::test]
async fn an_unknown_route_is_404_in_the_envelope() {
    let world = World::default();
    let app = world.app().await;
    for path in ["/nope", "/api/v1/nope", "/api/v2/connections"] {
        let (status, _, body) = send(&app, TestRequest::get().uri(path)).await;
        assert_eq!(status, 404, "{path}");
        envelope(&body, "route_not_found");
    }
}

#[actix_web::test]
async fn api_routes_without_a_token_are_401_in_the_envelope() {
    let world = World::default();
    let app = world.app().await;
    let requests = [
        TestRequest::get().uri("/api/v1/connections"),
        TestRequest::get().uri("/api/v1/connections/0190c0de-0000-7000-8000-000000000000"),
        TestRequest::get().uri("/api/v1/jobs"),
        TestRequest::get().uri("/api/v1/jobs/0190c0de-0000-7000-8000-000000000000/attempts"),
        TestRequest::post().uri("/api/v1/jobs/0190c0de-0000-7000-8000-000000000000/cancel"),
        TestRequest::patch()
            .uri("/api/v1/jobs/0190c0de-0000-7000-8000-000000000000")
            .set_json(serde_json::json!({"scheduled_at": "2030-01-01T00:00:00Z"})),
    ];
    for req in requests {
        let (status, headers, body) = send(&app, req).await;
        assert_eq!(status, 401);
        envelope(&body, "missing_token");
        assert_eq!(headers.get("www-authenticate").unwrap(), "Bearer");
    }
}

#[actix_web::test]
async fn a_wrong_token_or_scheme_is_401() {
    let world = World::default();
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/jobs")
            .insert_header(bearer("forged")),
    )
    .await;
    assert_eq!(status, 401);
    envelope(&body, "invalid_token");
    assert!(
        !body["detail"].as_str().unwrap().contains("forged"),
        "the token is not echoed"
    );

    let basic = ("authorization", "Basic YWxpY2U6cHc=");
    let (status, _, body) = send(
        &app,
        TestRequest::get().uri("/api/v1/jobs").insert_header(basic),
    )
    .await;
    assert_eq!(status, 401);
    envelope(&body, "missing_token");
}

#[actix_web::test]
async fn malformed_json_is_400_in_the_envelope() {
    let world = World::default();
    let app = world.app().await;
    let req = TestRequest::patch()
        .uri("/api/v1/jobs/0190c0de-0000-7000-8000-000000000000")
        .insert_header(bearer(ALICE_TOKEN))
        .insert_header(("content-type", "application/json"))
        .set_payload("{\"scheduled_at\": ");
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, 400);
    envelope(&body, "malformed_json");
}

#[actix_web::test]
async fn wrong_types_and_missing_fields_are_400_naming_the_field() {
    let world = World::default();
    let app = world.app().await;
    let req = TestRequest::post()
        .uri("/api/v1/publish")
        .insert_header(bearer(ALICE_TOKEN))
        .set_json(serde_json::json!({}));
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, 400);
    let error = envelope(&body, "invalid_body");
    assert_eq!(error.field.as_deref(), Some("connection_id"));

    let req = TestRequest::patch()
        .uri("/api/v1/jobs/0190c0de-0000-7000-8000-000000000000")
        .insert_header(bearer(ALICE_TOKEN))
        .set_json(serde_json::json!({"scheduled_at": 42}));
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, 400);
    envelope(&body, "invalid_body");
}

#[actix_web::test]
async fn a_non_json_content_type_is_415() {
    let world = World::default();
    let app = world.app().await;
    let req = TestRequest::patch()
        .uri("/api/v1/jobs/0190c0de-0000-7000-8000-000000000000")
        .insert_header(bearer(ALICE_TOKEN))
        .insert_header(("content-type", "text/plain"))
        .set_payload("scheduled_at=tomorrow");
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, 415);
    envelope(&body, "unsupported_media_type");
}

#[actix_web::test]
async fn a_wrong_method_is_405_in_the_envelope() {
    let world = World::default();
    let app = world.app().await;
    let req = TestRequest::delete()
        .uri("/api/v1/jobs")
        .insert_header(bearer(ALICE_TOKEN));
    let (status, headers, body) = send(&app, req).await;
    assert_eq!(status, 405);
    envelope(&body, "method_not_allowed");
    assert_eq!(headers.get("allow").unwrap(), "GET");

    let req = TestRequest::put().uri("/api/v1/jobs/0190c0de-0000-7000-8000-000000000000");
    let (status, headers, _) = send(&app, req).await;
    assert_eq!(status, 405);
    assert_eq!(headers.get("allow").unwrap(), "GET, PATCH");
    let (status, headers, _) = send(&app, TestRequest::post().uri("/healthz")).await;
    assert_eq!(
        (status, headers.get("allow").unwrap().to_str().unwrap()),
        (405, "GET")
    );
}

#[actix_web::test]
async fn malformed_ids_and_query_values_get_clear_errors() {
    let world = World::default();
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/connections/not-a-uuid")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 404);
    envelope(&body, "not_found");

    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/jobs?status=done")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        envelope(&body, "invalid_parameter").field.as_deref(),
        Some("status")
    );

    for uri in [
        "/api/v1/jobs?limit=0",
        "/api/v1/jobs?limit=1000",
        "/api/v1/jobs?limit=-1",
    ] {
        let (status, _, body) = send(
            &app,
            TestRequest::get()
                .uri(uri)
                .insert_header(bearer(ALICE_TOKEN)),
        )
        .await;
        assert_eq!(status, 400, "{uri}");
        assert_eq!(
            envelope(&body, "invalid_parameter").field.as_deref(),
            Some("limit"),
            "{uri}"
        );
    }

    for uri in [
        "/api/v1/jobs?offset=-1",
        "/api/v1/connections?offset=9223372036854775808",
    ] {
        let (status, _, body) = send(
            &app,
            TestRequest::get()
                .uri(uri)
                .insert_header(bearer(ALICE_TOKEN)),
        )
        .await;
        assert_eq!(status, 400, "{uri}");
        assert_eq!(
            envelope(&body, "invalid_parameter").field.as_deref(),
            Some("offset")
        );
    }

    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/connections?platform=myspace")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        envelope(&body, "invalid_parameter").field.as_deref(),
        Some("platform")
    );
}

/// Answers carry user data: no cache keeps them, no browser sniffs them, no link leaks them.
#[actix_web::test]
async fn every_answer_carries_the_security_headers() {
    let world = World::default();
    let app = world.app().await;
    let requests = [
        TestRequest::get().uri("/healthz"),
        TestRequest::get().uri("/api/v1/nope"),
        TestRequest::get().uri("/api/v1/connections"),
        TestRequest::get()
            .uri("/api/v1/connections")
            .insert_header(bearer(ALICE_TOKEN)),
        TestRequest::delete()
            .uri("/api/v1/jobs")
            .insert_header(bearer(ALICE_TOKEN)),
        TestRequest::get().uri("/api/v1/platforms"),
    ];
    for req in requests {
        let res = actix_web::test::call_service(&app, req.to_request()).await;
        let header = |name| res.headers().get(name).map(|v| v.to_str().unwrap());
        let status = res.status();
        assert_eq!(header("cache-control"), Some("no-store"), "{status}");
        assert_eq!(
            header("x-content-type-options"),
            Some("nosniff"),
            "{status}"
        );
        assert_eq!(header("referrer-policy"), Some("no-referrer"), "{status}");
    }

    // The public documents stay cacheable, and are still not sniffable.
    let res = actix_web::test::call_service(
        &app,
        TestRequest::get().uri("/api/v1/openapi.json").to_request(),
    )
    .await;
    let headers = res.headers();
    assert_eq!(headers.get("cache-control").unwrap(), "public, max-age=300");
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
}

/// A client that sends its headers and then stalls the body gets 408 once the body read
/// deadline passes, and its connection is closed, instead of holding it open.
#[actix_web::test]
async fn a_stalled_body_is_cut_off_with_408() {
    use std::time::{Duration, Instant};

    use socialpub_http_api::{BodyReadTimeout, build_app};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let world = World::default();
    let state = world.state();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = actix_web::HttpServer::new(move || {
        build_app(state.clone()).app_data(BodyReadTimeout(Duration::from_millis(300)))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/v1/validate HTTP/1.1\r\nHost: sp.test\r\nAuthorization: Bearer {ALICE_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"platform\": \"x\", "
    );
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection")
        .unwrap();
    let elapsed = started.elapsed();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"request_timeout\""), "{answer}");
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    handle.stop(false).await;
}
