//! TikTok end to end: requests over HTTP, the engine publishing to the simulated TikTok
//! (creator info, the chunked upload or a pull, photo posts, status polling), each job ending
//! `published` with the live URL and the simulator holding exactly one post per job. An
//! unanswered commit is reconciled by its publish id, never repeated blindly.

use serde_json::{Value, json};
use socialpub_domain::Platform;

use super::publish_world::{Backend, World, on_both_backends};

/// A world whose TikTok app is audited (so posts may be public).
async fn audited(backend: Backend) -> World {
    World::start_with(backend, |raw| {
        raw.tiktok_app_audited = Some("true".into());
    })
    .await
}

fn video(world: &World, connection: &str, text: &str, options: Value) -> Value {
    json!({
        "connection_id": connection,
        "text_content": text,
        "assets": [{"url": world.sample("sample.mp4"), "type": "video"}],
        "platform_specific_options": options,
    })
}

/// The job's one post on the simulator, with the same id and URL.
async fn the_post_of(world: &World, job: &Value) -> Value {
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(Some(Platform::Tiktok)).await;
    assert_eq!(posts["count"], 1, "{posts}");
    assert_eq!(posts["duplicates"], 0, "{posts}");
    let post = posts["posts"][0].clone();
    assert_eq!(job["external_post_id"], post["id"], "{job}");
    assert_eq!(job["post_url"], post["url"], "{job}");
    post
}

async fn steps_of(world: &World, id: &str) -> Vec<String> {
    let (_, attempts) = world.get(&format!("/jobs/{id}/attempts")).await;
    attempts["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["step"].as_str().map(str::to_owned))
        .collect()
}

async fn tiktok_video_uploaded_in_chunks(backend: Backend) {
    let world = audited(backend).await;
    let tiktok = world.connect(Platform::Tiktok).await;
    let job = world
        .publish(video(
            &world,
            &tiktok,
            "A video, uploaded in chunks #socialpub",
            json!({"privacy_level": "PUBLIC_TO_EVERYONE"}),
        ))
        .await;
    let job = world.settle_one(job["job_id"].as_str().unwrap()).await;
    let post = the_post_of(&world, &job).await;
    assert_eq!(post["text"], "A video, uploaded in chunks #socialpub");
    let url = job["post_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://www.tiktok.com/@socialpub.sim/video/"),
        "{url}"
    );
}

async fn tiktok_video_pulled_from_its_url(backend: Backend) {
    let world = audited(backend).await;
    let tiktok = world.connect(Platform::Tiktok).await;
    let job = world
        .publish(video(
            &world,
            &tiktok,
            "Pulled by TikTok",
            json!({"privacy_level": "FOLLOWER_OF_CREATOR", "video_source": "PULL_FROM_URL"}),
        ))
        .await;
    let job = world.settle_one(job["job_id"].as_str().unwrap()).await;
    let post = the_post_of(&world, &job).await;
    assert_eq!(post["photo_urls"][0], world.sample("sample.mp4"));
}

async fn tiktok_photo_posts(backend: Backend) {
    let world = audited(backend).await;
    let tiktok = world.connect(Platform::Tiktok).await;
    let jpg = world.sample("sample.jpg");
    let one = world
        .publish(json!({
            "connection_id": tiktok,
            "text_content": "One photo",
            "assets": [{"url": jpg, "type": "image"}],
            "platform_specific_options": {"privacy_level": "PUBLIC_TO_EVERYONE", "title": "Photo"},
        }))
        .await;
    let two = world
        .publish(json!({
            "connection_id": tiktok,
            "text_content": "Two photos",
            "assets": [{"url": jpg, "type": "image"}, {"url": format!("{jpg}?second"), "type": "image"}],
            "platform_specific_options": {"privacy_level": "MUTUAL_FOLLOW_FRIENDS", "photo_cover_index": 1},
        }))
        .await;
    let ids = [&one, &two].map(|j| j["job_id"].as_str().unwrap().to_owned());
    let jobs = world.settle(&ids).await;
    let posts = world.sim_posts(Some(Platform::Tiktok)).await;
    assert_eq!(posts["count"], 2, "{posts}");
    for (job, photos) in jobs.iter().zip([1, 2]) {
        assert_eq!(job["status"], "published", "{job}");
        let post = posts["posts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == job["external_post_id"])
            .unwrap_or_else(|| panic!("no post for {job}"));
        assert_eq!(job["post_url"], post["url"]);
        assert!(
            post["url"]
                .as_str()
                .unwrap()
                .starts_with("https://www.tiktok.com/@socialpub.sim/photo/")
        );
        assert_eq!(post["photo_urls"].as_array().unwrap().len(), photos);
    }
}

/// An app TikTok has not audited posts privately: no public id, so no URL, published under
/// its publish id.
async fn tiktok_private_post_from_an_unaudited_app(backend: Backend) {
    let world = World::start(backend).await;
    let tiktok = world.connect(Platform::Tiktok).await;
    let public = world
        .post(
            "/publish",
            video(
                &world,
                &tiktok,
                "Not yet",
                json!({"privacy_level": "PUBLIC_TO_EVERYONE"}),
            ),
        )
        .await
        .1;
    let public = world.settle_one(public["job_id"].as_str().unwrap()).await;
    assert_eq!(public["status"], "failed", "{public}");
    assert_eq!(public["user_action"], "edit_content", "{public}");
    assert!(
        public["error_message"]
            .as_str()
            .unwrap()
            .contains("TIKTOK_APP_AUDITED"),
        "{public}"
    );
    assert_eq!(world.sim_posts(Some(Platform::Tiktok)).await["count"], 0);

    let job = world
        .publish(video(
            &world,
            &tiktok,
            "Only for me",
            json!({"privacy_level": "SELF_ONLY"}),
        ))
        .await;
    let job = world.settle_one(job["job_id"].as_str().unwrap()).await;
    assert_eq!(job["status"], "published", "{job}");
    assert!(job["post_url"].is_null(), "{job}");
    assert!(
        job["external_post_id"]
            .as_str()
            .unwrap()
            .starts_with("v_pub_file~"),
        "{job}"
    );
    let posts = world.sim_posts(Some(Platform::Tiktok)).await;
    assert_eq!(posts["count"], 1, "{posts}");
}

/// The last chunk arrives and the post is made, but the answer is lost: the publish id finds
/// it.
async fn tiktok_lost_commit_answer_is_found(backend: Backend) {
    let world = audited(backend).await;
    let tiktok = world.connect(Platform::Tiktok).await;
    world
        .faults(
            Platform::Tiktok,
            json!({"endpoint": "tiktok_upload", "ambiguous_next": 1, "ambiguous_mode": "server_error"}),
        )
        .await;
    let job = world
        .publish(video(
            &world,
            &tiktok,
            "Answer lost",
            json!({"privacy_level": "PUBLIC_TO_EVERYONE"}),
        ))
        .await;
    let id = job["job_id"].as_str().unwrap();
    let job = world.settle_one(id).await;
    the_post_of(&world, &job).await;
    assert!(job["post_url"].is_string(), "{job}");
    let steps = steps_of(&world, id).await;
    assert!(steps.contains(&"find_published".to_owned()), "{steps:?}");
}

/// The last chunk is refused with a 5xx and nothing is made: once the lookup shows the upload
/// incomplete, the upload is redone once, and the simulator holds one post.
async fn tiktok_unanswered_commit_not_made_is_retried_once(backend: Backend) {
    let world = audited(backend).await;
    let tiktok = world.connect(Platform::Tiktok).await;
    world
        .faults(
            Platform::Tiktok,
            json!({"endpoint": "tiktok_upload", "fail_next": 1}),
        )
        .await;
    let job = world
        .publish(video(
            &world,
            &tiktok,
            "Second time lucky",
            json!({"privacy_level": "PUBLIC_TO_EVERYONE"}),
        ))
        .await;
    let id = job["job_id"].as_str().unwrap();
    let job = world.settle_one(id).await;
    the_post_of(&world, &job).await;
    let steps = steps_of(&world, id).await;
    assert!(steps.contains(&"find_published".to_owned()), "{steps:?}");
    // The last chunk was refused once, then sent once more.
    let stats = world.sim_state().await["platforms"]["tiktok"].clone();
    assert_eq!(stats["injected_failures"], 1, "{stats}");
    assert_eq!(stats["posts_published"], 1, "{stats}");
}

impl World {
    /// `GET /_sim/state`.
    async fn sim_state(&self) -> Value {
        self.server
            .http
            .get(format!("{}_sim/state", self.server.sim))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

async fn tiktok_publishing_switched_off_is_refused(backend: Backend) {
    let world = World::start_with(backend, |raw| {
        raw.enable_tiktok_publishing = Some("false".into());
    })
    .await;
    let tiktok = world.connect(Platform::Tiktok).await;
    let (status, body) = world
        .post(
            "/publish",
            video(
                &world,
                &tiktok,
                "Nope",
                json!({"privacy_level": "SELF_ONLY"}),
            ),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "publishing_disabled", "{body}");
    assert_eq!(body["field"], "connection_id", "{body}");
    assert_eq!(world.sim_posts(None).await["count"], 0);
}

on_both_backends!(
    tiktok_video_uploaded_in_chunks,
    tiktok_video_pulled_from_its_url,
    tiktok_photo_posts,
    tiktok_private_post_from_an_unaudited_app,
    tiktok_lost_commit_answer_is_found,
    tiktok_unanswered_commit_not_made_is_retried_once,
    tiktok_publishing_switched_off_is_refused,
);
