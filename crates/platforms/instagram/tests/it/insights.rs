//! Insights reads: media with their current metrics (retired ones never asked for, missing
//! ones unavailable), `online_followers` (and its refusal as an invalid metric), hashtag
//! research on Facebook Login only.

use socialpub_domain::SecretString;
use socialpub_instagram::{InstagramInsights, MEDIA_METRICS};
use socialpub_ports::{InsightsReader, PlatformErrorKind, PublishAccount};
use time::macros::datetime;
use url::Url;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{LONG_TOKEN, assert_no_secrets, client};

const FB_TOKEN: &str = "EAAcanary-fb-login-token";

fn reader(server: &MockServer) -> InstagramInsights {
    InstagramInsights::new(
        client(server),
        Url::parse(&format!("{}/fb/", server.uri())).unwrap(),
    )
}

fn account(token: &str) -> PublishAccount {
    PublishAccount {
        external_user_id: "17841400000000001".into(),
        display_name: "shop".into(),
        access_token: SecretString::new(token),
    }
}

fn insights(likes: u64, with_saved: bool) -> serde_json::Value {
    let mut data = vec![
        serde_json::json!({"name": "views", "period": "lifetime", "values": [{"value": 900}]}),
        serde_json::json!({"name": "likes", "period": "lifetime", "values": [{"value": likes}]}),
        serde_json::json!({"name": "comments", "period": "lifetime", "total_value": {"value": 4}}),
        serde_json::json!({"name": "shares", "period": "lifetime", "values": [{"value": 2}]}),
    ];
    if with_saved {
        data.push(serde_json::json!({"name": "saved", "values": [{"value": 7}]}));
    }
    serde_json::json!({ "data": data })
}

#[tokio::test]
async fn post_metrics_ask_current_metrics_and_leave_missing_ones_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/1790001/insights"))
        .and(query_param("metric", MEDIA_METRICS))
        .and(header(
            "authorization",
            format!("Bearer {LONG_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(insights(31, false)))
        .expect(1)
        .mount(&server)
        .await;
    let metrics = reader(&server)
        .post_metrics(&account(LONG_TOKEN), "1790001")
        .await
        .unwrap();
    assert!(!MEDIA_METRICS.contains("impressions"));
    assert_eq!(metrics.likes, Some(31));
    assert_eq!(metrics.comments, Some(4));
    assert_eq!(metrics.shares, Some(2));
    assert_eq!(metrics.views, Some(900));
    assert_eq!(metrics.saves, None, "not given: unavailable, not zero");
}

#[tokio::test]
async fn recent_posts_list_media_pages_then_read_each_ones_metrics() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/17841400000000001/media"))
        .and(query_param("fields", "id,timestamp"))
        .and(query_param("after", "c1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": "m1", "timestamp": "2026-05-01T18:00:00+0000"}],
            "paging": {"cursors": {"after": "c2"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/17841400000000001/media"))
        .and(query_param("fields", "id,timestamp"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": "m2", "timestamp": "2026-05-02T18:00:00+0000"}],
            "paging": {"cursors": {"after": "c1"}, "next": "https://graph/next"}
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    for (id, likes) in [("m1", 10), ("m2", 20)] {
        Mock::given(method("GET"))
            .and(path(format!("/graph/v25.0/{id}/insights")))
            .respond_with(ResponseTemplate::new(200).set_body_json(insights(likes, true)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let posts = reader(&server)
        .recent_posts(&account(LONG_TOKEN), 10)
        .await
        .unwrap();
    let seen: Vec<(&str, Option<u64>)> = posts
        .iter()
        .map(|p| (p.external_id.as_str(), p.metrics.likes))
        .collect();
    assert_eq!(seen, [("m2", Some(20)), ("m1", Some(10))]);
    assert_eq!(posts[0].published_at, datetime!(2026-05-02 18:00 UTC));
    assert_eq!(posts[0].metrics.saves, Some(7));
}

#[tokio::test]
async fn online_followers_become_hours_of_the_day_ending_at_end_time() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/17841400000000001/insights"))
        .and(query_param("metric", "online_followers"))
        .and(query_param("period", "lifetime"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"name": "online_followers", "period": "lifetime", "values": [
                {"value": {"0": 5, "13": 80}, "end_time": "2026-09-02T07:00:00+0000"},
                {"value": {}, "end_time": "2026-09-03T07:00:00+0000"}
            ]}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let hours = reader(&server)
        .audience_online(&account(LONG_TOKEN))
        .await
        .unwrap();
    let seen: Vec<_> = hours.iter().map(|h| (h.at, h.online)).collect();
    assert_eq!(
        seen,
        [
            (datetime!(2026-09-01 07:00 UTC), 5),
            (datetime!(2026-09-01 20:00 UTC), 80)
        ]
    );
}

#[tokio::test]
async fn online_followers_refused_as_an_invalid_metric_is_no_data_not_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/17841400000000001/insights"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": {"message": "(#100) Invalid metric", "type": "OAuthException", "code": 100}
        })))
        .mount(&server)
        .await;
    let hours = reader(&server)
        .audience_online(&account(LONG_TOKEN))
        .await
        .unwrap();
    assert!(hours.is_empty());
}

#[tokio::test]
async fn hashtag_research_counts_tags_in_the_top_media_on_facebook_login() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/fb/v25.0/ig_hashtag_search"))
        .and(query_param("user_id", "17841400000000001"))
        .and(query_param("q", "streetfood"))
        .and(header(
            "authorization",
            format!("Bearer {FB_TOKEN}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": [{"id": "17843857450040591"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/fb/v25.0/17843857450040591/top_media"))
        .and(query_param("user_id", "17841400000000001"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [
                {"id": "a", "caption": "lunch #StreetFood #tacos, yum"},
                {"id": "b", "caption": "#streetfood #foodie #tacos"},
                {"id": "c"}
            ]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let tags = reader(&server)
        .related_hashtags(&account(FB_TOKEN), &["Street food".to_owned()])
        .await
        .unwrap();
    let seen: Vec<(&str, f64)> = tags
        .iter()
        .map(|t| (t.tag.as_str(), t.popularity))
        .collect();
    assert_eq!(seen, [("streetfood", 1.0), ("tacos", 1.0), ("foodie", 0.5)]);
    assert_eq!(
        tags[2].reason,
        "in 1 of 3 top Instagram posts for #streetfood"
    );
}

#[tokio::test]
async fn instagram_login_has_no_hashtag_search_and_calls_nothing() {
    let server = MockServer::start().await;
    let tags = reader(&server)
        .related_hashtags(&account(LONG_TOKEN), &["coffee".to_owned()])
        .await
        .unwrap();
    assert!(tags.is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_deleted_media_is_a_classified_error_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/gone/insights"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": {"message": "Unsupported get request. Object with ID 'gone' does not exist",
                      "type": "GraphMethodException", "code": 100, "error_subcode": 33}
        })))
        .mount(&server)
        .await;
    let error = reader(&server)
        .post_metrics(&account(LONG_TOKEN), "gone")
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
    assert_no_secrets(&error);
}
