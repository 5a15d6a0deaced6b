//! Pinterest publishing on the simulator: pins of each kind, the checks Pinterest makes, the
//! board's pin listing, and the video flow (registration, the S3-style form upload,
//! processing status).

use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_platform_sim::{Platform, SampleMedia, seed};

use crate::common::{Sim, connect, start};

const P: Platform = Platform::Pinterest;
const BOARD: &str = seed::pinterest::BOARDS[0].0;

async fn call(
    sim: &Sim,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = sim
        .http
        .request(method, sim.api(P, path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn pin(sim: &Sim, token: &str, body: Value) -> (StatusCode, Value) {
    call(sim, token, reqwest::Method::POST, "v5/pins", Some(body)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_and_carousel_pins_are_made_and_listed_on_their_board() {
    let sim = start(true);
    let token = connect(&sim, P).await.access;
    let image = sim.handle.sample_media_url(SampleMedia::Jpeg).to_string();

    let (status, first) = pin(
        &sim,
        &token,
        json!({
            "board_id": BOARD,
            "title": "Sourdough",
            "description": "Fresh bread",
            "link": "https://bakery.example/bread",
            "media_source": {"source_type": "image_url", "url": image},
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["board_id"], BOARD);
    assert_eq!(first["media"]["media_type"], "image");
    let (status, second) = pin(&sim, &token, json!({
        "board_id": BOARD,
        "description": "Two loaves",
        "media_source": {"source_type": "multiple_image_urls", "items": [{"url": image}, {"url": image}]},
    }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");

    // Newest first, one pin a page, the bookmark leading on.
    let (status, page) = call(
        &sim,
        &token,
        reqwest::Method::GET,
        &format!("v5/boards/{BOARD}/pins?page_size=1"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"][0]["id"], second["id"]);
    assert_eq!(page["items"][0]["media"]["media_type"], "multiple_images");
    let bookmark = page["bookmark"].as_str().unwrap();
    let (_, page) = call(
        &sim,
        &token,
        reqwest::Method::GET,
        &format!("v5/boards/{BOARD}/pins?page_size=1&bookmark={bookmark}"),
        None,
    )
    .await;
    assert_eq!(page["items"][0]["id"], first["id"]);
    assert_eq!(page["items"][0]["title"], "Sourdough");
    assert_eq!(page["bookmark"], Value::Null);

    // Another board holds neither.
    let other = seed::pinterest::BOARDS[1].0;
    let (_, page) = call(
        &sim,
        &token,
        reqwest::Method::GET,
        &format!("v5/boards/{other}/pins"),
        None,
    )
    .await;
    assert_eq!(page["items"], json!([]));

    let posts: Value = sim
        .http
        .get(sim.admin("_sim/posts?platform=pinterest"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(posts["count"], 2, "{posts}");
    assert_eq!(
        posts["posts"][0]["url"],
        format!(
            "https://www.pinterest.com/pin/{}/",
            first["id"].as_str().unwrap()
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_are_checked_as_pinterest_checks_them() {
    let sim = start(true);
    let token = connect(&sim, P).await.access;
    let image = sim.handle.sample_media_url(SampleMedia::Jpeg).to_string();
    let source = json!({"source_type": "image_url", "url": image});
    let cases = [
        (
            json!({"board_id": "1", "media_source": source}),
            StatusCode::NOT_FOUND,
            404,
            "Board not found.",
        ),
        (
            json!({"board_id": "my-board", "media_source": source}),
            StatusCode::BAD_REQUEST,
            1,
            "does not match",
        ),
        (
            json!({"media_source": source}),
            StatusCode::BAD_REQUEST,
            1,
            "'board_id' is a required property",
        ),
        (
            json!({"board_id": BOARD}),
            StatusCode::BAD_REQUEST,
            1,
            "'media_source' is a required property",
        ),
        (
            json!({"board_id": BOARD, "title": "t".repeat(101), "media_source": source}),
            StatusCode::BAD_REQUEST,
            1,
            "maxLength=100",
        ),
        (
            json!({"board_id": BOARD, "media_source": {"source_type": "image_url", "url": "ftp://x/y.jpg"}}),
            StatusCode::BAD_REQUEST,
            1,
            "Unable to reach the URL",
        ),
        (
            json!({"board_id": BOARD, "media_source": {"source_type": "multiple_image_urls", "items": vec![json!({"url": image}); 6]}}),
            StatusCode::BAD_REQUEST,
            1,
            "maxItems=5",
        ),
        (
            json!({"board_id": BOARD, "media_source": {"source_type": "video_id", "media_id": "12", "cover_image_url": image}}),
            StatusCode::NOT_FOUND,
            404,
            "Media not found.",
        ),
        (
            json!({"board_id": BOARD, "media_source": {"source_type": "video_id", "media_id": "12"}}),
            StatusCode::BAD_REQUEST,
            1,
            "cover_image_url or cover_image_content_type",
        ),
    ];
    for (body, status, code, message) in cases {
        let (got, answer) = pin(&sim, &token, body.clone()).await;
        assert_eq!(got, status, "{body} -> {answer}");
        assert_eq!(answer["code"], code, "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(message),
            "{answer}"
        );
    }
    let (status, answer) = pin(
        &sim,
        "not-a-token",
        json!({"board_id": BOARD, "media_source": source}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer["code"], 2);
    let posts: Value = sim
        .http
        .get(sim.admin("_sim/posts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(posts["count"], 0, "{posts}");
}

fn form(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "sim-test-boundary-0123456789";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.mp4\"\r\nContent-Type: video/mp4\r\n\r\n").as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_is_registered_uploaded_processed_then_pinned() {
    let sim = start(true);
    let token = connect(&sim, P).await.access;
    let cover = sim.handle.sample_media_url(SampleMedia::Jpeg).to_string();
    let (status, upload) = call(
        &sim,
        &token,
        reqwest::Method::POST,
        "v5/media",
        Some(json!({"media_type": "video"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{upload}");
    let media_id = upload["media_id"].as_str().unwrap().to_owned();
    let params = upload["upload_parameters"].as_object().unwrap();
    let status_of = |sim: &Sim| {
        let url = sim.api(P, &format!("v5/media/{media_id}"));
        let http = sim.http.clone();
        let token = token.clone();
        async move {
            let answer: Value = http
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answer["status"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(status_of(&sim).await, "registered");

    let video = SampleMedia::Mp4.bytes();
    // A wrong signature is refused the way S3 refuses it.
    let fields: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| {
            (
                k.as_str(),
                if k == "x-amz-signature" {
                    "forged"
                } else {
                    v.as_str().unwrap()
                },
            )
        })
        .collect();
    let (content_type, body) = form(&fields, video);
    let response = sim
        .http
        .post(upload["upload_url"].as_str().unwrap())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<Code>SignatureDoesNotMatch</Code>")
    );

    let fields: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
        .collect();
    let (content_type, body) = form(&fields, video);
    let response = sim
        .http
        .post(upload["upload_url"].as_str().unwrap())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let source = json!({"source_type": "video_id", "media_id": media_id, "cover_image_url": cover});
    assert_eq!(status_of(&sim).await, "processing");
    let (status, early) = pin(
        &sim,
        &token,
        json!({"board_id": BOARD, "media_source": source}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "not processed yet: {early}"
    );
    assert_eq!(status_of(&sim).await, "processing");
    assert_eq!(status_of(&sim).await, "succeeded");
    let (status, made) = pin(
        &sim,
        &token,
        json!({"board_id": BOARD, "description": "Kneading", "media_source": source}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["media"]["media_type"], "video");
}
