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

on_both_backends!(
    x_thread,
    x_thread_with_every_answer_lost,
    x_thread_first_post_refused,
    x_gif_with_alt_text,
    x_media_only_answers_lost,
);
