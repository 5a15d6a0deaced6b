//! TikTok publishing on the simulator: the chunked upload checked chunk by chunk, processing
//! per status check, public ids only for posts others may see, the video list, and TikTok's
//! refusals.

use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_platform_sim::{Platform, SampleMedia};

use crate::common::{Sim, authorize_redirect, authorize_url, exchange, start};

const T: Platform = Platform::Tiktok;

/// An access token with the posting scopes and `video.list`.
async fn connect(sim: &Sim) -> String {
    let url = authorize_url(sim, T, "st-publish");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "scope" {
                format!("{v},video.list")
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut url = url.clone();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let params = authorize_redirect(sim, url).await;
    let response = exchange(sim, T, &params["code"]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn call(sim: &Sim, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response = sim
        .http
        .post(sim.api(T, path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn put(sim: &Sim, url: &str, range: &str, bytes: usize) -> (StatusCode, Value) {
    let response = sim
        .http
        .put(url)
        .header("content-type", "video/mp4")
        .header("content-range", range)
        .body(vec![7_u8; bytes])
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn post_info(privacy: &str) -> Value {
    json!({"title": "Sim video", "privacy_level": privacy, "disable_duet": false,
           "disable_comment": false, "disable_stitch": false,
           "brand_content_toggle": false, "brand_organic_toggle": false})
}

async fn status(sim: &Sim, token: &str, publish_id: &str) -> Value {
    let (code, body) = call(
        sim,
        token,
        "v2/post/publish/status/fetch/",
        json!({"publish_id": publish_id}),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["error"]["code"], "ok");
    body["data"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_upload_goes_chunk_by_chunk_and_the_last_chunk_posts() {
    let sim = start(true);
    let token = connect(&sim).await;
    let (code, creator) = call(
        &sim,
        &token,
        "v2/post/publish/creator_info/query/",
        json!({}),
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(creator["data"]["creator_username"], "socialpub.sim");
    assert_eq!(
        creator["data"]["privacy_level_options"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    let (code, init) = call(
        &sim,
        &token,
        "v2/post/publish/video/init/",
        json!({"post_info": post_info("PUBLIC_TO_EVERYONE"),
               "source_info": {"source": "FILE_UPLOAD", "video_size": 12_000_000,
                               "chunk_size": 5_000_000, "total_chunk_count": 2}}),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{init}");
    let publish_id = init["data"]["publish_id"].as_str().unwrap().to_owned();
    let upload_url = init["data"]["upload_url"].as_str().unwrap().to_owned();
    assert!(publish_id.starts_with("v_pub_file~"));

    let (code, _) = put(&sim, &upload_url, "bytes 0-4999999/12000000", 5_000_000).await;
    assert_eq!(code, StatusCode::PARTIAL_CONTENT);
    let data = status(&sim, &token, &publish_id).await;
    assert_eq!(data["status"], "PROCESSING_UPLOAD");
    assert_eq!(data["uploaded_bytes"], 5_000_000);
    assert_eq!(
        sim.state().await["platforms"]["tiktok"]["posts_published"],
        0
    );

    // Out of order, or a range that does not match the body: refused.
    let (code, body) = put(&sim, &upload_url, "bytes 0-4999999/12000000", 5_000_000).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_file_upload");
    let (code, _) = put(&sim, &upload_url, "bytes 5000000-11999999/12000000", 10).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);

    // The last chunk absorbs the remainder and posts.
    let (code, _) = put(
        &sim,
        &upload_url,
        "bytes 5000000-11999999/12000000",
        7_000_000,
    )
    .await;
    assert_eq!(code, StatusCode::CREATED);
    assert_eq!(
        sim.state().await["platforms"]["tiktok"]["posts_published"],
        1
    );
    assert_eq!(
        status(&sim, &token, &publish_id).await["status"],
        "PROCESSING_UPLOAD"
    );
    let done = status(&sim, &token, &publish_id).await;
    assert_eq!(done["status"], "PUBLISH_COMPLETE");
    let post_id = done["publicaly_available_post_id"][0].as_u64().unwrap();

    let posts: Value = sim
        .http
        .get(sim.admin("_sim/posts?platform=tiktok"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(posts["count"], 1);
    assert_eq!(posts["posts"][0]["id"], post_id.to_string());
    assert_eq!(
        posts["posts"][0]["url"],
        format!("https://www.tiktok.com/@socialpub.sim/video/{post_id}")
    );

    let (code, list) = call(&sim, &token, "v2/video/list/", json!({"max_count": 20})).await;
    assert_eq!(code, StatusCode::OK, "{list}");
    assert_eq!(list["data"]["videos"][0]["id"], post_id.to_string());
    assert_eq!(list["data"]["videos"][0]["title"], "Sim video");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_photo_post_gets_no_public_id_and_is_not_listed() {
    let sim = start(true);
    let token = connect(&sim).await;
    let jpg = sim.handle.sample_media_url(SampleMedia::Jpeg).to_string();
    let (code, init) = call(
        &sim,
        &token,
        "v2/post/publish/content/init/",
        json!({"media_type": "PHOTO", "post_mode": "DIRECT_POST",
               "post_info": {"description": "Mine", "privacy_level": "SELF_ONLY",
                             "brand_content_toggle": false},
               "source_info": {"source": "PULL_FROM_URL", "photo_cover_index": 0,
                               "photo_images": [jpg]}}),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{init}");
    let publish_id = init["data"]["publish_id"].as_str().unwrap();
    assert_eq!(
        status(&sim, &token, publish_id).await["status"],
        "PROCESSING_DOWNLOAD"
    );
    let done = status(&sim, &token, publish_id).await;
    assert_eq!(done["status"], "PUBLISH_COMPLETE");
    assert_eq!(done["publicaly_available_post_id"], json!([]));
    let (_, list) = call(&sim, &token, "v2/video/list/", json!({})).await;
    let listed: Vec<&str> = list["data"]["videos"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|video| video["title"].as_str())
        .collect();
    assert!(
        !listed.contains(&"Mine"),
        "a private post is not listed: {list}"
    );
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_have_tiktok_codes() {
    let sim = start(true);
    let token = connect(&sim).await;
    let file = |video_size: u64, chunk_size: u64, count: u64| {
        json!({"source": "FILE_UPLOAD", "video_size": video_size,
               "chunk_size": chunk_size, "total_chunk_count": count})
    };
    let mut unbranded = post_info("SELF_ONLY");
    unbranded
        .as_object_mut()
        .unwrap()
        .remove("brand_content_toggle");
    let mut branded_private = post_info("SELF_ONLY");
    branded_private["brand_content_toggle"] = json!(true);
    let cases = [
        (
            json!({"post_info": unbranded, "source_info": file(100, 100, 1)}),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            json!({"post_info": branded_private, "source_info": file(100, 100, 1)}),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            json!({"post_info": post_info("EVERYONE"), "source_info": file(100, 100, 1)}),
            StatusCode::FORBIDDEN,
            "privacy_level_option_mismatch",
        ),
        // Chunks under 5 MB, a wrong count, a file over 64 MB in one chunk.
        (
            json!({"post_info": post_info("SELF_ONLY"), "source_info": file(20_000_000, 1_000_000, 20)}),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            json!({"post_info": post_info("SELF_ONLY"), "source_info": file(50_000_123, 10_000_000, 6)}),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            json!({"post_info": post_info("SELF_ONLY"), "source_info": file(70_000_000, 70_000_000, 1)}),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            json!({"post_info": post_info("SELF_ONLY"),
                   "source_info": {"source": "PULL_FROM_URL", "video_url": "https://elsewhere.example/v.mp4"}}),
            StatusCode::FORBIDDEN,
            "url_ownership_unverified",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = call(&sim, &token, "v2/post/publish/video/init/", body.clone()).await;
        assert_eq!(got, status, "{body} -> {answer}");
        assert_eq!(answer["error"]["code"], code, "{body} -> {answer}");
        assert!(answer["error"]["log_id"].is_string());
    }
    // The documented example is accepted.
    let (got, answer) = call(
        &sim,
        &token,
        "v2/post/publish/video/init/",
        json!({"post_info": post_info("SELF_ONLY"), "source_info": file(50_000_123, 10_000_000, 5)}),
    )
    .await;
    assert_eq!(got, StatusCode::OK, "{answer}");

    let (got, answer) = call(
        &sim,
        "act.nope",
        "v2/post/publish/creator_info/query/",
        json!({}),
    )
    .await;
    assert_eq!(got, StatusCode::UNAUTHORIZED);
    assert_eq!(answer["error"]["code"], "access_token_invalid");
    sim.handle.stop().await;
}
