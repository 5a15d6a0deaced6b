//! Webhook requests, under the same address policy as asset reads: the host is resolved and
//! every address checked before each request, the client is pinned to the checked addresses,
//! proxies are ignored, and no redirect is followed (a 3xx is the receiver's answer, a failed
//! attempt).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::{Client, redirect};
use socialpub_ports::{AssetFetchError, WebhookRequest, WebhookSendError, WebhookSender};
use url::Url;

use crate::target::{CheckedTarget, check_target};
use crate::{AddressPolicy, AssetFetchSettings};

/// Pinned clients kept for reuse (their connection pools make retries and bursts cheap);
/// past this many targets the cache starts over.
const MAX_CLIENTS: usize = 256;

/// Posts signed webhook requests with a short deadline.
#[derive(Debug)]
pub struct HttpWebhookSender {
    policy: AddressPolicy,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    clients: Mutex<HashMap<String, Client>>,
}

impl HttpWebhookSender {
    /// `settings` decides which addresses may be reached (as for assets); `timeout` bounds a
    /// whole attempt.
    #[must_use]
    pub fn new(settings: &AssetFetchSettings, timeout: Duration) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            policy: AddressPolicy::from_settings(settings),
            connect_timeout: settings.connect_timeout.min(timeout),
            timeout,
            user_agent: concat!("socialpub-webhooks/", env!("CARGO_PKG_VERSION")).to_owned(),
            clients: Mutex::default(),
        }
    }

    async fn checked(&self, url: &Url) -> Result<CheckedTarget, WebhookSendError> {
        check_target(url, &self.policy, self.connect_timeout)
            .await
            .map_err(|error| match error {
                AssetFetchError::ForbiddenAddress => WebhookSendError::ForbiddenAddress,
                AssetFetchError::Timeout => WebhookSendError::Timeout,
                other => WebhookSendError::Network(other.to_string()),
            })
    }

    fn client_for(&self, target: &CheckedTarget) -> Result<Client, WebhookSendError> {
        let key = format!("{:?}|{:?}", target.domain, target.addrs);
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let mut builder = Client::builder()
            .redirect(redirect::Policy::none())
            .no_proxy()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(self.user_agent.clone());
        if let Some(domain) = &target.domain {
            builder = builder.resolve_to_addrs(domain, &target.addrs);
        }
        let client = builder
            .build()
            .map_err(|e| WebhookSendError::Network(format!("http client setup failed: {e}")))?;
        if clients.len() >= MAX_CLIENTS {
            clients.clear();
        }
        clients.insert(key, client.clone());
        Ok(client)
    }
}

#[async_trait]
impl WebhookSender for HttpWebhookSender {
    async fn send(&self, request: &WebhookRequest) -> Result<u16, WebhookSendError> {
        let deadline = Instant::now() + self.timeout;
        let target = self.checked(&request.url).await?;
        let client = self.client_for(&target)?;
        let mut builder = client
            .post(request.url.clone())
            .timeout(deadline.saturating_duration_since(Instant::now()))
            .body(request.body.clone());
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let response = builder.send().await.map_err(|error| {
            if error.is_timeout() {
                WebhookSendError::Timeout
            } else {
                // Without the URL: it may carry a token in its query.
                WebhookSendError::Network(error.without_url().to_string())
            }
        })?;
        Ok(response.status().as_u16())
    }

    async fn check_url(&self, url: &Url) -> Result<(), WebhookSendError> {
        self.checked(url).await.map(|_| ())
    }
}
