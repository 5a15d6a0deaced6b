//! Insights reads: an organization's posts with their share statistics (a post LinkedIn
//! leaves out had no activity), a member post's analytics one metric at a time, and no
//! listing of member posts.

use socialpub_domain::SecretString;
use socialpub_linkedin::LinkedinInsights;
use socialpub_ports::{InsightsReader, PlatformErrorKind, PublishAccount};
use time::macros::datetime;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{ACCESS_TOKEN, assert_no_secrets, client};

fn account(urn: &str) -> PublishAccount {
    PublishAccount {
        external_user_id: urn.into(),
        display_name: "Acme".into(),
        access_token: SecretString::new(ACCESS_TOKEN),
    }
}

const ORG: &str = "urn:li:organization:2414183";

#[tokio::test]
async fn organization_posts_come_with_their_share_statistics() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/rest/posts"))
        .and(query_param("q", "author"))
        .and(query_param("author", ORG))
        .and(header("X-RestLi-Method", "FINDER"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "elements": [
                {"id": "urn:li:share:2", "commentary": "launch #ai", "publishedAt": 1_780_000_000_000_i64},
                {"id": "urn:li:ugcPost:1", "commentary": "hello", "createdAt": 1_779_000_000_000_i64}
            ],
            "paging": {"start": 0, "count": 50}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/rest/organizationalEntityShareStatistics"))
        .and(query_param("q", "organizationalEntity"))
        .and(query_param("organizationalEntity", ORG))
        .and(query_param("shares", "List(urn:li:share:2)"))
        .and(query_param("ugcPosts", "List(urn:li:ugcPost:1)"))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "elements": [{
                "organizationalEntity": ORG,
                "share": "urn:li:share:2",
                "totalShareStatistics": {"impressionCount": 900, "likeCount": 30,
                    "commentCount": 4, "shareCount": 2, "clickCount": 10, "engagement": 0.05}
            }]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let posts = LinkedinInsights::new(client(&server))
        .recent_posts(&account(ORG), 100)
        .await
        .unwrap();
    let seen: Vec<(&str, Option<u64>, Option<u64>)> = posts
        .iter()
        .map(|p| (p.external_id.as_str(), p.metrics.likes, p.metrics.views))
        .collect();
    assert_eq!(
        seen,
        [
            ("urn:li:share:2", Some(30), Some(900)),
            ("urn:li:ugcPost:1", Some(0), Some(0))
        ]
    );
    assert_eq!(posts[0].published_at, datetime!(2026-05-28 20:26:40 UTC));
    assert_eq!(posts[0].text, "launch #ai");
    assert_eq!(posts[0].metrics.saves, None);
}

#[tokio::test]
async fn a_member_post_is_read_one_metric_at_a_time() {
    let server = MockServer::start().await;
    for (query_type, count) in [
        ("REACTION", 12),
        ("COMMENT", 3),
        ("RESHARE", 1),
        ("IMPRESSION", 480),
    ] {
        Mock::given(method("GET"))
            .and(path("/api/rest/memberCreatorPostAnalytics"))
            .and(query_param("q", "entity"))
            .and(query_param("entity", "(share:urn:li:share:77)"))
            .and(query_param("queryType", query_type))
            .and(query_param("aggregation", "TOTAL"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"elements": [{"count": count}]})),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let metrics = LinkedinInsights::new(client(&server))
        .post_metrics(&account("urn:li:person:abc"), "urn:li:share:77")
        .await
        .unwrap();
    assert_eq!(metrics.likes, Some(12));
    assert_eq!(metrics.comments, Some(3));
    assert_eq!(metrics.shares, Some(1));
    assert_eq!(metrics.views, Some(480));
    assert_eq!(metrics.saves, None);
}

#[tokio::test]
async fn member_posts_cannot_be_listed() {
    let server = MockServer::start().await;
    let posts = LinkedinInsights::new(client(&server))
        .recent_posts(&account("urn:li:person:abc"), 100)
        .await
        .unwrap();
    assert!(posts.is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_missing_analytics_scope_is_a_permission_error_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "status": 403, "serviceErrorCode": 100,
            "code": "ACCESS_DENIED", "message": "Not enough permissions to access: memberCreatorPostAnalytics"
        })))
        .mount(&server)
        .await;
    let error = LinkedinInsights::new(client(&server))
        .post_metrics(&account("urn:li:person:abc"), "urn:li:share:77")
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Permission);
    assert_no_secrets(&error);
}
