//! X publishing on the simulator: the chunked media upload with video processing states,
//! `POST /2/tweets`, the user's timeline as X shows it, and refusals.

use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_platform_sim::{KnobSettings, Platform, SampleMedia, seed};
use time::format_description::well_known::Rfc3339;

use crate::common::{Sim, start, x_publishing_token};

const X: Platform = Platform::X;

pub async fn post_json(sim: &Sim, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response = sim
        .http
        .post(sim.api(X, path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn append(sim: &Sim, token: &str, id: &str, index: u32, chunk: &[u8]) -> StatusCode {
    let boundary = "sim-test-boundary-6c1f";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"segment_index\"\r\n\r\n{index}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"blob\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(chunk);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    sim.http
        .post(sim.api(X, &format!("2/media/upload/{id}/append")))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

async fn status(sim: &Sim, token: &str, id: &str) -> Value {
    sim.http
        .get(sim.api(X, "2/media/upload"))
        .query(&[("command", "STATUS"), ("media_id", id)])
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn timeline(sim: &Sim, token: &str, query: &[(&str, &str)]) -> Value {
    let response = sim
        .http
        .get(sim.api(X, &format!("2/users/{}/tweets", seed::x::USER_ID)))
        .query(query)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_goes_through_upload_and_processing_then_posts() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    let video = SampleMedia::Mp4.bytes();
    let (code, init) = post_json(
        &sim,
        &token,
        "2/media/upload/initialize",
        json!({"media_type": "video/mp4", "total_bytes": video.len(), "media_category": "tweet_video"}),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{init}");
    let id = init["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(init["data"]["media_key"], format!("7_{id}"));
    assert!(init["data"]["expires_after_secs"].as_i64().unwrap() > 0);

    // A post cannot use media that is not ready.
    let (code, _) = post_json(
        &sim,
        &token,
        "2/tweets",
        json!({"media": {"media_ids": [id]}}),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);

    for (index, chunk) in video.chunks(16 * 1024).enumerate() {
        assert_eq!(
            append(&sim, &token, &id, index as u32, chunk).await,
            StatusCode::OK
        );
    }
    let (code, finalized) = post_json(
        &sim,
        &token,
        &format!("2/media/upload/{id}/finalize"),
        Value::Null,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(finalized["data"]["processing_info"]["state"], "pending");
    assert_eq!(finalized["data"]["processing_info"]["check_after_secs"], 1);
    assert_eq!(finalized["data"]["size"], video.len());
    assert_eq!(
        status(&sim, &token, &id).await["data"]["processing_info"]["state"],
        "in_progress"
    );
    assert_eq!(
        status(&sim, &token, &id).await["data"]["processing_info"]["state"],
        "succeeded"
    );

    let (code, created) = post_json(
        &sim,
        &token,
        "2/tweets",
        json!({"text": "Fish & chips at https://example.com/menu", "media": {"media_ids": [id]}}),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    let post_id = created["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["data"]["edit_history_tweet_ids"][0],
        post_id.as_str()
    );

    // The timeline shows it as X would: links shortened, media link appended, & escaped.
    let listed = timeline(
        &sim,
        &token,
        &[
            ("max_results", "5"),
            ("tweet.fields", "created_at,attachments"),
        ],
    )
    .await;
    assert_eq!(listed["meta"]["result_count"], 1);
    let shown = &listed["data"][0];
    assert_eq!(shown["id"], post_id.as_str());
    let text = shown["text"].as_str().unwrap();
    assert!(
        text.starts_with("Fish &amp; chips at https://t.co/"),
        "{text}"
    );
    assert_eq!(text.matches("https://t.co/").count(), 2, "{text}");
    assert_eq!(shown["attachments"]["media_keys"][0], format!("7_{id}"));
    assert!(shown["created_at"].as_str().is_some());

    let posts = sim.handle.posts(Some(X));
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].text, "Fish & chips at https://example.com/menu");
    assert_eq!(posts[0].account_id, seed::x::USER_ID);
    assert_eq!(
        posts[0].url,
        format!("https://x.com/{}/status/{post_id}", seed::x::USERNAME)
    );
    assert_eq!(sim.state().await["platforms"]["x"]["posts_published"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_is_ready_at_finalize_and_segments_must_add_up() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    let image = SampleMedia::Png.bytes();
    let (_, init) = post_json(
        &sim,
        &token,
        "2/media/upload/initialize",
        json!({"media_type": "image/png", "total_bytes": image.len(), "media_category": "tweet_image"}),
    )
    .await;
    let id = init["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(init["data"]["media_key"], format!("3_{id}"));
    let half = image.len() / 2;
    assert_eq!(
        append(&sim, &token, &id, 0, &image[..half]).await,
        StatusCode::OK
    );
    let (code, body) = post_json(
        &sim,
        &token,
        &format!("2/media/upload/{id}/finalize"),
        Value::Null,
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{body}");
    // A repeated segment replaces the earlier one.
    assert_eq!(
        append(&sim, &token, &id, 0, &image[..half]).await,
        StatusCode::OK
    );
    assert_eq!(
        append(&sim, &token, &id, 1, &image[half..]).await,
        StatusCode::OK
    );
    let (code, body) = post_json(
        &sim,
        &token,
        &format!("2/media/upload/{id}/finalize"),
        Value::Null,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(body["data"].get("processing_info").is_none(), "{body}");
    let (code, _) = post_json(
        &sim,
        &token,
        "2/tweets",
        json!({"media": {"media_ids": [id]}}),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_have_x_shapes() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    let (code, body) = post_json(&sim, "not-a-token", "2/tweets", json!({"text": "hi"})).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    assert_eq!(body["title"], "Unauthorized");
    let (code, body) = post_json(&sim, &token, "2/tweets", json!({})).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(body["type"], "https://api.x.com/2/problems/invalid-request");
    let (code, _) = post_json(
        &sim,
        &token,
        "2/media/upload/initialize",
        json!({"media_type": "application/zip", "total_bytes": 10}),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(
        append(&sim, &token, "404404", 0, b"x").await,
        StatusCode::BAD_REQUEST
    );
    // A token without tweet.write may not post.
    let reader = crate::common::connect(&sim, X).await.access;
    let (code, _) = post_json(
        &sim,
        &reader,
        "2/media/upload/initialize",
        json!({
            "media_type": "image/png", "total_bytes": 10
        }),
    )
    .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    assert!(sim.handle.posts(None).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_posts_are_all_kept_unless_duplicates_are_refused() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    for _ in 0..2 {
        let (code, _) = post_json(&sim, &token, "2/tweets", json!({"text": "Same"})).await;
        assert_eq!(code, StatusCode::CREATED);
    }
    let listed: Value = sim
        .http
        .get(sim.admin("_sim/posts"))
        .query(&[("platform", "x")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["count"], 2);
    assert_eq!(listed["duplicates"], 1);

    sim.handle
        .set_knobs(&KnobSettings {
            reject_duplicate_posts: Some(true),
            ..KnobSettings::default()
        })
        .unwrap();
    let (code, body) = post_json(&sim, &token, "2/tweets", json!({"text": "Same"})).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    assert_eq!(
        body["detail"],
        "You are not allowed to create a Tweet with duplicate content."
    );
    assert_eq!(sim.handle.posts(Some(X)).len(), 2);

    // Only posts since start_time are listed.
    let future = "2999-01-01T00:00:00Z";
    let listed = timeline(
        &sim,
        &token,
        &[("start_time", future), ("max_results", "10")],
    )
    .await;
    assert_eq!(listed["meta"]["result_count"], 0);
    assert!(listed.get("data").is_none());
}

/// The timeline pages with `next_token`: every post of the window once, newest first, and a
/// post made between two requests does not shift the next page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeline_pages_with_next_token_and_filters_by_time() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    let mut made = Vec::new();
    for n in 0..12 {
        let (code, body) = post_json(
            &sim,
            &token,
            "2/tweets",
            json!({"text": format!("Post {n}")}),
        )
        .await;
        assert_eq!(code, StatusCode::CREATED);
        made.push(body["data"]["id"].as_str().unwrap().to_owned());
    }
    let start_time = "2000-01-01T00:00:00Z";
    let first = timeline(
        &sim,
        &token,
        &[("start_time", start_time), ("max_results", "5")],
    )
    .await;
    let (code, _) = post_json(&sim, &token, "2/tweets", json!({"text": "Meanwhile"})).await;
    assert_eq!(code, StatusCode::CREATED);

    let mut listed = Vec::new();
    let mut page = first;
    let mut requests = 1;
    loop {
        listed.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap().to_owned()),
        );
        let Some(next) = page["meta"]["next_token"].as_str().map(str::to_owned) else {
            break;
        };
        assert_ne!(
            next,
            listed.last().unwrap().as_str(),
            "opaque, not a post id"
        );
        page = timeline(
            &sim,
            &token,
            &[
                ("start_time", start_time),
                ("max_results", "5"),
                ("pagination_token", &next),
            ],
        )
        .await;
        requests += 1;
    }
    made.reverse();
    assert_eq!(listed, made);
    assert_eq!(requests, 3);

    // Nothing created after end_time (exclusive) or before start_time.
    let posts = sim.handle.posts(Some(X));
    let sixth = posts[5].created_at.format(&Rfc3339).unwrap();
    let early = timeline(
        &sim,
        &token,
        &[("end_time", sixth.as_str()), ("max_results", "100")],
    )
    .await;
    let early: Vec<&str> = early["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = posts
        .iter()
        .rev()
        .filter(|p| p.created_at < posts[5].created_at)
        .map(|p| p.id.as_str())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(early, expected);
    let none = timeline(&sim, &token, &[("start_time", "2999-01-01T00:00:00Z")]).await;
    assert_eq!(none["meta"], json!({"result_count": 0}));

    // A token that names no post is refused, as X refuses a bad one.
    let response = sim
        .http
        .get(sim.api(X, &format!("2/users/{}/tweets", seed::x::USER_ID)))
        .query(&[("pagination_token", "zz")])
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_name_their_parent_on_the_timeline_and_need_one_that_exists() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    let (code, first) = post_json(&sim, &token, "2/tweets", json!({"text": "1/2 a thread"})).await;
    assert_eq!(code, StatusCode::CREATED);
    let first = first["data"]["id"].as_str().unwrap().to_owned();
    let (code, second) = post_json(
        &sim,
        &token,
        "2/tweets",
        json!({"text": "2/2 the end", "reply": {"in_reply_to_tweet_id": first}}),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED);
    let second = second["data"]["id"].as_str().unwrap().to_owned();
    let (code, body) = post_json(
        &sim,
        &token,
        "2/tweets",
        json!({"text": "orphan", "reply": {"in_reply_to_tweet_id": "1"}}),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{body}");

    let listed = timeline(
        &sim,
        &token,
        &[("tweet.fields", "id,text,referenced_tweets")],
    )
    .await;
    let posts = listed["data"].as_array().unwrap();
    assert_eq!(posts.len(), 2, "{listed}");
    assert_eq!(posts[0]["id"], second.as_str());
    assert_eq!(
        posts[0]["referenced_tweets"],
        json!([{"type": "replied_to", "id": first}])
    );
    assert!(posts[1].get("referenced_tweets").is_none(), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_media_id_unused_for_a_day_expires() {
    let sim = start(true);
    let token = x_publishing_token(&sim).await;
    let image = SampleMedia::Png.bytes();
    let (_, init) = post_json(
        &sim,
        &token,
        "2/media/upload/initialize",
        json!({"media_type": "image/png", "total_bytes": image.len(), "media_category": "tweet_image"}),
    )
    .await;
    let id = init["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(init["data"]["expires_after_secs"], 86_400);
    assert_eq!(append(&sim, &token, &id, 0, image).await, StatusCode::OK);
    let (code, finalized) = post_json(
        &sim,
        &token,
        &format!("2/media/upload/{id}/finalize"),
        Value::Null,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert!(finalized["data"]["expires_after_secs"].as_i64().unwrap() > 86_000);

    sim.knobs(json!({"advance_clock_seconds": 86_401})).await;
    let token = x_publishing_token(&sim).await;
    let (code, body) = post_json(
        &sim,
        &token,
        "2/tweets",
        json!({"media": {"media_ids": [id]}}),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errors"][0]["message"], "Your media IDs are invalid.");
}
