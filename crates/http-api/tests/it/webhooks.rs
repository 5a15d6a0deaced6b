use actix_web::test::TestRequest;
use serde_json::json;
use socialpub_ports::fakes::RecordingWebhookSender;

use crate::harness::*;

fn create(token: &str, body: serde_json::Value) -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/webhooks")
        .insert_header(bearer(token))
        .set_json(body)
}

#[actix_web::test]
async fn the_secret_is_shown_once_and_the_endpoint_is_the_owners_alone() {
    let world = World::default();
    let app = world.app().await;
    let (status, _, created) = send(
        &app,
        create(
            ALICE_TOKEN,
            json!({"url": "https://hooks.example.com/in", "events": ["job.published", "job.failed"], "description": "prod"}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(created["events"], json!(["job.published", "job.failed"]));
    let id = created["id"].as_str().unwrap();

    let uri = format!("/api/v1/webhooks/{id}");
    let (status, _, got) = send(
        &app,
        TestRequest::get()
            .uri(&uri)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200);
    assert!(got.get("secret").is_none(), "{got}");
    let (status, _, listed) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/webhooks")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert!(listed["items"][0].get("secret").is_none());

    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri(&uri)
            .insert_header(bearer(BOB_TOKEN)),
    )
    .await;
    assert_eq!(status, 404);
    envelope(&body, "not_found");
    let (status, _, listed) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/webhooks")
            .insert_header(bearer(BOB_TOKEN)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(listed["items"], json!([]));
}

#[actix_web::test]
async fn bad_urls_and_event_names_are_refused_with_their_field() {
    let world = World::default();
    let app = world.app().await;
    let forbidden = format!("https://{}/hook", RecordingWebhookSender::FORBIDDEN_HOST);
    let cases = [
        (
            json!({"url": forbidden, "events": ["*"]}),
            422,
            "webhook_url_forbidden",
            "url",
        ),
        (
            json!({"url": "ftp://example.com/x", "events": ["*"]}),
            422,
            "invalid_webhook_url",
            "url",
        ),
        (
            json!({"url": "https://user:pw@example.com/x", "events": ["*"]}),
            422,
            "invalid_webhook_url",
            "url",
        ),
        (
            json!({"url": "not a url", "events": ["*"]}),
            422,
            "invalid_webhook_url",
            "url",
        ),
        (
            json!({"url": "https://example.com/x", "events": ["job.exploded"]}),
            400,
            "invalid_body",
            "events",
        ),
        (
            json!({"url": "https://example.com/x", "events": []}),
            400,
            "invalid_body",
            "events",
        ),
    ];
    for (body, expected, code, field) in cases {
        let (status, _, answer) = send(&app, create(ALICE_TOKEN, body.clone())).await;
        assert_eq!(status, expected, "{body} -> {answer}");
        let error = envelope(&answer, code);
        assert_eq!(error.field.as_deref(), Some(field), "{body}");
    }
    let (_, _, listed) = send(
        &app,
        TestRequest::get()
            .uri("/api/v1/webhooks")
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(listed["items"], json!([]), "nothing was registered");
}

#[actix_web::test]
async fn rotation_test_ping_deliveries_replay_and_delete() {
    let world = World::default();
    let app = world.app().await;
    let (_, _, created) = send(
        &app,
        create(
            ALICE_TOKEN,
            json!({"url": "https://hooks.example.com/in", "events": ["*"]}),
        ),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let first_secret = created["secret"].as_str().unwrap().to_owned();

    let (status, _, rotated) = send(
        &app,
        TestRequest::post()
            .uri(&format!("/api/v1/webhooks/{id}/rotate-secret"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200, "{rotated}");
    assert_ne!(rotated["secret"].as_str().unwrap(), first_secret);
    assert!(rotated["previous_secret_expires_at"].is_string());

    let (status, _, ping) = send(
        &app,
        TestRequest::post()
            .uri(&format!("/api/v1/webhooks/{id}/test"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 202, "{ping}");
    assert_eq!(ping["event_type"], "ping");
    assert_eq!(ping["status"], "pending");

    let (status, _, page) = send(
        &app,
        TestRequest::get()
            .uri(&format!("/api/v1/webhooks/{id}/deliveries"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], ping["id"]);

    let replay = format!(
        "/api/v1/webhooks/deliveries/{}/replay",
        ping["id"].as_str().unwrap()
    );
    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri(&replay)
            .insert_header(bearer(BOB_TOKEN)),
    )
    .await;
    assert_eq!(status, 404, "another user's delivery");
    envelope(&body, "not_found");
    let (status, _, replayed) = send(
        &app,
        TestRequest::post()
            .uri(&replay)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(replayed["event_id"], ping["event_id"], "the same event id");

    let (status, _, patched) = send(
        &app,
        TestRequest::patch()
            .uri(&format!("/api/v1/webhooks/{id}"))
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(json!({"events": ["post.completed"], "enabled": false})),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["events"], json!(["post.completed"]));
    assert_eq!(patched["enabled"], false);

    let req = TestRequest::delete()
        .uri(&format!("/api/v1/webhooks/{id}"))
        .insert_header(bearer(ALICE_TOKEN))
        .to_request();
    let res = actix_web::test::call_service(&app, req).await;
    assert_eq!(res.status().as_u16(), 204);
    let (status, _, _) = send(
        &app,
        TestRequest::get()
            .uri(&format!("/api/v1/webhooks/{id}"))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 404);
}
