//! Insights reads: the Page's posts with their counts (a post nobody shared has no `shares`
//! field: zero, while saves stay unavailable), one post's counts and its `post_media_view`.

use socialpub_domain::SecretString;
use socialpub_facebook::{FacebookInsights, POST_COUNT_FIELDS, POST_VIEWS_METRIC};
use socialpub_ports::{InsightsReader, PlatformErrorKind, PublishAccount};
use time::macros::datetime;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{PAGE_TOKEN_1, assert_no_secrets, client};

fn account() -> PublishAccount {
    PublishAccount {
        external_user_id: "101".into(),
        display_name: "Bakery".into(),
        access_token: SecretString::new(PAGE_TOKEN_1),
    }
}

fn post(id: &str, created: &str, reactions: u64, shares: Option<u64>) -> serde_json::Value {
    let mut post = serde_json::json!({
        "id": id,
        "message": format!("fresh bread #sourdough {id}"),
        "created_time": created,
        "comments": {"data": [], "summary": {"total_count": 3, "can_comment": true}},
        "reactions": {"data": [], "summary": {"total_count": reactions}},
    });
    if let Some(shares) = shares {
        post["shares"] = serde_json::json!({"count": shares});
    }
    post
}

#[tokio::test]
async fn recent_posts_read_the_pages_published_posts_with_their_counts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/101/published_posts"))
        .and(query_param("fields", POST_COUNT_FIELDS))
        .and(query_param("after", "p1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [post("101_1", "2026-05-01T08:00:00+0000", 5, None)],
            "paging": {"cursors": {"after": "p2"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v25.0/101/published_posts"))
        .and(header(
            "authorization",
            format!("Bearer {PAGE_TOKEN_1}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [post("101_2", "2026-05-02T08:00:00+0000", 40, Some(6))],
            "paging": {"cursors": {"after": "p1"}, "next": "https://graph.facebook.com/next"}
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let posts = FacebookInsights::new(client(&server))
        .recent_posts(&account(), 50)
        .await
        .unwrap();
    let ids: Vec<&str> = posts.iter().map(|p| p.external_id.as_str()).collect();
    assert_eq!(ids, ["101_2", "101_1"]);
    assert_eq!(posts[0].published_at, datetime!(2026-05-02 08:00 UTC));
    assert_eq!(posts[0].text, "fresh bread #sourdough 101_2");
    assert_eq!(posts[0].metrics.likes, Some(40));
    assert_eq!(posts[0].metrics.comments, Some(3));
    assert_eq!(posts[0].metrics.shares, Some(6));
    assert_eq!(
        posts[1].metrics.shares,
        Some(0),
        "no shares field: nobody shared"
    );
    assert_eq!(posts[0].metrics.saves, None, "Facebook has no saves count");
}

#[tokio::test]
async fn post_metrics_add_the_views_insight() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/101_2"))
        .and(query_param("fields", POST_COUNT_FIELDS))
        .respond_with(ResponseTemplate::new(200).set_body_json(post(
            "101_2",
            "2026-05-02T08:00:00+0000",
            40,
            Some(6),
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v25.0/101_2/insights"))
        .and(query_param("metric", POST_VIEWS_METRIC))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"name": "post_media_view", "period": "lifetime",
                      "values": [{"value": 1234}], "id": "101_2/insights/post_media_view/lifetime"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let metrics = FacebookInsights::new(client(&server))
        .post_metrics(&account(), "101_2")
        .await
        .unwrap();
    assert_eq!(metrics.likes, Some(40));
    assert_eq!(metrics.views, Some(1234));
    assert!(!POST_VIEWS_METRIC.contains("impressions"));
}

#[tokio::test]
async fn facebook_has_no_audience_online_metric_any_more() {
    let server = MockServer::start().await;
    let hours = FacebookInsights::new(client(&server))
        .audience_online(&account())
        .await
        .unwrap();
    assert!(hours.is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_refused_token_is_classified_and_never_shown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": {"message": "Error validating access token", "type": "OAuthException",
                      "code": 190}
        })))
        .mount(&server)
        .await;
    let error = FacebookInsights::new(client(&server))
        .post_metrics(&account(), "101_2")
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_no_secrets(&error);
}
