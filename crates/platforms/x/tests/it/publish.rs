//! The X publisher against wiremock: each step's request, the chunked upload reading ranges,
//! processing waits, the commit, reconciliation and error classification.

use serde_json::{Value, json};
use socialpub_domain::{AssetKind, Platform};
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_ports::{
    PlatformErrorKind, PublishContext, PublishedPost, Publisher, Reconciliation, StepOutcome,
};
use socialpub_x::{PRODUCTION, XClient, XPublishSettings, XPublisher};
use time::Duration;
use url::Url;
use wiremock::matchers::{bearer_token, body_json, method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::publisher_driver::{InMemoryAssetFetcher, NOW, account, asset, drive, job};

const USER_ID: &str = "2244994945";
const TOKEN: &str = "canary-access-token";

fn publisher(server: &MockServer, chunk_size: u32) -> XPublisher {
    let config = PRODUCTION
        .config("x-client-id", socialpub_domain::SecretString::new("s"))
        .with_base_urls(
            Url::parse(&server.uri()).unwrap(),
            Url::parse("https://x.com").unwrap(),
        );
    let client = XClient::new(
        config,
        build_http_client(&HttpClientSettings::default()).unwrap(),
    );
    XPublisher::with_settings(
        client,
        XPublishSettings {
            chunk_size,
            ..XPublishSettings::default()
        },
    )
}

fn me() -> socialpub_ports::PublishAccount {
    account(USER_ID, "@XDevelopers", TOKEN)
}

async fn requests_to(server: &MockServer, suffix: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path().ends_with(suffix))
        .collect()
}

fn created(id: &str) -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({
        "data": {"id": id, "text": "ignored", "edit_history_tweet_ids": [id]}
    }))
}

#[tokio::test]
async fn a_text_post_is_one_commit_with_the_post_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .and(bearer_token(TOKEN))
        .and(body_json(json!({
            "text": "Hello from Socialpub",
            "reply_settings": "following",
            "made_with_ai": true
        })))
        .respond_with(created("1445880548472328192"))
        .expect(1)
        .mount(&server)
        .await;
    let x = publisher(&server, 1024);
    let mut job = job(
        Platform::X,
        "Hello from Socialpub",
        vec![],
        json!({"reply_settings": "following", "made_with_ai": true, "unknown": 1}),
    );
    let planned = x.next_step(&job);
    assert_eq!(planned.name, "create_post");
    assert!(planned.commits);

    let driven = drive(&x, &mut job, &me(), &InMemoryAssetFetcher::default()).await;
    assert_eq!(driven.steps, ["create_post"]);
    assert_eq!(
        driven.result.unwrap(),
        PublishedPost {
            external_id: "1445880548472328192".into(),
            url: Some("https://x.com/XDevelopers/status/1445880548472328192".into()),
        }
    );
}

#[tokio::test]
async fn images_are_uploaded_in_turn_then_attached_to_the_commit() {
    let server = MockServer::start().await;
    for (n, (id, media_type)) in [
        ("1880000000000000001", "image/jpeg"),
        ("1880000000000000002", "image/png"),
    ]
    .into_iter()
    .enumerate()
    {
        Mock::given(method("POST"))
            .and(path("/2/media/upload/initialize"))
            .and(body_json(json!({
                "media_type": media_type,
                "total_bytes": 10 + n,
                "media_category": "tweet_image"
            })))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": {"id": id, "media_key": format!("3_{id}"), "expires_after_secs": 86400}
            })))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(format!("/2/media/upload/{id}/append")))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"data": {"expires_at": 1}})),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(format!("/2/media/upload/{id}/finalize")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": {"id": id, "media_key": format!("3_{id}"), "size": 10 + n, "expires_after_secs": 86400}
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .and(body_json(json!({
            "text": "Two pictures",
            "media": {"media_ids": ["1880000000000000001", "1880000000000000002"]}
        })))
        .respond_with(created("1445880548472328199"))
        .expect(1)
        .mount(&server)
        .await;

    let files = InMemoryAssetFetcher::default();
    files.insert(
        "https://cdn.example.com/a.jpg",
        Some("image/jpeg"),
        vec![1; 10],
    );
    files.insert(
        "https://cdn.example.com/b.png",
        Some("image/png"),
        vec![2; 11],
    );
    let mut job = job(
        Platform::X,
        "Two pictures",
        vec![
            asset("https://cdn.example.com/a.jpg", AssetKind::Image),
            asset("https://cdn.example.com/b.png", AssetKind::Image),
        ],
        json!({}),
    );
    let x = publisher(&server, 1024);
    let driven = drive(&x, &mut job, &me(), &files).await;
    assert_eq!(
        driven.steps,
        [
            "media_initialize",
            "media_append",
            "media_finalize",
            "media_initialize",
            "media_append",
            "media_finalize",
            "create_post"
        ]
    );
    assert_eq!(driven.result.unwrap().external_id, "1445880548472328199");
    assert_eq!(files.bytes_served(), 21);
}

/// The raw bytes of the `media` part and the `segment_index` of a multipart append.
fn segment(request: &Request) -> (u32, Vec<u8>) {
    let content_type = request
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    let boundary = content_type.split("boundary=").nth(1).unwrap();
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let parts: Vec<&[u8]> = split(body, delimiter.as_bytes());
    let mut index = None;
    let mut media = None;
    for part in parts {
        let Some(head_end) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..head_end]);
        let content = &part[head_end + 4..part.len().saturating_sub(2)];
        if head.contains("name=\"segment_index\"") {
            index = Some(String::from_utf8_lossy(content).parse().unwrap());
        } else if head.contains("name=\"media\"") {
            media = Some(content.to_vec());
        }
    }
    (index.unwrap(), media.unwrap())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(at) = find(rest, delimiter) {
        parts.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    parts.push(rest);
    parts
}

#[tokio::test]
async fn a_video_is_sent_in_ranged_chunks_and_waits_for_processing() {
    const ID: &str = "1880028106020515840";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/initialize"))
        .and(body_json(json!({
            "media_type": "video/mp4",
            "total_bytes": 10_000,
            "media_category": "tweet_video"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"id": ID, "media_key": format!("13_{ID}"), "expires_after_secs": 1_295_999}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/2/media/upload/\d+/append$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"expires_at": 1}})))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/2/media/upload/{ID}/finalize")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "id": ID, "media_key": format!("13_{ID}"), "size": 10_000, "expires_after_secs": 86400,
            "processing_info": {"state": "pending", "check_after_secs": 5}
        }})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/media/upload"))
        .and(query_param("command", "STATUS"))
        .and(query_param("media_id", ID))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "id": ID, "processing_info": {"state": "in_progress", "check_after_secs": 3, "progress_percent": 40}
        }})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/2/media/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "id": ID, "processing_info": {"state": "succeeded", "progress_percent": 100}
        }})))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .and(body_json(
            json!({"text": "Watch", "media": {"media_ids": [ID]}}),
        ))
        .respond_with(created("1445880548472328200"))
        .expect(1)
        .mount(&server)
        .await;

    let video: Vec<u8> = (0..10_000_u32).map(|i| (i % 251) as u8).collect();
    let files = InMemoryAssetFetcher::default();
    files.insert(
        "https://cdn.example.com/v.mp4",
        Some("video/mp4"),
        video.clone(),
    );
    let mut job = job(
        Platform::X,
        "Watch",
        vec![asset("https://cdn.example.com/v.mp4", AssetKind::Video)],
        json!({}),
    );
    let x = publisher(&server, 4096);
    let driven = drive(&x, &mut job, &me(), &files).await;
    assert_eq!(
        driven.steps,
        [
            "media_initialize",
            "media_append",
            "media_append",
            "media_append",
            "media_finalize",
            "media_status",
            "media_status",
            "create_post"
        ]
    );
    assert_eq!(
        driven.waits, 2,
        "parked after finalize and after in_progress"
    );
    assert_eq!(driven.now, NOW + Duration::seconds(8));
    assert!(driven.result.is_ok());
    // Read piecewise, exactly once, and re-assembled in order by segment index.
    assert_eq!(files.bytes_served(), 10_000);
    let appends = requests_to(&server, "/append").await;
    let mut rebuilt = Vec::new();
    for (n, request) in appends.iter().enumerate() {
        let (index, bytes) = segment(request);
        assert_eq!(index as usize, n);
        assert!(bytes.len() <= 4096);
        rebuilt.extend(bytes);
    }
    assert_eq!(rebuilt, video);
}

#[tokio::test]
async fn a_failed_processing_is_a_media_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/initialize"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"id": "77"}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/77/append"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/77/finalize"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "id": "77",
            "processing_info": {"state": "failed", "error": {"code": 1, "name": "InvalidMedia", "message": "Unsupported video codec"}}
        }})))
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert("https://cdn.example.com/v.mp4", None, vec![0; 5]);
    let mut job = job(
        Platform::X,
        "",
        vec![asset("https://cdn.example.com/v.mp4", AssetKind::Video)],
        json!({}),
    );
    let error = drive(&publisher(&server, 1024), &mut job, &me(), &files)
        .await
        .result
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Media);
    assert_eq!(error.code.as_deref(), Some("media_processing_failed"));
    assert!(error.message.contains("Unsupported video codec"));
}

#[tokio::test]
async fn an_unreadable_asset_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    let mut job = job(
        Platform::X,
        "pic",
        vec![asset(
            "https://cdn.example.com/missing.jpg",
            AssetKind::Image,
        )],
        json!({}),
    );
    let error = drive(
        &publisher(&server, 1024),
        &mut job,
        &me(),
        &InMemoryAssetFetcher::default(),
    )
    .await
    .result
    .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Media);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn commit_errors_are_classified() {
    let cases: [(ResponseTemplate, PlatformErrorKind, Option<&str>); 4] = [
        (
            ResponseTemplate::new(401).set_body_json(json!({
                "title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"
            })),
            PlatformErrorKind::Auth,
            None,
        ),
        (
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-reset", (NOW + Duration::minutes(15)).unix_timestamp().to_string())
                .set_body_json(json!({"errors": [{"code": 88, "message": "Rate limit exceeded"}]})),
            PlatformErrorKind::Quota,
            Some("88"),
        ),
        (
            ResponseTemplate::new(403).set_body_json(json!({
                "type": "https://api.x.com/2/problems/usage-capped", "title": "Usage cap exceeded",
                "detail": "Usage cap exceeded: Monthly product cap", "status": 429
            })),
            PlatformErrorKind::Quota,
            Some("usage-capped"),
        ),
        (
            ResponseTemplate::new(503).set_body_json(json!({
                "title": "Service Unavailable", "type": "about:blank", "status": 503, "detail": "Service Unavailable"
            })),
            PlatformErrorKind::PlatformDown,
            None,
        ),
    ];
    for (response, kind, code) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/2/tweets"))
            .respond_with(response)
            .mount(&server)
            .await;
        let mut job = job(Platform::X, "hi", vec![], json!({}));
        let error = drive(
            &publisher(&server, 1024),
            &mut job,
            &me(),
            &InMemoryAssetFetcher::default(),
        )
        .await
        .result
        .unwrap_err();
        assert_eq!(error.kind, kind, "{error}");
        assert_eq!(error.code.as_deref(), code);
        assert!(!format!("{error:?}").contains(TOKEN));
        if kind == PlatformErrorKind::Quota && code == Some("88") {
            assert!(error.retry_after.is_some());
        }
    }
}

fn timeline(posts: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "data": posts,
        "meta": {"result_count": 1}
    }))
}

#[tokio::test]
async fn a_duplicate_refusal_of_our_own_lost_commit_finds_the_post() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "title": "Forbidden", "type": "about:blank", "status": 403,
            "detail": "You are not allowed to create a Tweet with duplicate content."
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(timeline(json!([
            {"id": "500", "text": "Something else", "created_at": "2026-11-30T09:59:00.000Z"},
            {"id": "501", "text": "Fish &amp; chips", "created_at": "2026-11-30T10:00:01.000Z"}
        ])))
        .mount(&server)
        .await;
    let mut job = job(Platform::X, "Fish & chips", vec![], json!({}));
    let post = drive(
        &publisher(&server, 1024),
        &mut job,
        &me(),
        &InMemoryAssetFetcher::default(),
    )
    .await
    .result
    .unwrap();
    assert_eq!(post.external_id, "501");

    // Without a match it stays a Content failure.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "title": "Forbidden", "type": "about:blank", "status": 403,
            "detail": "You are not allowed to create a Tweet with duplicate content."
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"meta": {"result_count": 0}})),
        )
        .mount(&server)
        .await;
    let mut job = job_for("Fish & chips");
    let error = drive(
        &publisher(&server, 1024),
        &mut job,
        &me(),
        &InMemoryAssetFetcher::default(),
    )
    .await
    .result
    .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Content);
}

fn job_for(text: &str) -> socialpub_domain::PublishJob {
    job(Platform::X, text, vec![], json!({}))
}

async fn reconcile(
    server: &MockServer,
    job: &socialpub_domain::PublishJob,
    now: time::OffsetDateTime,
) -> Result<Reconciliation, socialpub_ports::PlatformError> {
    let files = InMemoryAssetFetcher::default();
    let account = me();
    let ctx = PublishContext {
        job,
        account: &account,
        assets: &files,
        now,
    };
    publisher(server, 1024).find_published(&ctx).await
}

#[tokio::test]
async fn reconciliation_finds_the_post_by_text_since_the_commit_marker() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .and(bearer_token(TOKEN))
        .and(query_param("start_time", "2026-11-30T10:03:00Z"))
        .and(query_param("max_results", "100"))
        .respond_with(timeline(json!([
            {"id": "900", "text": "Menu at https://t.co/AbC123 today https://t.co/media1",
             "attachments": {"media_keys": ["3_42"]}}
        ])))
        .mount(&server)
        .await;
    let mut job = job_for("Menu at https://example.com/menu today");
    job.progress.final_call_started_at = Some(NOW + Duration::minutes(5));
    let found = reconcile(&server, &job, NOW + Duration::minutes(6))
        .await
        .unwrap();
    assert_eq!(
        found,
        Reconciliation::Found(PublishedPost {
            external_id: "900".into(),
            url: Some("https://x.com/XDevelopers/status/900".into()),
        })
    );

    let mut other = job_for("A different text");
    other.progress.final_call_started_at = Some(NOW + Duration::minutes(5));
    assert_eq!(
        reconcile(&server, &other, NOW + Duration::minutes(6))
            .await
            .unwrap(),
        Reconciliation::Absent
    );
}

#[tokio::test]
async fn right_after_the_commit_not_finding_the_post_asks_to_look_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"meta": {"result_count": 0}})),
        )
        .mount(&server)
        .await;
    let mut job = job_for("Just sent");
    job.progress.final_call_started_at = Some(NOW);
    let error = reconcile(&server, &job, NOW + Duration::milliseconds(500))
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert_eq!(error.retry_after, Some(Duration::milliseconds(1500)));
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::seconds(3))
            .await
            .unwrap(),
        Reconciliation::Absent
    );
}

fn timeline_page(posts: Value, next_token: Option<&str>) -> ResponseTemplate {
    let mut meta = json!({"result_count": posts.as_array().map_or(0, Vec::len)});
    if let Some(token) = next_token {
        meta["next_token"] = json!(token);
    }
    ResponseTemplate::new(200).set_body_json(json!({"data": posts, "meta": meta}))
}

/// A busy account pushes the post off the first page: the lookup follows `next_token`.
#[tokio::test]
async fn reconciliation_pages_through_the_timeline() {
    let server = MockServer::start().await;
    let others: Vec<Value> = (0..100)
        .map(|n| json!({"id": format!("{}", 2000 - n), "text": format!("Busy post {n}")}))
        .collect();
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .and(query_param(
            "pagination_token",
            "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i",
        ))
        .respond_with(timeline_page(
            json!([{"id": "1700", "text": "Posted while busy"}]),
            None,
        ))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .and(query_param("start_time", "2026-11-30T09:58:00Z"))
        .respond_with(timeline_page(
            Value::Array(others),
            Some("7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"),
        ))
        .mount(&server)
        .await;
    let mut job = job_for("Posted while busy");
    job.progress.final_call_started_at = Some(NOW);
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::minutes(1))
            .await
            .unwrap(),
        Reconciliation::Found(PublishedPost {
            external_id: "1700".into(),
            url: Some("https://x.com/XDevelopers/status/1700".into()),
        })
    );
    let pages = requests_to(&server, "/tweets").await;
    assert_eq!(pages.len(), 2);
    // Every page asks for the same window.
    for page in &pages {
        assert!(
            page.url
                .query_pairs()
                .any(|(k, v)| k == "start_time" && v == "2026-11-30T09:58:00Z"),
            "{}",
            page.url
        );
    }
}

/// Not seeing the post in the first pages proves nothing while more remain.
#[tokio::test]
async fn reconciliation_that_reaches_the_page_bound_is_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(timeline_page(
            json!([{"id": "1", "text": "Someone else's news"}]),
            Some("more"),
        ))
        .mount(&server)
        .await;
    let mut job = job_for("Lost in the crowd");
    job.progress.final_call_started_at = Some(NOW);
    let answer = reconcile(&server, &job, NOW + Duration::minutes(1))
        .await
        .unwrap();
    assert!(
        matches!(answer, Reconciliation::Unknown { ref reason } if reason.contains("10 pages")),
        "{answer:?}"
    );
    assert_eq!(requests_to(&server, "/tweets").await.len(), 10);
}

/// Long after the commit, the lookup reads only the posts made around it.
#[tokio::test]
async fn a_late_reconciliation_bounds_the_window_after_the_commit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .and(query_param("start_time", "2026-11-30T09:58:00Z"))
        .and(query_param("end_time", "2026-11-30T10:05:00Z"))
        .respond_with(timeline_page(json!([]), None))
        .mount(&server)
        .await;
    let mut job = job_for("Checked the next morning");
    job.progress.final_call_started_at = Some(NOW);
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::hours(14))
            .await
            .unwrap(),
        Reconciliation::Absent
    );
    assert_eq!(requests_to(&server, "/tweets").await.len(), 1);

    // Right after the commit no end_time is sent: it would be ahead of X's clock.
    reconcile(&server, &job, NOW + Duration::minutes(1))
        .await
        .unwrap_err();
    let last = requests_to(&server, "/tweets").await.pop().unwrap();
    assert!(!last.url.query_pairs().any(|(k, _)| k == "end_time"));
}

#[tokio::test]
async fn media_are_matched_on_their_keys_when_x_lists_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(timeline(json!([
            {"id": "901", "text": "Same words https://t.co/x", "attachments": {"media_keys": ["3_999"]}}
        ])))
        .mount(&server)
        .await;
    let mut job = job(
        Platform::X,
        "Same words",
        vec![asset("https://cdn.example.com/a.jpg", AssetKind::Image)],
        json!({}),
    );
    job.progress.set_step(
        "x.media.0",
        r#"{"url":"https://cdn.example.com/a.jpg","id":"42","key":"3_42","total":1,"sent":1,"segment":1,"state":"ready"}"#,
    );
    job.progress.final_call_started_at = Some(NOW);
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::minutes(1))
            .await
            .unwrap(),
        Reconciliation::Absent
    );
}

#[tokio::test]
async fn a_stored_upload_resumes_at_the_next_chunk() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/55/append"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}})))
        .expect(1)
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert("https://cdn.example.com/v.mp4", None, (0..20).collect());
    let mut job = job(
        Platform::X,
        "",
        vec![asset("https://cdn.example.com/v.mp4", AssetKind::Video)],
        json!({}),
    );
    job.progress.set_step(
        "x.media.0",
        r#"{"url":"https://cdn.example.com/v.mp4","id":"55","total":20,"sent":16,"segment":2,"state":"uploading"}"#,
    );
    let account = me();
    let x = publisher(&server, 8);
    assert_eq!(x.next_step(&job).name, "media_append");
    let ctx = PublishContext {
        job: &job,
        account: &account,
        assets: &files,
        now: NOW,
    };
    let StepOutcome::Continue(progress) = x.advance(&ctx).await.unwrap() else {
        panic!("expected Continue");
    };
    let (index, bytes) = segment(&requests_to(&server, "/append").await[0]);
    assert_eq!(index, 2);
    assert_eq!(bytes, (16..20).collect::<Vec<u8>>());
    assert!(progress.step("x.media.0").unwrap().contains("\"sent\":20"));
    job.progress = progress;
    assert_eq!(x.next_step(&job).name, "media_finalize");
}

#[tokio::test]
async fn an_answered_commit_is_never_sent_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(timeline(json!([{"id": "777", "text": "Already out"}])))
        .mount(&server)
        .await;
    let mut job = job_for("Already out");
    job.progress.committed_at = Some(NOW);
    let x = publisher(&server, 1024);
    let planned = x.next_step(&job);
    assert_eq!(planned.name, "find_post");
    assert!(!planned.commits);
    let driven = drive(&x, &mut job, &me(), &InMemoryAssetFetcher::default()).await;
    assert_eq!(driven.result.unwrap().external_id, "777");
    assert!(requests_to(&server, "/2/tweets").await.is_empty());
}

#[tokio::test]
async fn alt_text_is_attached_to_each_image_before_the_commit() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/initialize"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"id": "31", "media_key": "3_31"}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/31/append"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload/31/finalize"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"id": "31"}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/media/metadata"))
        .and(body_json(
            json!({"id": "31", "metadata": {"alt_text": {"text": "A loaf of bread"}}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"id": "31"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(created("32"))
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert(
        "https://cdn.example.com/a.jpg",
        Some("image/jpeg"),
        vec![7; 3],
    );
    let mut job = job(
        Platform::X,
        "Bread",
        vec![asset("https://cdn.example.com/a.jpg", AssetKind::Image)],
        json!({"alt_text": "A loaf of bread"}),
    );
    let driven = drive(&publisher(&server, 1024), &mut job, &me(), &files).await;
    assert_eq!(
        driven.steps,
        [
            "media_initialize",
            "media_append",
            "media_finalize",
            "media_alt_text",
            "create_post"
        ]
    );
    assert!(driven.result.is_ok());
}

#[tokio::test]
async fn an_upload_of_a_file_the_job_no_longer_has_starts_over() {
    let server = MockServer::start().await;
    let mut job = job(
        Platform::X,
        "",
        vec![asset("https://cdn.example.com/new.mp4", AssetKind::Video)],
        json!({}),
    );
    job.progress.set_step(
        "x.media.0",
        r#"{"url":"https://cdn.example.com/old.mp4","id":"55","total":20,"sent":20,"segment":3,"state":"ready"}"#,
    );
    assert_eq!(
        publisher(&server, 8).next_step(&job).name,
        "media_initialize"
    );
}

/// One page failing with a 503 is read again at once rather than failing the whole lookup;
/// a 429 asking to wait ends it.
#[tokio::test]
async fn a_failed_timeline_page_is_read_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .and(query_param("pagination_token", "p2"))
        .respond_with(ResponseTemplate::new(503).set_body_string(""))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .and(query_param("pagination_token", "p2"))
        .respond_with(timeline_page(
            json!([{"id": "77", "text": "Second page"}]),
            None,
        ))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(timeline_page(
            json!([{"id": "78", "text": "Newer"}]),
            Some("p2"),
        ))
        .mount(&server)
        .await;
    let mut job = job_for("Second page");
    job.progress.final_call_started_at = Some(NOW);
    assert!(matches!(
        reconcile(&server, &job, NOW + Duration::minutes(1)).await.unwrap(),
        Reconciliation::Found(PublishedPost { ref external_id, .. }) if external_id == "77"
    ));
    assert_eq!(requests_to(&server, "/tweets").await.len(), 3);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "30"))
        .mount(&server)
        .await;
    let error = reconcile(&server, &job, NOW + Duration::minutes(1))
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Quota);
    assert_eq!(requests_to(&server, "/tweets").await.len(), 1);
}

fn thread_job(extra: Value) -> socialpub_domain::PublishJob {
    let mut options = json!({"thread": ["2/3 middle", "3/3 end"]});
    if let (Some(options), Some(extra)) = (options.as_object_mut(), extra.as_object()) {
        options.extend(extra.clone());
    }
    job(Platform::X, "1/3 start", vec![], options)
}

async fn mount_post(server: &MockServer, body: Value, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .and(bearer_token(TOKEN))
        .and(body_json(body))
        .respond_with(answer)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_thread_posts_each_text_as_a_reply_to_the_one_before() {
    let server = MockServer::start().await;
    mount_post(&server, json!({"text": "1/3 start"}), created("100")).await;
    mount_post(
        &server,
        json!({"text": "2/3 middle", "reply": {"in_reply_to_tweet_id": "100"}}),
        created("101"),
    )
    .await;
    mount_post(
        &server,
        json!({"text": "3/3 end", "reply": {"in_reply_to_tweet_id": "101"}}),
        created("102"),
    )
    .await;
    let x = publisher(&server, 1024);
    let mut job = thread_job(json!({}));
    let driven = drive(&x, &mut job, &me(), &InMemoryAssetFetcher::default()).await;
    assert_eq!(
        driven.steps,
        ["create_post", "create_thread_post", "create_thread_post"]
    );
    assert_eq!(
        driven.result.unwrap(),
        PublishedPost {
            external_id: "100".into(),
            url: Some("https://x.com/XDevelopers/status/100".into()),
        },
        "the job's post is the thread's first"
    );
    assert_eq!(requests_to(&server, "/2/tweets").await.len(), 3);
}

#[tokio::test]
async fn a_thread_that_failed_halfway_resumes_at_the_post_that_failed() {
    let server = MockServer::start().await;
    mount_post(&server, json!({"text": "1/3 start"}), created("100")).await;
    mount_post(
        &server,
        json!({"text": "2/3 middle", "reply": {"in_reply_to_tweet_id": "100"}}),
        created("101"),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .and(body_json(
            json!({"text": "3/3 end", "reply": {"in_reply_to_tweet_id": "101"}}),
        ))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "title": "Invalid Request", "type": "https://api.x.com/2/problems/invalid-request",
            "detail": "One or more parameters to your request was invalid.", "status": 400
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let x = publisher(&server, 1024);
    let mut job = thread_job(json!({}));
    let first = drive(&x, &mut job, &me(), &InMemoryAssetFetcher::default()).await;
    assert!(first.result.is_err());
    assert_eq!(job.progress.step("x.post.0"), Some("100"));
    assert_eq!(job.progress.step("x.post.1"), Some("101"));
    assert_eq!(x.next_step(&job).name, "create_thread_post");

    mount_post(
        &server,
        json!({"text": "3/3 end", "reply": {"in_reply_to_tweet_id": "101"}}),
        created("102"),
    )
    .await;
    job.progress.final_call_started_at = None;
    let second = drive(&x, &mut job, &me(), &InMemoryAssetFetcher::default()).await;
    assert_eq!(second.steps, ["create_thread_post"]);
    assert_eq!(second.result.unwrap().external_id, "100");
    let bodies: Vec<Value> = requests_to(&server, "/2/tweets")
        .await
        .iter()
        .map(|r| r.body_json().unwrap())
        .collect();
    let sent = |text: &str| bodies.iter().filter(|b| b["text"] == text).count();
    assert_eq!(
        (sent("1/3 start"), sent("2/3 middle"), sent("3/3 end")),
        (1, 1, 2),
        "earlier posts are never sent again"
    );
}

#[tokio::test]
async fn a_lost_answer_mid_thread_is_found_as_a_part_and_the_thread_goes_on() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .and(query_param(
            "tweet.fields",
            "id,text,created_at,attachments,referenced_tweets",
        ))
        .respond_with(timeline(json!([
            {"id": "300", "text": "2/3 middle",
             "referenced_tweets": [{"type": "replied_to", "id": "999"}]},
            {"id": "101", "text": "2/3 middle",
             "referenced_tweets": [{"type": "replied_to", "id": "100"}]},
            {"id": "100", "text": "1/3 start"}
        ])))
        .mount(&server)
        .await;
    let mut job = thread_job(json!({}));
    job.progress.set_step("x.post.0", "100");
    job.progress.committed_at = Some(NOW);
    job.progress.final_call_started_at = Some(NOW);
    let found = reconcile(&server, &job, NOW + Duration::minutes(1))
        .await
        .unwrap();
    let Reconciliation::FoundPart(progress) = found else {
        panic!("expected the middle post as a part, got {found:?}");
    };
    assert_eq!(progress.step("x.post.1"), Some("101"));
    job.progress = progress;
    assert_eq!(
        publisher(&server, 1024).next_step(&job).name,
        "create_thread_post"
    );

    // The last post found: the job is the thread's first post.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(timeline(json!([
            {"id": "102", "text": "3/3 end",
             "referenced_tweets": [{"type": "replied_to", "id": "101"}]}
        ])))
        .mount(&server)
        .await;
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::minutes(1))
            .await
            .unwrap(),
        Reconciliation::Found(PublishedPost {
            external_id: "100".into(),
            url: Some("https://x.com/XDevelopers/status/100".into()),
        })
    );
}

#[tokio::test]
async fn a_reply_with_the_same_text_to_another_post_is_not_the_threads() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(timeline(json!([
            {"id": "300", "text": "2/3 middle",
             "referenced_tweets": [{"type": "replied_to", "id": "999"}]},
            {"id": "301", "text": "2/3 middle"}
        ])))
        .mount(&server)
        .await;
    let mut job = thread_job(json!({}));
    job.progress.set_step("x.post.0", "100");
    job.progress.final_call_started_at = Some(NOW);
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::minutes(1))
            .await
            .unwrap(),
        Reconciliation::Absent
    );
}

fn ready_image(expires_at: Option<i64>) -> String {
    let mut media = json!({
        "url": "https://cdn.example.com/a.jpg", "id": "42", "key": "3_42",
        "total": 1, "sent": 1, "segment": 1, "state": "ready"
    });
    if let Some(at) = expires_at {
        media["expires_at"] = json!(at);
    }
    media.to_string()
}

#[tokio::test]
async fn an_uploaded_media_id_about_to_expire_is_uploaded_again_before_the_commit() {
    let server = MockServer::start().await;
    let x = publisher(&server, 1024);
    let mut job = job(
        Platform::X,
        "Fresh",
        vec![asset("https://cdn.example.com/a.jpg", AssetKind::Image)],
        json!({}),
    );
    let now = NOW.unix_timestamp();
    job.progress
        .set_step("x.media.0", ready_image(Some(now + 86_000)));
    assert_eq!(x.next_step(&job).name, "create_post");
    job.progress
        .set_step("x.media.0", ready_image(Some(now + 60)));
    assert_eq!(x.next_step(&job).name, "media_initialize");
    job.progress
        .set_step("x.media.0", ready_image(Some(now - 1)));
    assert_eq!(x.next_step(&job).name, "media_initialize");
    // An upload stored before expiries were recorded is trusted, as before.
    job.progress.set_step("x.media.0", ready_image(None));
    assert_eq!(x.next_step(&job).name, "create_post");
}

#[tokio::test]
async fn a_media_only_post_is_found_by_its_media_not_by_its_empty_text() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(timeline(json!([
            {"id": "810", "text": "https://t.co/other", "attachments": {"media_keys": ["3_41"]}},
            {"id": "811", "text": "https://t.co/ours", "attachments": {"media_keys": ["3_42"]}}
        ])))
        .mount(&server)
        .await;
    let mut job = job(
        Platform::X,
        "",
        vec![asset("https://cdn.example.com/a.jpg", AssetKind::Image)],
        json!({}),
    );
    job.progress.set_step("x.media.0", ready_image(None));
    job.progress.final_call_started_at = Some(NOW);
    let Reconciliation::Found(post) = reconcile(&server, &job, NOW + Duration::minutes(1))
        .await
        .unwrap()
    else {
        panic!("expected the post with our media");
    };
    assert_eq!(post.external_id, "811");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/2/users/{USER_ID}/tweets")))
        .respond_with(timeline(json!([
            {"id": "810", "text": "https://t.co/other", "attachments": {"media_keys": ["3_41"]}},
            {"id": "812", "text": "https://t.co/unlisted"}
        ])))
        .mount(&server)
        .await;
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::minutes(1))
            .await
            .unwrap(),
        Reconciliation::Absent,
        "another media-only post is not ours"
    );
}

#[tokio::test]
async fn each_image_gets_its_own_alt_text_when_a_list_is_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/media/metadata"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}})))
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    let account = me();
    let x = publisher(&server, 1024);
    let mut job = job(
        Platform::X,
        "Two",
        vec![
            asset("https://cdn.example.com/a.jpg", AssetKind::Image),
            asset("https://cdn.example.com/b.gif", AssetKind::Image),
        ],
        json!({"alt_text": "fallback", "alt_texts": ["first picture", "a looping cat"]}),
    );
    job.progress.set_step("x.media.0", ready_image(None));
    job.progress.set_step(
        "x.media.1",
        r#"{"url":"https://cdn.example.com/b.gif","id":"43","key":"16_43","total":1,"sent":1,"segment":1,"state":"ready"}"#,
    );
    for _ in 0..2 {
        assert_eq!(x.next_step(&job).name, "media_alt_text");
        let ctx = PublishContext {
            job: &job,
            account: &account,
            assets: &files,
            now: NOW,
        };
        let StepOutcome::Continue(progress) = x.advance(&ctx).await.unwrap() else {
            panic!("expected Continue");
        };
        job.progress = progress;
    }
    assert_eq!(x.next_step(&job).name, "create_post");
    let sent: Vec<Value> = requests_to(&server, "/2/media/metadata")
        .await
        .iter()
        .map(|r| r.body_json().unwrap())
        .collect();
    assert_eq!(
        sent,
        [
            json!({"id": "42", "metadata": {"alt_text": {"text": "first picture"}}}),
            json!({"id": "43", "metadata": {"alt_text": {"text": "a looping cat"}}}),
        ]
    );
}
