use std::sync::Arc;

use actix_web::test::TestRequest;
use async_trait::async_trait;
use socialpub_domain::webhook::WebhookEvent;
use socialpub_domain::{ConnectionId, Platform, SocialConnection, UserId};
use socialpub_ports::{ConnectionFilter, ConnectionRepository, Page, PageRequest, RepositoryError};
use time::OffsetDateTime;

use crate::harness::*;

#[actix_web::test]
async fn healthz_and_readyz_answer_200_when_the_database_does() {
    let world = World::default();
    let app = world.app().await;
    let (status, _, body) = send(&app, TestRequest::get().uri("/healthz")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, _, body) = send(&app, TestRequest::get().uri("/readyz")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
}

#[actix_web::test]
async fn readyz_is_503_when_the_database_is_down() {
    let world = World {
        readiness: Err("connection refused".into()),
        ..World::default()
    };
    let app = world.app().await;
    let (status, headers, body) = send(&app, TestRequest::get().uri("/readyz")).await;
    assert_eq!(status, 503);
    envelope(&body, "service_unavailable");
    assert!(headers.contains_key("retry-after"));
}

/// A store whose pool never hands out a connection.
struct ExhaustedPool;

#[async_trait]
impl ConnectionRepository for ExhaustedPool {
    async fn save(&self, _: &SocialConnection) -> Result<(), RepositoryError> {
        Err(exhausted())
    }
    async fn get(
        &self,
        _: &UserId,
        _: ConnectionId,
    ) -> Result<Option<SocialConnection>, RepositoryError> {
        Err(exhausted())
    }
    async fn find_by_account(
        &self,
        _: &UserId,
        _: Platform,
        _: &str,
    ) -> Result<Option<SocialConnection>, RepositoryError> {
        Err(exhausted())
    }
    async fn list(
        &self,
        _: &UserId,
        _: &ConnectionFilter,
        _: PageRequest,
    ) -> Result<Page<SocialConnection>, RepositoryError> {
        Err(exhausted())
    }
    async fn delete(&self, _: &UserId, _: ConnectionId) -> Result<bool, RepositoryError> {
        Err(exhausted())
    }
    async fn list_expiring(
        &self,
        _: OffsetDateTime,
        _: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError> {
        Err(exhausted())
    }
    async fn list_all_after(
        &self,
        _: Option<ConnectionId>,
        _: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError> {
        Err(exhausted())
    }
    async fn try_lock_refresh(
        &self,
        _: ConnectionId,
        _: &str,
        _: OffsetDateTime,
        _: OffsetDateTime,
    ) -> Result<bool, RepositoryError> {
        Err(exhausted())
    }
    async fn unlock_refresh(&self, _: ConnectionId, _: &str) -> Result<(), RepositoryError> {
        Err(exhausted())
    }
    async fn save_with_events(
        &self,
        _: &SocialConnection,
        _: &[WebhookEvent],
    ) -> Result<(), RepositoryError> {
        Err(exhausted())
    }
    async fn delete_with_events(
        &self,
        _: &UserId,
        _: ConnectionId,
        _: &[WebhookEvent],
    ) -> Result<bool, RepositoryError> {
        Err(exhausted())
    }
    async fn list_unnoticed_expiries(
        &self,
        _: OffsetDateTime,
        _: OffsetDateTime,
        _: u32,
    ) -> Result<Vec<SocialConnection>, RepositoryError> {
        Err(exhausted())
    }
    async fn notice_expiry(
        &self,
        _: ConnectionId,
        _: OffsetDateTime,
        _: &WebhookEvent,
    ) -> Result<bool, RepositoryError> {
        Err(exhausted())
    }
}

fn exhausted() -> RepositoryError {
    RepositoryError::Unavailable("timed out waiting for a pooled connection".into())
}

#[actix_web::test]
async fn an_exhausted_pool_answers_503_not_500() {
    let world = World {
        connections: Arc::new(ExhaustedPool),
        ..World::default()
    };
    let app = world.app().await;
    let req = TestRequest::get()
        .uri("/api/v1/connections")
        .insert_header(bearer(ALICE_TOKEN));
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, 503);
    let error = envelope(&body, "service_unavailable");
    assert!(
        !error.detail.contains("timed out waiting"),
        "internals stay in the log"
    );
}

#[actix_web::test]
async fn metrics_count_the_requests_served() {
    let world = World::default();
    let app = world.app().await;
    send(&app, TestRequest::get().uri("/healthz")).await;
    send(&app, TestRequest::get().uri("/api/v1/jobs")).await;
    let res =
        actix_web::test::call_service(&app, TestRequest::get().uri("/metrics").to_request()).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = String::from_utf8(actix_web::test::read_body(res).await.to_vec()).unwrap();
    assert!(
        text.contains("socialpub_http_requests_total{method=\"GET\",status=\"2xx\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("socialpub_http_requests_total{method=\"GET\",status=\"4xx\"} 1\n"),
        "{text}"
    );
}
