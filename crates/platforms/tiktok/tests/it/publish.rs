//! The TikTok publisher against wiremock: creator info checked first, the video init and its
//! chunked upload (the last chunk commits), pull and photo posts, status polling, and
//! reconciliation by publish id.

use serde_json::{Value, json};
use socialpub_domain::{AssetKind, Platform, PublishJob, SecretString};
use socialpub_platform_http::{HttpClientSettings, build_http_client};
use socialpub_ports::{
    PlatformError, PlatformErrorKind, PublishContext, PublishedPost, Publisher, Reconciliation,
};
use socialpub_tiktok::{PRODUCTION, TiktokClient, TiktokPublishSettings, TiktokPublisher};
use time::Duration;
use url::Url;
use wiremock::matchers::{bearer_token, body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::assert_no_secrets;
use crate::publisher_driver::{InMemoryAssetFetcher, NOW, account, asset, drive, job};

const TOKEN: &str = "act.canary-access-token";
const OPEN_ID: &str = "-000OpenId";
const VIDEO: &str = "https://cdn.example.com/v.mp4";
const PUBLISH_ID: &str = "v_pub_file~v2-1.7300000000000000001";

fn publisher(server: &MockServer, audited: bool) -> TiktokPublisher {
    let mut config = PRODUCTION.config("awkey", SecretString::new("canary-secret"));
    config.api_base_url = Url::parse(&server.uri()).unwrap();
    let client = TiktokClient::new(
        config,
        build_http_client(&HttpClientSettings::default()).unwrap(),
    );
    TiktokPublisher::with_settings(
        client,
        TiktokPublishSettings {
            app_audited: audited,
            chunk_size: 5 * 1024 * 1024,
            ..TiktokPublishSettings::default()
        },
    )
}

fn me() -> socialpub_ports::PublishAccount {
    account(OPEN_ID, "Socialpub Sim", TOKEN)
}

fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "data": data,
        "error": {"code": "ok", "message": "", "log_id": "20261130100000"}
    }))
}

fn refused(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "data": {},
        "error": {"code": code, "message": message, "log_id": "20261130100001"}
    }))
}

fn creator(options: &[&str], max_seconds: u32) -> Value {
    json!({
        "creator_avatar_url": "https://p16.tiktokcdn.com/a.jpeg",
        "creator_username": "socialpub.sim",
        "creator_nickname": "Socialpub Sim",
        "privacy_level_options": options,
        "comment_disabled": false,
        "duet_disabled": true,
        "stitch_disabled": false,
        "max_video_post_duration_sec": max_seconds
    })
}

const ALL_LEVELS: &[&str] = &[
    "PUBLIC_TO_EVERYONE",
    "MUTUAL_FOLLOW_FRIENDS",
    "FOLLOWER_OF_CREATOR",
    "SELF_ONLY",
];

async fn mount_creator(server: &MockServer, options: &[&str], max_seconds: u32) {
    Mock::given(method("POST"))
        .and(path("/v2/post/publish/creator_info/query/"))
        .and(bearer_token(TOKEN))
        .respond_with(ok(creator(options, max_seconds)))
        .mount(server)
        .await;
}

/// Status answers in turn: each mock answers once, the last one from then on.
async fn mount_statuses(server: &MockServer, publish_id: &str, answers: &[Value]) {
    for (n, answer) in answers.iter().enumerate() {
        let mock = Mock::given(method("POST"))
            .and(path("/v2/post/publish/status/fetch/"))
            .and(body_json(json!({"publish_id": publish_id})))
            .respond_with(ok(answer.clone()))
            .with_priority(u8::try_from(n + 1).unwrap());
        let mock = if n + 1 < answers.len() {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        mock.mount(server).await;
    }
}

fn complete(post_id: Option<u64>) -> Value {
    json!({
        "status": "PUBLISH_COMPLETE",
        "fail_reason": "",
        "publicaly_available_post_id": post_id.map_or_else(Vec::new, |id| vec![id]),
        "uploaded_bytes": 0
    })
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

fn video_job(options: Value) -> PublishJob {
    job(
        Platform::Tiktok,
        "Our new video #socialpub",
        vec![asset(VIDEO, AssetKind::Video)],
        options,
    )
}

/// 12 MiB and a few bytes: with 5 MiB chunks, two chunks, the last absorbing the rest.
fn video_bytes() -> Vec<u8> {
    (0..(12 * 1024 * 1024 + 7_u32))
        .map(|i| (i % 251) as u8)
        .collect()
}

#[tokio::test]
async fn a_video_is_uploaded_in_chunks_and_the_last_chunk_commits() {
    let server = MockServer::start().await;
    mount_creator(&server, ALL_LEVELS, 600).await;
    let total: u64 = 12 * 1024 * 1024 + 7;
    let chunk: u64 = 5 * 1024 * 1024;
    Mock::given(method("POST"))
        .and(path("/v2/post/publish/video/init/"))
        .and(bearer_token(TOKEN))
        .and(header("content-type", "application/json; charset=UTF-8"))
        .and(body_json(json!({
            "post_info": {
                "title": "Our new video #socialpub",
                "privacy_level": "PUBLIC_TO_EVERYONE",
                "disable_duet": true,
                "disable_comment": false,
                "disable_stitch": false,
                "brand_content_toggle": false,
                "brand_organic_toggle": false
            },
            "source_info": {
                "source": "FILE_UPLOAD",
                "video_size": total,
                "chunk_size": chunk,
                "total_chunk_count": 2
            }
        })))
        .respond_with(ok(json!({
            "publish_id": PUBLISH_ID,
            "upload_url": format!("{}/upload/video/?upload_id=1&upload_token=canary-upload", server.uri())
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/upload/video/"))
        .and(header(
            "content-range",
            format!("bytes 0-{}/{total}", chunk - 1).as_str(),
        ))
        .respond_with(ResponseTemplate::new(206))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/upload/video/"))
        .and(header(
            "content-range",
            format!("bytes {chunk}-{}/{total}", total - 1).as_str(),
        ))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    mount_statuses(
        &server,
        PUBLISH_ID,
        &[
            json!({"status": "PROCESSING_UPLOAD", "uploaded_bytes": total}),
            complete(None),
            complete(Some(7_300_000_000_000_000_001)),
        ],
    )
    .await;

    let files = InMemoryAssetFetcher::default();
    files.insert(VIDEO, Some("video/mp4"), video_bytes());
    let tiktok = publisher(&server, true);
    let mut job = video_job(json!({"privacy_level": "PUBLIC_TO_EVERYONE"}));
    let driven = drive(&tiktok, &mut job, &me(), &files).await;
    assert_eq!(
        driven.steps,
        [
            "creator_info",
            "init_upload",
            "upload_chunk",
            "upload_last_chunk",
            "poll_status",
            "poll_status",
            "poll_status"
        ]
    );
    assert_eq!(driven.waits, 2, "processing, then moderation");
    assert_eq!(
        driven.result.unwrap(),
        PublishedPost {
            external_id: "7300000000000000001".into(),
            url: Some("https://www.tiktok.com/@socialpub.sim/video/7300000000000000001".into()),
        }
    );
    // Read piecewise, exactly once, sent in order with video/mp4 and no bearer token.
    assert_eq!(files.bytes_served(), total);
    let chunks = requests_to(&server, "/upload/video/").await;
    let mut rebuilt = Vec::new();
    for chunk in &chunks {
        assert_eq!(chunk.headers["content-type"], "video/mp4");
        assert!(!chunk.headers.contains_key("authorization"));
        rebuilt.extend_from_slice(&chunk.body);
    }
    assert_eq!(rebuilt, video_bytes());
}

#[tokio::test]
async fn the_commit_step_is_the_last_chunk_only() {
    let server = MockServer::start().await;
    let tiktok = publisher(&server, true);
    let mut job = video_job(json!({"privacy_level": "SELF_ONLY"}));
    assert_eq!(tiktok.next_step(&job).name, "creator_info");
    assert!(!tiktok.next_step(&job).commits);
    job.progress.set_step(
        "tiktok.creator",
        r#"{"attempt":0,"username":"u","privacy_level":"SELF_ONLY","disable_comment":false,"disable_duet":false,"disable_stitch":false}"#,
    );
    assert_eq!(tiktok.next_step(&job).name, "init_upload");
    assert!(!tiktok.next_step(&job).commits);
    let publish = |sent: u32| {
        format!(
            r#"{{"attempt":0,"assets":["{VIDEO}"],"source":"file_upload","publish_id":"p","privacy_level":"SELF_ONLY","upload_url":"u","content_type":"video/mp4","total":30,"chunk_size":10,"chunks":3,"sent":{sent}}}"#
        )
    };
    job.progress.set_step("tiktok.publish", publish(1));
    assert_eq!(tiktok.next_step(&job).name, "upload_chunk");
    assert!(!tiktok.next_step(&job).commits);
    job.progress.set_step("tiktok.publish", publish(2));
    assert_eq!(tiktok.next_step(&job).name, "upload_last_chunk");
    assert!(tiktok.next_step(&job).commits);

    // In a later attempt an uncommitted upload starts over (its upload URL lives an hour).
    job.attempts = 2;
    assert_eq!(tiktok.next_step(&job).name, "creator_info");
}

#[tokio::test]
async fn what_the_creator_cannot_do_is_refused_with_their_limits() {
    let server = MockServer::start().await;
    mount_creator(&server, &["FOLLOWER_OF_CREATOR", "SELF_ONLY"], 60).await;
    let files = InMemoryAssetFetcher::default();
    let tiktok = publisher(&server, true);

    let mut job = video_job(json!({"privacy_level": "PUBLIC_TO_EVERYONE"}));
    let error = drive(&tiktok, &mut job, &me(), &files)
        .await
        .result
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Content);
    assert_eq!(error.code.as_deref(), Some("privacy_level_not_allowed"));
    assert!(
        error
            .message
            .contains("FOLLOWER_OF_CREATOR, SELF_ONLY, not PUBLIC_TO_EVERYONE"),
        "{}",
        error.message
    );

    let mut job = video_job(json!({"privacy_level": "SELF_ONLY", "disable_duet": false}));
    job.assets[0].metadata.duration_seconds = Some(75.0);
    let error = drive(&tiktok, &mut job, &me(), &files)
        .await
        .result
        .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("video_too_long"));
    assert!(error.message.contains("at most 60 s"), "{}", error.message);
    assert!(error.message.contains("75.0 s"), "{}", error.message);
    assert!(error.message.contains("duets off"), "{}", error.message);

    let mut job = video_job(json!({}));
    let error = drive(&tiktok, &mut job, &me(), &files)
        .await
        .result
        .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("option_required"));

    // Nothing but creator info was asked.
    assert!(requests_to(&server, "/init/").await.is_empty());
    assert_no_secrets(&error);
}

#[tokio::test]
async fn an_unaudited_app_posts_only_privately() {
    let server = MockServer::start().await;
    mount_creator(&server, ALL_LEVELS, 600).await;
    let tiktok = publisher(&server, false);
    let mut job = video_job(json!({"privacy_level": "PUBLIC_TO_EVERYONE"}));
    let error = drive(&tiktok, &mut job, &me(), &InMemoryAssetFetcher::default())
        .await
        .result
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Content);
    assert!(
        error.message.contains("TIKTOK_APP_AUDITED=false"),
        "{}",
        error.message
    );
    assert!(requests_to(&server, "/init/").await.is_empty());
}

/// A private post never gets a public id: it is published under its publish id, without
/// URL; the unaudited app needs no privacy level (SELF_ONLY is its only one).
#[tokio::test]
async fn a_private_pull_is_published_under_its_publish_id() {
    let server = MockServer::start().await;
    mount_creator(&server, &["SELF_ONLY"], 600).await;
    Mock::given(method("POST"))
        .and(path("/v2/post/publish/video/init/"))
        .and(body_json(json!({
            "post_info": {
                "title": "Our new video #socialpub",
                "privacy_level": "SELF_ONLY",
                "disable_duet": true,
                "disable_comment": false,
                "disable_stitch": false,
                "video_cover_timestamp_ms": 1000,
                "brand_content_toggle": false,
                "brand_organic_toggle": true,
                "is_aigc": true
            },
            "source_info": {"source": "PULL_FROM_URL", "video_url": VIDEO}
        })))
        .respond_with(ok(json!({"publish_id": "v_pub_url~v2-1.1"})))
        .expect(1)
        .mount(&server)
        .await;
    mount_statuses(
        &server,
        "v_pub_url~v2-1.1",
        &[
            json!({"status": "PROCESSING_DOWNLOAD", "downloaded_bytes": 10}),
            complete(None),
        ],
    )
    .await;
    let tiktok = publisher(&server, false);
    let mut job = video_job(json!({
        "video_source": "PULL_FROM_URL",
        "video_cover_timestamp_ms": 1000,
        "brand_organic_toggle": true,
        "is_aigc": true
    }));
    let driven = drive(&tiktok, &mut job, &me(), &InMemoryAssetFetcher::default()).await;
    assert_eq!(
        driven.steps,
        ["creator_info", "init_pull", "poll_status", "poll_status"]
    );
    assert_eq!(
        driven.result.unwrap(),
        PublishedPost {
            external_id: "v_pub_url~v2-1.1".into(),
            url: None
        }
    );
}

#[tokio::test]
async fn photos_are_pulled_and_committed_by_their_init() {
    let server = MockServer::start().await;
    mount_creator(&server, ALL_LEVELS, 600).await;
    Mock::given(method("POST"))
        .and(path("/v2/post/publish/content/init/"))
        .and(body_json(json!({
            "media_type": "PHOTO",
            "post_mode": "DIRECT_POST",
            "post_info": {
                "title": "Weekend",
                "description": "Two pictures from the weekend",
                "privacy_level": "FOLLOWER_OF_CREATOR",
                "disable_comment": true,
                "auto_add_music": true,
                "brand_content_toggle": false,
                "brand_organic_toggle": false
            },
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_cover_index": 1,
                "photo_images": ["https://cdn.example.com/1.jpg", "https://cdn.example.com/2.jpg"]
            },
            "is_aigc": false
        })))
        .respond_with(ok(json!({"publish_id": "p_pub_url~v2.9"})))
        .expect(1)
        .mount(&server)
        .await;
    mount_statuses(&server, "p_pub_url~v2.9", &[complete(Some(7_311))]).await;
    let tiktok = publisher(&server, true);
    let mut job = job(
        Platform::Tiktok,
        "Two pictures from the weekend",
        vec![
            asset("https://cdn.example.com/1.jpg", AssetKind::Image),
            asset("https://cdn.example.com/2.jpg", AssetKind::Image),
        ],
        json!({
            "privacy_level": "FOLLOWER_OF_CREATOR",
            "title": "Weekend",
            "photo_cover_index": 1,
            "disable_comment": true,
            "auto_add_music": true,
            "is_aigc": false,
            "disable_duet": false
        }),
    );
    let planned = tiktok.next_step(&job);
    assert_eq!((planned.name, planned.commits), ("creator_info", false));
    let driven = drive(&tiktok, &mut job, &me(), &InMemoryAssetFetcher::default()).await;
    assert_eq!(driven.steps, ["creator_info", "init_photos", "poll_status"]);
    assert_eq!(
        driven.result.unwrap().url.as_deref(),
        Some("https://www.tiktok.com/@socialpub.sim/photo/7311")
    );
}

#[tokio::test]
async fn a_failed_publish_is_a_final_error_with_tiktoks_reason() {
    let server = MockServer::start().await;
    mount_creator(&server, ALL_LEVELS, 600).await;
    Mock::given(method("POST"))
        .and(path("/v2/post/publish/video/init/"))
        .respond_with(ok(json!({"publish_id": "v_pub_url~bad"})))
        .mount(&server)
        .await;
    mount_statuses(
        &server,
        "v_pub_url~bad",
        &[json!({"status": "FAILED", "fail_reason": "frame_rate_check_failed"})],
    )
    .await;
    let mut job = video_job(json!({"privacy_level": "SELF_ONLY", "video_source": "pull_from_url"}));
    let error = drive(
        &publisher(&server, true),
        &mut job,
        &me(),
        &InMemoryAssetFetcher::default(),
    )
    .await
    .result
    .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Media);
    assert_eq!(error.code.as_deref(), Some("frame_rate_check_failed"));
    assert!(!error.retryable());
}

#[tokio::test]
async fn init_refusals_are_classified_without_leaking_the_token() {
    let cases = [
        (
            refused(
                403,
                "url_ownership_unverified",
                "Please review our URL ownership verification rules.",
            ),
            PlatformErrorKind::Permission,
            Some("url_ownership_unverified"),
        ),
        (
            refused(
                403,
                "spam_risk_too_many_pending_share",
                "Too many pending shares.",
            ),
            PlatformErrorKind::Quota,
            Some(socialpub_ports::VOLUME_CAP_REACHED),
        ),
        (
            refused(429, "rate_limit_exceeded", "Slow down."),
            PlatformErrorKind::Quota,
            Some("rate_limit_exceeded"),
        ),
        (
            refused(500, "internal_error", "Something went wrong."),
            PlatformErrorKind::Transient,
            Some("internal_error"),
        ),
    ];
    for (response, kind, code) in cases {
        let server = MockServer::start().await;
        mount_creator(&server, ALL_LEVELS, 600).await;
        Mock::given(method("POST"))
            .and(path("/v2/post/publish/video/init/"))
            .respond_with(response)
            .mount(&server)
            .await;
        let mut job =
            video_job(json!({"privacy_level": "SELF_ONLY", "video_source": "PULL_FROM_URL"}));
        let error = drive(
            &publisher(&server, true),
            &mut job,
            &me(),
            &InMemoryAssetFetcher::default(),
        )
        .await
        .result
        .unwrap_err();
        assert_eq!(error.kind, kind, "{error}");
        assert_eq!(error.code.as_deref(), code);
        assert!(error.message.contains("log_id"), "{}", error.message);
        assert_no_secrets(&error);
    }
}

#[tokio::test]
async fn an_upload_url_off_tiktoks_hosts_is_not_followed() {
    let server = MockServer::start().await;
    mount_creator(&server, ALL_LEVELS, 600).await;
    Mock::given(method("POST"))
        .and(path("/v2/post/publish/video/init/"))
        .respond_with(ok(json!({
            "publish_id": PUBLISH_ID,
            "upload_url": "http://169.254.169.254/latest/?upload_token=canary-upload"
        })))
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert(VIDEO, Some("video/mp4"), vec![1; 100]);
    let mut job = video_job(json!({"privacy_level": "SELF_ONLY"}));
    let driven = drive(&publisher(&server, true), &mut job, &me(), &files).await;
    assert_eq!(
        driven.steps,
        ["creator_info", "init_upload", "upload_last_chunk"]
    );
    let error = driven.result.unwrap_err();
    assert_eq!(error.code.as_deref(), Some("unexpected_upload_url"));
    assert_no_secrets(&error);
}

async fn reconcile(
    server: &MockServer,
    job: &PublishJob,
    now: time::OffsetDateTime,
) -> Result<Reconciliation, PlatformError> {
    let files = InMemoryAssetFetcher::default();
    let account = me();
    publisher(server, true)
        .find_published(&PublishContext {
            job,
            account: &account,
            assets: &files,
            now,
        })
        .await
}

/// A job whose last chunk (of two) went out and got no answer.
fn unanswered_last_chunk(privacy: &str) -> PublishJob {
    let mut job = video_job(json!({"privacy_level": privacy}));
    job.progress.set_step(
        "tiktok.publish",
        format!(
            r#"{{"attempt":0,"assets":["{VIDEO}"],"source":"file_upload","publish_id":"{PUBLISH_ID}","username":"socialpub.sim","privacy_level":"{privacy}","upload_url":"u","content_type":"video/mp4","total":100,"chunk_size":50,"chunks":2,"sent":1}}"#
        ),
    );
    job.progress.final_call_started_at = Some(NOW);
    job
}

#[tokio::test]
async fn reconciliation_asks_for_the_stored_publish_id() {
    let server = MockServer::start().await;
    mount_statuses(&server, PUBLISH_ID, &[complete(Some(42))]).await;
    let job = unanswered_last_chunk("PUBLIC_TO_EVERYONE");
    assert_eq!(
        reconcile(&server, &job, NOW + Duration::seconds(1))
            .await
            .unwrap(),
        Reconciliation::Found(PublishedPost {
            external_id: "42".into(),
            url: Some("https://www.tiktok.com/@socialpub.sim/video/42".into()),
        })
    );
}

#[tokio::test]
async fn an_incomplete_upload_is_absent_once_settled() {
    let server = MockServer::start().await;
    mount_statuses(
        &server,
        PUBLISH_ID,
        &[json!({"status": "PROCESSING_UPLOAD", "uploaded_bytes": 50})],
    )
    .await;
    let job = unanswered_last_chunk("SELF_ONLY");
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

#[tokio::test]
async fn a_complete_upload_still_processing_is_looked_at_again() {
    let server = MockServer::start().await;
    mount_statuses(
        &server,
        PUBLISH_ID,
        &[json!({"status": "PROCESSING_UPLOAD", "uploaded_bytes": 100})],
    )
    .await;
    let error = reconcile(
        &server,
        &unanswered_last_chunk("SELF_ONLY"),
        NOW + Duration::minutes(1),
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert!(error.retry_after.is_some());
}

#[tokio::test]
async fn a_lost_init_answer_cannot_be_tracked() {
    let server = MockServer::start().await;
    let mut job = video_job(json!({"privacy_level": "SELF_ONLY", "video_source": "PULL_FROM_URL"}));
    job.progress.final_call_started_at = Some(NOW);
    let answer = reconcile(&server, &job, NOW + Duration::minutes(1))
        .await
        .unwrap();
    assert!(
        matches!(answer, Reconciliation::Unknown { .. }),
        "{answer:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
