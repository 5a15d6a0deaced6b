//! The `connection.expiring` sweep on the fakes: what it says, once per end, again after a
//! reconnect. (The once-only guarantee across processes is the repositories' contract, tested
//! on both databases in socialpub-persistence.)

use std::sync::Arc;

use serde_json::Value;
use socialpub_domain::webhook::EventType;
use socialpub_ports::ConnectionRepository;
use socialpub_ports::fakes::InMemoryOAuthStateStore;
use time::Duration;

use super::MaintenanceService;
use crate::test_support::{NOW, World};

fn sweeper(world: &World) -> MaintenanceService {
    MaintenanceService::new(
        world.jobs.clone(),
        Arc::new(InMemoryOAuthStateStore::default()),
        world.clock.clone(),
    )
    .with_expiry_notices(world.connections.clone(), Duration::days(7))
}

fn payload(event: &socialpub_domain::webhook::WebhookEvent) -> Value {
    serde_json::from_str(&event.payload).unwrap()
}

#[tokio::test]
async fn a_dying_refresh_token_is_announced_once_with_the_jobs_it_would_break() {
    let world = World::new().await;
    let mut connection = world.connection.clone();
    let dies_at = NOW + Duration::days(3);
    connection.refresh_expires_at = Some(dies_at);
    world.connections.save(&connection).await.unwrap();
    let safe = world.job_at(Some(NOW + Duration::days(1))).await;
    let doomed = world.job_at(Some(NOW + Duration::days(5))).await;

    let first = sweeper(&world).run_once().await.unwrap();
    let second = sweeper(&world).run_once().await.unwrap();

    assert_eq!((first.expiry_notices, second.expiry_notices), (1, 0));
    let events = world.connections.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, EventType::ConnectionExpiring);
    let body = payload(&events[0]);
    assert_eq!(body["type"], "connection.expiring");
    assert_eq!(body["data"]["connection"]["id"], connection.id.to_string());
    assert_eq!(body["data"]["expiry"]["token"], "refresh_token");
    assert_eq!(body["data"]["expiry"]["expires_at"], "2026-06-04T09:00:00Z");
    let at_risk = body["data"]["jobs_at_risk"].as_array().unwrap();
    assert_eq!(at_risk.len(), 1, "{body}");
    assert_eq!(at_risk[0]["job_id"], doomed.id.to_string());
    assert_eq!(at_risk[0]["scheduled_at"], "2026-06-06T09:00:00Z");
    assert_ne!(at_risk[0]["job_id"], safe.id.to_string());
    assert_eq!(body["data"]["jobs_at_risk_total"], 1);
}

#[tokio::test]
async fn an_access_token_without_refresh_token_is_its_connections_end() {
    let world = World::new().await;
    let mut connection = world.connection.clone();
    connection.refresh_token_encrypted = None;
    connection.expires_at = Some(NOW + Duration::days(2));
    world.connections.save(&connection).await.unwrap();

    sweeper(&world).run_once().await.unwrap();

    let events = world.connections.events();
    assert_eq!(events.len(), 1);
    assert_eq!(
        payload(&events[0])["data"]["expiry"]["token"],
        "access_token"
    );
}

#[tokio::test]
async fn nothing_is_said_outside_the_notice_period_or_for_a_refreshable_token() {
    let world = World::new().await;
    // The world's connection: an access token ending in 2 hours, but a refresh token with no
    // end: refreshing saves it.
    let mut far = world
        .connect(
            crate::test_support::alice(),
            socialpub_domain::Platform::Linkedin,
            None,
        )
        .await;
    far.refresh_expires_at = Some(NOW + Duration::days(8));
    world.connections.save(&far).await.unwrap();

    let report = sweeper(&world).run_once().await.unwrap();

    assert_eq!(report.expiry_notices, 0);
    assert!(world.connections.events().is_empty());
}

#[tokio::test]
async fn a_reconnect_with_a_new_end_is_announced_again() {
    let world = World::new().await;
    let mut connection = world.connection.clone();
    connection.refresh_expires_at = Some(NOW + Duration::days(3));
    world.connections.save(&connection).await.unwrap();
    sweeper(&world).run_once().await.unwrap();

    // Reconnected: a new refresh token, ending later (still within the notice period).
    connection.refresh_expires_at = Some(NOW + Duration::days(6));
    world.connections.save(&connection).await.unwrap();
    let report = sweeper(&world).run_once().await.unwrap();

    assert_eq!(report.expiry_notices, 1);
    let ends: Vec<Value> = world
        .connections
        .events()
        .iter()
        .map(|e| payload(e)["data"]["expiry"]["expires_at"].clone())
        .collect();
    assert_eq!(ends, ["2026-06-04T09:00:00Z", "2026-06-07T09:00:00Z"]);
}

#[tokio::test]
async fn needs_reauth_and_disconnect_store_their_event_with_the_change() {
    let world = World::new().await;
    let id = world.connection.id;

    world
        .connection_service
        .mark_needs_reauth(&crate::test_support::alice(), id)
        .await
        .unwrap();
    world
        .connection_service
        .disconnect(&crate::test_support::alice(), id)
        .await
        .unwrap();

    let types: Vec<EventType> = world
        .connections
        .events()
        .iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(
        types,
        [
            EventType::ConnectionNeedsReauth,
            EventType::ConnectionDisconnected
        ]
    );
}
