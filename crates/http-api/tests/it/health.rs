use std::sync::Arc;

use actix_web::test::TestRequest;
use async_trait::async_trait;
use socialpub_domain::webhook::WebhookEvent;
use socialpub_domain::{ConnectionId, Platform, SocialConnection, UserId};
use socialpub_http_api::ApiState;
use socialpub_ports::fakes::MetricEvent;
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
async fn requests_are_counted_under_their_route_template_never_the_raw_path() {
    let world = World::default();
    let app = world.app().await;
    send(&app, TestRequest::get().uri("/healthz")).await;
    let job = "/api/v1/jobs/0190a1b2-0000-7000-8000-000000000001";
    send(
        &app,
        TestRequest::get()
            .uri(job)
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    send(&app, TestRequest::get().uri("/no/such/path/12345")).await;
    let events = world.metrics.events();
    let routes: Vec<(String, u16)> = events
        .iter()
        .filter_map(|e| match e {
            MetricEvent::Http {
                method,
                route,
                status,
            } if method == "GET" => Some((route.clone(), *status)),
            _ => None,
        })
        .collect();
    assert_eq!(
        routes,
        [
            ("/healthz".to_owned(), 200),
            ("/api/v1/jobs/{id}".to_owned(), 404),
            ("unmatched".to_owned(), 404),
        ],
        "{events:?}"
    );
}

#[actix_web::test]
async fn metrics_serve_the_exposition_after_the_scrape_hooks_ran() {
    struct Pool;
    #[async_trait::async_trait]
    impl socialpub_http_api::ScrapeHook for Pool {
        async fn before_scrape(&self, metrics: &dyn socialpub_ports::Metrics) {
            metrics.db_pool(socialpub_ports::PoolGauges {
                in_use: 1,
                idle: 2,
                max: 3,
                waiting: 0,
            });
        }
    }
    let world = World::default();
    let mut state = ApiState::clone(&world.state());
    state.scrape_hooks.push(Arc::new(Pool));
    let app = actix_web::test::init_service(socialpub_http_api::build_app(
        actix_web::web::Data::new(state),
    ))
    .await;
    let res =
        actix_web::test::call_service(&app, TestRequest::get().uri("/metrics").to_request()).await;
    assert_eq!(res.status(), 200);
    assert!(
        world
            .metrics
            .events()
            .contains(&MetricEvent::Pool(socialpub_ports::PoolGauges {
                in_use: 1,
                idle: 2,
                max: 3,
                waiting: 0
            }))
    );
}
