use std::sync::Arc;

use socialpub_application::{
    ConnectionService, InsightsService, JobService, PublishingService, ValidationService,
    WebhookService,
};
use socialpub_ports::{Authenticator, IdempotencyStore, Metrics};
use url::Url;

use crate::{ReadinessCheck, ScrapeHook};

/// Everything the handlers need, built once by the composition root and shared by all
/// actix workers (cheap to clone: every field is an `Arc`).
#[derive(Clone)]
pub struct ApiState {
    pub authenticator: Arc<dyn Authenticator>,
    pub readiness: Arc<dyn ReadinessCheck>,
    pub connections: ConnectionService,
    pub jobs: JobService,
    /// Creating jobs and posts.
    pub publishing: PublishingService,
    /// Remembers answers to requests sent with an `Idempotency-Key`.
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub validation: ValidationService,
    /// Best times and hashtag suggestions.
    pub insights: InsightsService,
    /// The user's webhook endpoints.
    pub webhooks: WebhookService,
    /// What the OAuth callback does with the code and state the browser brings.
    pub connect_callback: ConnectCallback,
    /// Every series of `/metrics`, shared by the HTTP workers and the background loops.
    pub metrics: Arc<dyn Metrics>,
    /// Gauges read at each scrape (jobs by status, the database pool).
    pub scrape_hooks: Vec<Arc<dyn ScrapeHook>>,
}

/// What `GET /connect/{platform}/callback` does. The callback carries no bearer token, so it
/// cannot tell whose browser brought the code: completing there would let the `state` alone
/// decide whose connection the approved account becomes, and a user who approves another
/// user's authorization link would connect their account to that other user.
#[derive(Debug, Clone)]
pub enum ConnectCallback {
    /// The browser goes on to the web app's page (`WEB_APP_CONNECTIONS_URL`) with
    /// `?status=authorized&platform=&code=&state=`; the page completes through
    /// `POST /connect/{platform}/complete` with the user's bearer token, and only the user who
    /// started the authorization can.
    HandToWebApp(Url),
    /// No web app outside development mode: the callback answers the code and state as JSON,
    /// to be completed the same way.
    HandBack,
    /// Development mode only: the callback completes on the state alone and answers the
    /// connections, so that `curl -L` connects offline.
    CompleteDirectly,
}
