//! The webhook workers: claim due deliveries with a lease, sign and send each, store how it
//! went, and schedule the next try on the documented schedule.

use std::future::Future;
use std::sync::Arc;

use futures_util::StreamExt as _;
use socialpub_domain::WorkerId;
use socialpub_domain::webhook::{DISABLE_AFTER, next_retry};
use socialpub_ports::{
    AttemptResult, ClaimedDelivery, DeliveryOutcome, Metrics, NoMetrics, RepositoryError,
    WebhookRequest,
};
use time::Duration;

use super::WebhookPorts;

/// How the deliverers work.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// Deliveries claimed per round trip.
    pub batch: u32,
    /// Sent at once by one process.
    pub concurrency: usize,
    /// How long a claimed delivery is this worker's: longer than a send can take, so that it
    /// is never sent twice by two workers.
    pub lease: Duration,
    /// The longest an idle deliverer sleeps before it looks again (events are stored by any
    /// process; it does not hear of them).
    pub idle_poll: std::time::Duration,
    /// An endpoint failing this long is disabled.
    pub disable_after: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            batch: 50,
            concurrency: 16,
            lease: Duration::minutes(2),
            idle_poll: std::time::Duration::from_secs(1),
            disable_after: DISABLE_AFTER,
        }
    }
}

/// What one [`WebhookDeliverer::run_once`] pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub claimed: usize,
    /// Answered 2xx.
    pub delivered: usize,
    /// Failed (another try is scheduled, or the schedule is spent).
    pub failed: usize,
}

/// One process's webhook worker. Cheap to clone.
#[derive(Clone)]
pub struct WebhookDeliverer {
    ports: WebhookPorts,
    settings: DeliverySettings,
    worker: WorkerId,
    /// Counts delivery attempts for `/metrics`.
    metrics: Arc<dyn Metrics>,
}

impl WebhookDeliverer {
    /// `worker` names this process in leases; it must differ between processes.
    pub fn new(ports: WebhookPorts, settings: DeliverySettings, worker: WorkerId) -> Self {
        Self {
            ports,
            settings,
            worker,
            metrics: Arc::new(NoMetrics),
        }
    }

    /// Counts delivery attempts into `metrics`.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Arc<dyn Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Claims one batch of due deliveries and sends them.
    ///
    /// # Errors
    /// The store's, when the claim fails (results that cannot be stored are logged; their
    /// lease runs out and the delivery is tried again).
    pub async fn run_once(&self) -> Result<DeliveryReport, RepositoryError> {
        let now = self.ports.clock.now();
        let claimed = self
            .ports
            .webhooks
            .claim_deliveries(&self.worker, now, self.settings.batch, self.settings.lease)
            .await?;
        let mut report = DeliveryReport {
            claimed: claimed.len(),
            ..DeliveryReport::default()
        };
        let results: Vec<bool> = futures_util::stream::iter(claimed)
            .map(|claimed| self.attempt(claimed))
            .buffer_unordered(self.settings.concurrency.max(1))
            .collect()
            .await;
        for delivered in results {
            if delivered {
                report.delivered += 1;
            } else {
                report.failed += 1;
            }
        }
        Ok(report)
    }

    /// Runs passes until nothing due is left: for tests and `just bench`.
    ///
    /// # Errors
    /// As [`WebhookDeliverer::run_once`].
    pub async fn drain(&self) -> Result<DeliveryReport, RepositoryError> {
        let mut total = DeliveryReport::default();
        loop {
            let pass = self.run_once().await?;
            if pass.claimed == 0 {
                return Ok(total);
            }
            total.claimed += pass.claimed;
            total.delivered += pass.delivered;
            total.failed += pass.failed;
        }
    }

    /// Delivers until `shutdown` completes: a full batch claims again at once; otherwise it
    /// sleeps until the next delivery is due, at most `idle_poll`.
    pub async fn run(&self, shutdown: impl Future<Output = ()> + Send) {
        let mut shutdown = std::pin::pin!(shutdown);
        tracing::info!(worker = %self.worker, "webhook deliverer started");
        loop {
            let full = match self.run_once().await {
                Ok(report) => report.claimed >= self.settings.batch as usize,
                Err(error) => {
                    tracing::warn!(%error, "could not claim webhook deliveries");
                    false
                }
            };
            if full {
                continue;
            }
            let pause = match self.ports.webhooks.next_delivery_at().await {
                Ok(Some(at)) => {
                    let until = at - self.ports.clock.now();
                    std::time::Duration::try_from(until)
                        .unwrap_or_default()
                        .min(self.settings.idle_poll)
                }
                _ => self.settings.idle_poll,
            };
            tokio::select! {
                () = tokio::time::sleep(pause.max(std::time::Duration::from_millis(20))) => {}
                () = &mut shutdown => break,
            }
        }
        tracing::info!("webhook deliverer stopped");
    }

    /// Sends one claimed delivery and stores the outcome; true when the receiver took it.
    async fn attempt(&self, claimed: ClaimedDelivery) -> bool {
        let ClaimedDelivery {
            delivery,
            payload,
            endpoint,
        } = claimed;
        let now = self.ports.clock.now();
        let timestamp = now.unix_timestamp();
        let message_id = delivery.event_id.to_string();
        let signature = endpoint
            .signing_secrets(now)
            .into_iter()
            .map(|secret| {
                self.ports
                    .signer
                    .sign(secret, &message_id, timestamp, &payload)
            })
            .collect::<Vec<_>>()
            .join(" ");
        let request = WebhookRequest {
            url: endpoint.url.clone(),
            headers: vec![
                ("content-type", "application/json".to_owned()),
                ("webhook-id", message_id),
                ("webhook-timestamp", timestamp.to_string()),
                ("webhook-signature", signature),
            ],
            body: payload,
        };
        let started = std::time::Instant::now();
        let sent = self.ports.sender.send(&request).await;
        let response_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        let finished_at = self.ports.clock.now();
        let (status, error) = match sent {
            Ok(status) => (Some(status), None),
            Err(error) => (None, Some(error.to_string())),
        };
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        self.metrics.webhook_delivery(match status {
            _ if delivered => DeliveryOutcome::Delivered,
            Some(_) => DeliveryOutcome::Refused,
            None => DeliveryOutcome::Unreachable,
        });
        let error = match (error, status) {
            (Some(error), _) => Some(error),
            (None, Some(status)) if !delivered => Some(format!("the receiver answered {status}")),
            _ => None,
        };
        let retry_at = if delivered {
            None
        } else {
            next_retry(delivery.attempts + 1, finished_at)
        };
        let result = AttemptResult {
            status,
            error,
            response_ms,
            delivered,
            finished_at,
        };
        tracing::info!(
            delivery_id = %delivery.id,
            event_id = %delivery.event_id,
            webhook_id = %endpoint.id,
            event = %delivery.event_type,
            attempt = delivery.attempts + 1,
            status = result.status,
            delivered,
            "webhook attempt"
        );
        if let Err(error) = self
            .ports
            .webhooks
            .finish_attempt(
                delivery.id,
                &self.worker,
                &result,
                retry_at,
                self.settings.disable_after,
            )
            .await
        {
            tracing::warn!(%error, delivery_id = %delivery.id, "webhook attempt not recorded");
        }
        delivered
    }
}
