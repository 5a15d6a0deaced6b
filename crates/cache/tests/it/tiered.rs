use std::net::TcpListener;
use std::time::Duration as StdDuration;

use serde_json::json;
use socialpub_cache::{MokaInsightsCache, RedisTier, TieredInsightsCache};
use socialpub_ports::InsightsCache;
use time::Duration;

use crate::support::{PrivateRedis, Warnings, closed_port, fresh_prefix, shared_redis_url};

const TIMEOUT: StdDuration = StdDuration::from_millis(300);

fn tiered(url: &str, prefix: &str) -> TieredInsightsCache {
    TieredInsightsCache::new(
        MokaInsightsCache::new(100),
        Some(RedisTier::new(url, prefix, TIMEOUT).expect("a Redis URL")),
    )
}

#[tokio::test]
async fn one_process_finds_what_another_stored_in_redis() {
    let prefix = fresh_prefix();
    let first = tiered(&shared_redis_url(), &prefix);
    let second = tiered(&shared_redis_url(), &prefix);
    first
        .put(
            "x:recent_posts:c1",
            json!({"posts": 3}),
            Duration::minutes(5),
        )
        .await
        .unwrap();
    assert_eq!(
        second.get("x:recent_posts:c1").await.unwrap(),
        Some(json!({"posts": 3}))
    );
    assert!(!second.redis_is_down());
    // Another prefix is another deployment.
    let other = tiered(&shared_redis_url(), &fresh_prefix());
    assert_eq!(other.get("x:recent_posts:c1").await.unwrap(), None);
}

#[tokio::test]
async fn a_zero_ttl_removes_the_entry_from_both_tiers() {
    let prefix = fresh_prefix();
    let first = tiered(&shared_redis_url(), &prefix);
    let second = tiered(&shared_redis_url(), &prefix);
    first
        .put("k", json!(1), Duration::minutes(5))
        .await
        .unwrap();
    first.put("k", json!(2), Duration::ZERO).await.unwrap();
    assert_eq!(first.get("k").await.unwrap(), None);
    assert_eq!(second.get("k").await.unwrap(), None);
}

#[tokio::test]
async fn a_closed_port_degrades_to_moka_with_one_warning() {
    let warnings = Warnings::default();
    let _guard = warnings.capture();
    let url = format!("redis://127.0.0.1:{}/0", closed_port());
    let cache = tiered(&url, &fresh_prefix()).with_retry_after(StdDuration::ZERO);
    for round in 0..3 {
        let key = format!("k{round}");
        cache
            .put(&key, json!(round), Duration::minutes(5))
            .await
            .expect("never an error for the user");
        assert_eq!(cache.get(&key).await.unwrap(), Some(json!(round)));
        assert_eq!(cache.get("missing").await.unwrap(), None);
    }
    assert!(cache.redis_is_down());
    assert_eq!(warnings.count(), 1);
}

#[tokio::test]
async fn a_silent_redis_is_a_timeout_not_a_hang() {
    // Accepts connections and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "redis://127.0.0.1:{}/0",
        silent.local_addr().unwrap().port()
    );
    let cache = tiered(&url, &fresh_prefix());
    assert_eq!(cache.get("k").await.unwrap(), None);
    assert!(cache.redis_is_down());
    cache
        .put("k", json!(1), Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(cache.get("k").await.unwrap(), Some(json!(1)));
}

#[tokio::test]
async fn redis_stopping_mid_run_degrades_and_its_return_is_noticed() {
    let warnings = Warnings::default();
    let _guard = warnings.capture();
    let mut redis = PrivateRedis::start();
    let prefix = fresh_prefix();
    let writer = tiered(&redis.url(), &prefix).with_retry_after(StdDuration::ZERO);
    let reader = tiered(&redis.url(), &prefix).with_retry_after(StdDuration::ZERO);
    writer
        .put("before", json!("shared"), Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(reader.get("before").await.unwrap(), Some(json!("shared")));

    redis.stop();
    writer
        .put("during", json!("local"), Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(writer.get("during").await.unwrap(), Some(json!("local")));
    assert_eq!(reader.get("during").await.unwrap(), None);
    // What the reader had already taken from Redis stays in its moka.
    assert_eq!(reader.get("before").await.unwrap(), Some(json!("shared")));
    assert!(writer.redis_is_down() && reader.redis_is_down());
    assert_eq!(warnings.count(), 2, "one per process");

    redis.restart();
    writer
        .put("after", json!("shared again"), Duration::minutes(5))
        .await
        .unwrap();
    assert!(!writer.redis_is_down());
    assert_eq!(
        reader.get("after").await.unwrap(),
        Some(json!("shared again"))
    );
    assert!(!reader.redis_is_down());
    assert_eq!(warnings.count(), 2);
}
