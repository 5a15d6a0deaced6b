//! Instagram publishing end to end: requests over HTTP, the engine driving the Instagram
//! publisher against the simulated Instagram Login host (containers, processing, quota,
//! `media_publish`), each kind ending `published` with its permalink and exactly one post on
//! the simulator; lost commit answers reconciled without a second post; a used-up quota
//! deferring the job until it frees.

use serde_json::{Value, json};
use socialpub_domain::Platform;

use super::publish_world::{Backend, World, on_both_backends};

impl World {
    /// `GET /_sim/instagram/containers`: every container the simulator made, with what was sent.
    async fn instagram_containers(&self) -> Value {
        self.server
            .http
            .get(format!("{}_sim/instagram/containers", self.server.sim))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Sets the simulated 24-hour publishing quota (`None` restores the default).
    async fn instagram_quota(&self, total: Option<u64>) {
        let status = self
            .server
            .http
            .post(format!(
                "{}_sim/instagram/publishing_quota",
                self.server.sim
            ))
            .json(&json!({ "quota_total": total }))
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success());
    }

    /// The steps of a job's attempts, in order.
    async fn steps_of(&self, id: &str) -> Vec<String> {
        let (_, attempts) = self.get(&format!("/jobs/{id}/attempts")).await;
        attempts["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["step"].as_str().map(str::to_owned))
            .collect()
    }
}

/// Publishes `body` on the connected account and waits for the job to settle.
async fn publish_one(world: &World, body: Value) -> Value {
    let job = world.publish(body).await;
    world.settle_one(job["job_id"].as_str().unwrap()).await
}

/// The one Instagram post the simulator holds, checked against the job that made it.
async fn the_post_of(world: &World, job: &Value) -> Value {
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(Some(Platform::Instagram)).await;
    assert_eq!(posts["count"], 1, "{posts}");
    assert_eq!(posts["duplicates"], 0, "{posts}");
    let post = posts["posts"][0].clone();
    assert_eq!(job["external_post_id"], post["id"], "{job}");
    assert_eq!(job["post_url"], post["url"], "{job}");
    post
}

async fn instagram_image(backend: Backend) {
    let world = World::start(backend).await;
    let ig = world.connect(Platform::Instagram).await;
    let job = publish_one(
        &world,
        json!({
            "connection_id": ig,
            "text_content": "Fresh from the oven #bakery",
            "assets": [{"url": world.sample("sample.jpg"), "type": "image"}],
            "platform_specific_options": {"alt_text": "A loaf of bread"},
        }),
    )
    .await;
    let post = the_post_of(&world, &job).await;
    assert_eq!(post["text"], "Fresh from the oven #bakery");
    assert!(
        job["post_url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.instagram.com/p/"),
        "{job}"
    );
    let containers = world.instagram_containers().await;
    assert_eq!(containers["count"], 1, "{containers}");
    assert_eq!(
        containers["containers"][0]["options"]["alt_text"],
        "A loaf of bread"
    );
}

async fn instagram_reel(backend: Backend) {
    let world = World::start(backend).await;
    let ig = world.connect(Platform::Instagram).await;
    let job = world
        .publish(json!({
            "connection_id": ig,
            "text_content": "Behind the scenes",
            "assets": [{"url": world.sample("sample.mp4"), "type": "video"}],
            "platform_specific_options": {
                "share_to_feed": true,
                "cover_url": world.sample("sample.jpg"),
            },
        }))
        .await;
    let id = job["job_id"].as_str().unwrap().to_owned();
    let job = world.settle_one(&id).await;
    let post = the_post_of(&world, &job).await;
    assert!(
        post["url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.instagram.com/reel/"),
        "{post}"
    );
    let containers = world.instagram_containers().await;
    let reel = &containers["containers"][0];
    assert_eq!(reel["media_product_type"], "REELS", "{containers}");
    assert_eq!(reel["options"]["share_to_feed"], true);
    assert_eq!(reel["options"]["cover_url"], world.sample("sample.jpg"));
    // The video processed while the job was parked, then the quota was read and it committed.
    let steps = world.steps_of(&id).await;
    assert!(steps.iter().any(|s| s == "poll_container"), "{steps:?}");
    assert!(steps.iter().any(|s| s == "fetch_permalink"), "{steps:?}");
}

async fn instagram_stories(backend: Backend) {
    let world = World::start(backend).await;
    let ig = world.connect(Platform::Instagram).await;
    let image = world
        .publish(json!({
            "connection_id": ig,
            "assets": [{"url": world.sample("sample.jpg"), "type": "image"}],
            "platform_specific_options": {"content_kind": "story"},
        }))
        .await;
    let video = world
        .publish(json!({
            "connection_id": ig,
            "assets": [{"url": world.sample("sample.mp4"), "type": "video"}],
            "platform_specific_options": {"content_kind": "story"},
        }))
        .await;
    let ids = [&image, &video].map(|j| j["job_id"].as_str().unwrap().to_owned());
    let jobs = world.settle(&ids).await;
    let posts = world.sim_posts(Some(Platform::Instagram)).await;
    assert_eq!(posts["count"], 2, "{posts}");
    assert_eq!(posts["duplicates"], 0, "{posts}");
    for job in &jobs {
        assert_eq!(job["status"], "published", "{job}");
        let url = job["post_url"].as_str().unwrap();
        assert!(
            url.starts_with("https://www.instagram.com/stories/"),
            "{job}"
        );
        assert!(
            posts["posts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == job["external_post_id"] && p["url"] == job["post_url"]),
            "{job}"
        );
    }
    let containers = world.instagram_containers().await;
    let kinds: Vec<&str> = containers["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"storyimage") && kinds.contains(&"storyvideo"),
        "{kinds:?}"
    );
}

async fn instagram_carousel(backend: Backend) {
    let world = World::start(backend).await;
    let ig = world.connect(Platform::Instagram).await;
    let job = publish_one(
        &world,
        json!({
            "connection_id": ig,
            "text_content": "Three views",
            "assets": [
                {"url": world.sample("sample.jpg"), "type": "image"},
                {"url": world.sample("sample.mp4"), "type": "video"},
                {"url": format!("{}?second", world.sample("sample.jpg")), "type": "image"},
            ],
        }),
    )
    .await;
    let post = the_post_of(&world, &job).await;
    assert_eq!(post["text"], "Three views");
    assert_eq!(post["photo_urls"].as_array().unwrap().len(), 3, "{post}");
    let containers = world.instagram_containers().await;
    let kinds: Vec<&str> = containers["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["itemimage", "itemvideo", "itemimage", "carousel"],
        "{containers}"
    );
}

async fn instagram_lost_commit_answer_is_found(backend: Backend) {
    let world = World::start(backend).await;
    let ig = world.connect(Platform::Instagram).await;
    world
        .faults(
            Platform::Instagram,
            json!({"endpoint": "instagram_media_publish", "ambiguous_next": 1, "ambiguous_mode": "drop"}),
        )
        .await;
    let job = publish_one(
        &world,
        json!({
            "connection_id": ig,
            "text_content": "Answer lost on Instagram",
            "assets": [{"url": world.sample("sample.jpg"), "type": "image"}],
        }),
    )
    .await;
    the_post_of(&world, &job).await;
    let id = job["job_id"].as_str().unwrap();
    let steps = world.steps_of(id).await;
    assert!(steps.iter().any(|s| s == "find_published"), "{steps:?}");
}

async fn instagram_commit_that_never_arrived_is_sent_once_more(backend: Backend) {
    let world = World::start(backend).await;
    let ig = world.connect(Platform::Instagram).await;
    // A 5xx before any work: the post is not made, and the engine cannot know that.
    world
        .faults(
            Platform::Instagram,
            json!({"endpoint": "instagram_media_publish", "fail_next": 1, "fail_status": 503}),
        )
        .await;
    let job = publish_one(
        &world,
        json!({
            "connection_id": ig,
            "text_content": "Nothing arrived the first time",
            "assets": [{"url": world.sample("sample.jpg"), "type": "image"}],
        }),
    )
    .await;
    the_post_of(&world, &job).await;
    let id = job["job_id"].as_str().unwrap();
    let steps = world.steps_of(id).await;
    assert!(steps.iter().any(|s| s == "find_published"), "{steps:?}");
    // The first look came too soon to tell; the second found nothing, so the same attempt
    // committed again.
    assert_eq!(job["attempts"], 2, "{job}");
}

async fn instagram_used_up_quota_defers_then_publishes(backend: Backend) {
    let world = World::start(backend).await;
    let ig = world.connect(Platform::Instagram).await;
    world.instagram_quota(Some(0)).await;
    let job = world
        .publish(json!({
            "connection_id": ig,
            "text_content": "Tomorrow's post",
            "assets": [{"url": world.sample("sample.jpg"), "type": "image"}],
        }))
        .await;
    let id = job["job_id"].as_str().unwrap().to_owned();
    world.drain().await;
    let deferred = world.job(&id).await;
    assert!(
        !super::publish_world::SETTLED.contains(&deferred["status"].as_str().unwrap()),
        "{deferred}"
    );
    assert_eq!(world.sim_posts(Some(Platform::Instagram)).await["count"], 0);
    let (_, attempts) = world.get(&format!("/jobs/{id}/attempts")).await;
    assert!(
        attempts["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["step"] == "check_quota"),
        "{attempts}"
    );
    world.instagram_quota(None).await;
    let job = world.settle_one(&id).await;
    the_post_of(&world, &job).await;
    assert_eq!(job["attempts"], 1, "a deferral spends no attempt: {job}");
}

on_both_backends!(
    instagram_image,
    instagram_reel,
    instagram_stories,
    instagram_carousel,
    instagram_lost_commit_answer_is_found,
    instagram_commit_that_never_arrived_is_sent_once_more,
    instagram_used_up_quota_defers_then_publishes,
);
