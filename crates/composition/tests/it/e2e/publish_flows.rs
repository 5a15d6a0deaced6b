//! Publishing end to end: requests over HTTP, the engine publishing on the simulated X and
//! Facebook, the job ending `published` with the live post's URL.

use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::format_description::well_known::Rfc3339;

use super::publish_world::{Backend, World, on_both_backends, text_job};

/// The one post the simulator holds, checked against the job that made it.
async fn the_post_of(world: &World, platform: Platform, job: &Value) -> Value {
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(Some(platform)).await;
    assert_eq!(posts["count"], 1, "{posts}");
    let post = posts["posts"][0].clone();
    assert_eq!(job["external_post_id"], post["id"], "{job}");
    assert_eq!(job["post_url"], post["url"], "{job}");
    post
}

async fn x_text_now(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let job = world.publish(text_job(&x, "Hello from Socialpub")).await;
    assert_eq!(job["status"], "pending");
    let job = world.settle_one(job["job_id"].as_str().unwrap()).await;
    let post = the_post_of(&world, Platform::X, &job).await;
    assert_eq!(post["text"], "Hello from Socialpub");
    assert!(job["published_at"].is_string(), "{job}");
}

async fn x_images(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let job = world
        .publish(json!({
            "connection_id": x,
            "text_content": "Two pictures",
            "assets": [
                {"url": world.sample("sample.jpg"), "type": "image"},
                {"url": world.sample("sample.png"), "type": "image"},
            ],
        }))
        .await;
    let job = world.settle_one(job["job_id"].as_str().unwrap()).await;
    let post = the_post_of(&world, Platform::X, &job).await;
    assert_eq!(post["media_ids"].as_array().unwrap().len(), 2, "{post}");
}

async fn x_video(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let job = world
        .publish(json!({
            "connection_id": x,
            "text_content": "A video, uploaded in chunks and processed",
            "assets": [{"url": world.sample("sample.mp4"), "type": "video"}],
        }))
        .await;
    let id = job["job_id"].as_str().unwrap();
    let job = world.settle_one(id).await;
    let post = the_post_of(&world, Platform::X, &job).await;
    assert_eq!(post["media_ids"].as_array().unwrap().len(), 1, "{post}");
    let (_, attempts) = world.get(&format!("/jobs/{id}/attempts")).await;
    let steps: Vec<&str> = attempts["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["step"].as_str())
        .collect();
    assert!(steps.contains(&"create_post"), "{attempts}");
}

async fn facebook_text_link_and_photo(backend: Backend) {
    let world = World::start(backend).await;
    let page = world.connect(Platform::Facebook).await;
    let text = world.publish(text_job(&page, "Page news")).await;
    let link = world
        .publish(json!({
            "connection_id": page,
            "text_content": "Read this",
            "platform_specific_options": {"link": "https://example.com/article"},
        }))
        .await;
    let photo = world
        .publish(json!({
            "connection_id": page,
            "text_content": "A photo",
            "assets": [{"url": world.sample("sample.jpg"), "type": "image"}],
        }))
        .await;
    let ids: Vec<String> = [&text, &link, &photo]
        .iter()
        .map(|j| j["job_id"].as_str().unwrap().to_owned())
        .collect();
    let jobs = world.settle(&ids).await;
    let posts = world.sim_posts(Some(Platform::Facebook)).await;
    assert_eq!(posts["count"], 3, "{posts}");
    assert_eq!(posts["duplicates"], 0);
    for job in &jobs {
        assert_eq!(job["status"], "published", "{job}");
        let post = posts["posts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == job["external_post_id"])
            .unwrap_or_else(|| panic!("no post for {job}"));
        assert_eq!(job["post_url"], post["url"]);
    }
    let by_text = |t: &str| {
        posts["posts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["text"] == t)
            .unwrap()
            .clone()
    };
    assert_eq!(by_text("Read this")["link"], "https://example.com/article");
    assert_eq!(
        by_text("A photo")["photo_urls"].as_array().unwrap().len(),
        1
    );
}

async fn scheduled_publishes_at_its_time(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let at = (world.clock_now() + time::Duration::hours(1))
        .format(&Rfc3339)
        .unwrap();
    let (status, created) = world
        .post(
            "/schedule",
            json!({
                "connection_id": x,
                "text_content": "Later",
                "schedule_time": at,
                "time_zone": "Europe/Paris",
            }),
        )
        .await;
    assert_eq!(status, 202, "{created}");
    let id = created["job_id"].as_str().unwrap().to_owned();
    assert_eq!(created["status"], "scheduled");
    assert_eq!(created["time_zone"], "Europe/Paris");

    assert_eq!(world.drain().await, 0, "nothing is due yet");
    world.advance(59 * 60).await;
    assert_eq!(world.drain().await, 0, "still a minute early");
    assert_eq!(world.sim_posts(None).await["count"], 0);

    world.advance(60).await;
    let job = world.settle_one(&id).await;
    the_post_of(&world, Platform::X, &job).await;
}

async fn one_post_to_several_connections(backend: Backend) {
    let world = World::start(backend).await;
    let x = world.connect(Platform::X).await;
    let page = world.connect(Platform::Facebook).await;
    let (status, post) = world
        .post(
            "/posts",
            json!({
                "text_content": "Everywhere at once",
                "targets": [
                    {"connection_id": x},
                    {"connection_id": page, "text_content": "Everywhere at once, longer on Facebook"},
                ],
            }),
        )
        .await;
    assert_eq!(status, 202, "{post}");
    let post_id = post["post_id"].as_str().unwrap().to_owned();
    let ids: Vec<String> = post["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["job_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    world.settle(&ids).await;

    let (status, post) = world.get(&format!("/posts/{post_id}")).await;
    assert_eq!(status, 200, "{post}");
    assert_eq!(post["state"], "published", "{post}");
    let x_posts = world.sim_posts(Some(Platform::X)).await;
    let fb_posts = world.sim_posts(Some(Platform::Facebook)).await;
    assert_eq!(x_posts["posts"][0]["text"], "Everywhere at once");
    assert_eq!(
        fb_posts["posts"][0]["text"],
        "Everywhere at once, longer on Facebook"
    );
    assert_eq!(x_posts["count"], 1);
    assert_eq!(fb_posts["count"], 1);
}

impl World {
    pub fn clock_now(&self) -> time::OffsetDateTime {
        socialpub_ports::Clock::now(self.clock.as_ref())
    }
}

on_both_backends!(
    x_text_now,
    x_images,
    x_video,
    facebook_text_link_and_photo,
    scheduled_publishes_at_its_time,
    one_post_to_several_connections,
);
