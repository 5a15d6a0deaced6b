//! Facebook Page publishing on the simulator: feed posts, photos (published, and unpublished
//! then attached), `published_posts`, permalinks, and the Page-token rule.

use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_platform_sim::{KnobSettings, Platform, SampleMedia, seed};

use crate::common::{Sim, facebook_page_token, start};

const F: Platform = Platform::Facebook;
const PAGE: &str = seed::facebook::PAGES[0].0;

async fn graph(
    sim: &Sim,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = sim
        .http
        .request(method, sim.api(F, path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_and_photo_posts_are_listed_with_permalinks() {
    let sim = start(true);
    let (user, page) = facebook_page_token(&sim).await;
    let photo_url = sim.handle.sample_media_url(SampleMedia::Jpeg).to_string();

    let (code, created) = graph(
        &sim,
        &page,
        reqwest::Method::POST,
        &format!("v25.0/{PAGE}/feed"),
        Some(json!({"message": "Fresh bread", "link": "https://bakery.example/today"})),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{created}");
    let feed_id = created["id"].as_str().unwrap().to_owned();
    assert!(feed_id.starts_with(&format!("{PAGE}_")));

    // Forms work too, as on Graph.
    let response = sim
        .http
        .post(sim.api(F, &format!("v25.0/{PAGE}/photos")))
        .form(&[
            ("url", photo_url.as_str()),
            ("caption", "Our loaf"),
            ("access_token", &page),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let photo: Value = response.json().await.unwrap();
    let photo_post = photo["post_id"].as_str().unwrap().to_owned();
    assert!(photo["id"].as_str().is_some());

    let (code, link) = graph(
        &sim,
        &page,
        reqwest::Method::GET,
        &format!("v25.0/{photo_post}?fields=permalink_url"),
        None,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    let n = photo_post.split('_').nth(1).unwrap();
    assert_eq!(
        link,
        json!({"id": photo_post, "permalink_url": format!("https://www.facebook.com/{PAGE}/posts/{n}")})
    );

    let (code, listed) = graph(
        &sim,
        &page,
        reqwest::Method::GET,
        &format!(
            "v25.0/{PAGE}/published_posts?fields=id,message,created_time,permalink_url&limit=10"
        ),
        None,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    let data = listed["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["id"], photo_post.as_str(), "newest first");
    assert_eq!(data[0]["message"], "Our loaf");
    assert_eq!(data[1]["id"], feed_id.as_str());
    assert!(data[1]["created_time"].as_str().unwrap().ends_with("+0000"));

    let (_, later) = graph(
        &sim,
        &page,
        reqwest::Method::GET,
        &format!("v25.0/{PAGE}/published_posts?since=32503680000"),
        None,
    )
    .await;
    assert_eq!(later["data"], json!([]));

    // Posting as the Page needs the Page's token.
    let (code, refused) = graph(
        &sim,
        &user,
        reqwest::Method::POST,
        &format!("v25.0/{PAGE}/feed"),
        Some(json!({"message": "As the user"})),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(refused["error"]["code"], 200);

    let posts = sim.handle.posts(Some(F));
    assert_eq!(posts.len(), 2);
    assert_eq!(
        posts[0].link.as_deref(),
        Some("https://bakery.example/today")
    );
    assert_eq!(posts[1].photo_urls, [photo_url]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unpublished_photos_attach_once_to_a_feed_post() {
    let sim = start(true);
    let (_, page) = facebook_page_token(&sim).await;
    let mut ids = Vec::new();
    for media in [SampleMedia::Jpeg, SampleMedia::Png] {
        let (code, photo) = graph(
            &sim,
            &page,
            reqwest::Method::POST,
            &format!("v25.0/{PAGE}/photos"),
            Some(json!({"url": sim.handle.sample_media_url(media).as_str(), "published": false})),
        )
        .await;
        assert_eq!(code, StatusCode::OK);
        assert!(photo.get("post_id").is_none());
        ids.push(photo["id"].as_str().unwrap().to_owned());
    }
    assert!(
        sim.handle.posts(None).is_empty(),
        "unpublished photos are no posts"
    );
    let attached: Vec<Value> = ids.iter().map(|id| json!({"media_fbid": id})).collect();
    let (code, _) = graph(
        &sim,
        &page,
        reqwest::Method::POST,
        &format!("v25.0/{PAGE}/feed"),
        Some(json!({"message": "Two", "attached_media": attached})),
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    let (code, again) = graph(
        &sim,
        &page,
        reqwest::Method::POST,
        &format!("v25.0/{PAGE}/feed"),
        Some(json!({"message": "Again", "attached_media": attached})),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{again}");
    let posts = sim.handle.posts(Some(F));
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].media_ids, ids);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_messages_are_refused_with_506_when_asked() {
    let sim = start(true);
    let (_, page) = facebook_page_token(&sim).await;
    sim.handle
        .set_knobs(&KnobSettings {
            reject_duplicate_posts: Some(true),
            ..KnobSettings::default()
        })
        .unwrap();
    let path = format!("v25.0/{PAGE}/feed");
    let body = json!({"message": "Once"});
    let (code, _) = graph(
        &sim,
        &page,
        reqwest::Method::POST,
        &path,
        Some(body.clone()),
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    let (code, refused) = graph(&sim, &page, reqwest::Method::POST, &path, Some(body)).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(refused["error"]["code"], 506);
    assert_eq!(sim.handle.posts(Some(F)).len(), 1);
}

/// `published_posts` pages by cursor: `paging.next` while older posts of the window remain,
/// every post once, newest first, unshifted by a post made between two requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_posts_page_with_cursors_and_filter_by_time() {
    let sim = start(true);
    let (_, page) = facebook_page_token(&sim).await;
    let mut made = Vec::new();
    for n in 0..12 {
        let (code, created) = graph(
            &sim,
            &page,
            reqwest::Method::POST,
            &format!("v25.0/{PAGE}/feed"),
            Some(json!({"message": format!("Post {n}")})),
        )
        .await;
        assert_eq!(code, StatusCode::OK);
        made.push(created["id"].as_str().unwrap().to_owned());
    }
    let (code, mut listing) = graph(
        &sim,
        &page,
        reqwest::Method::GET,
        &format!("v25.0/{PAGE}/published_posts?since=946684800&limit=5&fields=id,message"),
        None,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    graph(
        &sim,
        &page,
        reqwest::Method::POST,
        &format!("v25.0/{PAGE}/feed"),
        Some(json!({"message": "Meanwhile"})),
    )
    .await;

    let mut listed = Vec::new();
    let mut requests = 1;
    loop {
        listed.extend(
            listing["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_owned()),
        );
        let Some(next) = listing["paging"]["next"].as_str().map(str::to_owned) else {
            break;
        };
        assert!(listing["paging"]["cursors"]["after"].is_string());
        assert!(next.starts_with(sim.api(F, "").as_str()), "{next}");
        let response = sim.http.get(&next).bearer_auth(&page).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        listing = response.json().await.unwrap();
        requests += 1;
    }
    made.reverse();
    assert_eq!(listed, made);
    assert_eq!(requests, 3);

    // `until` (inclusive, Unix seconds) leaves out later posts.
    let posts = sim.handle.posts(Some(F));
    let cut = posts[0].created_at.unix_timestamp() - 1;
    let (_, before) = graph(
        &sim,
        &page,
        reqwest::Method::GET,
        &format!("v25.0/{PAGE}/published_posts?until={cut}"),
        None,
    )
    .await;
    assert_eq!(before["data"], json!([]));
    assert!(before["paging"]["next"].is_null());

    let (code, refused) = graph(
        &sim,
        &page,
        reqwest::Method::GET,
        &format!("v25.0/{PAGE}/published_posts?after=bm90LWEtcG9zdA"),
        None,
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(refused["error"]["code"], 100);
}

/// A `transfer` on the video host: the multipart fields and the `video_file_chunk`.
async fn transfer(
    sim: &Sim,
    token: &str,
    session: &str,
    start_offset: u64,
    chunk: &[u8],
) -> (StatusCode, Value) {
    let boundary = "sim-test-boundary-3f9a";
    let mut body = Vec::new();
    for (name, value) in [
        ("upload_phase", "transfer"),
        ("upload_session_id", session),
        ("start_offset", &start_offset.to_string()),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"video_file_chunk\"; filename=\"blob\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(chunk);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = sim
        .http
        .post(video_host(sim, &format!("v25.0/{PAGE}/videos")))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn video_host(sim: &Sim, path: &str) -> url::Url {
    sim.handle
        .urls(F)
        .upload_base
        .expect("Facebook has a video host")
        .join(path)
        .unwrap()
}

async fn video_phase(sim: &Sim, token: &str, body: Value) -> (StatusCode, Value) {
    let response = sim
        .http
        .post(video_host(sim, &format!("v25.0/{PAGE}/videos")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn error_code(body: &Value) -> i64 {
    body["error"]["code"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumable_video_is_started_transferred_at_its_offsets_and_finished_on_the_video_host() {
    let sim = start(true);
    let (_, page) = facebook_page_token(&sim).await;
    let size: u64 = (1 << 20) + 300;
    let file: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();

    let (code, body) = video_phase(&sim, &page, json!({"upload_phase": "start"})).await;
    assert_eq!((code, error_code(&body)), (StatusCode::BAD_REQUEST, 100));
    let (code, body) = video_phase(
        &sim,
        &page,
        json!({"upload_phase": "start", "file_size": 0}),
    )
    .await;
    assert_eq!((code, error_code(&body)), (StatusCode::BAD_REQUEST, 382));
    let (code, body) = video_phase(
        &sim,
        &page,
        json!({"upload_phase": "start", "file_size": size, "file_url": "https://x.example/v.mp4"}),
    )
    .await;
    assert_eq!(
        (code, error_code(&body)),
        (StatusCode::BAD_REQUEST, 100),
        "{body}"
    );

    let (code, started) = video_phase(
        &sim,
        &page,
        json!({"upload_phase": "start", "file_size": size}),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{started}");
    let video = started["video_id"].as_str().unwrap().to_owned();
    let session = started["upload_session_id"].as_str().unwrap().to_owned();
    assert_eq!(started["start_offset"], "0");
    assert_eq!(started["end_offset"], (1 << 20).to_string());

    // Not at the offset the upload stands at, and finishing early, are upload problems.
    let (code, body) = transfer(&sim, &page, &session, 5, &file[5..10]).await;
    assert_eq!((code, error_code(&body)), (StatusCode::BAD_REQUEST, 6001));
    let (code, body) = video_phase(
        &sim,
        &page,
        json!({"upload_phase": "finish", "upload_session_id": session}),
    )
    .await;
    assert_eq!((code, error_code(&body)), (StatusCode::BAD_REQUEST, 6000));
    let (code, body) = transfer(&sim, &page, "no-such-session", 0, &file[..10]).await;
    assert_eq!((code, error_code(&body)), (StatusCode::BAD_REQUEST, 6001));

    let (code, next) = transfer(&sim, &page, &session, 0, &file[..1 << 20]).await;
    assert_eq!(code, StatusCode::OK, "{next}");
    assert_eq!(
        next,
        json!({"start_offset": (1 << 20).to_string(), "end_offset": size.to_string()})
    );
    let (_, state) = graph(
        &sim,
        &page,
        reqwest::Method::GET,
        &format!("v25.0/{video}?fields=status"),
        None,
    )
    .await;
    assert_eq!(
        state["status"]["uploading_phase"]["bytes_transfered"],
        1 << 20
    );
    let (code, done) = transfer(&sim, &page, &session, 1 << 20, &file[1 << 20..]).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        done,
        json!({"start_offset": size.to_string(), "end_offset": size.to_string()})
    );

    let (code, finished) = video_phase(
        &sim,
        &page,
        json!({"upload_phase": "finish", "upload_session_id": session,
               "description": "Bakery tour", "title": "Tour"}),
    )
    .await;
    assert_eq!((code, finished), (StatusCode::OK, json!({"success": true})));
    let (code, body) = video_phase(
        &sim,
        &page,
        json!({"upload_phase": "finish", "upload_session_id": session}),
    )
    .await;
    assert_eq!(
        (code, error_code(&body)),
        (StatusCode::BAD_REQUEST, 6001),
        "finished once"
    );

    let (code, listed) = graph(
        &sim,
        &page,
        reqwest::Method::GET,
        &format!("v25.0/{PAGE}/videos?fields=id,description,permalink_url"),
        None,
    )
    .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        listed["data"],
        json!([{"id": video, "description": "Bakery tour",
                "permalink_url": format!("https://www.facebook.com/{PAGE}/videos/{video}/")}])
    );
    let posts = sim.handle.posts(Some(F));
    assert_eq!(posts.iter().filter(|p| p.id == video).count(), 1);
}
