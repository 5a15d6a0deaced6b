//! Insights end to end: a TikTok account connected through the simulator, whose seeded
//! history peaks on Saturdays at 19:00 UTC.

use reqwest::Method;
use serde_json::{Value, json};
use socialpub_domain::Platform;

use super::harness::{Server, documented, start};

async fn post_json(server: &Server, path: &str, body: Value) -> (reqwest::StatusCode, Value) {
    let res = server
        .http
        .post(format!("{}/api/v1{path}", server.base))
        .bearer_auth(&server.bearer)
        .json(&body)
        .send()
        .await
        .unwrap();
    documented(&Method::POST, res).await
}

#[tokio::test]
async fn the_simulators_seeded_peak_is_found_and_cached() {
    let server = start().await;
    let connections = server.connect(Platform::Tiktok).await;
    let id = connections[0]["id"].as_str().unwrap().to_owned();

    let (status, body) = server
        .api(
            Method::GET,
            &format!("/insights/tiktok/best-times?connection_id={id}&tz=UTC"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["suggested_times"][0]["weekday"], "saturday", "{body}");
    assert_eq!(body["suggested_times"][0]["hour"], 19, "{body}");
    assert_eq!(body["basis"], "engagement");
    assert_eq!(body["confidence"], "high");
    assert_eq!(body["sample_size"], 200);
    assert_eq!(body["sources_failed"], json!([]));

    // The same account in another zone: no new platform call, the peak in local time.
    let calls = server.sim_stats(Platform::Tiktok).await["requests"].clone();
    let (status, body) = server
        .api(
            Method::GET,
            &format!("/insights/tiktok/best-times?connection_id={id}&tz=Asia/Tokyo"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Saturday 19:00 UTC is Sunday 04:00 in Tokyo (no DST there).
    assert_eq!(body["suggested_times"][0]["weekday"], "sunday", "{body}");
    assert_eq!(body["suggested_times"][0]["hour"], 4, "{body}");
    assert_eq!(server.sim_stats(Platform::Tiktok).await["requests"], calls);

    let (status, body) = post_json(
        &server,
        "/insights/tiktok/hashtags",
        json!({"keywords": ["dance"], "connection_id": id, "limit": 20}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let suggestions = body["suggestions"].as_array().unwrap();
    let tags: Vec<&str> = suggestions
        .iter()
        .filter_map(|s| s["tag"].as_str())
        .collect();
    // The tags of the peak posts, in the order of their lift and relevance to "dance".
    assert_eq!(tags, ["dance", "weekendvibes", "midweek"], "{body}");
    assert!(
        suggestions.iter().all(|s| s["source"] == "own_posts"),
        "{body}"
    );
    assert!(
        suggestions.iter().all(|s| s["tag"] != "daily"),
        "a tag of ordinary posts is not promoted: {body}"
    );
    assert_eq!(body["cap"], Value::Null);
}

#[tokio::test]
async fn another_users_connection_is_not_found() {
    let server = start().await;
    let connections = server.connect(Platform::Tiktok).await;
    let id = connections[0]["id"].as_str().unwrap();
    let res = server
        .http
        .get(format!(
            "{}/api/v1/insights/tiktok/best-times?connection_id={id}&tz=UTC",
            server.base
        ))
        .bearer_auth(&server.other_bearer)
        .send()
        .await
        .unwrap();
    let (status, body) = documented(&Method::GET, res).await;
    assert_eq!(status, 404, "{body}");
}
