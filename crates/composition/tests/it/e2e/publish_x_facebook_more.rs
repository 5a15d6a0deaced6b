//! More of X and Facebook end to end: X threads (each post its own commit, reconciled), GIFs
//! with alt text and media-only posts; Facebook multi-photo posts, videos and reels. Every
//! job ends `published` with the live URL and the simulator holds each post once, including
//! when a commit's answer is lost.

use serde_json::{Value, json};
use socialpub_domain::Platform;

use super::publish_world::{Backend, World, on_both_backends};

fn posts_of(posts: &Value) -> Vec<Value> {
    posts["posts"].as_array().cloned().unwrap_or_default()
}

async fn publish_thread(world: &World, x: &str) -> Value {
    let job = world
        .publish(json!({
            "connection_id": x,
            "text_content": "1/3 A thread starts",
            "platform_specific_options": {"thread": ["2/3 it goes on", "3/3 and ends"]},
        }))
        .await;
    world.settle_one(job["job_id"].as_str().unwrap()).await
}

/// The three posts of [`publish_thread`], each once, each replying to the one before, the job
/// being the first.
async fn assert_one_thread(world: &World, job: &Value) {
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(Some(Platform::X)).await;
    assert_eq!(posts["count"], 3, "{posts}");
    assert_eq!(posts["duplicates"], 0, "{posts}");
    let texts: Vec<Value> = posts_of(&posts).iter().map(|p| p["text"].clone()).collect();
    assert_eq!(
        texts,
        ["1/3 A thread starts", "2/3 it goes on", "3/3 and ends"]
    );
    let first = &posts_of(&posts)[0];
    assert_eq!(job["external_post_id"], first["id"], "{job}");
    assert_eq!(job["post_url"], first["url"], "{job}");
    let replies = sim_get(world, "_sim/x/replies").await;
    for pair in posts_of(&posts).windows(2) {
        let reply = pair[1]["id"].as_str().unwrap();
        assert_eq!(replies[reply], pair[0]["id"], "{replies}");
    }
}

async fn sim_get(world: &World, path: &str) -> Value {
    world
        .server
        .http
        .get(format!("{}{path}", world.server.sim))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn x_thread(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let job = publish_thread(&world, &x).await;
    assert_one_thread(&world, &job).await;
}

/// Every post of the thread loses its answer: each is found on the timeline (the first two as
/// parts, so the thread goes on), none is posted twice.
async fn x_thread_with_every_answer_lost(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    world
        .faults(
            Platform::X,
            json!({"endpoint": "x_create_post", "ambiguous_next": 3, "ambiguous_mode": "server_error"}),
        )
        .await;
    let job = publish_thread(&world, &x).await;
    assert_one_thread(&world, &job).await;
}

/// The first post fails without being made (a 503 before any work): not found on the
/// timeline, it is sent again once; the thread follows.
async fn x_thread_first_post_refused(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    world
        .faults(
            Platform::X,
            json!({"endpoint": "x_create_post", "fail_next": 1}),
        )
        .await;
    let job = publish_thread(&world, &x).await;
    assert_one_thread(&world, &job).await;
}

async fn x_gif_with_alt_text(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let job = world
        .publish(json!({
            "connection_id": x,
            "text_content": "A looping GIF",
            "assets": [{"url": world.sample("sample.gif"), "type": "image"}],
            "platform_specific_options": {"alt_text": "A cat chasing its tail"},
        }))
        .await;
    let job = world.settle_one(job["job_id"].as_str().unwrap()).await;
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(Some(Platform::X)).await;
    assert_eq!(posts["count"], 1, "{posts}");
    let post = &posts_of(&posts)[0];
    assert_eq!(job["external_post_id"], post["id"]);
    assert_eq!(job["post_url"], post["url"]);
    let media = post["media_ids"][0].as_str().unwrap();
    let state = sim_get(&world, &format!("_sim/x/media/{media}")).await;
    assert_eq!(state["key"], format!("16_{media}"), "a GIF: {state}");
    assert_eq!(state["alt_text"], "A cat chasing its tail");
}

/// Two media-only posts whose answers are lost: each is found by its media, not taken for
/// the other (their empty texts match).
async fn x_media_only_answers_lost(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    world
        .faults(
            Platform::X,
            json!({"endpoint": "x_create_post", "ambiguous_next": 2, "ambiguous_mode": "drop"}),
        )
        .await;
    let mut ids = Vec::new();
    for file in ["sample.jpg", "sample.png"] {
        let job = world
            .publish(json!({
                "connection_id": x,
                "text_content": "",
                "assets": [{"url": world.sample(file), "type": "image"}],
            }))
            .await;
        ids.push(job["job_id"].as_str().unwrap().to_owned());
    }
    let jobs = world.settle(&ids).await;
    let posts = world.sim_posts(Some(Platform::X)).await;
    assert_eq!(posts["count"], 2, "{posts}");
    let mut found: Vec<&Value> = jobs.iter().map(|j| &j["external_post_id"]).collect();
    found.sort_by_key(|v| v.as_str().unwrap_or("").to_owned());
    found.dedup();
    assert_eq!(found.len(), 2, "each job is its own post: {jobs:?}");
    for job in &jobs {
        assert_eq!(job["status"], "published", "{job}");
    }
}

/// The one Facebook post of a job: published, with the post's id and URL.
async fn the_facebook_post(world: &World, job: &Value) -> Value {
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(Some(Platform::Facebook)).await;
    assert_eq!(posts["count"], 1, "{posts}");
    assert_eq!(posts["duplicates"], 0, "{posts}");
    let post = posts_of(&posts)[0].clone();
    assert_eq!(job["external_post_id"], post["id"], "{job}");
    assert_eq!(job["post_url"], post["url"], "{job}");
    post
}

async fn publish_one(world: &World, body: Value) -> Value {
    let job = world.publish(body).await;
    world.settle_one(job["job_id"].as_str().unwrap()).await
}

fn reel(world: &World, page: &str, text: &str) -> Value {
    json!({
        "connection_id": page,
        "text_content": text,
        "assets": [{"url": world.sample("sample-portrait.mp4"), "type": "video"}],
        "platform_specific_options": {"content_kind": "reel", "title": "A reel"},
    })
}

async fn facebook_photos(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    let job = publish_one(
        &world,
        json!({
            "connection_id": page,
            "text_content": "Three photos",
            "assets": [
                {"url": world.sample("sample.jpg"), "type": "image"},
                {"url": world.sample("sample.png"), "type": "image"},
                {"url": world.sample("sample.jpg"), "type": "image"},
            ],
        }),
    )
    .await;
    let post = the_facebook_post(&world, &job).await;
    assert_eq!(post["media_ids"].as_array().unwrap().len(), 3, "{post}");
    assert_eq!(post["text"], "Three photos");
}

async fn facebook_video(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    let job = publish_one(
        &world,
        json!({
            "connection_id": page,
            "text_content": "A video Facebook fetches",
            "assets": [{"url": world.sample("sample.mp4"), "type": "video"}],
        }),
    )
    .await;
    let post = the_facebook_post(&world, &job).await;
    assert_eq!(post["photo_urls"], json!([world.sample("sample.mp4")]));
    assert!(post["url"].as_str().unwrap().contains("/videos/"), "{post}");
}

async fn facebook_reel(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    let job = publish_one(&world, reel(&world, &page, "A reel, uploaded in chunks")).await;
    let post = the_facebook_post(&world, &job).await;
    assert_eq!(
        job["post_url"],
        format!(
            "https://www.facebook.com/reel/{}",
            post["id"].as_str().unwrap()
        )
    );
    assert_eq!(post["text"], "A reel, uploaded in chunks");
}

/// The reel's finish is made, its answer lost: the reel is found by its video id (reels are
/// not in the Page's posts).
async fn facebook_reel_answer_lost(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    world
        .faults(
            Platform::Facebook,
            json!({"endpoint": "facebook_reels", "ambiguous_next": 1, "ambiguous_mode": "server_error"}),
        )
        .await;
    let job = publish_one(&world, reel(&world, &page, "A reel whose answer is lost")).await;
    the_facebook_post(&world, &job).await;
}

/// The reel's finish answers 503 without being made: the reel is not published, so finish
/// is sent again once.
async fn facebook_reel_refused_once(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    world
        .faults(
            Platform::Facebook,
            json!({"endpoint": "facebook_reels", "fail_next": 1}),
        )
        .await;
    let job = publish_one(&world, reel(&world, &page, "A reel finished twice")).await;
    the_facebook_post(&world, &job).await;
}

/// A feed video's commit answers 503 without being made: not in the Page's posts, it is
/// sent again once.
async fn facebook_video_refused_once(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    world
        .faults(
            Platform::Facebook,
            json!({"endpoint": "facebook_videos", "fail_next": 1}),
        )
        .await;
    let job = publish_one(
        &world,
        json!({
            "connection_id": page,
            "text_content": "A video sent twice, posted once",
            "assets": [{"url": world.sample("sample.mp4"), "type": "video"}],
        }),
    )
    .await;
    the_facebook_post(&world, &job).await;
}

/// A feed video's commit is made and its answer lost: found in the Page's posts.
async fn facebook_video_answer_lost(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    world
        .faults(
            Platform::Facebook,
            json!({"endpoint": "facebook_videos", "ambiguous_next": 1, "ambiguous_mode": "server_error"}),
        )
        .await;
    let job = publish_one(
        &world,
        json!({
            "connection_id": page,
            "text_content": "A video whose answer is lost",
            "assets": [{"url": world.sample("sample.mp4"), "type": "video"}],
        }),
    )
    .await;
    the_facebook_post(&world, &job).await;
}

on_both_backends!(
    x_thread,
    x_thread_with_every_answer_lost,
    x_thread_first_post_refused,
    x_gif_with_alt_text,
    x_media_only_answers_lost,
    facebook_photos,
    facebook_video,
    facebook_reel,
    facebook_reel_answer_lost,
    facebook_reel_refused_once,
    facebook_video_refused_once,
    facebook_video_answer_lost,
);
