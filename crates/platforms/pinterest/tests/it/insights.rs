//! Insights reads: the account's Pins with their lifetime metrics (no shares count; a Pin
//! without lifetime metrics reads as unavailable), one Pin's metrics, trending keywords.

use socialpub_domain::SecretString;
use socialpub_pinterest::PinterestInsights;
use socialpub_ports::{InsightsReader, PlatformErrorKind, PublishAccount};
use time::macros::datetime;
use wiremock::matchers::{bearer_token, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{assert_no_secrets, client};

const TOKEN: &str = "canary-pina-insights";

fn account() -> PublishAccount {
    PublishAccount {
        external_user_id: "socialpubsim".into(),
        display_name: "sim".into(),
        access_token: SecretString::new(TOKEN),
    }
}

fn pin(id: &str, created: &str, metrics: Option<serde_json::Value>) -> serde_json::Value {
    let mut pin = serde_json::json!({
        "id": id,
        "created_at": created,
        "title": "Sourdough",
        "description": "crumb shot #bread",
        "board_id": "1",
    });
    if let Some(metrics) = metrics {
        pin["pin_metrics"] = metrics;
    }
    pin
}

#[tokio::test]
async fn recent_posts_list_pins_with_lifetime_metrics_by_bookmark() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v5/pins"))
        .and(query_param("pin_metrics", "true"))
        .and(query_param("bookmark", "b1"))
        .and(bearer_token(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "items": [pin("p1", "2026-05-01T10:00:00", None)],
            "bookmark": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v5/pins"))
        .and(query_param("pin_metrics", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "items": [pin("p2", "2026-05-02T10:00:00Z", Some(serde_json::json!({
                "90d": {"impression": 50},
                "lifetime_metrics": {"impression": 700, "save": 9, "reaction": 14,
                                     "comment": 2, "pin_click": 30}
            })))],
            "bookmark": "b1"
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let posts = PinterestInsights::new(client(&server))
        .recent_posts(&account(), 10)
        .await
        .unwrap();
    let ids: Vec<&str> = posts.iter().map(|p| p.external_id.as_str()).collect();
    // p1's created_at has no offset: it cannot be placed in time, so it is left out.
    assert_eq!(ids, ["p2"]);
    let p2 = &posts[0];
    assert_eq!(p2.published_at, datetime!(2026-05-02 10:00 UTC));
    assert_eq!(p2.text, "Sourdough crumb shot #bread");
    assert_eq!(p2.metrics.views, Some(700));
    assert_eq!(p2.metrics.saves, Some(9));
    assert_eq!(p2.metrics.likes, Some(14));
    assert_eq!(p2.metrics.comments, Some(2));
    assert_eq!(p2.metrics.shares, None, "Pinterest has no shares count");
}

#[tokio::test]
async fn a_pin_without_lifetime_metrics_is_unavailable_not_zero() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v5/pins/p1"))
        .and(query_param("pin_metrics", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pin(
            "p1",
            "2026-05-01T10:00:00Z",
            None,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let metrics = PinterestInsights::new(client(&server))
        .post_metrics(&account(), "p1")
        .await
        .unwrap();
    assert_eq!(metrics, socialpub_domain::insights::PostMetrics::default());
}

#[tokio::test]
async fn trending_keywords_become_tags_in_rank_order() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v5/trends/keywords/US/top/growing"))
        .and(query_param("include_keywords", "bread,sourdough"))
        .and(query_param("limit", "50"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"trends": [
            {"keyword": "sourdough starter", "pct_growth_wow": 5, "pct_growth_mom": 400, "pct_growth_yoy": 20},
            {"keyword": "bread recipes", "pct_growth_mom": 10001},
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let tags = PinterestInsights::new(client(&server))
        .related_hashtags(&account(), &["Bread".to_owned(), "#sourdough".to_owned()])
        .await
        .unwrap();
    let seen: Vec<(&str, f64)> = tags
        .iter()
        .map(|t| (t.tag.as_str(), t.popularity))
        .collect();
    assert_eq!(seen, [("sourdoughstarter", 1.0), ("breadrecipes", 0.5)]);
    assert_eq!(
        tags[0].reason,
        "Pinterest trend #1 in US: \"sourdough starter\", +400% month on month"
    );
    assert!(tags[1].reason.ends_with("new this month"));
}

#[tokio::test]
async fn analytics_refused_for_a_personal_account_is_a_classified_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "code": 29, "message": "You are not permitted to access that resource."
        })))
        .mount(&server)
        .await;
    let error = PinterestInsights::new(client(&server))
        .post_metrics(&account(), "p1")
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Permission);
    assert_no_secrets(&error);
}
