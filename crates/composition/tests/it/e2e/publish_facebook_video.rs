//! Facebook Page videos from a file by resumable upload, end to end over HTTP against the
//! simulator: `upload_phase=start`, the file's bytes in chunks on the video host, `finish` as
//! the commit. A lost start or transfer answer is resumed, a lost finish is reconciled from
//! the Page's videos; the simulator always holds the one video.

use serde_json::{Value, json};
use socialpub_domain::Platform;

use super::publish_world::{Backend, World, on_both_backends};

/// A generated MP4 of 2.5 MiB: three of the simulator's 1 MiB transfer windows.
const SIZE: u64 = 5 << 19;

fn uploaded_video(world: &World, page: &str, text: &str) -> Value {
    json!({
        "connection_id": page,
        "text_content": text,
        "assets": [{
            "url": world.sample(&format!("generated/{SIZE}.mp4")),
            "type": "video",
        }],
        "platform_specific_options": {"video_upload": "resumable", "title": "Bakery tour"},
    })
}

/// The job is published as the simulator's one Facebook post: the video, made from the
/// uploaded bytes (no URL for Facebook to fetch), with the job's text.
async fn the_uploaded_video(world: &World, job: &Value, text: &str) {
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(Some(Platform::Facebook)).await;
    assert_eq!(posts["count"], 1, "{posts}");
    assert_eq!(posts["duplicates"], 0, "{posts}");
    let post = posts["posts"][0].clone();
    assert_eq!(job["external_post_id"], post["id"], "{job}");
    assert_eq!(job["post_url"], post["url"], "{job}");
    assert_eq!(post["text"], text, "{post}");
    assert_eq!(post["photo_urls"], json!([]), "sent as bytes: {post}");
    assert!(post["url"].as_str().unwrap().contains("/videos/"), "{post}");
}

async fn publish_one(world: &World, body: Value) -> Value {
    let job = world.publish(body).await;
    world.settle_one(job["job_id"].as_str().unwrap()).await
}

async fn facebook_video_resumable(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    let text = "A video uploaded in chunks";
    let job = publish_one(&world, uploaded_video(&world, &page, text)).await;
    the_uploaded_video(&world, &job, text).await;
    // The platforms' deprecation counter is on /metrics for every platform.
    let metrics = world
        .server
        .http
        .get(format!("{}/metrics", world.server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("socialpub_platform_deprecation_signals_total{platform=\"facebook\"} "),
        "{metrics}"
    );
}

/// The answers to `start` and to the first `transfer` are lost after the simulator acted: a
/// new session is started, and the transfer goes on from the bytes Graph reports.
async fn facebook_video_resumable_upload_answers_lost(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    for endpoint in ["facebook_video_start", "facebook_video_upload"] {
        world
            .faults(
                Platform::Facebook,
                json!({"endpoint": endpoint, "ambiguous_next": 1, "ambiguous_mode": "drop"}),
            )
            .await;
    }
    let text = "A video whose upload answers are lost";
    let job = publish_one(&world, uploaded_video(&world, &page, text)).await;
    the_uploaded_video(&world, &job, text).await;
}

/// `finish` publishes the video and its answer is lost: the video is found among the Page's
/// videos by its id and never finished twice.
async fn facebook_video_resumable_finish_answer_lost(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    world
        .faults(
            Platform::Facebook,
            json!({"endpoint": "facebook_videos", "ambiguous_next": 1, "ambiguous_mode": "server_error"}),
        )
        .await;
    let text = "A video whose finish answer is lost";
    let job = publish_one(&world, uploaded_video(&world, &page, text)).await;
    the_uploaded_video(&world, &job, text).await;
}

/// `finish` answers 503 without publishing: not among the Page's videos, it is sent once
/// more.
async fn facebook_video_resumable_finish_refused_once(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    world
        .faults(
            Platform::Facebook,
            json!({"endpoint": "facebook_videos", "fail_next": 1}),
        )
        .await;
    let text = "A video finished twice, posted once";
    let job = publish_one(&world, uploaded_video(&world, &page, text)).await;
    the_uploaded_video(&world, &job, text).await;
}

on_both_backends!(
    facebook_video_resumable,
    facebook_video_resumable_upload_answers_lost,
    facebook_video_resumable_finish_answer_lost,
    facebook_video_resumable_finish_refused_once,
);
