//! Webhook deliveries per second to a receiver on loopback: the real deliverer draining the
//! outbox (claim with a lease, sign, send, store the outcome) on PostgreSQL, beside a ceiling
//! measured in the same run: the same HTTP sender posting the same signed bodies to the same
//! receiver in a plain loop, as many at once, with no database.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures_util::StreamExt as _;
use socialpub_application::{DeliverySettings, WebhookDeliverer, WebhookPorts};
use socialpub_assets::{AssetFetchSettings, HttpWebhookSender};
use socialpub_crypto::{AesGcmTokenCipher, KeyRing, StandardWebhookSigner, TokenKey};
use socialpub_domain::webhook::{EventSelection, EventType, WebhookEndpoint, WebhookEvent};
use socialpub_domain::{WebhookEndpointId, WorkerId};
use socialpub_ports::{Clock as _, SystemClock, WebhookRequest, WebhookSender, WebhookSigner};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use crate::queue::Rate;
use crate::world::World;

/// One round: the deliverer's rate and the plain loop's.
pub struct Round {
    pub deliverer: Rate,
    pub ceiling: Rate,
}

/// `events` events delivered by one deliverer claiming `batch` at a time with `in_flight`
/// sends at once, then the same number of the same requests in a plain loop.
pub async fn round(events: usize, batch: u32, in_flight: usize) -> anyhow::Result<Round> {
    let receiver = Receiver::start().await?;
    let world = World::new("webhooks", in_flight.max(4), None).await?;
    let result = measure(&world, &receiver, events, batch, in_flight).await;
    world.finish().await?;
    result
}

async fn measure(
    world: &World,
    receiver: &Receiver,
    events: usize,
    batch: u32,
    in_flight: usize,
) -> anyhow::Result<Round> {
    let key = TokenKey::generate(1).map_err(|e| anyhow::anyhow!("{e}"))?;
    let webhooks = world
        .database
        .webhooks(Arc::new(AesGcmTokenCipher::new(KeyRing::single(key))));
    let signer = Arc::new(StandardWebhookSigner::new());
    let now = SystemClock.now();
    let endpoint = WebhookEndpoint {
        id: WebhookEndpointId::new(),
        user_id: world.user.clone(),
        url: receiver.url()?,
        description: Some("bench receiver".into()),
        events: EventSelection::All,
        secret: signer.new_secret().map_err(|e| anyhow::anyhow!("{e}"))?,
        previous_secret: None,
        previous_secret_until: None,
        enabled: true,
        failing_since: None,
        disabled_note: None,
        created_at: now,
        updated_at: now,
    };
    webhooks.create_endpoint(&endpoint).await?;
    let outbox: Vec<WebhookEvent> = (0..events)
        .map(|n| {
            WebhookEvent::new(
                world.user.clone(),
                EventType::JobPublished,
                now,
                &serde_json::Map::new(),
                serde_json::json!({ "job": { "job_id": format!("bench-{n}"), "status": "published" } }),
            )
        })
        .collect();
    for chunk in outbox.chunks(500) {
        webhooks.insert_events(chunk).await?;
    }
    let sender = Arc::new(HttpWebhookSender::new(
        &AssetFetchSettings {
            allow_private_addresses: true,
            ..AssetFetchSettings::default()
        },
        Duration::from_secs(10),
    ));

    let deliverer = WebhookDeliverer::new(
        WebhookPorts {
            webhooks: Arc::clone(&webhooks),
            sender: sender.clone(),
            signer: signer.clone(),
            clock: Arc::new(SystemClock),
        },
        DeliverySettings {
            batch,
            concurrency: in_flight,
            ..DeliverySettings::default()
        },
        WorkerId::new("bench-webhooks"),
    );
    let before = receiver.received();
    let started = Instant::now();
    let report = deliverer.drain().await?;
    let deliverer_rate = Rate {
        jobs: u64::try_from(report.delivered)?,
        elapsed: started.elapsed(),
    };
    anyhow::ensure!(
        report.delivered == events && receiver.received() - before == events as u64,
        "the deliverer delivered {} of {events} events (the receiver got {})",
        report.delivered,
        receiver.received() - before
    );

    // The same requests (same bodies, signed the same way) through the same sender.
    let requests: Vec<WebhookRequest> = outbox
        .iter()
        .map(|event| {
            let id = event.id.to_string();
            let timestamp = SystemClock.now().unix_timestamp();
            WebhookRequest {
                url: endpoint.url.clone(),
                headers: vec![
                    ("content-type", "application/json".to_owned()),
                    (
                        "webhook-signature",
                        signer.sign(&endpoint.secret, &id, timestamp, &event.payload),
                    ),
                    ("webhook-id", id),
                    ("webhook-timestamp", timestamp.to_string()),
                ],
                body: event.payload.clone(),
            }
        })
        .collect();
    let before = receiver.received();
    let started = Instant::now();
    let answered = futures_util::stream::iter(&requests)
        .map(|request| sender.send(request))
        .buffer_unordered(in_flight.max(1))
        .filter(|answer| std::future::ready(matches!(answer, Ok(200..=299))))
        .count()
        .await;
    let ceiling = Rate {
        jobs: u64::try_from(answered)?,
        elapsed: started.elapsed(),
    };
    anyhow::ensure!(
        answered == events && receiver.received() - before == events as u64,
        "the plain loop delivered {answered} of {events}"
    );
    Ok(Round {
        deliverer: deliverer_rate,
        ceiling,
    })
}

/// A loopback HTTP/1.1 receiver that reads each request whole and answers `204` at once,
/// keeping connections alive; it counts what it received.
struct Receiver {
    port: u16,
    received: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the loopback receiver")?;
        let port = listener.local_addr()?.port();
        let received = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&received);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&counter)));
            }
        });
        Ok(Self {
            port,
            received,
            task,
        })
    }

    fn url(&self) -> anyhow::Result<url::Url> {
        Ok(url::Url::parse(&format!(
            "http://127.0.0.1:{}/hooks/socialpub",
            self.port
        ))?)
    }

    fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one connection's requests in turn until the client closes it.
async fn serve(mut stream: TcpStream, received: Arc<AtomicU64>) {
    let mut buffer: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // The head, up to the blank line.
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let length = content_length(&buffer[..head_end]);
        while buffer.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..head_end + length);
        received.fetch_add(1, Ordering::Relaxed);
        if stream
            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
    }
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0)
}
