use socialpub_domain::SecretString;
use socialpub_ports::{InsightsReader, PlatformErrorKind, PublishAccount};
use socialpub_x::XInsights;
use time::macros::datetime;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client;

fn account() -> PublishAccount {
    PublishAccount {
        external_user_id: "2244994945".into(),
        display_name: "someone".into(),
        access_token: SecretString::new("canary-access"),
    }
}

fn tweet(id: &str, at: &str, likes: u64) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "text": format!("post {id} #rust"),
        "created_at": at,
        "public_metrics": {
            "retweet_count": 2, "reply_count": 3, "like_count": likes,
            "quote_count": 1, "bookmark_count": 4, "impression_count": 900
        }
    })
}

#[tokio::test]
async fn recent_posts_read_the_timeline_with_public_metrics_across_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/2244994945/tweets"))
        .and(query_param("exclude", "replies,retweets"))
        .and(query_param(
            "tweet.fields",
            "id,text,created_at,public_metrics",
        ))
        .and(query_param("pagination_token", "page2"))
        .and(header("authorization", "Bearer canary-access"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [tweet("1", "2026-05-01T10:00:00.000Z", 5)],
            "meta": {"result_count": 1}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/users/2244994945/tweets"))
        .and(query_param("max_results", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [tweet("3", "2026-05-03T10:00:00.000Z", 50), tweet("2", "2026-05-02T10:00:00.000Z", 20)],
            "meta": {"result_count": 2, "next_token": "page2"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let posts = XInsights::new(client(&server))
        .recent_posts(&account(), 200)
        .await
        .unwrap();
    let ids: Vec<&str> = posts.iter().map(|p| p.external_id.as_str()).collect();
    assert_eq!(ids, ["3", "2", "1"]);
    assert_eq!(posts[0].published_at, datetime!(2026-05-03 10:00 UTC));
    let metrics = &posts[0].metrics;
    assert_eq!(metrics.likes, Some(50));
    assert_eq!(metrics.comments, Some(3));
    assert_eq!(metrics.shares, Some(3), "reposts and quotes");
    assert_eq!(metrics.saves, Some(4));
    assert_eq!(metrics.views, Some(900));
}

#[tokio::test]
async fn missing_metrics_are_unavailable_not_zero() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/42"))
        .and(query_param("tweet.fields", "public_metrics"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": {"id": "42", "text": "hi", "public_metrics": {"like_count": 7}}
        })))
        .mount(&server)
        .await;
    let metrics = XInsights::new(client(&server))
        .post_metrics(&account(), "42")
        .await
        .unwrap();
    assert_eq!(metrics.likes, Some(7));
    assert_eq!(metrics.shares, None);
    assert_eq!(metrics.views, None);
}

#[tokio::test]
async fn related_hashtags_count_co_occurring_tags_in_recent_search() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/tweets/search/recent"))
        .and(query_param("query", "(rust OR \"web assembly\") has:hashtags -is:retweet"))
        .and(query_param("tweet.fields", "entities"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [
                {"id": "1", "text": "a", "entities": {"hashtags": [{"start": 0, "end": 5, "tag": "RustLang"}, {"start": 6, "end": 10, "tag": "wasm"}]}},
                {"id": "2", "text": "b", "entities": {"hashtags": [{"start": 0, "end": 5, "tag": "rustlang"}]}},
                {"id": "3", "text": "c"}
            ],
            "meta": {"result_count": 3}
        })))
        .mount(&server)
        .await;
    let tags = XInsights::new(client(&server))
        .related_hashtags(&account(), &["rust".into(), "web assembly".into()])
        .await
        .unwrap();
    assert_eq!(tags[0].tag, "rustlang");
    assert_eq!(tags[0].popularity, 1.0);
    assert!(tags[0].reason.contains("2 of 3 recent X posts"));
    assert_eq!(tags[1].tag, "wasm");
    assert_eq!(tags[1].popularity, 0.5);
}

#[tokio::test]
async fn a_refused_read_is_classified_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/2244994945/tweets"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"
        })))
        .mount(&server)
        .await;
    let error = XInsights::new(client(&server))
        .recent_posts(&account(), 10)
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert!(!format!("{error:?}").contains("canary"));
}
