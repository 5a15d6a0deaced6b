//! The Pinterest publisher against wiremock: image, carousel and video pins, the streamed
//! upload to the signed upload URL, processing polls, classified commit errors, and
//! reconciliation from the board's pins.

use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::{Value, json};
use socialpub_domain::{AssetKind, AssetUrl, Platform, PublishJob};
use socialpub_pinterest::{PinterestPublishSettings, PinterestPublisher};
use socialpub_ports::fakes::InMemoryAssetFetcher;
use socialpub_ports::fakes::publisher_driver::{NOW, account, asset, drive, job};
use socialpub_ports::{
    AssetFetchError, AssetFetcher, PlatformError, PlatformErrorKind, PublishAccount,
    PublishContext, PublishedPost, Publisher, Reconciliation, RemoteAssetInfo,
};
use time::Duration;
use wiremock::matchers::{bearer_token, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::{assert_no_secrets, client};

const TOKEN: &str = "canary-pina-token";
const BOARD: &str = "549755885175";
const VIDEO_URL: &str = "https://cdn.example.com/clip.mp4";
const COVER: &str = "https://cdn.example.com/cover.jpg";

fn settings() -> PinterestPublishSettings {
    PinterestPublishSettings {
        chunk_size: 1000,
        ..PinterestPublishSettings::default()
    }
}

fn publisher(server: &MockServer) -> PinterestPublisher {
    PinterestPublisher::with_settings(client(server), settings())
}

fn user() -> PublishAccount {
    account("1234567890", "socialpubsim", TOKEN)
}

fn pin_job(text: &str, assets: Vec<socialpub_domain::Asset>, options: Value) -> PublishJob {
    let mut options = options;
    options["board_id"] = json!(BOARD);
    job(Platform::Pinterest, text, assets, options)
}

fn pinterest_error(status: u16, code: i64, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"code": code, "message": message}))
}

fn created_pin(id: &str) -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({
        "id": id,
        "created_at": "2026-11-30T10:00:01",
        "board_id": BOARD,
        "board_owner": {"username": "socialpubsim"},
        "is_owner": true,
    }))
}

#[tokio::test]
async fn an_image_pin_is_one_create_pin_with_the_image_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v5/pins"))
        .and(bearer_token(TOKEN))
        .and(body_json(json!({
            "board_id": BOARD,
            "title": "Sourdough",
            "description": "Fresh bread #baking",
            "link": "https://bakery.example/sourdough",
            "alt_text": "A loaf on a board",
            "media_source": {"source_type": "image_url", "url": "https://cdn.example.com/loaf.jpg"},
        })))
        .respond_with(created_pin("813744226420795884"))
        .expect(1)
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    let mut job = pin_job(
        "Fresh bread #baking",
        vec![asset("https://cdn.example.com/loaf.jpg", AssetKind::Image)],
        json!({
            "title": "Sourdough",
            "link": "https://bakery.example/sourdough",
            "alt_text": "A loaf on a board",
        }),
    );
    let pinterest = publisher(&server);
    assert!(pinterest.next_step(&job).commits);
    let driven = drive(&pinterest, &mut job, &user(), &files).await;
    assert_eq!(driven.steps, ["create_pin"]);
    assert_eq!(
        driven.result.unwrap(),
        PublishedPost {
            external_id: "813744226420795884".into(),
            url: Some("https://www.pinterest.com/pin/813744226420795884/".into()),
        }
    );
    assert_eq!(files.bytes_served(), 0, "Pinterest fetches images itself");
}

#[tokio::test]
async fn a_carousel_sends_its_images_as_multiple_image_urls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v5/pins"))
        .and(body_json(json!({
            "board_id": BOARD,
            "description": "Three loaves",
            "media_source": {"source_type": "multiple_image_urls", "items": [
                {"url": "https://cdn.example.com/0.jpg"},
                {"url": "https://cdn.example.com/1.jpg"},
                {"url": "https://cdn.example.com/2.jpg"},
            ]},
        })))
        .respond_with(created_pin("900"))
        .expect(1)
        .mount(&server)
        .await;
    let assets = (0..3)
        .map(|n| {
            asset(
                &format!("https://cdn.example.com/{n}.jpg"),
                AssetKind::Image,
            )
        })
        .collect();
    let mut job = pin_job("Three loaves", assets, json!({}));
    let driven = drive(
        &publisher(&server),
        &mut job,
        &user(),
        &InMemoryAssetFetcher::default(),
    )
    .await;
    assert_eq!(driven.steps, ["create_pin"]);
    assert_eq!(driven.result.unwrap().external_id, "900");
}

/// Serves a file from memory like [`InMemoryAssetFetcher`], recording each read's length.
#[derive(Default)]
struct CountingFetcher {
    inner: InMemoryAssetFetcher,
    reads: Mutex<Vec<u32>>,
}

#[async_trait]
impl AssetFetcher for CountingFetcher {
    async fn info(&self, url: &AssetUrl) -> Result<RemoteAssetInfo, AssetFetchError> {
        self.inner.info(url).await
    }

    async fn read_range(
        &self,
        url: &AssetUrl,
        start: u64,
        len: u32,
    ) -> Result<Vec<u8>, AssetFetchError> {
        self.reads.lock().unwrap().push(len);
        self.inner.read_range(url, start, len).await
    }
}

fn video_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

async fn mount_register(server: &MockServer, media_id: &str) {
    Mock::given(method("POST"))
        .and(path("/v5/media"))
        .and(bearer_token(TOKEN))
        .and(body_json(json!({"media_type": "video"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "media_id": media_id,
            "media_type": "video",
            "upload_url": format!("{}/s3-upload/", server.uri()),
            "upload_parameters": {
                "x-amz-date": "20261130T100000Z",
                "x-amz-signature": "canary-signature",
                "x-amz-security-token": "canary-security-token",
                "x-amz-algorithm": "AWS4-HMAC-SHA256",
                "key": format!("uploads/aa/bb/{media_id}"),
                "policy": "eyJleHBpcmF0aW9uIjoi",
                "x-amz-credential": "ASIA/20261130/us-east-1/s3/aws4_request",
                "Content-Type": "multipart/form-data",
            },
        })))
        .expect(1)
        .mount(server)
        .await;
}

/// The `(name, content)` parts of a multipart body.
fn parts(request: &Request) -> Vec<(String, Vec<u8>)> {
    let content_type = request
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    let boundary = content_type.split("boundary=").nth(1).unwrap();
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut out = Vec::new();
    let positions: Vec<usize> = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(i, _)| i)
        .collect();
    for pair in positions.windows(2) {
        let part = &body[pair[0] + delimiter.len() + 2..pair[1] - 2];
        let split = part.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&part[..split]).into_owned();
        let name = head
            .split("name=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        out.push((name, part[split + 4..].to_vec()));
    }
    out
}

#[tokio::test]
async fn a_video_is_registered_streamed_with_its_signed_fields_polled_then_pinned() {
    let server = MockServer::start().await;
    mount_register(&server, "4242").await;
    Mock::given(method("POST"))
        .and(path("/s3-upload/"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v5/media/4242"))
        .and(bearer_token(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"media_id": "4242", "media_type": "video", "status": "processing"}),
        ))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v5/media/4242"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"media_id": "4242", "media_type": "video", "status": "succeeded"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v5/pins"))
        .and(body_json(json!({
            "board_id": BOARD,
            "description": "Kneading, in real time",
            "media_source": {
                "source_type": "video_id",
                "media_id": "4242",
                "cover_image_url": COVER,
                "cover_image_key_frame_time": 2,
            },
        })))
        .respond_with(created_pin("777"))
        .expect(1)
        .mount(&server)
        .await;

    let files = CountingFetcher::default();
    let bytes = video_bytes(4_500);
    files
        .inner
        .insert(VIDEO_URL, Some("video/mp4"), bytes.clone());
    let mut job = pin_job(
        "Kneading, in real time",
        vec![asset(VIDEO_URL, AssetKind::Video)],
        json!({"cover_image_url": COVER, "cover_image_key_frame_time": 2.5}),
    );
    let pinterest = publisher(&server);
    assert!(!pinterest.next_step(&job).commits);
    let driven = drive(&pinterest, &mut job, &user(), &files).await;
    assert_eq!(
        driven.steps,
        ["upload_video", "media_status", "media_status", "create_pin"]
    );
    assert_eq!(driven.waits, 1);
    assert_eq!(driven.now, NOW + Duration::seconds(10));
    assert_eq!(driven.result.unwrap().external_id, "777");

    // Read a chunk at a time, never the whole file at once.
    let reads = files.reads.lock().unwrap().clone();
    assert_eq!(reads, [1000, 1000, 1000, 1000, 500]);
    assert_eq!(files.inner.bytes_served(), 4_500);

    let requests = server.received_requests().await.unwrap();
    let upload = requests
        .iter()
        .find(|r| r.url.path() == "/s3-upload/")
        .unwrap();
    assert!(
        upload.headers.get("authorization").is_none(),
        "no Pinterest token goes to the upload URL"
    );
    assert_eq!(
        upload
            .headers
            .get("content-length")
            .unwrap()
            .to_str()
            .unwrap(),
        upload.body.len().to_string(),
        "S3 takes no chunked uploads: the length is announced"
    );
    let parts = parts(upload);
    let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names.last(),
        Some(&"file"),
        "the file comes last: {names:?}"
    );
    for field in [
        "key",
        "policy",
        "x-amz-signature",
        "x-amz-security-token",
        "Content-Type",
    ] {
        assert!(names.contains(&field), "{field} missing: {names:?}");
    }
    let key = &parts.iter().find(|(n, _)| n == "key").unwrap().1;
    assert_eq!(key.as_slice(), b"uploads/aa/bb/4242");
    assert_eq!(parts.last().unwrap().1, bytes, "the file arrives whole");

    // The signed upload fields are not kept in the job's progress.
    let stored = serde_json::to_string(&job.progress).unwrap();
    assert!(!stored.contains("canary"), "{stored}");
}

#[tokio::test]
async fn a_video_pinterest_cannot_process_fails_as_media() {
    let server = MockServer::start().await;
    mount_register(&server, "4343").await;
    Mock::given(method("POST"))
        .and(path("/s3-upload/"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v5/media/4343"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"media_id": "4343", "media_type": "video", "status": "failed"}),
            ),
        )
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert(VIDEO_URL, Some("video/mp4"), video_bytes(10));
    let mut job = pin_job(
        "Broken",
        vec![asset(VIDEO_URL, AssetKind::Video)],
        json!({"cover_image_url": COVER}),
    );
    let driven = drive(&publisher(&server), &mut job, &user(), &files).await;
    assert_eq!(driven.steps, ["upload_video", "media_status"]);
    let error = driven.result.unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Media);
    assert_eq!(error.code.as_deref(), Some("video_processing_failed"));
}

#[tokio::test]
async fn a_video_still_processing_after_the_time_limit_fails() {
    let server = MockServer::start().await;
    mount_register(&server, "4444").await;
    Mock::given(method("POST"))
        .and(path("/s3-upload/"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v5/media/4444"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"media_id": "4444", "media_type": "video", "status": "registered"}),
        ))
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert(VIDEO_URL, Some("video/mp4"), video_bytes(10));
    let pinterest = PinterestPublisher::with_settings(
        client(&server),
        PinterestPublishSettings {
            media_poll_interval: Duration::minutes(1),
            media_processing_timeout: Duration::minutes(5),
            ..settings()
        },
    );
    let mut job = pin_job(
        "Slow",
        vec![asset(VIDEO_URL, AssetKind::Video)],
        json!({"cover_image_url": COVER}),
    );
    let driven = drive(&pinterest, &mut job, &user(), &files).await;
    // Polled at 0, 1, ... 5 minutes after the upload; at 6 the limit is past.
    assert_eq!(driven.waits, 6);
    assert_eq!(
        driven.result.unwrap_err().code.as_deref(),
        Some("video_processing_timeout")
    );
}

#[tokio::test]
async fn a_refused_upload_is_classified_and_a_short_file_is_media() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v5/media"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "media_id": "4545",
            "media_type": "video",
            "upload_url": format!("{}/s3-upload/", server.uri()),
            "upload_parameters": {"key": "k", "x-amz-signature": "canary-signature"},
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/s3-upload/"))
        .respond_with(ResponseTemplate::new(403).set_body_string(
            "<Error><Code>AccessDenied</Code><Message>Policy expired</Message></Error>",
        ))
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert(VIDEO_URL, Some("video/mp4"), video_bytes(10));
    let mut job = pin_job(
        "Refused",
        vec![asset(VIDEO_URL, AssetKind::Video)],
        json!({"cover_image_url": COVER}),
    );
    let driven = drive(&publisher(&server), &mut job, &user(), &files).await;
    let error = driven.result.unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert_eq!(error.code.as_deref(), Some("AccessDenied"));
    assert_no_secrets(&error);
    assert!(job.progress.step("pinterest.video").is_none());

    // The asset server announces more bytes than it has.
    struct ShortFetcher(InMemoryAssetFetcher);
    #[async_trait]
    impl AssetFetcher for ShortFetcher {
        async fn info(&self, url: &AssetUrl) -> Result<RemoteAssetInfo, AssetFetchError> {
            let mut info = self.0.info(url).await?;
            info.content_length = info.content_length.map(|n| n * 2);
            Ok(info)
        }
        async fn read_range(
            &self,
            url: &AssetUrl,
            start: u64,
            len: u32,
        ) -> Result<Vec<u8>, AssetFetchError> {
            self.0.read_range(url, start, len).await
        }
    }
    let short = ShortFetcher(InMemoryAssetFetcher::default());
    short
        .0
        .insert(VIDEO_URL, Some("video/mp4"), video_bytes(10));
    let mut job = pin_job(
        "Short",
        vec![asset(VIDEO_URL, AssetKind::Video)],
        json!({"cover_image_url": COVER}),
    );
    let error = drive(&publisher(&server), &mut job, &user(), &short)
        .await
        .result
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Media);
    assert_eq!(error.code.as_deref(), Some("asset_truncated"));
}

async fn commit_error(response: ResponseTemplate) -> PlatformError {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v5/pins"))
        .respond_with(response)
        .mount(&server)
        .await;
    let mut job = pin_job(
        "Fails",
        vec![asset("https://cdn.example.com/loaf.jpg", AssetKind::Image)],
        json!({}),
    );
    let error = drive(
        &publisher(&server),
        &mut job,
        &user(),
        &InMemoryAssetFetcher::default(),
    )
    .await
    .result
    .unwrap_err();
    assert_no_secrets(&error);
    assert!(!error.message.contains(TOKEN));
    error
}

#[tokio::test]
async fn commit_errors_follow_pinterests_codes() {
    let board = commit_error(pinterest_error(404, 404, "Board not found.")).await;
    assert_eq!(board.kind, PlatformErrorKind::InvalidRequest);
    assert_eq!(board.message, "Board not found.");

    let unreachable = commit_error(pinterest_error(
        400,
        1,
        "Invalid request: Unable to reach the URL",
    ))
    .await;
    assert_eq!(unreachable.kind, PlatformErrorKind::Media);

    let auth = commit_error(pinterest_error(401, 2, "Authentication failed.")).await;
    assert_eq!(auth.kind, PlatformErrorKind::Auth);

    let board_access = commit_error(pinterest_error(
        403,
        7,
        "You are not permitted to access that board.",
    ))
    .await;
    assert_eq!(board_access.kind, PlatformErrorKind::Permission);
}

#[tokio::test]
async fn only_a_rate_limit_waits_for_the_reset_not_a_server_error() {
    let reset_in_120 = || {
        ResponseTemplate::new(429)
            .set_body_json(json!({"code": 8, "message": "This request exceeded a rate limit."}))
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", "120")
    };
    let limited = commit_error(reset_in_120()).await;
    assert_eq!(limited.kind, PlatformErrorKind::Quota);
    let wait = limited.retry_after.unwrap();
    assert!(
        wait > Duration::seconds(110) && wait <= Duration::seconds(120),
        "{wait}"
    );

    // Pinterest may send its window's reset on every answer: after a 5xx it says nothing
    // about when the server is back.
    let down = commit_error(
        pinterest_error(503, 503, "Service unavailable")
            .insert_header("x-ratelimit-remaining", "900")
            .insert_header("x-ratelimit-reset", "3000"),
    )
    .await;
    assert_eq!(down.kind, PlatformErrorKind::PlatformDown);
    assert!(down.retryable());
    assert_eq!(down.retry_after, None);

    let told = commit_error(
        pinterest_error(500, 500, "Internal error")
            .insert_header("x-ratelimit-reset", "3000")
            .insert_header("retry-after", "7"),
    )
    .await;
    assert_eq!(told.retry_after, Some(Duration::seconds(7)));
}

#[tokio::test]
async fn a_pin_without_a_board_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let mut job = job(
        Platform::Pinterest,
        "Nowhere",
        vec![asset("https://cdn.example.com/loaf.jpg", AssetKind::Image)],
        json!({}),
    );
    let error = drive(
        &publisher(&server),
        &mut job,
        &user(),
        &InMemoryAssetFetcher::default(),
    )
    .await
    .result
    .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("board_id_required"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

fn listed(id: &str, description: &str, created_at: &str) -> Value {
    json!({
        "id": id,
        "created_at": created_at,
        "board_id": BOARD,
        "description": description,
        "title": null,
        "link": null,
        "media": {"media_type": "image", "images": {}},
    })
}

/// A job whose commit went out at [`NOW`] with no answer.
fn unanswered(text: &str) -> PublishJob {
    let mut job = pin_job(
        text,
        vec![asset("https://cdn.example.com/loaf.jpg", AssetKind::Image)],
        json!({}),
    );
    job.progress.final_call_started_at = Some(NOW);
    job
}

async fn lookup(
    server: &MockServer,
    job: &PublishJob,
    now: time::OffsetDateTime,
) -> Result<Reconciliation, PlatformError> {
    let files = InMemoryAssetFetcher::default();
    let user = user();
    publisher(server)
        .find_published(&PublishContext {
            job,
            account: &user,
            assets: &files,
            now,
        })
        .await
}

#[tokio::test]
async fn a_lost_commit_is_found_on_a_later_page_of_the_board() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v5/boards/{BOARD}/pins")))
        .and(query_param("page_size", "250"))
        .and(query_param("bookmark", "page-2"))
        .and(bearer_token(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [listed("31", "Lost answer", "2026-11-30T10:00:01")],
            "bookmark": null,
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v5/boards/{BOARD}/pins")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [
                // Same text, but made a day earlier: another pin.
                listed("29", "Lost answer", "2026-11-29T10:00:00Z"),
                listed("30", "Something else", "2026-11-30T10:00:01Z"),
            ],
            "bookmark": "page-2",
        })))
        .expect(1)
        .mount(&server)
        .await;
    let found = lookup(
        &server,
        &unanswered("Lost answer"),
        NOW + Duration::seconds(30),
    )
    .await
    .unwrap();
    assert_eq!(
        found,
        Reconciliation::Found(PublishedPost {
            external_id: "31".into(),
            url: Some("https://www.pinterest.com/pin/31/".into()),
        })
    );
}

#[tokio::test]
async fn a_board_without_the_pin_is_absent_once_settled_and_unknown_past_the_page_bound() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v5/boards/{BOARD}/pins")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [listed("30", "Something else", "2026-11-30T10:00:01Z")],
            "bookmark": null,
        })))
        .mount(&server)
        .await;
    let job = unanswered("Never made");
    let early = lookup(&server, &job, NOW + Duration::seconds(1))
        .await
        .unwrap_err();
    assert_eq!(early.kind, PlatformErrorKind::Transient);
    assert_eq!(early.code.as_deref(), Some("not_settled"));
    assert_eq!(
        lookup(&server, &job, NOW + Duration::seconds(30))
            .await
            .unwrap(),
        Reconciliation::Absent
    );

    let endless = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v5/boards/{BOARD}/pins")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [listed("30", "Something else", "2026-11-30T10:00:01Z")],
            "bookmark": "more",
        })))
        .mount(&endless)
        .await;
    let bounded = PinterestPublisher::with_settings(
        client(&endless),
        PinterestPublishSettings {
            reconcile_max_pages: 3,
            ..settings()
        },
    );
    let files = InMemoryAssetFetcher::default();
    let user = user();
    let answer = bounded
        .find_published(&PublishContext {
            job: &job,
            account: &user,
            assets: &files,
            now: NOW + Duration::seconds(30),
        })
        .await
        .unwrap();
    assert!(
        matches!(answer, Reconciliation::Unknown { .. }),
        "{answer:?}"
    );
}

#[tokio::test]
async fn a_board_that_cannot_be_read_is_an_error_not_absent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v5/boards/{BOARD}/pins")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(pinterest_error(503, 503, "Service unavailable"))
        .expect(3)
        .mount(&server)
        .await;
    let error = lookup(&server, &unanswered("Unknown"), NOW + Duration::seconds(30))
        .await
        .unwrap_err();
    assert!(error.retryable(), "{error:?}");
    assert_no_secrets(&error);
}
