use socialpub_domain::{Platform, SecretString};
use socialpub_ports::{InsightsReader, PlatformErrorKind, PublishAccount};
use socialpub_tiktok::{TiktokInsights, VIDEO_FIELDS};
use time::macros::datetime;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client;

fn account() -> PublishAccount {
    PublishAccount {
        external_user_id: "open-id-1".into(),
        display_name: "creator".into(),
        access_token: SecretString::new("act.canary"),
    }
}

fn video(id: &str, create_time: i64, likes: u64) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "create_time": create_time,
        "video_description": format!("clip {id} #dance"),
        "like_count": likes,
        "comment_count": 3,
        "share_count": 1,
        "view_count": 1000,
    })
}

fn ok(data: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "data": data,
        "error": {"code": "ok", "message": "", "log_id": "1"}
    }))
}

#[tokio::test]
async fn recent_posts_page_through_the_video_list_with_its_cursor() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/video/list/"))
        .and(query_param("fields", VIDEO_FIELDS))
        .and(header("authorization", "Bearer act.canary"))
        .and(body_json(serde_json::json!({"max_count": 20})))
        .respond_with(ok(serde_json::json!({
            "videos": [video("v2", 1_780_000_000, 50), video("v1", 1_779_000_000, 20)],
            "cursor": 1_779_000_000_000_i64,
            "has_more": true,
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/video/list/"))
        .and(body_json(
            serde_json::json!({"max_count": 20, "cursor": 1_779_000_000_000_i64}),
        ))
        .respond_with(ok(serde_json::json!({
            "videos": [video("v0", 1_778_000_000, 10)],
            "cursor": 1_778_000_000_000_i64,
            "has_more": false,
        })))
        .expect(1)
        .mount(&server)
        .await;
    let posts = TiktokInsights::new(client(&server))
        .recent_posts(&account(), 100)
        .await
        .unwrap();
    let ids: Vec<&str> = posts.iter().map(|p| p.external_id.as_str()).collect();
    assert_eq!(ids, ["v2", "v1", "v0"]);
    assert_eq!(posts[0].published_at, datetime!(2026-05-28 20:26:40 UTC));
    assert_eq!(posts[0].text, "clip v2 #dance");
    assert_eq!(posts[0].metrics.likes, Some(50));
    assert_eq!(posts[0].metrics.comments, Some(3));
    assert_eq!(posts[0].metrics.shares, Some(1));
    assert_eq!(posts[0].metrics.views, Some(1000));
    assert_eq!(posts[0].metrics.saves, None, "TikTok reports no saves");
}

#[tokio::test]
async fn recent_posts_stop_at_the_limit() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/video/list/"))
        .respond_with(ok(serde_json::json!({
            "videos": [video("v2", 1_780_000_000, 50), video("v1", 1_779_000_000, 20)],
            "cursor": 1_779_000_000_000_i64,
            "has_more": true,
        })))
        .expect(1)
        .mount(&server)
        .await;
    let posts = TiktokInsights::new(client(&server))
        .recent_posts(&account(), 1)
        .await
        .unwrap();
    assert_eq!(posts.len(), 1);
}

#[tokio::test]
async fn post_metrics_query_one_video() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/video/query/"))
        .and(body_json(
            serde_json::json!({"filters": {"video_ids": ["v9"]}}),
        ))
        .respond_with(ok(
            serde_json::json!({"videos": [video("v9", 1_780_000_000, 77)]}),
        ))
        .mount(&server)
        .await;
    let reader = TiktokInsights::new(client(&server));
    assert_eq!(reader.platform(), Platform::Tiktok);
    let metrics = reader.post_metrics(&account(), "v9").await.unwrap();
    assert_eq!(metrics.likes, Some(77));
}

#[tokio::test]
async fn a_missing_scope_is_a_permission_error_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/video/list/"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "data": {},
            "error": {
                "code": "scope_not_authorized",
                "message": "The user did not authorize the scope required for completing this request.",
                "log_id": "2"
            }
        })))
        .mount(&server)
        .await;
    let error = TiktokInsights::new(client(&server))
        .recent_posts(&account(), 10)
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Permission);
    crate::assert_no_secrets(&error);
}

#[tokio::test]
async fn a_video_tiktok_does_not_return_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/video/query/"))
        .respond_with(ok(serde_json::json!({"videos": []})))
        .mount(&server)
        .await;
    let error = TiktokInsights::new(client(&server))
        .post_metrics(&account(), "gone")
        .await
        .unwrap_err();
    assert_eq!(error.http_status, Some(404));
}
