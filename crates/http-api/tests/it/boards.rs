//! `GET /connections/{id}/boards`: the user's own Pinterest connection lists its boards; any
//! other connection gets a clear error.

use actix_web::test::TestRequest;
use socialpub_domain::{ConnectionStatus, Platform, SecretString};
use socialpub_ports::fakes::FakeTokenCipher;
use socialpub_ports::{TokenCipher, TokenSlot};

use crate::harness::{ALICE_TOKEN, BOB_TOKEN, World, alice, bearer, envelope, send};

fn boards_of(id: &str, token: &str) -> TestRequest {
    TestRequest::get()
        .uri(&format!("/api/v1/connections/{id}/boards"))
        .insert_header(bearer(token))
}

#[actix_web::test]
async fn a_pinterest_connection_lists_its_boards_to_its_owner_only() {
    let world = World::default();
    let app = world.app().await;
    let pinterest = world.connect(alice(), Platform::Pinterest).await;

    let (status, _, body) = send(&app, boards_of(&pinterest.id.to_string(), ALICE_TOKEN)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        serde_json::json!({"items": [
            {"id": "549755885175", "name": "Recipes", "description": null, "privacy": "PUBLIC"},
            {"id": "549755885176", "name": "Travel", "description": null, "privacy": "PUBLIC"},
        ]})
    );

    let (status, _, body) = send(&app, boards_of(&pinterest.id.to_string(), BOB_TOKEN)).await;
    assert_eq!(
        status, 404,
        "another user's connection is not found: {body}"
    );
    envelope(&body, "not_found");

    let (status, _, body) = send(&app, boards_of("not-a-uuid", ALICE_TOKEN)).await;
    assert_eq!(status, 404, "{body}");
}

#[actix_web::test]
async fn a_connection_of_another_platform_has_no_boards() {
    let world = World::default();
    let app = world.app().await;
    let x = world.connect(alice(), Platform::X).await;
    let (status, _, body) = send(&app, boards_of(&x.id.to_string(), ALICE_TOKEN)).await;
    assert_eq!(status, 422, "{body}");
    envelope(&body, "boards_not_supported");
}

#[actix_web::test]
async fn a_refused_token_marks_the_connection_for_reconnection() {
    let world = World::default();
    let app = world.app().await;
    let mut pinterest = world.connect(alice(), Platform::Pinterest).await;
    pinterest.access_token_encrypted = FakeTokenCipher::default()
        .seal(
            &SecretString::new("revoked-at-pinterest"),
            TokenSlot::access(pinterest.id),
        )
        .unwrap();
    world.connections.save(&pinterest).await.unwrap();

    let (status, _, body) = send(&app, boards_of(&pinterest.id.to_string(), ALICE_TOKEN)).await;
    assert_eq!(status, 409, "{body}");
    envelope(&body, "needs_reauth");
    let stored = world
        .connections
        .get(&alice(), pinterest.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, ConnectionStatus::NeedsReauth);
}
