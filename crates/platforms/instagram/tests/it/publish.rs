//! The Instagram publisher against wiremock: containers for every kind, status polling with
//! `WaitUntil`, the live quota read before `media_publish`, the permalink, failed and expired
//! containers, reconciliation from the container and the account's media, and the Facebook
//! Login host.

use serde_json::{Value, json};
use socialpub_domain::{AssetKind, Platform, PublishJob};
use socialpub_instagram::{InstagramPublishSettings, InstagramPublisher};
use socialpub_ports::fakes::InMemoryAssetFetcher;
use socialpub_ports::fakes::publisher_driver::{Driven, NOW, account, asset, drive, job};
use socialpub_ports::{
    PlatformErrorKind, PublishAccount, PublishContext, PublishedPost, Publisher, Reconciliation,
    VOLUME_CAP_REACHED,
};
use time::Duration;
use url::Url;
use wiremock::matchers::{bearer_token, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{LONG_TOKEN, assert_no_secrets, client};

const IG: &str = "17841400000000001";
/// A Facebook Login Page token (Meta's `EAA` prefix), for the Facebook host.
const FB_TOKEN: &str = "EAA-canary-ig-page-token-44";

fn settings(server: &MockServer) -> InstagramPublishSettings {
    let facebook = Url::parse(&format!("{}/fb/", server.uri())).unwrap();
    InstagramPublishSettings::new(facebook)
}

fn publisher(server: &MockServer) -> InstagramPublisher {
    InstagramPublisher::with_settings(client(server), settings(server))
}

fn me() -> PublishAccount {
    account(IG, "socialpub.sim", LONG_TOKEN)
}

/// `/graph/v25.0/...`: the Instagram Login host of the test client.
fn graph(rest: &str) -> String {
    format!("/graph/v25.0/{rest}")
}

fn graph_error(code: i64, subcode: Option<i64>, message: &str) -> ResponseTemplate {
    let mut error =
        json!({"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"});
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    ResponseTemplate::new(400).set_body_json(json!({"error": error}))
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn mount_container(server: &MockServer, prefix: &str, body: Value, id: &str) {
    Mock::given(method("POST"))
        .and(path(format!("{prefix}/{IG}/media")))
        .and(body_json(body))
        .respond_with(ok(json!({ "id": id })))
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_status(server: &MockServer, prefix: &str, id: &str, states: &[&str]) {
    for (n, state) in states.iter().enumerate() {
        let mock = Mock::given(method("GET"))
            .and(path(format!("{prefix}/{id}")))
            .and(query_param("fields", "status_code,status"))
            .respond_with(ok(json!({"status_code": state, "id": id})));
        let mock = if n + 1 < states.len() {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        mock.mount(server).await;
    }
}

async fn mount_quota(server: &MockServer, prefix: &str, usage: u64) {
    Mock::given(method("GET"))
        .and(path(format!("{prefix}/{IG}/content_publishing_limit")))
        .and(query_param("fields", "quota_usage,config"))
        .respond_with(ok(json!({"data": [{
            "quota_usage": usage,
            "config": {"quota_total": 50, "quota_duration": 86400}
        }]})))
        .mount(server)
        .await;
}

async fn mount_publish(server: &MockServer, prefix: &str, container: &str, media: &str) {
    Mock::given(method("POST"))
        .and(path(format!("{prefix}/{IG}/media_publish")))
        .and(body_json(json!({ "creation_id": container })))
        .respond_with(ok(json!({ "id": media })))
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_permalink(server: &MockServer, prefix: &str, media: &str, url: &str) {
    Mock::given(method("GET"))
        .and(path(format!("{prefix}/{media}")))
        .respond_with(ok(
            json!({"id": media, "permalink": url, "media_type": "IMAGE"}),
        ))
        .mount(server)
        .await;
}

async fn run(server: &MockServer, job: &mut PublishJob, who: &PublishAccount) -> Driven {
    drive(
        &publisher(server),
        job,
        who,
        &InMemoryAssetFetcher::default(),
    )
    .await
}

#[tokio::test]
async fn an_image_is_a_container_polled_then_published_after_the_quota_check() {
    let server = MockServer::start().await;
    let prefix = "/graph/v25.0";
    mount_container(
        &server,
        prefix,
        json!({
            "image_url": "https://cdn.example.com/cake.jpg",
            "caption": "Fresh cake #bakery",
            "alt_text": "A strawberry cake",
            "location_id": "110000000000001",
            "collaborators": ["friend.one"]
        }),
        "c-1",
    )
    .await;
    mount_status(&server, prefix, "c-1", &["FINISHED"]).await;
    mount_quota(&server, prefix, 2).await;
    mount_publish(&server, prefix, "c-1", "m-1").await;
    mount_permalink(&server, prefix, "m-1", "https://www.instagram.com/p/CAKE1/").await;
    let mut job = job(
        Platform::Instagram,
        "Fresh cake #bakery",
        vec![asset("https://cdn.example.com/cake.jpg", AssetKind::Image)],
        json!({
            "alt_text": "A strawberry cake",
            "location_id": "110000000000001",
            "collaborators": ["@friend.one"]
        }),
    );
    let ig = publisher(&server);
    assert!(!ig.next_step(&job).commits);
    let driven = run(&server, &mut job, &me()).await;
    assert_eq!(
        driven.steps,
        [
            "create_container",
            "poll_container",
            "check_quota",
            "media_publish",
            "fetch_permalink"
        ]
    );
    assert_eq!(
        driven.result.unwrap(),
        PublishedPost {
            external_id: "m-1".into(),
            url: Some("https://www.instagram.com/p/CAKE1/".into()),
        }
    );
    let after = ig.next_step(&job);
    assert_eq!(after.name, "fetch_permalink");
    assert!(!after.commits, "once committed, nothing commits again");
}

#[tokio::test]
async fn a_reel_parks_while_its_video_processes_and_sends_its_options() {
    let server = MockServer::start().await;
    let prefix = "/graph/v25.0";
    mount_container(
        &server,
        prefix,
        json!({
            "media_type": "REELS",
            "video_url": "https://cdn.example.com/clip.mp4",
            "caption": "Behind the scenes",
            "share_to_feed": true,
            "cover_url": "https://cdn.example.com/cover.jpg"
        }),
        "c-2",
    )
    .await;
    mount_status(
        &server,
        prefix,
        "c-2",
        &["IN_PROGRESS", "IN_PROGRESS", "FINISHED"],
    )
    .await;
    mount_quota(&server, prefix, 0).await;
    mount_publish(&server, prefix, "c-2", "m-2").await;
    mount_permalink(
        &server,
        prefix,
        "m-2",
        "https://www.instagram.com/reel/REEL2/",
    )
    .await;
    let mut job = job(
        Platform::Instagram,
        "Behind the scenes",
        vec![asset("https://cdn.example.com/clip.mp4", AssetKind::Video)],
        // The cover wins over the frame offset, so the offset is not sent.
        json!({"share_to_feed": true, "cover_url": "https://cdn.example.com/cover.jpg", "thumb_offset": 1500}),
    );
    let driven = run(&server, &mut job, &me()).await;
    assert_eq!(driven.waits, 2, "{:?}", driven.steps);
    assert_eq!(
        driven.steps,
        [
            "create_container",
            "poll_container",
            "poll_container",
            "poll_container",
            "check_quota",
            "media_publish",
            "fetch_permalink"
        ]
    );
    assert_eq!(
        driven.result.unwrap().url.as_deref(),
        Some("https://www.instagram.com/reel/REEL2/")
    );
}

#[tokio::test]
async fn a_reel_without_a_cover_sends_its_frame_offset() {
    let server = MockServer::start().await;
    let prefix = "/graph/v25.0";
    mount_container(
        &server,
        prefix,
        json!({
            "media_type": "REELS",
            "video_url": "https://cdn.example.com/clip.mp4",
            "share_to_feed": false,
            "thumb_offset": 1500
        }),
        "c-3",
    )
    .await;
    mount_status(&server, prefix, "c-3", &["FINISHED"]).await;
    mount_quota(&server, prefix, 0).await;
    mount_publish(&server, prefix, "c-3", "m-3").await;
    mount_permalink(&server, prefix, "m-3", "https://www.instagram.com/reel/R3/").await;
    let mut job = job(
        Platform::Instagram,
        "",
        vec![asset("https://cdn.example.com/clip.mp4", AssetKind::Video)],
        json!({"share_to_feed": false, "thumb_offset": 1500}),
    );
    assert!(run(&server, &mut job, &me()).await.result.is_ok());
}

#[tokio::test]
async fn stories_take_an_image_or_a_video_and_no_caption() {
    let server = MockServer::start().await;
    let prefix = "/graph/v25.0";
    mount_container(
        &server,
        prefix,
        json!({"media_type": "STORIES", "image_url": "https://cdn.example.com/s.jpg"}),
        "c-4",
    )
    .await;
    mount_container(
        &server,
        prefix,
        json!({"media_type": "STORIES", "video_url": "https://cdn.example.com/s.mp4"}),
        "c-5",
    )
    .await;
    mount_status(&server, prefix, "c-4", &["FINISHED"]).await;
    mount_status(&server, prefix, "c-5", &["IN_PROGRESS", "FINISHED"]).await;
    mount_quota(&server, prefix, 0).await;
    mount_publish(&server, prefix, "c-4", "m-4").await;
    mount_publish(&server, prefix, "c-5", "m-5").await;
    mount_permalink(
        &server,
        prefix,
        "m-4",
        "https://www.instagram.com/stories/x/m-4/",
    )
    .await;
    mount_permalink(
        &server,
        prefix,
        "m-5",
        "https://www.instagram.com/stories/x/m-5/",
    )
    .await;
    for (url, kind, media) in [
        ("https://cdn.example.com/s.jpg", AssetKind::Image, "m-4"),
        ("https://cdn.example.com/s.mp4", AssetKind::Video, "m-5"),
    ] {
        let mut job = job(
            Platform::Instagram,
            "Not sent: stories take no caption",
            vec![asset(url, kind)],
            json!({"content_kind": "story"}),
        );
        let driven = run(&server, &mut job, &me()).await;
        assert_eq!(driven.result.unwrap().external_id, media);
    }
}

#[tokio::test]
async fn a_carousel_makes_every_item_then_the_carousel_of_their_ids() {
    let server = MockServer::start().await;
    let prefix = "/graph/v25.0";
    mount_container(
        &server,
        prefix,
        json!({"is_carousel_item": true, "image_url": "https://cdn.example.com/a.jpg"}),
        "i-1",
    )
    .await;
    mount_container(
        &server,
        prefix,
        json!({"media_type": "VIDEO", "is_carousel_item": true, "video_url": "https://cdn.example.com/b.mp4"}),
        "i-2",
    )
    .await;
    mount_container(
        &server,
        prefix,
        json!({"media_type": "CAROUSEL", "children": "i-1,i-2", "caption": "Two things"}),
        "c-6",
    )
    .await;
    mount_status(&server, prefix, "i-1", &["FINISHED"]).await;
    mount_status(&server, prefix, "i-2", &["IN_PROGRESS", "FINISHED"]).await;
    mount_status(&server, prefix, "c-6", &["FINISHED"]).await;
    mount_quota(&server, prefix, 0).await;
    mount_publish(&server, prefix, "c-6", "m-6").await;
    mount_permalink(&server, prefix, "m-6", "https://www.instagram.com/p/CAR6/").await;
    let mut job = job(
        Platform::Instagram,
        "Two things",
        vec![
            asset("https://cdn.example.com/a.jpg", AssetKind::Image),
            asset("https://cdn.example.com/b.mp4", AssetKind::Video),
        ],
        json!({}),
    );
    let driven = run(&server, &mut job, &me()).await;
    assert_eq!(
        driven.steps,
        [
            "create_item_container",
            "create_item_container",
            "poll_item_container",
            "poll_item_container",
            "poll_item_container",
            "create_container",
            "poll_container",
            "check_quota",
            "media_publish",
            "fetch_permalink"
        ]
    );
    assert_eq!(driven.waits, 1);
    assert_eq!(driven.result.unwrap().external_id, "m-6");
}

#[tokio::test]
async fn a_carousel_of_more_items_than_allowed_is_refused_before_any_call() {
    let server = MockServer::start().await;
    let assets = (0..11)
        .map(|n| {
            asset(
                &format!("https://cdn.example.com/{n}.jpg"),
                AssetKind::Image,
            )
        })
        .collect();
    let mut job = job(Platform::Instagram, "Too many", assets, json!({}));
    let error = run(&server, &mut job, &me()).await.result.unwrap_err();
    assert_eq!(error.code.as_deref(), Some("carousel_size"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_used_up_quota_defers_with_the_time_the_oldest_publish_leaves_the_window() {
    let server = MockServer::start().await;
    let prefix = "/graph/v25.0";
    mount_container(
        &server,
        prefix,
        json!({"image_url": "https://cdn.example.com/q.jpg", "caption": "Q"}),
        "c-7",
    )
    .await;
    mount_status(&server, prefix, "c-7", &["FINISHED"]).await;
    mount_quota(&server, prefix, 50).await;
    // The oldest publish of the last 24 hours was 23 hours ago: a slot frees in an hour.
    let oldest = (NOW - Duration::hours(23))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    Mock::given(method("GET"))
        .and(path(format!("{prefix}/{IG}/media")))
        .respond_with(ok(json!({"data": [
            {"id": "9", "media_type": "IMAGE", "timestamp": "2026-11-30T09:00:00+0000"},
            {"id": "8", "media_type": "IMAGE", "timestamp": oldest.replace('Z', "+0000")}
        ], "paging": {}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{prefix}/{IG}/media_publish")))
        .respond_with(ok(json!({"id": "never"})))
        .expect(0)
        .mount(&server)
        .await;
    let mut job = job(
        Platform::Instagram,
        "Q",
        vec![asset("https://cdn.example.com/q.jpg", AssetKind::Image)],
        json!({}),
    );
    let error = run(&server, &mut job, &me()).await.result.unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Quota);
    assert_eq!(error.code.as_deref(), Some(VOLUME_CAP_REACHED));
    assert_eq!(error.retry_after, Some(Duration::hours(1)));
    assert!(error.message.contains("50 of 50"), "{}", error.message);
}

#[tokio::test]
async fn a_commit_refused_for_the_quota_is_a_volume_cap_too() {
    let server = MockServer::start().await;
    let prefix = "/graph/v25.0";
    mount_container(
        &server,
        prefix,
        json!({"image_url": "https://cdn.example.com/q.jpg"}),
        "c-8",
    )
    .await;
    mount_status(&server, prefix, "c-8", &["FINISHED"]).await;
    mount_quota(&server, prefix, 49).await;
    Mock::given(method("POST"))
        .and(path(format!("{prefix}/{IG}/media_publish")))
        .respond_with(graph_error(
            9,
            Some(2_207_042),
            "(#9) Application request limit reached",
        ))
        .mount(&server)
        .await;
    let mut job = job(
        Platform::Instagram,
        "",
        vec![asset("https://cdn.example.com/q.jpg", AssetKind::Image)],
        json!({}),
    );
    let error = run(&server, &mut job, &me()).await.result.unwrap_err();
    assert_eq!(error.code.as_deref(), Some(VOLUME_CAP_REACHED));
    assert!(error.message.contains("9/2207042"), "{}", error.message);
    assert!(error.retry_after.is_some());
    assert_no_secrets(&error);
}

#[tokio::test]
async fn a_container_error_gives_its_trailing_subcode_and_publishes_nothing() {
    let server = MockServer::start().await;
    let prefix = "/graph/v25.0";
    mount_container(
        &server,
        prefix,
        json!({"media_type": "REELS", "video_url": "https://cdn.example.com/x.avi"}),
        "c-9",
    )
    .await;
    Mock::given(method("GET"))
        .and(path(format!("{prefix}/c-9")))
        .respond_with(ok(json!({
            "status_code": "ERROR",
            "status": "Error: Media upload has failed with error code 2207026",
            "id": "c-9"
        })))
        .mount(&server)
        .await;
    let mut job = job(
        Platform::Instagram,
        "",
        vec![asset("https://cdn.example.com/x.avi", AssetKind::Video)],
        json!({}),
    );
    let error = run(&server, &mut job, &me()).await.result.unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Media);
    assert_eq!(error.code.as_deref(), Some("container_error/2207026"));
}

#[tokio::test]
async fn an_expired_container_is_made_again() {
    let server = MockServer::start().await;
    let prefix = "/graph/v25.0";
    let body = json!({"image_url": "https://cdn.example.com/e.jpg"});
    Mock::given(method("POST"))
        .and(path(format!("{prefix}/{IG}/media")))
        .and(body_json(body.clone()))
        .respond_with(ok(json!({"id": "c-old"})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    mount_container(&server, prefix, body, "c-new").await;
    mount_status(&server, prefix, "c-old", &["EXPIRED"]).await;
    mount_status(&server, prefix, "c-new", &["FINISHED"]).await;
    mount_quota(&server, prefix, 0).await;
    mount_publish(&server, prefix, "c-new", "m-10").await;
    mount_permalink(&server, prefix, "m-10", "https://www.instagram.com/p/E10/").await;
    let mut job = job(
        Platform::Instagram,
        "",
        vec![asset("https://cdn.example.com/e.jpg", AssetKind::Image)],
        json!({}),
    );
    let driven = run(&server, &mut job, &me()).await;
    assert_eq!(driven.result.unwrap().external_id, "m-10");
    assert_eq!(
        driven.steps[..4],
        [
            "create_container",
            "poll_container",
            "create_container",
            "poll_container"
        ]
    );
}

#[tokio::test]
async fn a_facebook_login_token_publishes_on_the_facebook_host() {
    let server = MockServer::start().await;
    let prefix = "/fb/v25.0";
    Mock::given(method("POST"))
        .and(path(format!("{prefix}/{IG}/media")))
        .and(bearer_token(FB_TOKEN))
        .respond_with(ok(json!({"id": "c-11"})))
        .expect(1)
        .mount(&server)
        .await;
    mount_status(&server, prefix, "c-11", &["FINISHED"]).await;
    mount_quota(&server, prefix, 0).await;
    mount_publish(&server, prefix, "c-11", "m-11").await;
    mount_permalink(&server, prefix, "m-11", "https://www.instagram.com/p/FB11/").await;
    let mut job = job(
        Platform::Instagram,
        "Via the Page",
        vec![asset("https://cdn.example.com/p.jpg", AssetKind::Image)],
        json!({}),
    );
    let driven = run(&server, &mut job, &account(IG, "socialpub.sim", FB_TOKEN)).await;
    assert_eq!(driven.result.unwrap().external_id, "m-11");
    let on_instagram_host = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().starts_with("/graph/"))
        .count();
    assert_eq!(on_instagram_host, 0);
}

/// A job whose commit went out with no answer: its container is stored, the marker set.
async fn unanswered_commit(server: &MockServer, text: &str) -> PublishJob {
    let prefix = "/graph/v25.0";
    Mock::given(method("POST"))
        .and(path(format!("{prefix}/{IG}/media")))
        .respond_with(ok(json!({"id": "c-20"})))
        .mount(server)
        .await;
    mount_status(server, prefix, "c-20", &["FINISHED"]).await;
    mount_quota(server, prefix, 0).await;
    let ig = publisher(server);
    let mut job = job(
        Platform::Instagram,
        text,
        vec![asset("https://cdn.example.com/r.jpg", AssetKind::Image)],
        json!({}),
    );
    let files = InMemoryAssetFetcher::default();
    for _ in 0..3 {
        let outcome = ig
            .advance(&PublishContext {
                job: &job,
                account: &me(),
                assets: &files,
                now: NOW,
            })
            .await
            .unwrap();
        match outcome {
            socialpub_ports::StepOutcome::Continue(progress) => job.progress = progress,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(ig.next_step(&job).name, "media_publish");
    job.progress.final_call_started_at = Some(NOW);
    server.reset().await;
    job
}

async fn find(server: &MockServer, job: &PublishJob, later: Duration) -> Reconciliation {
    publisher(server)
        .find_published(&PublishContext {
            job,
            account: &me(),
            assets: &InMemoryAssetFetcher::default(),
            now: NOW + later,
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_published_container_is_found_among_the_recent_media() {
    let server = MockServer::start().await;
    let job = unanswered_commit(&server, "Lost answer").await;
    mount_status(&server, "/graph/v25.0", "c-20", &["PUBLISHED"]).await;
    Mock::given(method("GET"))
        .and(path(graph(&format!("{IG}/media"))))
        .and(query_param(
            "since",
            (NOW - Duration::minutes(2)).unix_timestamp().to_string(),
        ))
        .respond_with(ok(json!({"data": [
            {"id": "m-reel", "media_type": "VIDEO", "timestamp": "2026-11-30T10:00:01+0000",
             "permalink": "https://www.instagram.com/reel/X/"},
            {"id": "m-20", "media_type": "IMAGE", "timestamp": "2026-11-30T10:00:01+0000",
             "permalink": "https://www.instagram.com/p/R20/"},
            {"id": "m-old", "media_type": "IMAGE", "timestamp": "2026-11-30T08:00:00+0000"}
        ], "paging": {}})))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        find(&server, &job, Duration::seconds(30)).await,
        Reconciliation::Found(PublishedPost {
            external_id: "m-20".into(),
            url: Some("https://www.instagram.com/p/R20/".into()),
        })
    );
}

#[tokio::test]
async fn a_finished_container_was_not_published_once_settled() {
    let server = MockServer::start().await;
    let job = unanswered_commit(&server, "Lost request").await;
    mount_status(&server, "/graph/v25.0", "c-20", &["FINISHED"]).await;
    let early = publisher(&server)
        .find_published(&PublishContext {
            job: &job,
            account: &me(),
            assets: &InMemoryAssetFetcher::default(),
            now: NOW,
        })
        .await
        .unwrap_err();
    assert_eq!(early.code.as_deref(), Some("not_settled"));
    assert_eq!(
        find(&server, &job, Duration::seconds(30)).await,
        Reconciliation::Absent
    );
}

#[tokio::test]
async fn a_forgotten_container_falls_back_on_the_media_and_two_lookalikes_are_unknown() {
    let server = MockServer::start().await;
    let job = unanswered_commit(&server, "Which one").await;
    Mock::given(method("GET"))
        .and(path(graph("c-20")))
        .respond_with(graph_error(
            100,
            Some(33),
            "Unsupported get request. Object does not exist",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(graph(&format!("{IG}/media"))))
        .respond_with(ok(json!({"data": [
            {"id": "a", "media_type": "IMAGE", "timestamp": "2026-11-30T10:00:01+0000"},
            {"id": "b", "media_type": "IMAGE", "timestamp": "2026-11-30T10:00:02+0000"}
        ]})))
        .mount(&server)
        .await;
    assert!(matches!(
        find(&server, &job, Duration::seconds(30)).await,
        Reconciliation::Unknown { .. }
    ));
}

#[tokio::test]
async fn on_facebook_login_the_caption_read_back_picks_the_post() {
    let server = MockServer::start().await;
    let mut job = job(
        Platform::Instagram,
        "Ours",
        vec![asset("https://cdn.example.com/r.jpg", AssetKind::Image)],
        json!({}),
    );
    job.progress.final_call_started_at = Some(NOW);
    Mock::given(method("GET"))
        .and(path(format!("/fb/v25.0/{IG}/media")))
        .and(query_param(
            "fields",
            "id,caption,media_type,media_product_type,permalink,timestamp",
        ))
        .respond_with(ok(json!({"data": [
            {"id": "theirs", "caption": "Theirs", "media_type": "IMAGE", "timestamp": "2026-11-30T10:00:01+0000"},
            {"id": "ours", "caption": "Ours", "media_type": "IMAGE", "timestamp": "2026-11-30T10:00:02+0000",
             "permalink": "https://www.instagram.com/p/OURS/"}
        ]})))
        .mount(&server)
        .await;
    let found = publisher(&server)
        .find_published(&PublishContext {
            job: &job,
            account: &account(IG, "socialpub.sim", FB_TOKEN),
            assets: &InMemoryAssetFetcher::default(),
            now: NOW + Duration::seconds(30),
        })
        .await
        .unwrap();
    assert_eq!(
        found,
        Reconciliation::Found(PublishedPost {
            external_id: "ours".into(),
            url: Some("https://www.instagram.com/p/OURS/".into()),
        })
    );
}

#[tokio::test]
async fn graph_errors_are_classified_and_never_show_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(graph(&format!("{IG}/media"))))
        .respond_with(graph_error(
            190,
            None,
            &format!(
                "Error validating access token {LONG_TOKEN}: the session has been invalidated"
            ),
        ))
        .mount(&server)
        .await;
    let mut job = job(
        Platform::Instagram,
        "",
        vec![asset("https://cdn.example.com/t.jpg", AssetKind::Image)],
        json!({}),
    );
    let error = run(&server, &mut job, &me()).await.result.unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_no_secrets(&error);
}

#[tokio::test]
async fn text_alone_is_not_an_instagram_post() {
    let server = MockServer::start().await;
    let mut job = job(Platform::Instagram, "Just words", vec![], json!({}));
    let error = run(&server, &mut job, &me()).await.result.unwrap_err();
    assert_eq!(error.code.as_deref(), Some("media_required"));
}

#[tokio::test]
async fn documented_container_refusals_are_classified_per_the_error_table() {
    let cases: [(u16, i64, Option<i64>, PlatformErrorKind); 8] = [
        (400, 36000, Some(2_207_004), PlatformErrorKind::Media),
        (400, 36001, Some(2_207_005), PlatformErrorKind::Media),
        (400, 36003, Some(2_207_009), PlatformErrorKind::Media),
        (400, 36004, Some(2_207_010), PlatformErrorKind::Content),
        (400, 9004, Some(2_207_052), PlatformErrorKind::Media),
        (400, 100, Some(2_207_028), PlatformErrorKind::Content),
        (400, 100, Some(2_207_050), PlatformErrorKind::Permission),
        (400, -2, Some(2_207_003), PlatformErrorKind::Transient),
    ];
    for (status, code, subcode, kind) in cases {
        let server = MockServer::start().await;
        let mut error = json!({"message": format!("refused {LONG_TOKEN}"), "type": "OAuthException", "code": code});
        if let Some(subcode) = subcode {
            error["error_subcode"] = json!(subcode);
        }
        Mock::given(method("POST"))
            .and(path(graph(&format!("{IG}/media"))))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({ "error": error })))
            .mount(&server)
            .await;
        let mut job = job(
            Platform::Instagram,
            "",
            vec![asset("https://cdn.example.com/t.jpg", AssetKind::Image)],
            json!({}),
        );
        let error = run(&server, &mut job, &me()).await.result.unwrap_err();
        assert_eq!(error.kind, kind, "{code}/{subcode:?}: {error}");
        assert_no_secrets(&error);
    }
}

#[tokio::test]
async fn a_server_error_does_not_wait_for_the_usage_headers_reset() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(graph(&format!("{IG}/media"))))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header(
                    "x-business-use-case-usage",
                    format!(
                        r#"{{"{IG}":[{{"type":"instagram","call_count":100,"estimated_time_to_regain_access":30}}]}}"#
                    )
                    .as_str(),
                )
                .set_body_json(json!({"error": {"message": "An unknown error has occurred.", "type": "OAuthException", "code": 1, "is_transient": true}})),
        )
        .mount(&server)
        .await;
    let mut job = job(
        Platform::Instagram,
        "",
        vec![asset("https://cdn.example.com/t.jpg", AssetKind::Image)],
        json!({}),
    );
    let error = run(&server, &mut job, &me()).await.result.unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert_eq!(error.retry_after, None, "{error:?}");
}
