use actix_web::test::TestRequest;
use socialpub_domain::Platform;
use socialpub_domain::insights::{AccountPost, PostMetrics};
use socialpub_ports::fakes::FakeInsightsReader;
use std::sync::Arc;
use time::Duration;
use time::macros::datetime;

use crate::harness::{ALICE_TOKEN, BOB_TOKEN, World, alice, bearer, envelope, send};

/// Eight weeks of posts at 09:00 and 13:00 UTC on weekdays, with Wednesday 20:00 UTC posts
/// (#late) doing best.
fn history() -> Vec<AccountPost> {
    let monday = datetime!(2026-03-02 00:00 UTC);
    let mut posts = Vec::new();
    let mut add = |at, text: &str, likes| {
        posts.push(AccountPost {
            external_id: format!("p{}", posts.len()),
            published_at: at,
            text: text.to_owned(),
            metrics: PostMetrics {
                likes: Some(likes),
                ..PostMetrics::default()
            },
        });
    };
    for week in 0..8 {
        for day in 0..5 {
            let date = monday + Duration::weeks(week) + Duration::days(day);
            add(date + Duration::hours(9), "#morning", 40);
            add(date + Duration::hours(13), "#lunch", 44);
        }
        add(
            monday + Duration::weeks(week) + Duration::days(2) + Duration::hours(20),
            "#late #food",
            200,
        );
    }
    posts
}

fn world() -> World {
    World {
        insights_x: Arc::new(FakeInsightsReader::new(Platform::X).with_posts(history())),
        ..World::default()
    }
}

#[actix_web::test]
async fn best_times_answer_from_the_accounts_posts_in_its_zone() {
    let world = world();
    let connection = world.connect(alice(), Platform::X).await;
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri(&format!(
                "/api/v1/insights/x/best-times?connection_id={}&tz=Asia/Tokyo",
                connection.id
            ))
            .insert_header(bearer(ALICE_TOKEN)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // Wednesday 20:00 UTC is Thursday 05:00 in Tokyo.
    assert_eq!(body["suggested_times"][0]["weekday"], "thursday");
    assert_eq!(body["suggested_times"][0]["hour"], 5);
    assert_eq!(body["suggested_times"][0]["local_time"], "05:00");
    assert_eq!(body["heatmap"][3][5], 100.0);
    assert_eq!(body["basis"], "engagement");
    assert_eq!(body["sample_size"], 88);
    assert_eq!(body["time_zone"], "Asia/Tokyo");
    assert_eq!(body["next_slots"].as_array().unwrap().len(), 3);
    assert_eq!(body["sources_failed"], serde_json::json!([]));
}

#[actix_web::test]
async fn best_times_refuse_bad_input_with_the_field() {
    let world = world();
    let x = world.connect(alice(), Platform::X).await;
    let linkedin = world.connect(alice(), Platform::Linkedin).await;
    let app = world.app().await;
    let get = |uri: String, token: &str| TestRequest::get().uri(&uri).insert_header(bearer(token));
    let cases = [
        (
            get(
                format!(
                    "/api/v1/insights/x/best-times?connection_id={}&tz=Mars/Base",
                    x.id
                ),
                ALICE_TOKEN,
            ),
            422,
            "unknown_time_zone",
            Some("tz"),
        ),
        (
            get("/api/v1/insights/x/best-times?tz=UTC".into(), ALICE_TOKEN),
            400,
            "invalid_parameter",
            Some("connection_id"),
        ),
        (
            get(
                format!(
                    "/api/v1/insights/x/best-times?connection_id={}",
                    linkedin.id
                ),
                ALICE_TOKEN,
            ),
            422,
            "connection_platform_mismatch",
            Some("connection_id"),
        ),
        (
            get(
                format!("/api/v1/insights/x/best-times?connection_id={}", x.id),
                BOB_TOKEN,
            ),
            404,
            "not_found",
            None,
        ),
        (
            get(
                format!("/api/v1/insights/myspace/best-times?connection_id={}", x.id),
                ALICE_TOKEN,
            ),
            404,
            "not_found",
            None,
        ),
    ];
    for (req, status, code, field) in cases {
        let (got, _, body) = send(&app, req).await;
        assert_eq!(got, status, "{body}");
        assert_eq!(envelope(&body, code).field.as_deref(), field, "{body}");
    }
}

#[actix_web::test]
async fn hashtags_rank_the_accounts_own_tags_and_respect_the_cap() {
    let world = world();
    let connection = world.connect(alice(), Platform::X).await;
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/insights/x/hashtags")
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(serde_json::json!({
                "keywords": ["food"],
                "connection_id": connection.id.to_string(),
                "limit": 30,
            })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let tags: Vec<&str> = body["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["tag"].as_str().unwrap())
        .collect();
    let late = tags.iter().position(|t| *t == "late").unwrap();
    let foodie = tags.iter().position(|t| *t == "foodie").unwrap();
    assert!(late < foodie, "{tags:?}");
    assert_eq!(body["suggestions"][late]["source"], "own_posts");
    assert_eq!(body["cap"], serde_json::Value::Null);

    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/insights/instagram/hashtags")
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(serde_json::json!({"keywords": ["travel"], "limit": 30})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["cap"], 5);
    assert_eq!(body["suggestions"].as_array().unwrap().len(), 5);
    assert_eq!(body["sources_used"], serde_json::json!(["industry"]));
}

#[actix_web::test]
async fn hashtags_refuse_bad_input_with_the_field() {
    let world = world();
    let linkedin = world.connect(alice(), Platform::Linkedin).await;
    let app = world.app().await;
    let too_many: Vec<String> = (0..11).map(|i| format!("k{i}")).collect();
    let cases = [
        (
            serde_json::json!({"keywords": []}),
            400,
            "invalid_body",
            Some("keywords"),
        ),
        (
            serde_json::json!({"keywords": too_many}),
            400,
            "invalid_body",
            Some("keywords"),
        ),
        (
            serde_json::json!({"keywords": ["x".repeat(51)]}),
            400,
            "invalid_body",
            Some("keywords"),
        ),
        (
            serde_json::json!({"keywords": ["a"], "limit": 100000}),
            400,
            "invalid_body",
            Some("limit"),
        ),
        (
            serde_json::json!({"keywords": ["a"], "limit": 0}),
            400,
            "invalid_body",
            Some("limit"),
        ),
        (
            serde_json::json!({"keywords": ["a"], "industry": "alchemy"}),
            400,
            "invalid_body",
            Some("industry"),
        ),
        (
            serde_json::json!({"keywords": ["a"], "connection_id": linkedin.id.to_string()}),
            422,
            "connection_platform_mismatch",
            Some("connection_id"),
        ),
        (
            serde_json::json!({"keywords": ["a"], "connection_id": "nope"}),
            400,
            "invalid_body",
            Some("connection_id"),
        ),
    ];
    for (json, status, code, field) in cases {
        let (got, _, body) = send(
            &app,
            TestRequest::post()
                .uri("/api/v1/insights/x/hashtags")
                .insert_header(bearer(ALICE_TOKEN))
                .set_json(json.clone()),
        )
        .await;
        assert_eq!(got, status, "{json} -> {body}");
        assert_eq!(
            envelope(&body, code).field.as_deref(),
            field,
            "{json} -> {body}"
        );
    }
}

#[actix_web::test]
async fn schedule_next_best_picks_the_accounts_next_best_slot_and_says_why() {
    let world = world();
    let connection = world.connect(alice(), Platform::X).await;
    let app = world.app().await;
    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/schedule")
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(serde_json::json!({
                "connection_id": connection.id.to_string(),
                "text_content": "hello",
                "schedule_time": "next_best",
                "time_zone": "UTC",
            })),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    // NOW is Friday 2026-05-01 12:00 UTC; the account's best slot is Wednesday 20:00 UTC.
    assert_eq!(body["scheduled_at"], "2026-05-06T20:00:00Z", "{body}");
    assert_eq!(body["time_zone"], "UTC");
    let why = &body["metadata"]["next_best"];
    assert_eq!(why["weekday"], "wednesday", "{body}");
    assert_eq!(why["local_time"], "20:00");
    assert_eq!(why["basis"], "engagement");
    assert!(why["why"].as_str().unwrap().contains("wednesday 20:00 UTC"));

    let (status, _, body) = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/posts")
            .insert_header(bearer(ALICE_TOKEN))
            .set_json(serde_json::json!({
                "text_content": "hello again",
                "schedule_time": "next_best",
                "time_zone": "Mars/Base",
                "targets": [{"connection_id": connection.id.to_string()}],
            })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        envelope(&body, "unknown_time_zone").field.as_deref(),
        Some("time_zone")
    );
}
