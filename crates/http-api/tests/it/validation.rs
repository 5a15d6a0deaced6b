use actix_web::test::TestRequest;
use serde_json::json;

use crate::harness::*;

#[actix_web::test]
async fn validate_reports_every_violation_at_once() {
    let world = World::default();
    let app = world.app().await;
    let body = json!({
        "platform": "instagram",
        "text_content": format!("{} {}", "a".repeat(2_300), (0..31).map(|i| format!("#tag{i}")).collect::<Vec<_>>().join(" ")),
        "assets": [{
            "url": "https://cdn.example/v.mp4",
            "type": "video",
            "metadata": {"duration_seconds": 4000.0, "width": 1080, "height": 1920, "size_bytes": 10, "mime_type": "video/mp4"}
        }],
        "platform_specific_options": {}
    });
    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/validate")
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(body),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["valid"], false);
    let codes: Vec<&str> = body["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"text_too_long"), "{codes:?}");
    assert!(codes.contains(&"too_many_hashtags"), "{codes:?}");
    assert!(codes.len() >= 3, "{codes:?}");
    for violation in body["violations"].as_array().unwrap() {
        assert!(violation["field"].is_string() && violation["message"].is_string());
    }
}

#[actix_web::test]
async fn valid_content_is_valid() {
    let world = World::default();
    let app = world.app().await;
    let body = json!({"platform": "x", "text_content": "Hello, world"});
    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/validate")
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(body),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"valid": true, "platform": "x", "violations": [], "assets": []})
    );
}

#[actix_web::test]
async fn bad_validate_requests_get_400_or_404_in_the_envelope() {
    let world = World::default();
    let app = world.app().await;
    let cases = [
        (json!({"text_content": "hi"}), 400, "invalid_body"),
        (
            json!({"platform": "myspace", "text_content": "hi"}),
            400,
            "invalid_body",
        ),
        (
            json!({"connection_id": "nope", "text_content": "hi"}),
            400,
            "invalid_body",
        ),
        (
            json!({"connection_id": "0190c0de-0000-7000-8000-000000000000", "text_content": "hi"}),
            404,
            "not_found",
        ),
        (
            json!({"platform": "x", "assets": [{"url": "ftp://x/y.png", "type": "image"}]}),
            400,
            "invalid_body",
        ),
        (
            json!({"platform": "x", "assets": [{"url": "https://x/y.png", "type": "hologram"}]}),
            400,
            "invalid_body",
        ),
        (
            json!({"platform": "x", "assets": [{"url": "https://x/y.png", "type": "image", "metadata": {"size_bytes": -5}}]}),
            400,
            "invalid_body",
        ),
        (
            json!({"platform": "x", "text_content": 42}),
            400,
            "invalid_body",
        ),
    ];
    for (body, expected_status, code) in cases {
        let (status, _, answer) = send(
            &app,
            TestRequest::post()
                .uri("/api/v1/validate")
                .insert_header(bearer(ALICE_TOKEN))
                .set_json(&body),
        )
        .await;
        assert_eq!(status, expected_status, "{body}: {answer}");
        envelope(&answer, code);
    }
}

#[actix_web::test]
async fn an_unknown_content_kind_is_a_violation_not_a_crash() {
    let world = World::default();
    let app = world.app().await;
    let body = json!({"platform": "instagram", "text_content": "hi", "platform_specific_options": {"content_kind": "hologram"}});
    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/validate")
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(body),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["code"] == "unknown_content_kind"),
        "{body}"
    );
}

#[actix_web::test]
async fn the_rules_catalog_is_versioned_and_cacheable() {
    let world = World::default();
    let app = world.app().await;
    let (status, headers, body) = send(&app, TestRequest::get().uri("/api/v1/platforms")).await;
    assert_eq!(status, 200);
    assert_eq!(body["items"].as_array().unwrap().len(), 6);
    assert_eq!(body["items"][3]["platform"], "x");
    assert_eq!(body["items"][3]["connectable"], true);
    assert!(headers.get("etag").is_none());

    let (status, headers, body) =
        send(&app, TestRequest::get().uri("/api/v1/platforms/x/rules")).await;
    assert_eq!(status, 200);
    assert!(body["version"].is_string(), "{body}");
    let etag = headers.get("etag").unwrap().to_str().unwrap().to_owned();
    let res = actix_web::test::call_service(
        &app,
        TestRequest::get()
            .uri("/api/v1/platforms/x/rules")
            .insert_header(("if-none-match", etag.as_str()))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 304);

    let (status, _, body) = send(
        &app,
        TestRequest::get().uri("/api/v1/platforms/myspace/rules"),
    )
    .await;
    assert_eq!(status, 404);
    envelope(&body, "not_found");
}

fn unknown_images(count: usize, tag: &str) -> serde_json::Value {
    (0..count)
        .map(|i| json!({"url": format!("https://cdn.example/{tag}-{i}.png"), "type": "image"}))
        .collect()
}

#[actix_web::test]
async fn asset_reads_are_bounded_per_request_and_per_user() {
    let world = World::default();
    let app = world.app().await;
    let quota = socialpub_application::ProbeQuota::default();
    let validate = |assets: serde_json::Value| {
        TestRequest::post()
            .uri("/api/v1/validate")
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(json!({"platform": "instagram", "text_content": "hi", "assets": assets}))
    };

    let (status, _, body) =
        send(&app, validate(unknown_images(quota.per_request + 1, "big"))).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        envelope(&body, "too_many_asset_probes").field.as_deref(),
        Some("assets")
    );
    assert_eq!(world.probe.probes(), 0);

    let full_requests = quota.per_user_per_minute as usize / quota.per_request;
    for round in 0..full_requests {
        let (status, _, body) = send(
            &app,
            validate(unknown_images(quota.per_request, &round.to_string())),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, headers, body) = send(
        &app,
        validate(unknown_images(quota.per_request, "one-more")),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    envelope(&body, "asset_probe_budget_exceeded");
    assert_eq!(headers.get("retry-after").unwrap(), "60");
    assert_eq!(
        world.probe.probes() as usize,
        full_requests * quota.per_request,
        "the refused request read nothing"
    );
}
