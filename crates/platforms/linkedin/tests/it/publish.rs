//! The LinkedIn publisher against wiremock: every content kind's requests (versioning
//! headers, little-text escaping, upload flows, the post body), the URN from `x-restli-id`,
//! reconciliation for organizations (listing) and members (the duplicate 422), and errors.

use serde_json::{Value, json};
use socialpub_domain::{AssetKind, Platform, PublishJob};
use socialpub_linkedin::{
    DEFAULT_LINKEDIN_VERSION, LinkedinPublishSettings, LinkedinPublisher, RESTLI_PROTOCOL_VERSION,
};
use socialpub_ports::fakes::check_publisher;
use socialpub_ports::{
    PlatformErrorKind, PublishAccount, PublishContext, PublishedPost, Publisher, Reconciliation,
};
use time::Duration;
use wiremock::matchers::{bearer_token, body_bytes, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::publisher_driver::{InMemoryAssetFetcher, NOW, account, asset, drive, job};
use crate::support::{ACCESS_TOKEN, assert_no_secrets, client};

const MEMBER: &str = "urn:li:person:782bbtaQ";
const ORGANIZATION: &str = "urn:li:organization:2414183";
const SHARE: &str = "urn:li:share:7123456789012345678";

fn publisher(server: &MockServer) -> LinkedinPublisher {
    LinkedinPublisher::with_settings(client(server), LinkedinPublishSettings::default())
}

fn member() -> PublishAccount {
    account(MEMBER, "John Doe", ACCESS_TOKEN)
}

fn organization() -> PublishAccount {
    account(ORGANIZATION, "Sim Org", ACCESS_TOKEN)
}

fn rest(verb: &str, at: &str) -> wiremock::MockBuilder {
    Mock::given(method(verb))
        .and(path(format!("/api/rest/{at}")))
        .and(bearer_token(ACCESS_TOKEN))
        .and(header("LinkedIn-Version", DEFAULT_LINKEDIN_VERSION))
        .and(header("X-Restli-Protocol-Version", RESTLI_PROTOCOL_VERSION))
}

fn created(urn: &str) -> ResponseTemplate {
    ResponseTemplate::new(201).insert_header("x-restli-id", urn)
}

fn post_body(author: &str, commentary: &str, content: Option<Value>) -> Value {
    let mut body = json!({
        "author": author,
        "commentary": commentary,
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": []
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": false,
    });
    if let Some(content) = content {
        body["content"] = content;
    }
    body
}

fn upload_url(server: &MockServer, name: &str) -> String {
    format!("{}/dms-uploads/{name}", server.uri())
}

/// `initializeUpload` of an image (or document) answering `urn` and an upload URL.
async fn mount_initialize(server: &MockServer, resource: &str, owner: &str, urn: &str) {
    let field = resource.trim_end_matches('s');
    rest("POST", resource)
        .and(query_param("action", "initializeUpload"))
        .and(body_json(
            json!({"initializeUploadRequest": {"owner": owner}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": {
            "uploadUrlExpiresAt": 1_650_567_510_704_u64,
            "uploadUrl": upload_url(server, urn),
            field: urn,
        }})))
        .expect(1)
        .mount(server)
        .await;
}

/// The upload `PUT` of exactly `bytes`, with the token.
async fn mount_put(server: &MockServer, urn: &str, bytes: &[u8]) {
    Mock::given(method("PUT"))
        .and(path(format!("/dms-uploads/{urn}")))
        .and(bearer_token(ACCESS_TOKEN))
        .and(body_bytes(bytes.to_vec()))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_member_text_post_is_escaped_committed_and_named_by_x_restli_id() {
    let server = MockServer::start().await;
    rest("POST", "posts")
        .and(body_json(post_body(
            MEMBER,
            r"Launch \(v2\) today #news, ask me\@example.com",
            None,
        )))
        .respond_with(created(SHARE))
        .expect(1)
        .mount(&server)
        .await;
    let li = publisher(&server);
    let mut job = job(
        Platform::Linkedin,
        "Launch (v2) today #news, ask me@example.com",
        vec![],
        json!({}),
    );
    assert!(li.next_step(&job).commits);
    let driven = drive(&li, &mut job, &member(), &InMemoryAssetFetcher::default()).await;
    assert_eq!(driven.steps, ["create_post"]);
    assert_eq!(
        driven.result.unwrap(),
        PublishedPost {
            external_id: SHARE.to_owned(),
            url: Some(format!("https://www.linkedin.com/feed/update/{SHARE}")),
        }
    );
}

#[tokio::test]
async fn an_article_post_uploads_its_thumbnail_and_names_its_link() {
    let server = MockServer::start().await;
    let thumb = "urn:li:image:C4E10AQThumb";
    mount_initialize(&server, "images", ORGANIZATION, thumb).await;
    mount_put(&server, thumb, b"jpeg-bytes").await;
    // An organization's image is read back until LinkedIn has processed it.
    let status = "/api/rest/images/urn%3Ali%3Aimage%3AC4E10AQThumb";
    Mock::given(method("GET"))
        .and(path(status))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "PROCESSING"})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(status))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "AVAILABLE"})))
        .expect(1)
        .mount(&server)
        .await;
    rest("POST", "posts")
        .and(body_json(post_body(
            ORGANIZATION,
            "Read our story",
            Some(json!({"article": {
                "source": "https://example.com/story",
                "title": "Our story",
                "description": "How it began",
                "thumbnail": thumb,
            }})),
        )))
        .respond_with(created(SHARE))
        .expect(1)
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert(
        "https://cdn.example.com/thumb.jpg",
        Some("image/jpeg"),
        b"jpeg-bytes".to_vec(),
    );
    let mut job = job(
        Platform::Linkedin,
        "Read our story",
        vec![],
        json!({
            "article_url": "https://example.com/story",
            "article_title": "Our story",
            "article_description": "How it began",
            "article_thumbnail_url": "https://cdn.example.com/thumb.jpg",
        }),
    );
    let driven = drive(&publisher(&server), &mut job, &organization(), &files).await;
    assert_eq!(
        driven.steps,
        [
            "initialize_upload",
            "upload_file",
            "image_status",
            "image_status",
            "create_post"
        ]
    );
    assert_eq!(driven.waits, 1);
    assert_eq!(driven.result.unwrap().external_id, SHARE);
}

#[tokio::test]
async fn one_image_is_uploaded_whole_and_posted_as_media_with_alt_text() {
    let server = MockServer::start().await;
    let image = "urn:li:image:C4E10AQOne";
    // Bigger than one read piece: the body streams in pieces, the PUT gets it all.
    let bytes: Vec<u8> = (0..3000_u32).map(|i| (i % 251) as u8).collect();
    mount_initialize(&server, "images", MEMBER, image).await;
    mount_put(&server, image, &bytes).await;
    rest("POST", "posts")
        .and(body_json(post_body(
            MEMBER,
            "A photo",
            Some(json!({"media": {"id": image, "altText": "A loaf of bread"}})),
        )))
        .respond_with(created(SHARE))
        .expect(1)
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert(
        "https://cdn.example.com/loaf.jpg",
        Some("image/jpeg"),
        bytes,
    );
    let settings = LinkedinPublishSettings {
        upload_piece: 1024,
        ..LinkedinPublishSettings::default()
    };
    let li = LinkedinPublisher::with_settings(client(&server), settings);
    let mut job = job(
        Platform::Linkedin,
        "A photo",
        vec![asset("https://cdn.example.com/loaf.jpg", AssetKind::Image)],
        json!({"alt_text": "A loaf of bread"}),
    );
    let driven = drive(&li, &mut job, &member(), &files).await;
    assert_eq!(driven.result.unwrap().external_id, SHARE);
    assert_eq!(files.bytes_served(), 3000);
}

#[tokio::test]
async fn several_images_make_a_multi_image_post() {
    let server = MockServer::start().await;
    let (first, second) = ("urn:li:image:C4E10AQ1", "urn:li:image:C4E10AQ2");
    rest("POST", "images")
        .and(query_param("action", "initializeUpload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": {
            "uploadUrl": upload_url(&server, first), "image": first,
        }})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    rest("POST", "images")
        .and(query_param("action", "initializeUpload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": {
            "uploadUrl": upload_url(&server, second), "image": second,
        }})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_put(&server, first, b"one").await;
    mount_put(&server, second, b"two").await;
    rest("POST", "posts")
        .and(body_json(post_body(
            MEMBER,
            "Two pictures",
            Some(json!({"multiImage": {"images": [{"id": first}, {"id": second}]}})),
        )))
        .respond_with(created(SHARE))
        .expect(1)
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert("https://cdn.example.com/1.jpg", None, b"one".to_vec());
    files.insert("https://cdn.example.com/2.png", None, b"two".to_vec());
    let mut job = job(
        Platform::Linkedin,
        "Two pictures",
        vec![
            asset("https://cdn.example.com/1.jpg", AssetKind::Image),
            asset("https://cdn.example.com/2.png", AssetKind::Image),
        ],
        json!({}),
    );
    let driven = drive(&publisher(&server), &mut job, &member(), &files).await;
    assert_eq!(
        driven.steps,
        [
            "initialize_upload",
            "upload_file",
            "initialize_upload",
            "upload_file",
            "create_post"
        ]
    );
    assert_eq!(driven.result.unwrap().external_id, SHARE);
}

#[tokio::test]
async fn a_video_goes_up_in_parts_is_finalized_with_their_etags_and_waited_for() {
    let server = MockServer::start().await;
    let video = "urn:li:video:C5F10AQVid";
    let bytes: Vec<u8> = (0..100_u8).collect();
    rest("POST", "videos")
        .and(query_param("action", "initializeUpload"))
        .and(body_json(json!({"initializeUploadRequest": {
            "owner": ORGANIZATION, "fileSizeBytes": 100,
            "uploadCaptions": false, "uploadThumbnail": false,
        }})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": {
            "uploadUrlsExpireAt": 1_650_567_510_704_u64,
            "video": video,
            "uploadInstructions": [
                {"uploadUrl": upload_url(&server, "part-0"), "firstByte": 0, "lastByte": 59},
                {"uploadUrl": upload_url(&server, "part-1"), "firstByte": 60, "lastByte": 99},
            ],
            "uploadToken": "",
        }})))
        .expect(1)
        .mount(&server)
        .await;
    for (n, range) in [(0, 0..60), (1, 60..100)] {
        Mock::given(method("PUT"))
            .and(path(format!("/dms-uploads/part-{n}")))
            .and(header("content-type", "application/octet-stream"))
            .and(body_bytes(bytes[range].to_vec()))
            .respond_with(ResponseTemplate::new(200).insert_header("etag", format!("etag-{n}")))
            .expect(1)
            .mount(&server)
            .await;
    }
    rest("POST", "videos")
        .and(query_param("action", "finalizeUpload"))
        .and(body_json(json!({"finalizeUploadRequest": {
            "video": video, "uploadToken": "", "uploadedPartIds": ["etag-0", "etag-1"],
        }})))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let status = "/api/rest/videos/urn%3Ali%3Avideo%3AC5F10AQVid";
    Mock::given(method("GET"))
        .and(path(status))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "PROCESSING"})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(status))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "AVAILABLE"})))
        .expect(1)
        .mount(&server)
        .await;
    rest("POST", "posts")
        .and(body_json(post_body(
            ORGANIZATION,
            "Our video",
            Some(json!({"media": {"id": video, "title": "Behind the scenes"}})),
        )))
        .respond_with(created("urn:li:ugcPost:99"))
        .expect(1)
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert("https://cdn.example.com/v.mp4", Some("video/mp4"), bytes);
    let mut job = job(
        Platform::Linkedin,
        "Our video",
        vec![asset("https://cdn.example.com/v.mp4", AssetKind::Video)],
        json!({"title": "Behind the scenes"}),
    );
    let driven = drive(&publisher(&server), &mut job, &organization(), &files).await;
    assert_eq!(
        driven.steps,
        [
            "initialize_upload",
            "upload_part",
            "upload_part",
            "finalize_upload",
            "video_status",
            "video_status",
            "create_post"
        ]
    );
    assert_eq!(driven.waits, 1);
    assert_eq!(driven.now, NOW + Duration::seconds(5));
    assert_eq!(driven.result.unwrap().external_id, "urn:li:ugcPost:99");
}

#[tokio::test]
async fn a_video_linkedin_cannot_process_fails_as_media() {
    let server = MockServer::start().await;
    let video = "urn:li:video:Bad";
    rest("POST", "videos")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": {
            "video": video,
            "uploadInstructions": [
                {"uploadUrl": upload_url(&server, "p"), "firstByte": 0, "lastByte": 9},
            ],
        }})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).insert_header("etag", "e"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "PROCESSING_FAILED", "processingFailureReason": "Bad codec"}),
        ))
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert("https://cdn.example.com/v.mp4", None, vec![0; 10]);
    let mut job = job(
        Platform::Linkedin,
        "Broken",
        vec![asset("https://cdn.example.com/v.mp4", AssetKind::Video)],
        json!({}),
    );
    let driven = drive(&publisher(&server), &mut job, &member(), &files).await;
    let error = driven.result.unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Media);
    assert!(error.message.contains("Bad codec"), "{error}");
}

#[tokio::test]
async fn a_document_is_uploaded_with_its_type_and_posted_with_its_title() {
    let server = MockServer::start().await;
    let document = "urn:li:document:D4E10AQDoc";
    mount_initialize(&server, "documents", MEMBER, document).await;
    Mock::given(method("PUT"))
        .and(path(format!("/dms-uploads/{document}")))
        .and(header("content-type", "application/pdf"))
        .and(body_bytes(b"%PDF-1.4 deck".to_vec()))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    rest("POST", "posts")
        .and(body_json(post_body(
            MEMBER,
            "Our deck",
            Some(json!({"media": {"id": document, "title": "Q3 results"}})),
        )))
        .respond_with(created(SHARE))
        .expect(1)
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert(
        "https://cdn.example.com/deck.pdf",
        None,
        b"%PDF-1.4 deck".to_vec(),
    );
    let mut job = job(
        Platform::Linkedin,
        "Our deck",
        vec![],
        json!({"document_url": "https://cdn.example.com/deck.pdf", "document_title": "Q3 results"}),
    );
    let driven = drive(&publisher(&server), &mut job, &member(), &files).await;
    assert_eq!(
        driven.steps,
        ["initialize_upload", "upload_file", "create_post"]
    );
    assert_eq!(driven.result.unwrap().external_id, SHARE);
}

#[tokio::test]
async fn a_document_with_other_media_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let mut job = job(
        Platform::Linkedin,
        "Too much",
        vec![asset("https://cdn.example.com/a.jpg", AssetKind::Image)],
        json!({"document_url": "https://cdn.example.com/deck.pdf"}),
    );
    let driven = drive(
        &publisher(&server),
        &mut job,
        &member(),
        &InMemoryAssetFetcher::default(),
    )
    .await;
    assert_eq!(driven.steps, ["check_content"]);
    assert_eq!(driven.result.unwrap_err().kind, PlatformErrorKind::Content);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_upload_url_outside_linkedin_never_gets_the_token() {
    let server = MockServer::start().await;
    rest("POST", "images")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": {
            "uploadUrl": "https://uploads.attacker.example/x", "image": "urn:li:image:1",
        }})))
        .mount(&server)
        .await;
    let files = InMemoryAssetFetcher::default();
    files.insert("https://cdn.example.com/a.jpg", None, b"img".to_vec());
    let mut job = job(
        Platform::Linkedin,
        "Photo",
        vec![asset("https://cdn.example.com/a.jpg", AssetKind::Image)],
        json!({}),
    );
    let driven = drive(&publisher(&server), &mut job, &member(), &files).await;
    let error = driven.result.unwrap_err();
    assert_eq!(error.code.as_deref(), Some("foreign_upload_url"));
    assert_no_secrets(&error);
}

fn ctx<'a>(
    job: &'a PublishJob,
    account: &'a PublishAccount,
    files: &'a InMemoryAssetFetcher,
    now: time::OffsetDateTime,
) -> PublishContext<'a> {
    PublishContext {
        job,
        account,
        assets: files,
        now,
    }
}

fn lost_commit(text: &str) -> PublishJob {
    let mut job = job(Platform::Linkedin, text, vec![], json!({}));
    job.progress.final_call_started_at = Some(NOW);
    job
}

#[tokio::test]
async fn a_lost_member_commit_is_sent_again_and_the_duplicate_names_the_post() {
    let server = MockServer::start().await;
    rest("POST", "posts")
        .and(body_json(post_body(MEMBER, "Hello", None)))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "status": 422,
            "message": format!("Content is a duplicate of {SHARE}"),
        })))
        .expect(1)
        .mount(&server)
        .await;
    let job = lost_commit("Hello");
    let files = InMemoryAssetFetcher::default();
    let found = publisher(&server)
        .find_published(&ctx(&job, &member(), &files, NOW + Duration::seconds(30)))
        .await
        .unwrap();
    assert_eq!(
        found,
        Reconciliation::Found(PublishedPost {
            external_id: SHARE.to_owned(),
            url: Some(format!("https://www.linkedin.com/feed/update/{SHARE}")),
        })
    );
}

#[tokio::test]
async fn a_lost_member_commit_that_never_landed_is_made_by_the_resend() {
    let server = MockServer::start().await;
    rest("POST", "posts")
        .respond_with(created("urn:li:share:42"))
        .expect(1)
        .mount(&server)
        .await;
    let job = lost_commit("Hello");
    let files = InMemoryAssetFetcher::default();
    let found = publisher(&server)
        .find_published(&ctx(&job, &member(), &files, NOW + Duration::seconds(30)))
        .await
        .unwrap();
    assert!(
        matches!(found, Reconciliation::Found(ref p) if p.external_id == "urn:li:share:42"),
        "{found:?}"
    );
}

#[tokio::test]
async fn an_old_lost_member_commit_is_unknown_rather_than_risk_a_second_post() {
    let server = MockServer::start().await;
    let job = lost_commit("Hello");
    let files = InMemoryAssetFetcher::default();
    let found = publisher(&server)
        .find_published(&ctx(&job, &member(), &files, NOW + Duration::days(3)))
        .await
        .unwrap();
    assert!(matches!(found, Reconciliation::Unknown { .. }), "{found:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

fn listed(id: &str, commentary: &str, at: time::OffsetDateTime) -> Value {
    let millis = at.unix_timestamp() * 1000;
    json!({"id": id, "author": ORGANIZATION, "commentary": commentary,
           "createdAt": millis, "lastModifiedAt": millis, "lifecycleState": "PUBLISHED"})
}

#[tokio::test]
async fn a_lost_organization_commit_is_found_among_its_posts() {
    let server = MockServer::start().await;
    rest("GET", "posts")
        .and(header("X-RestLi-Method", "FINDER"))
        .and(query_param("q", "author"))
        .and(query_param("author", ORGANIZATION))
        .and(query_param("sortBy", "LAST_MODIFIED"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "elements": [
                listed("urn:li:share:2", "Something else", NOW),
                listed("urn:li:share:1", r"Menu \(spring\) {hashtag|\#|food}", NOW),
            ],
            "paging": {"start": 0, "count": 50, "total": 2},
        })))
        .expect(1)
        .mount(&server)
        .await;
    let job = lost_commit("Menu (spring) #food");
    let files = InMemoryAssetFetcher::default();
    let found = publisher(&server)
        .find_published(&ctx(
            &job,
            &organization(),
            &files,
            NOW + Duration::seconds(30),
        ))
        .await
        .unwrap();
    assert!(
        matches!(found, Reconciliation::Found(ref p) if p.external_id == "urn:li:share:1"),
        "{found:?}"
    );
}

#[tokio::test]
async fn an_organization_post_not_listed_is_absent_once_settled() {
    let server = MockServer::start().await;
    rest("GET", "posts")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "elements": [listed("urn:li:share:1", "Older", NOW - Duration::hours(1))],
            "paging": {"start": 0, "count": 50},
        })))
        .mount(&server)
        .await;
    let job = lost_commit("Not there");
    let files = InMemoryAssetFetcher::default();
    let li = publisher(&server);
    let early = li
        .find_published(&ctx(&job, &organization(), &files, NOW))
        .await
        .unwrap_err();
    assert_eq!(early.kind, PlatformErrorKind::Transient);
    let settled = li
        .find_published(&ctx(
            &job,
            &organization(),
            &files,
            NOW + Duration::seconds(30),
        ))
        .await
        .unwrap();
    assert_eq!(settled, Reconciliation::Absent);
}

#[tokio::test]
async fn a_duplicate_on_a_first_attempt_is_refused_but_on_a_retry_is_this_jobs_post() {
    let server = MockServer::start().await;
    rest("POST", "posts")
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "status": 422, "message": format!("Content is a duplicate of {SHARE}"),
        })))
        .mount(&server)
        .await;
    let li = publisher(&server);
    let files = InMemoryAssetFetcher::default();
    let mut first = job(Platform::Linkedin, "Same again", vec![], json!({}));
    let error = drive(&li, &mut first, &member(), &files)
        .await
        .result
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Content);
    assert_eq!(error.code.as_deref(), Some("duplicate_content"));
    assert!(error.message.contains(SHARE), "{error}");

    let mut retried = job(Platform::Linkedin, "Same again", vec![], json!({}));
    retried.attempts = 2;
    let post = drive(&li, &mut retried, &member(), &files)
        .await
        .result
        .unwrap();
    assert_eq!(post.external_id, SHARE);
}

#[tokio::test]
async fn a_commit_answered_without_its_urn_is_looked_up_not_sent_blindly() {
    let server = MockServer::start().await;
    rest("POST", "posts")
        .respond_with(ResponseTemplate::new(201))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    rest("GET", "posts")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "elements": [listed("urn:li:share:77", "No id", NOW)],
        })))
        .expect(1)
        .mount(&server)
        .await;
    let mut job = job(Platform::Linkedin, "No id", vec![], json!({}));
    let driven = drive(
        &publisher(&server),
        &mut job,
        &organization(),
        &InMemoryAssetFetcher::default(),
    )
    .await;
    assert_eq!(driven.steps, ["create_post", "find_post"]);
    assert_eq!(driven.result.unwrap().external_id, "urn:li:share:77");
}

#[tokio::test]
async fn a_sunset_header_is_warned_about_once() {
    let server = MockServer::start().await;
    rest("POST", "posts")
        .respond_with(created(SHARE).insert_header("sunset", "Wed, 15 Sep 2027 00:00:00 GMT"))
        .mount(&server)
        .await;
    let li = publisher(&server);
    assert!(!li.client().deprecation_warned());
    let before = socialpub_platform_http::deprecation_signals(Platform::Linkedin);
    let mut job = job(Platform::Linkedin, "Hi", vec![], json!({}));
    drive(&li, &mut job, &member(), &InMemoryAssetFetcher::default())
        .await
        .result
        .unwrap();
    assert!(li.client().deprecation_warned());
    assert!(socialpub_platform_http::deprecation_signals(Platform::Linkedin) > before);
}

#[tokio::test]
async fn a_refused_version_is_warned_about() {
    let server = MockServer::start().await;
    rest("POST", "posts")
        .respond_with(ResponseTemplate::new(426).set_body_json(json!({
            "status": 426, "code": "NONEXISTENT_VERSION",
            "message": "Requested version 202609 is not active",
        })))
        .mount(&server)
        .await;
    let li = publisher(&server);
    let before = socialpub_platform_http::deprecation_signals(Platform::Linkedin);
    let mut job = job(Platform::Linkedin, "Hi", vec![], json!({}));
    let error = drive(&li, &mut job, &member(), &InMemoryAssetFetcher::default())
        .await
        .result
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
    assert!(li.client().deprecation_warned());
    assert!(socialpub_platform_http::deprecation_signals(Platform::Linkedin) > before);
    assert_no_secrets(&error);
}

#[tokio::test]
async fn a_server_error_on_the_commit_is_transient_and_waits_for_no_reset() {
    let server = MockServer::start().await;
    let reset = (time::OffsetDateTime::now_utc() + Duration::hours(6)).unix_timestamp();
    rest("POST", "posts")
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("x-ratelimit-reset", reset.to_string())
                .set_body_json(json!({"status": 500, "message": "Internal Server Error"})),
        )
        .mount(&server)
        .await;
    let mut job = job(Platform::Linkedin, "Hi", vec![], json!({}));
    let error = drive(
        &publisher(&server),
        &mut job,
        &member(),
        &InMemoryAssetFetcher::default(),
    )
    .await
    .result
    .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Transient);
    assert_eq!(error.retry_after, None);
}

#[tokio::test]
async fn the_member_and_organization_publishers_keep_the_port_contract() {
    let server = MockServer::start().await;
    // The post is made once; sent again (as reconciliation does) it is a duplicate.
    rest("POST", "posts")
        .respond_with(created(SHARE))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    rest("POST", "posts")
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "status": 422, "message": format!("Content is a duplicate of {SHARE}"),
        })))
        .mount(&server)
        .await;
    let li = publisher(&server);
    let files = InMemoryAssetFetcher::default();
    let report = check_publisher(
        &li,
        job(Platform::Linkedin, "Contract", vec![], json!({})),
        &member(),
        &files,
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(report.commit_step, "create_post");
    assert_eq!(report.lookup_before, Reconciliation::Absent);
    assert!(
        matches!(report.lookup_after, Reconciliation::Found(ref p) if p.external_id == SHARE),
        "{report:?}"
    );

    let org = MockServer::start().await;
    rest("POST", "posts")
        .respond_with(created(SHARE))
        .mount(&org)
        .await;
    rest("GET", "posts")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "elements": [listed(SHARE, "Contract", NOW)],
        })))
        .mount(&org)
        .await;
    let report = check_publisher(
        &publisher(&org),
        job(Platform::Linkedin, "Contract", vec![], json!({})),
        &organization(),
        &files,
        NOW,
    )
    .await
    .unwrap();
    assert!(
        matches!(report.lookup_after, Reconciliation::Found(ref p) if p.external_id == SHARE),
        "{report:?}"
    );
}

#[tokio::test]
async fn the_documented_errors_of_the_commit_are_classified_without_leaking_the_token() {
    let cases = [
        (
            400,
            json!({"status": 400, "code": "MEDIA_ASSET_WAITING_UPLOAD", "message": "Media not ready"}),
            PlatformErrorKind::Media,
        ),
        (
            400,
            json!({"status": 400, "code": "FIELD_LENGTH_TOO_LONG", "message": "commentary too long"}),
            PlatformErrorKind::Content,
        ),
        (
            401,
            json!({"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN",
                   "message": format!("Invalid access token {ACCESS_TOKEN}")}),
            PlatformErrorKind::Auth,
        ),
        (
            403,
            json!({"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
                   "message": "Not enough permissions to access: partnerApiPostsExternal.CREATE"}),
            PlatformErrorKind::Permission,
        ),
        (
            429,
            json!({"status": 429, "message": "Resource level throttle limit for calls to this resource is reached."}),
            PlatformErrorKind::Quota,
        ),
        (
            503,
            json!({"status": 503, "message": "Service Unavailable"}),
            PlatformErrorKind::PlatformDown,
        ),
    ];
    for (status, body, kind) in cases {
        let server = MockServer::start().await;
        rest("POST", "posts")
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let mut job = job(Platform::Linkedin, "Hi", vec![], json!({}));
        let error = drive(
            &publisher(&server),
            &mut job,
            &member(),
            &InMemoryAssetFetcher::default(),
        )
        .await
        .result
        .unwrap_err();
        assert_eq!(error.kind, kind, "{status} {body}");
        assert_eq!(error.http_status, Some(status));
        assert_no_secrets(&error);
        if status == 429 {
            assert!(
                error.retry_after.is_some(),
                "a daily quota waits for midnight UTC"
            );
        }
    }
}
