//! The Facebook Page publisher against wiremock: feed, photo and video commits, reels in three
//! phases, the permalink after the commit, multi-photo uploads, reconciliation from
//! `published_posts` (reels by video id), classified errors.

use serde_json::{Value, json};
use socialpub_domain::{AssetKind, Platform, PublishJob};
use socialpub_facebook::{FacebookPublishSettings, FacebookPublisher};
use socialpub_ports::{
    PlatformError, PlatformErrorKind, PublishContext, PublishedPost, Publisher, Reconciliation,
};
use time::{Duration, OffsetDateTime};
use wiremock::matchers::{bearer_token, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::publisher_driver::{InMemoryAssetFetcher, NOW, account, asset, drive, job};
use crate::support::{PAGE_TOKEN_1, assert_no_secrets, client};

const PAGE: &str = "110000000000001";

fn publisher(server: &MockServer) -> FacebookPublisher {
    FacebookPublisher::with_settings(client(server), FacebookPublishSettings::default())
}

fn page() -> socialpub_ports::PublishAccount {
    account(PAGE, "Sim Bakery", PAGE_TOKEN_1)
}

fn graph_error(code: i64, subcode: Option<i64>, message: &str) -> ResponseTemplate {
    let mut error =
        json!({"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"});
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    ResponseTemplate::new(400).set_body_json(json!({"error": error}))
}

async fn mount_permalink(server: &MockServer, post_id: &str) {
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{post_id}")))
        .and(query_param("fields", "permalink_url"))
        .and(bearer_token(PAGE_TOKEN_1))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "permalink_url": format!("https://www.facebook.com/simbakery/posts/{post_id}"),
            "id": post_id
        })))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_link_post_commits_on_the_feed_then_reads_its_permalink() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/feed")))
        .and(bearer_token(PAGE_TOKEN_1))
        .and(body_json(
            json!({"message": "Fresh bread", "link": "https://bakery.example/today"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": format!("{PAGE}_77")})))
        .expect(1)
        .mount(&server)
        .await;
    mount_permalink(&server, &format!("{PAGE}_77")).await;
    let fb = publisher(&server);
    let mut job = job(
        Platform::Facebook,
        "Fresh bread",
        vec![],
        json!({"link": "https://bakery.example/today"}),
    );
    assert!(fb.next_step(&job).commits);
    let driven = drive(&fb, &mut job, &page(), &InMemoryAssetFetcher::default()).await;
    assert_eq!(driven.steps, ["create_post", "fetch_permalink"]);
    assert_eq!(
        driven.result.unwrap(),
        PublishedPost {
            external_id: format!("{PAGE}_77"),
            url: Some(format!(
                "https://www.facebook.com/simbakery/posts/{PAGE}_77"
            )),
        }
    );
    // Once committed, the next step never commits again.
    let after = fb.next_step(&job);
    assert_eq!(after.name, "fetch_permalink");
    assert!(!after.commits);
}

#[tokio::test]
async fn a_photo_is_fetched_by_facebook_from_its_url_with_the_text_as_caption() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/photos")))
        .and(body_json(json!({
            "url": "https://cdn.example.com/loaf.jpg",
            "caption": "Our loaf",
            "published": true
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "9001", "post_id": format!("{PAGE}_78")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_permalink(&server, &format!("{PAGE}_78")).await;
    let files = InMemoryAssetFetcher::default();
    let mut job = job(
        Platform::Facebook,
        "Our loaf",
        vec![asset("https://cdn.example.com/loaf.jpg", AssetKind::Image)],
        json!({}),
    );
    let driven = drive(&publisher(&server), &mut job, &page(), &files).await;
    assert_eq!(driven.steps, ["create_post", "fetch_permalink"]);
    assert_eq!(driven.result.unwrap().external_id, format!("{PAGE}_78"));
    assert_eq!(files.bytes_served(), 0, "Facebook pulls the file itself");
}

#[tokio::test]
async fn several_photos_are_uploaded_unpublished_then_attached_to_one_post() {
    let server = MockServer::start().await;
    for (n, id) in ["9101", "9102"].into_iter().enumerate() {
        Mock::given(method("POST"))
            .and(path(format!("/v25.0/{PAGE}/photos")))
            .and(body_json(
                json!({"url": format!("https://cdn.example.com/{n}.jpg"), "published": false}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": id})))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/feed")))
        .and(body_json(json!({
            "message": "Two loaves",
            "attached_media": [{"media_fbid": "9101"}, {"media_fbid": "9102"}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": format!("{PAGE}_79")})))
        .expect(1)
        .mount(&server)
        .await;
    mount_permalink(&server, &format!("{PAGE}_79")).await;
    let mut job = job(
        Platform::Facebook,
        "Two loaves",
        vec![
            asset("https://cdn.example.com/0.jpg", AssetKind::Image),
            asset("https://cdn.example.com/1.jpg", AssetKind::Image),
        ],
        json!({}),
    );
    let driven = drive(
        &publisher(&server),
        &mut job,
        &page(),
        &InMemoryAssetFetcher::default(),
    )
    .await;
    assert_eq!(
        driven.steps,
        [
            "upload_photo",
            "upload_photo",
            "create_post",
            "fetch_permalink"
        ]
    );
    assert!(driven.result.is_ok());
}

#[tokio::test]
async fn a_refused_permalink_falls_back_to_the_post_id_url_but_a_transient_one_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/feed")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": format!("{PAGE}_80")})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}_80")))
        .respond_with(graph_error(10, None, "(#10) Permission denied"))
        .mount(&server)
        .await;
    let mut first = job(Platform::Facebook, "Hi", vec![], json!({}));
    let post = drive(
        &publisher(&server),
        &mut first,
        &page(),
        &InMemoryAssetFetcher::default(),
    )
    .await
    .result
    .unwrap();
    assert_eq!(
        post.url.as_deref(),
        Some(&*format!("https://www.facebook.com/{PAGE}_80"))
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/feed")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": format!("{PAGE}_81")})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}_81")))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": {
            "message": "An unknown error has occurred.", "type": "OAuthException", "code": 1, "is_transient": true
        }})))
        .mount(&server)
        .await;
    let mut job = job(Platform::Facebook, "Hi again", vec![], json!({}));
    let driven = drive(
        &publisher(&server),
        &mut job,
        &page(),
        &InMemoryAssetFetcher::default(),
    )
    .await;
    assert_eq!(driven.steps, ["create_post", "fetch_permalink"]);
    assert_eq!(
        driven.result.unwrap_err().kind,
        PlatformErrorKind::Transient
    );
    assert_eq!(
        job.progress.step("facebook.post_id"),
        Some(&*format!("{PAGE}_81"))
    );

    // On the job's last attempt the public post is published with the fallback URL rather
    // than failed.
    job.attempts = job.max_attempts;
    let files = InMemoryAssetFetcher::default();
    let account = page();
    let ctx = PublishContext {
        job: &job,
        account: &account,
        assets: &files,
        now: NOW,
    };
    let outcome = publisher(&server).advance(&ctx).await.unwrap();
    assert_eq!(
        outcome,
        socialpub_ports::StepOutcome::Published(PublishedPost {
            external_id: format!("{PAGE}_81"),
            url: Some(format!("https://www.facebook.com/{PAGE}_81")),
        })
    );
}

#[tokio::test]
async fn commit_errors_are_classified_without_the_token() {
    let cases = [
        (
            graph_error(
                190,
                Some(460),
                "Error validating access token: password changed",
            ),
            PlatformErrorKind::Auth,
            "190/460",
        ),
        (
            graph_error(
                80001,
                None,
                "(#80001) There have been too many calls to this Page account.",
            ),
            PlatformErrorKind::Quota,
            "80001",
        ),
        (
            graph_error(
                368,
                Some(1_346_003),
                "It looks like you were misusing this feature",
            ),
            PlatformErrorKind::Content,
            "368/1346003",
        ),
        (
            graph_error(200, None, "(#200) Requires pages_manage_posts permission"),
            PlatformErrorKind::Permission,
            "200",
        ),
    ];
    for (response, kind, code) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("/v25.0/{PAGE}/feed")))
            .respond_with(response)
            .mount(&server)
            .await;
        let mut job = job(Platform::Facebook, "Hello", vec![], json!({}));
        let error = drive(
            &publisher(&server),
            &mut job,
            &page(),
            &InMemoryAssetFetcher::default(),
        )
        .await
        .result
        .unwrap_err();
        assert_eq!(error.kind, kind, "{error}");
        assert_eq!(error.code.as_deref(), Some(code));
        assert_no_secrets(&error);
    }
}

#[tokio::test]
async fn a_video_is_fetched_by_facebook_from_its_url_with_the_text_as_description() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/videos")))
        .and(bearer_token(PAGE_TOKEN_1))
        .and(body_json(json!({
            "file_url": "https://cdn.example.com/v.mp4",
            "description": "Clip",
            "title": "Our clip"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "5550001"})))
        .expect(1)
        .mount(&server)
        .await;
    mount_permalink(&server, "5550001").await;
    let mut job = job(
        Platform::Facebook,
        "Clip",
        vec![asset("https://cdn.example.com/v.mp4", AssetKind::Video)],
        json!({"title": "Our clip"}),
    );
    let driven = drive(
        &publisher(&server),
        &mut job,
        &page(),
        &InMemoryAssetFetcher::default(),
    )
    .await;
    assert_eq!(driven.steps, ["create_post", "fetch_permalink"]);
    assert_eq!(driven.result.unwrap().external_id, "5550001");
}

#[tokio::test]
async fn photos_and_a_video_in_one_post_are_refused_before_any_call() {
    let server = MockServer::start().await;
    let mut job = job(
        Platform::Facebook,
        "Mixed",
        vec![
            asset("https://cdn.example.com/a.jpg", AssetKind::Image),
            asset("https://cdn.example.com/v.mp4", AssetKind::Video),
        ],
        json!({}),
    );
    job.progress
        .set_step("facebook.photo.0", "https://cdn.example.com/a.jpg 1");
    job.progress
        .set_step("facebook.photo.1", "https://cdn.example.com/v.mp4 2");
    let error = drive(
        &publisher(&server),
        &mut job,
        &page(),
        &InMemoryAssetFetcher::default(),
    )
    .await
    .result
    .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("unsupported_media_mix"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

fn reel_job() -> PublishJob {
    job(
        Platform::Facebook,
        "Our reel",
        vec![asset("https://cdn.example.com/r.mp4", AssetKind::Video)],
        json!({"content_kind": "reel"}),
    )
}

async fn mount_reel_start(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/video_reels")))
        .and(bearer_token(PAGE_TOKEN_1))
        .and(body_json(json!({"upload_phase": "start"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "video_id": "8880001",
            "upload_url": format!("{}/video-upload/v25.0/8880001", server.uri()),
        })))
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_reel_finish(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/video_reels")))
        .and(body_json(json!({
            "video_id": "8880001",
            "upload_phase": "finish",
            "video_state": "PUBLISHED",
            "description": "Our reel"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_reel_starts_uploads_its_bytes_in_chunks_at_their_offsets_then_finishes() {
    let server = MockServer::start().await;
    mount_reel_start(&server).await;
    Mock::given(method("POST"))
        .and(path("/video-upload/v25.0/8880001"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(3)
        .mount(&server)
        .await;
    mount_reel_finish(&server).await;
    Mock::given(method("GET"))
        .and(path("/v25.0/8880001"))
        .and(query_param("fields", "status,permalink_url"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "8880001",
            "status": {"video_status": "processing",
                       "publishing_phase": {"status": "not_started", "publish_status": "draft"}}
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v25.0/8880001"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "8880001",
            "permalink_url": "https://www.facebook.com/reel/8880001",
            "status": {"video_status": "ready",
                       "publishing_phase": {"status": "complete", "publish_status": "published"}}
        })))
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert("https://cdn.example.com/r.mp4", None, (0..20).collect());
    let fb = FacebookPublisher::with_settings(
        client(&server),
        FacebookPublishSettings {
            chunk_size: 8,
            ..FacebookPublishSettings::default()
        },
    );
    let mut job = reel_job();
    let driven = drive(&fb, &mut job, &page(), &files).await;
    assert_eq!(
        driven.steps,
        [
            "reel_start",
            "reel_upload",
            "reel_upload",
            "reel_upload",
            "create_post",
            "reel_status",
            "reel_status"
        ]
    );
    assert_eq!(driven.waits, 1, "parked while Meta processes the reel");
    assert_eq!(
        driven.result.unwrap(),
        PublishedPost {
            external_id: "8880001".into(),
            url: Some("https://www.facebook.com/reel/8880001".into()),
        }
    );
    let uploads: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path().starts_with("/video-upload/"))
        .collect();
    let header = |r: &wiremock::Request, name: &str| {
        r.headers.get(name).unwrap().to_str().unwrap().to_owned()
    };
    let sent: Vec<(String, String, usize)> = uploads
        .iter()
        .map(|r| (header(r, "offset"), header(r, "file_size"), r.body.len()))
        .collect();
    assert_eq!(
        sent,
        [
            ("0".into(), "20".into(), 8),
            ("8".into(), "20".into(), 8),
            ("16".into(), "20".into(), 4)
        ]
    );
    assert_eq!(
        header(&uploads[0], "authorization"),
        format!("OAuth {PAGE_TOKEN_1}")
    );
    let bytes: Vec<u8> = uploads.iter().flat_map(|r| r.body.clone()).collect();
    assert_eq!(bytes, (0..20).collect::<Vec<u8>>());
}

#[tokio::test]
async fn a_hosted_reel_sends_its_url_for_meta_to_fetch() {
    let server = MockServer::start().await;
    mount_reel_start(&server).await;
    Mock::given(method("POST"))
        .and(path("/video-upload/v25.0/8880001"))
        .and(wiremock::matchers::header(
            "file_url",
            "https://cdn.example.com/r.mp4",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    mount_reel_finish(&server).await;
    Mock::given(method("GET"))
        .and(path("/v25.0/8880001"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "8880001",
            "status": {"publishing_phase": {"publish_status": "published"}}
        })))
        .mount(&server)
        .await;
    let fb = FacebookPublisher::with_settings(
        client(&server),
        FacebookPublishSettings {
            reel_upload: socialpub_facebook::ReelUpload::Hosted,
            ..FacebookPublishSettings::default()
        },
    );
    let mut job = reel_job();
    let driven = drive(&fb, &mut job, &page(), &InMemoryAssetFetcher::default()).await;
    assert_eq!(driven.result.unwrap().external_id, "8880001");
}

#[tokio::test]
async fn an_upload_url_off_metas_hosts_never_gets_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/video_reels")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "video_id": "8880001",
            "upload_url": "https://collector.example/upload",
        })))
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert("https://cdn.example.com/r.mp4", None, (0..20).collect());
    let mut job = reel_job();
    let error = drive(&publisher(&server), &mut job, &page(), &files)
        .await
        .result
        .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("unusable_upload_url"));
}

#[tokio::test]
async fn a_reel_is_reconciled_by_its_video_id_not_the_pages_posts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/8880001"))
        .and(query_param("fields", "status,permalink_url"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "8880001",
            "status": {"video_status": "ready",
                       "publishing_phase": {"status": "complete", "publish_status": "published"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let mut job = reel_job();
    job.progress.set_step("facebook.reel.video_id", "8880001");
    job.progress
        .set_step("facebook.reel.upload_url", "https://rupload.facebook.com/x");
    job.progress
        .set_step("facebook.reel.sent", u64::MAX.to_string());
    job.progress.final_call_started_at = Some(NOW);
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::minutes(1))
            .await
            .unwrap(),
        Reconciliation::Found(PublishedPost {
            external_id: "8880001".into(),
            url: Some("https://www.facebook.com/reel/8880001".into()),
        })
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/8880001"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "8880001",
            "status": {"video_status": "upload_complete",
                       "publishing_phase": {"status": "not_started", "publish_status": "draft"}}
        })))
        .mount(&server)
        .await;
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::minutes(1))
            .await
            .unwrap(),
        Reconciliation::Absent
    );
}

fn listing(posts: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"data": posts, "paging": {}}))
}

async fn reconcile(
    server: &MockServer,
    job: &PublishJob,
    now: OffsetDateTime,
) -> Result<Reconciliation, PlatformError> {
    let files = InMemoryAssetFetcher::default();
    let account = page();
    let ctx = PublishContext {
        job,
        account: &account,
        assets: &files,
        now,
    };
    publisher(server).find_published(&ctx).await
}

#[tokio::test]
async fn a_duplicate_message_after_a_lost_commit_is_our_post() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/feed")))
        .respond_with(graph_error(506, None, "(#506) Duplicate status message"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}/published_posts")))
        .respond_with(listing(json!([
            {"id": format!("{PAGE}_90"), "message": "Same again", "created_time": "2026-11-30T10:00:00+0000",
             "permalink_url": "https://www.facebook.com/simbakery/posts/90"}
        ])))
        .mount(&server)
        .await;
    let mut job = job(Platform::Facebook, "Same again", vec![], json!({}));
    let driven = drive(
        &publisher(&server),
        &mut job,
        &page(),
        &InMemoryAssetFetcher::default(),
    )
    .await;
    assert_eq!(driven.steps, ["create_post"]);
    assert_eq!(driven.result.unwrap().external_id, format!("{PAGE}_90"));
}

#[tokio::test]
async fn reconciliation_matches_the_message_among_posts_since_the_marker() {
    let server = MockServer::start().await;
    let marker = NOW + Duration::minutes(10);
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}/published_posts")))
        .and(bearer_token(PAGE_TOKEN_1))
        .and(query_param("since", (marker - Duration::minutes(2)).unix_timestamp().to_string()))
        .and(query_param("fields", "id,created_time,message,permalink_url"))
        .respond_with(listing(json!([
            {"id": format!("{PAGE}_91"), "message": "Other news"},
            {"id": format!("{PAGE}_92"), "message": "Open on Sunday", "permalink_url": "https://www.facebook.com/simbakery/posts/92"}
        ])))
        .mount(&server)
        .await;
    let mut found = job(Platform::Facebook, "Open on Sunday", vec![], json!({}));
    found.progress.final_call_started_at = Some(marker);
    assert_eq!(
        reconcile(&server, &found, marker + Duration::minutes(1))
            .await
            .unwrap(),
        Reconciliation::Found(PublishedPost {
            external_id: format!("{PAGE}_92"),
            url: Some("https://www.facebook.com/simbakery/posts/92".into()),
        })
    );
    let mut absent = job(Platform::Facebook, "Closed on Monday", vec![], json!({}));
    absent.progress.final_call_started_at = Some(marker);
    assert_eq!(
        reconcile(&server, &absent, marker + Duration::minutes(1))
            .await
            .unwrap(),
        Reconciliation::Absent
    );
    let error = reconcile(&server, &absent, marker).await.unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert_eq!(error.retry_after, Some(Duration::seconds(2)));
}

/// A `published_posts` page whose `paging.next` leads to `next_after` on the same server.
fn listing_with_next(server: &MockServer, posts: Value, next_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "data": posts,
        "paging": {
            "cursors": {"before": "QVFIUmFh", "after": next_after},
            "next": format!(
                "{}/v25.0/{PAGE}/published_posts?access_token={PAGE_TOKEN_1}&fields=id&limit=100&after={next_after}",
                server.uri()
            ),
        }
    }))
}

/// A busy Page pushes the post off the first page: the lookup follows `paging.next`.
#[tokio::test]
async fn reconciliation_pages_through_published_posts() {
    let server = MockServer::start().await;
    let busy: Vec<Value> = (0..100)
        .map(|n| json!({"id": format!("{PAGE}_{}", 500 - n), "message": format!("Busy post {n}")}))
        .collect();
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}/published_posts")))
        .and(query_param("after", "QVFIUmJi"))
        .and(bearer_token(PAGE_TOKEN_1))
        .respond_with(listing(json!([
            {"id": format!("{PAGE}_300"), "message": "Posted while busy"}
        ])))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}/published_posts")))
        .and(query_param(
            "since",
            (NOW - Duration::minutes(2)).unix_timestamp().to_string(),
        ))
        .respond_with(listing_with_next(&server, Value::Array(busy), "QVFIUmJi"))
        .mount(&server)
        .await;
    let mut job = job(Platform::Facebook, "Posted while busy", vec![], json!({}));
    job.progress.final_call_started_at = Some(NOW);
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::minutes(1))
            .await
            .unwrap(),
        Reconciliation::Found(PublishedPost {
            external_id: format!("{PAGE}_300"),
            url: Some(format!("https://www.facebook.com/{PAGE}_300")),
        })
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// Not seeing the post in the first pages proves nothing while more remain.
#[tokio::test]
async fn reconciliation_that_reaches_the_page_bound_is_unknown() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}/published_posts")))
        .respond_with(move |request: &wiremock::Request| {
            // Every page leads to a further one.
            let after = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "after")
                .map_or("c".to_owned(), |(_, v)| format!("{v}c"));
            ResponseTemplate::new(200).set_body_json(json!({
                "data": [{"id": format!("{PAGE}_1"), "message": "Other news"}],
                "paging": {
                    "cursors": {"after": after},
                    "next": format!("{uri}/v25.0/{PAGE}/published_posts?limit=100&after={after}"),
                }
            }))
        })
        .mount(&server)
        .await;
    let mut job = job(Platform::Facebook, "Lost in the crowd", vec![], json!({}));
    job.progress.final_call_started_at = Some(NOW);
    let answer = reconcile(&server, &job, NOW + Duration::minutes(1))
        .await
        .unwrap();
    assert!(
        matches!(answer, Reconciliation::Unknown { ref reason } if reason.contains("10 pages")),
        "{answer:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 10);
}

/// A `paging.next` to another host is not followed (it would carry the Page token there).
#[tokio::test]
async fn a_paging_link_off_the_api_host_is_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}/published_posts")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": format!("{PAGE}_1"), "message": "Other news"}],
            "paging": {"next": "https://attacker.example/v25.0/published_posts?after=x"}
        })))
        .mount(&server)
        .await;
    let mut job = job(Platform::Facebook, "Lost in the crowd", vec![], json!({}));
    job.progress.final_call_started_at = Some(NOW);
    let error = reconcile(&server, &job, NOW + Duration::minutes(1))
        .await
        .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("unusable_paging_next"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// Long after the commit, the lookup reads only the posts made around it.
#[tokio::test]
async fn a_late_reconciliation_bounds_the_window_after_the_commit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}/published_posts")))
        .and(query_param(
            "since",
            (NOW - Duration::minutes(2)).unix_timestamp().to_string(),
        ))
        .and(query_param(
            "until",
            (NOW + Duration::minutes(5)).unix_timestamp().to_string(),
        ))
        .respond_with(listing(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let mut job = job(
        Platform::Facebook,
        "Checked the next morning",
        vec![],
        json!({}),
    );
    job.progress.final_call_started_at = Some(NOW);
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::hours(14))
            .await
            .unwrap(),
        Reconciliation::Absent
    );
}

#[tokio::test]
async fn photos_uploaded_for_other_files_are_uploaded_again() {
    let server = MockServer::start().await;
    let mut job = job(
        Platform::Facebook,
        "Two",
        vec![
            asset("https://cdn.example.com/0.jpg", AssetKind::Image),
            asset("https://cdn.example.com/1.jpg", AssetKind::Image),
        ],
        json!({}),
    );
    job.progress
        .set_step("facebook.photo.0", "https://cdn.example.com/0.jpg 9101");
    job.progress
        .set_step("facebook.photo.1", "https://cdn.example.com/old.jpg 9102");
    assert_eq!(publisher(&server).next_step(&job).name, "upload_photo");
    job.progress
        .set_step("facebook.photo.1", "https://cdn.example.com/1.jpg 9103");
    assert_eq!(publisher(&server).next_step(&job).name, "create_post");
}
