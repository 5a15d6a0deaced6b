//! Best-times latency for an account with many posts: the insights use case as a request
//! runs it with a warm cache (the posts decoded from the cached JSON, bucketed in the
//! audience's zone, shrunk, ranked, the next slots found), beside the floor any answer pays
//! on the same data measured in the same run: decoding the cached posts and summing them per
//! UTC hour.

use std::sync::Arc;
use std::time::{Duration, Instant};

use socialpub_application::{
    ConnectionPolicy, ConnectionPorts, ConnectionService, InsightsPorts, InsightsService,
    InsightsSettings,
};
use socialpub_domain::insights::{AccountPost, PostMetrics};
use socialpub_domain::{
    ConnectionId, NewConnection, Platform, SecretString, SocialConnection, UserId,
};
use socialpub_ports::fakes::{
    FakeInsightsReader, FakeTokenCipher, InMemoryConnectionRepository, InMemoryInsightsCache,
    InMemoryOAuthStateStore, InMemoryPostMetricsRepository, ManualClock, SequentialSecrets,
    StaticInsightsReaderRegistry, StaticPlatformRegistry,
};
use socialpub_ports::{ConnectionRepository, InsightsCache, TokenCipher, TokenSlot};
use time::OffsetDateTime;

/// Latencies of one case, in microseconds.
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
}

/// What the bench prints.
pub struct Report {
    pub posts: usize,
    pub service: Latency,
    pub floor: Latency,
}

fn posts(count: usize, now: OffsetDateTime) -> Vec<AccountPost> {
    (0..count)
        .map(|i| {
            let step = i64::try_from(i).unwrap_or(0);
            // One post every 97 minutes going back: every weekday and hour gets many.
            let at = now - time::Duration::minutes(97 * (step + 1));
            AccountPost {
                external_id: format!("p{i}"),
                published_at: at,
                text: format!("post {i} #tag{}", i % 50),
                metrics: PostMetrics {
                    likes: Some(u64::try_from(50 + (step * 7919) % 400).unwrap_or(0)),
                    comments: Some(u64::try_from(step % 13).unwrap_or(0)),
                    shares: Some(u64::try_from(step % 5).unwrap_or(0)),
                    saves: None,
                    views: Some(1000),
                },
            }
        })
        .collect()
}

fn latency(mut samples: Vec<Duration>) -> Latency {
    samples.sort();
    let at = |q: f64| {
        let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples
            .get(index)
            .map_or(0.0, |d| d.as_secs_f64() * 1_000_000.0)
    };
    Latency {
        p50: at(0.5),
        p99: at(0.99),
    }
}

/// Measures `rounds` best-times answers for an account with `count` posts.
pub async fn best_times(count: usize, rounds: usize) -> anyhow::Result<Report> {
    let now = OffsetDateTime::now_utc();
    let clock = Arc::new(ManualClock::new(now));
    let connections = Arc::new(InMemoryConnectionRepository::default());
    let user = UserId::parse("bench")?;
    let id = ConnectionId::new();
    let connection = SocialConnection::new(
        NewConnection {
            id,
            user_id: user.clone(),
            platform: Platform::Tiktok,
            external_user_id: "bench-creator".into(),
            external_display_name: "bench".into(),
            access_token_encrypted: FakeTokenCipher::default()
                .seal(&SecretString::new("access"), TokenSlot::access(id))?,
            refresh_token_encrypted: None,
            expires_at: None,
            refresh_expires_at: None,
            scopes: vec![],
        },
        now,
    );
    connections.save(&connection).await?;
    let history = posts(count, now);
    let reader = Arc::new(FakeInsightsReader::new(Platform::Tiktok).with_posts(history));
    let cache = Arc::new(InMemoryInsightsCache::default());
    let service = InsightsService::new(
        InsightsPorts {
            connections: ConnectionService::new(
                ConnectionPorts {
                    connections,
                    oauth_states: Arc::new(InMemoryOAuthStateStore::default()),
                    platforms: Arc::new(StaticPlatformRegistry::default()),
                    cipher: Arc::new(FakeTokenCipher::default()),
                    secrets: Arc::new(SequentialSecrets::default()),
                    clock: clock.clone(),
                },
                ConnectionPolicy::new(url::Url::parse("http://bench.test/connect/")?, "bench"),
            ),
            readers: Arc::new(StaticInsightsReaderRegistry::default().with(reader)),
            cache: cache.clone(),
            post_metrics: Arc::new(InMemoryPostMetricsRepository::default()),
            clock,
        },
        InsightsSettings {
            recent_posts: count,
            ..InsightsSettings::default()
        },
    );
    // The first answer fills the cache; the measured ones are what a request then costs.
    service
        .best_times(&user, Platform::Tiktok, id, "America/New_York")
        .await?;
    let key = format!("tiktok:recent_posts:{id}");

    let mut service_samples = Vec::with_capacity(rounds);
    let mut floor_samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        let answer = service
            .best_times(&user, Platform::Tiktok, id, "America/New_York")
            .await?;
        service_samples.push(started.elapsed());
        std::hint::black_box(answer);

        let started = Instant::now();
        let cached = cache.get(&key).await?.unwrap_or_default();
        let posts: Vec<AccountPost> = serde_json::from_value(cached)?;
        let mut hours = [0.0_f64; 24];
        for post in &posts {
            hours[usize::from(post.published_at.hour())] += post.metrics.engagement();
        }
        floor_samples.push(started.elapsed());
        std::hint::black_box(hours);
    }
    Ok(Report {
        posts: count,
        service: latency(service_samples),
        floor: latency(floor_samples),
    })
}
