//! Page videos from a file by resumable upload, against wiremock: `upload_phase=start`,
//! `transfer` (multipart `video_file_chunk` at Graph's `start_offset`) and `finish` on the
//! video host (`graph-video`), never on the API host; when it is chosen; a lost transfer
//! answer resumed from the bytes Graph reports; an unanswered finish reconciled from the
//! Page's videos.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use socialpub_domain::{AssetKind, Platform, PublishJob};
use socialpub_facebook::{FacebookClient, FacebookPublishSettings, FacebookPublisher};
use socialpub_ports::{PublishContext, PublishedPost, Publisher, Reconciliation};
use time::Duration;
use url::Url;
use wiremock::matchers::{bearer_token, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::publisher_driver::{InMemoryAssetFetcher, NOW, account, asset, drive, job};
use crate::support::{PAGE_TOKEN_1, assert_no_secrets, config, http};

const PAGE: &str = "110000000000001";
const VIDEO: &str = "7770001";
const SESSION: &str = "upload-session-42";
const FILE: &str = "https://cdn.example.com/big.mp4";

fn page() -> socialpub_ports::PublishAccount {
    account(PAGE, "Sim Bakery", PAGE_TOKEN_1)
}

/// A publisher whose API host is `api` and video host is `video`.
fn publisher(
    api: &MockServer,
    video: &MockServer,
    settings: FacebookPublishSettings,
) -> FacebookPublisher {
    let config = config(api).with_upload_base_url(Url::parse(&video.uri()).unwrap());
    FacebookPublisher::with_settings(FacebookClient::new(config, http()), settings)
}

fn settings(chunk_size: u32) -> FacebookPublishSettings {
    FacebookPublishSettings {
        chunk_size,
        ..FacebookPublishSettings::default()
    }
}

/// What the fake video host received.
#[derive(Debug, Default)]
struct Upload {
    size: u64,
    received: Vec<u8>,
    /// `start_offset` of each transfer, as sent.
    offsets: Vec<u64>,
    finish: Option<Value>,
}

/// The text parts and the `video_file_chunk` bytes of a multipart body.
fn multipart(request: &Request) -> (Vec<(String, String)>, Vec<u8>) {
    let content_type = request
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    let boundary = content_type.split("boundary=").nth(1).unwrap().to_owned();
    let delimiter = format!("--{boundary}");
    let mut fields = Vec::new();
    let mut chunk = Vec::new();
    let body = &request.body;
    let positions: Vec<usize> = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(i, _)| i)
        .collect();
    for pair in positions.windows(2) {
        let part = &body[pair[0] + delimiter.len() + 2..pair[1] - 2];
        let split = part.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&part[..split]).to_string();
        let content = &part[split + 4..];
        let name = head
            .split("name=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        if name == "video_file_chunk" {
            chunk = content.to_vec();
        } else {
            fields.push((name, String::from_utf8_lossy(content).to_string()));
        }
    }
    (fields, chunk)
}

fn graph_error(code: i64, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({"error": {
        "message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"
    }}))
}

/// The video host: Graph's resumable upload with a `window`-byte window, offsets as strings.
async fn mount_video_host(server: &MockServer, window: u64, upload: Arc<Mutex<Upload>>) {
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/videos")))
        .and(bearer_token(PAGE_TOKEN_1))
        .respond_with(move |request: &Request| {
            let mut upload = upload.lock().unwrap();
            let next = |received: u64, size: u64| {
                json!({"start_offset": received.to_string(),
                       "end_offset": (received + window).min(size).to_string()})
            };
            if let Ok(body) = serde_json::from_slice::<Value>(&request.body) {
                return match body["upload_phase"].as_str() {
                    Some("start") => {
                        upload.size = body["file_size"].as_u64().unwrap();
                        let mut answer = next(0, upload.size);
                        answer["video_id"] = json!(VIDEO);
                        answer["upload_session_id"] = json!(SESSION);
                        ResponseTemplate::new(200).set_body_json(answer)
                    }
                    Some("finish") if upload.received.len() as u64 == upload.size => {
                        upload.finish = Some(body);
                        ResponseTemplate::new(200).set_body_json(json!({"success": true}))
                    }
                    _ => graph_error(
                        6000,
                        "(#6000) There was a problem uploading your video file.",
                    ),
                };
            }
            let (fields, chunk) = multipart(request);
            let field = |name: &str| {
                fields
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
            };
            assert_eq!(field("upload_phase").as_deref(), Some("transfer"));
            assert_eq!(field("upload_session_id").as_deref(), Some(SESSION));
            let offset: u64 = field("start_offset").unwrap().parse().unwrap();
            upload.offsets.push(offset);
            if offset != upload.received.len() as u64 {
                return graph_error(6001, "(#6001) start_offset does not match");
            }
            upload.received.extend_from_slice(&chunk);
            let (received, size) = (upload.received.len() as u64, upload.size);
            ResponseTemplate::new(200).set_body_json(next(received, size))
        })
        .mount(server)
        .await;
}

async fn mount_permalink(api: &MockServer) {
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{VIDEO}")))
        .and(query_param("fields", "permalink_url"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": VIDEO,
            "permalink_url": format!("https://www.facebook.com/simbakery/videos/{VIDEO}/")
        })))
        .expect(1)
        .mount(api)
        .await;
}

fn video_job(options: Value) -> PublishJob {
    job(
        Platform::Facebook,
        "Our bakery tour",
        vec![asset(FILE, AssetKind::Video)],
        options,
    )
}

fn file(len: u8) -> InMemoryAssetFetcher {
    let files = InMemoryAssetFetcher::default();
    files.insert(FILE, None, (0..len).collect());
    files
}

#[tokio::test]
async fn a_video_the_user_wants_uploaded_goes_in_bounded_chunks_to_the_video_host_then_finishes() {
    let (api, video) = (MockServer::start().await, MockServer::start().await);
    let upload = Arc::new(Mutex::new(Upload::default()));
    // Graph asks for 16 bytes at a time; the publisher sends at most 6.
    mount_video_host(&video, 16, upload.clone()).await;
    mount_permalink(&api).await;
    let fb = publisher(&api, &video, settings(6));
    let mut job = video_job(json!({"video_upload": "resumable", "title": "Tour"}));
    let driven = drive(&fb, &mut job, &page(), &file(20)).await;
    assert_eq!(
        driven.steps,
        [
            "video_start",
            "video_transfer",
            "video_transfer",
            "video_transfer",
            "video_transfer",
            "create_post",
            "fetch_permalink"
        ]
    );
    assert_eq!(
        driven.result.unwrap(),
        PublishedPost {
            external_id: VIDEO.into(),
            url: Some(format!(
                "https://www.facebook.com/simbakery/videos/{VIDEO}/"
            )),
        }
    );
    {
        let upload = upload.lock().unwrap();
        assert_eq!(upload.size, 20);
        assert_eq!(upload.received, (0..20).collect::<Vec<u8>>());
        assert_eq!(upload.offsets, [0, 6, 12, 18]);
        assert_eq!(
            upload.finish.clone().unwrap(),
            json!({"upload_phase": "finish", "upload_session_id": SESSION,
                   "description": "Our bakery tour", "title": "Tour"})
        );
    }
    // Only the permalink went to the API host.
    let api_calls = api.received_requests().await.unwrap();
    assert_eq!(api_calls.len(), 1);
    assert_eq!(api_calls[0].method, wiremock::http::Method::GET);
}

#[tokio::test]
async fn a_video_larger_than_the_by_url_limit_is_uploaded_and_a_smaller_one_is_not() {
    let (api, video) = (MockServer::start().await, MockServer::start().await);
    let upload = Arc::new(Mutex::new(Upload::default()));
    mount_video_host(&video, 1 << 20, upload.clone()).await;
    mount_permalink(&api).await;
    let fb = publisher(
        &api,
        &video,
        FacebookPublishSettings {
            file_url_max_bytes: 10,
            ..FacebookPublishSettings::default()
        },
    );
    let mut large = video_job(json!({}));
    large.assets[0].metadata.size_bytes = Some(20);
    let driven = drive(&fb, &mut large, &page(), &file(20)).await;
    assert_eq!(
        driven.steps,
        [
            "video_start",
            "video_transfer",
            "create_post",
            "fetch_permalink"
        ]
    );
    assert_eq!(driven.result.unwrap().external_id, VIDEO);
    assert_eq!(upload.lock().unwrap().received.len(), 20);

    let mut small = video_job(json!({}));
    small.assets[0].metadata.size_bytes = Some(10);
    assert_eq!(fb.next_step(&small).name, "create_post", "by file_url");
    let mut reel = video_job(json!({"content_kind": "reel", "video_upload": "resumable"}));
    reel.assets[0].metadata.size_bytes = Some(20);
    assert_eq!(
        fb.next_step(&reel).name,
        "reel_start",
        "reels keep their own flow"
    );
}

#[tokio::test]
async fn a_lost_transfer_answer_resumes_from_the_bytes_graph_reports() {
    let (api, video) = (MockServer::start().await, MockServer::start().await);
    let upload = Arc::new(Mutex::new(Upload::default()));
    mount_video_host(&video, 8, upload.clone()).await;
    mount_permalink(&api).await;
    // Graph already holds the first 8 bytes: the answer to that transfer was lost.
    {
        let mut upload = upload.lock().unwrap();
        upload.size = 20;
        upload.received = (0..8).collect();
    }
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{VIDEO}")))
        .and(query_param("fields", "status,permalink_url"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": VIDEO,
            "status": {"video_status": "uploading",
                       "uploading_phase": {"status": "in_progress", "bytes_transfered": 8}}
        })))
        .expect(1)
        .mount(&api)
        .await;
    let fb = publisher(&api, &video, settings(8));
    let mut job = video_job(json!({"video_upload": "resumable"}));
    job.progress.set_step("facebook.video.id", VIDEO);
    job.progress.set_step("facebook.video.session", SESSION);
    job.progress.set_step("facebook.video.size", "20");
    job.progress.set_step("facebook.video.window", "0 8");
    let driven = drive(&fb, &mut job, &page(), &file(20)).await;
    assert_eq!(
        driven.steps,
        [
            "video_transfer",
            "video_transfer",
            "video_transfer",
            "create_post",
            "fetch_permalink"
        ]
    );
    assert_eq!(driven.result.unwrap().external_id, VIDEO);
    let upload = upload.lock().unwrap();
    assert_eq!(upload.offsets, [0, 8, 16]);
    assert_eq!(upload.received, (0..20).collect::<Vec<u8>>());
}

#[tokio::test]
async fn a_refused_transfer_with_no_progress_at_graph_fails_without_the_token() {
    let (api, video) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("POST"))
        .and(path(format!("/v25.0/{PAGE}/videos")))
        .respond_with(graph_error(
            6001,
            &format!("(#6001) There was a problem uploading your video file {PAGE_TOKEN_1}"),
        ))
        .mount(&video)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{VIDEO}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": VIDEO, "status": {"uploading_phase": {"bytes_transfered": 0}}
        })))
        .mount(&api)
        .await;
    let fb = publisher(&api, &video, settings(8));
    let mut job = video_job(json!({"video_upload": "resumable"}));
    job.progress.set_step("facebook.video.id", VIDEO);
    job.progress.set_step("facebook.video.session", SESSION);
    job.progress.set_step("facebook.video.size", "20");
    job.progress.set_step("facebook.video.window", "0 8");
    let error = drive(&fb, &mut job, &page(), &file(20))
        .await
        .result
        .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("6001"));
    assert_eq!(error.kind, socialpub_ports::PlatformErrorKind::Media);
    assert_no_secrets(&error);
}

fn finished_upload_job() -> PublishJob {
    let mut job = video_job(json!({"video_upload": "resumable"}));
    job.progress.set_step("facebook.video.id", VIDEO);
    job.progress.set_step("facebook.video.session", SESSION);
    job.progress.set_step("facebook.video.size", "20");
    job.progress.set_step("facebook.video.window", "done");
    job.progress.final_call_started_at = Some(NOW);
    job
}

async fn reconcile(api: &MockServer, job: &PublishJob) -> Reconciliation {
    let video = MockServer::start().await;
    let files = InMemoryAssetFetcher::default();
    let account = page();
    let ctx = PublishContext {
        job,
        account: &account,
        assets: &files,
        now: NOW + Duration::minutes(1),
    };
    publisher(api, &video, FacebookPublishSettings::default())
        .find_published(&ctx)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_unanswered_finish_is_reconciled_from_the_pages_videos_by_video_id() {
    let job = finished_upload_job();
    assert_eq!(
        FacebookPublisher::new(crate::support::client(&MockServer::start().await))
            .next_step(&job)
            .name,
        "create_post",
        "finish is the commit"
    );
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}/videos")))
        .and(query_param("fields", "id,created_time,description,permalink_url"))
        .and(query_param("since", (NOW - Duration::minutes(2)).unix_timestamp().to_string()))
        .and(bearer_token(PAGE_TOKEN_1))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "7770999", "description": "Our bakery tour", "created_time": "2026-11-30T10:00:01+0000"},
            {"id": VIDEO, "description": "Our bakery tour", "created_time": "2026-11-30T10:00:00+0000",
             "permalink_url": format!("https://www.facebook.com/simbakery/videos/{VIDEO}/")}
        ], "paging": {}})))
        .expect(1)
        .mount(&api)
        .await;
    assert_eq!(
        reconcile(&api, &job).await,
        Reconciliation::Found(PublishedPost {
            external_id: VIDEO.into(),
            url: Some(format!(
                "https://www.facebook.com/simbakery/videos/{VIDEO}/"
            )),
        })
    );

    // Another video with the same text is not ours: the id decides.
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{PAGE}/videos")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "7770999", "description": "Our bakery tour"}
        ], "paging": {}})))
        .mount(&api)
        .await;
    assert_eq!(reconcile(&api, &job).await, Reconciliation::Absent);
}
