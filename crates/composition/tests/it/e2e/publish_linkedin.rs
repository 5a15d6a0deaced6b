//! LinkedIn end to end: each content kind published over HTTP through the engine on the
//! simulated LinkedIn, as the member and as the organization, ending `published` with the
//! live URL and exactly one post on the simulator; and lost commit answers reconciled
//! (a member's by LinkedIn's duplicate 422, an organization's by listing its posts) without a
//! second post.

use serde_json::{Value, json};
use socialpub_domain::Platform;

use super::publish_world::{Backend, World, on_both_backends, text_job};

/// A video of three 4 MiB upload parts (the last one short).
const VIDEO_BYTES: u64 = 9 * 1024 * 1024;

/// The member's and the organization's connection ids.
async fn linkedin(world: &World) -> (String, String) {
    let connections = world.server.connect(Platform::Linkedin).await;
    let id_of = |prefix: &str| {
        connections
            .iter()
            .find(|c| {
                c["external_user_id"]
                    .as_str()
                    .is_some_and(|u| u.starts_with(prefix))
            })
            .unwrap_or_else(|| panic!("no {prefix} connection in {connections:?}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    (id_of("urn:li:person:"), id_of("urn:li:organization:"))
}

/// Publishes every body, settles the jobs, and checks each is published with the URL and
/// id of its own post, the simulator holding exactly one post per job; returns the posts in
/// the jobs' order.
async fn publish_each(world: &World, bodies: &[Value]) -> Vec<Value> {
    let mut ids = Vec::new();
    for body in bodies {
        let job = world.publish(body.clone()).await;
        ids.push(job["job_id"].as_str().unwrap().to_owned());
    }
    let jobs = world.settle(&ids).await;
    let posts = world.sim_posts(Some(Platform::Linkedin)).await;
    assert_eq!(posts["count"], bodies.len(), "{posts}");
    assert_eq!(posts["duplicates"], 0, "{posts}");
    jobs.iter()
        .map(|job| {
            assert_eq!(job["status"], "published", "{job}");
            let post = posts["posts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["id"] == job["external_post_id"])
                .unwrap_or_else(|| panic!("no post for {job}"))
                .clone();
            assert_eq!(job["post_url"], post["url"], "{job}");
            assert!(
                job["post_url"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://www.linkedin.com/feed/update/urn:li:share:"),
                "{job}"
            );
            post
        })
        .collect()
}

async fn linkedin_text_and_article(backend: Backend) {
    let world = World::start(backend).await;
    let (member, _) = linkedin(&world).await;
    let posts = publish_each(
        &world,
        &[
            text_job(&member, "Hello LinkedIn (from Socialpub) #launch"),
            json!({
                "connection_id": member,
                "text_content": "Worth a read",
                "platform_specific_options": {
                    "article_url": "https://example.com/story",
                    "article_title": "Our story",
                    "article_thumbnail_url": world.sample("sample.jpg"),
                },
            }),
        ],
    )
    .await;
    assert_eq!(
        posts[0]["text"], r"Hello LinkedIn \(from Socialpub\) #launch",
        "sent in little-text format"
    );
    assert_eq!(posts[0]["account_id"], "urn:li:person:simMbr01Q");
    assert_eq!(posts[1]["link"], "https://example.com/story");
    assert_eq!(
        posts[1]["media_ids"].as_array().unwrap().len(),
        1,
        "thumbnail"
    );
}

async fn linkedin_image_and_multi_image(backend: Backend) {
    let world = World::start(backend).await;
    let (member, _) = linkedin(&world).await;
    let posts = publish_each(
        &world,
        &[
            json!({
                "connection_id": member,
                "text_content": "One picture",
                "assets": [{"url": world.sample("sample.jpg"), "type": "image"}],
                "platform_specific_options": {"alt_text": "A grey square"},
            }),
            json!({
                "connection_id": member,
                "text_content": "Two pictures",
                "assets": [
                    {"url": world.sample("sample.jpg"), "type": "image"},
                    {"url": world.sample("sample.png"), "type": "image"},
                ],
            }),
        ],
    )
    .await;
    assert_eq!(posts[0]["media_ids"].as_array().unwrap().len(), 1);
    assert_eq!(posts[1]["media_ids"].as_array().unwrap().len(), 2);
}

async fn linkedin_video(backend: Backend) {
    let world = World::start(backend).await;
    let (member, _) = linkedin(&world).await;
    let video = format!(
        "{}{}",
        world.server.sim,
        socialpub_platform_sim::generated_video_path(VIDEO_BYTES)
    );
    let posts = publish_each(
        &world,
        &[json!({
            "connection_id": member,
            "text_content": "A video in three parts",
            "assets": [{"url": video, "type": "video"}],
            "platform_specific_options": {"title": "Three parts"},
        })],
    )
    .await;
    let media = posts[0]["media_ids"].as_array().unwrap();
    assert_eq!(media.len(), 1);
    assert!(media[0].as_str().unwrap().starts_with("urn:li:video:"));
}

async fn linkedin_document(backend: Backend) {
    let world = World::start(backend).await;
    let (member, _) = linkedin(&world).await;
    let posts = publish_each(
        &world,
        &[json!({
            "connection_id": member,
            "text_content": "Our deck",
            "platform_specific_options": {
                "document_url": format!("{}linkedin/media/sample.pdf", world.server.sim),
                "document_title": "Q3 results",
            },
        })],
    )
    .await;
    let media = posts[0]["media_ids"].as_array().unwrap();
    assert!(media[0].as_str().unwrap().starts_with("urn:li:document:"));
}

async fn linkedin_organization_post(backend: Backend) {
    let world = World::start(backend).await;
    let (_, organization) = linkedin(&world).await;
    let posts = publish_each(
        &world,
        &[json!({
            "connection_id": organization,
            "text_content": "News from the company",
            "assets": [{"url": world.sample("sample.png"), "type": "image"}],
        })],
    )
    .await;
    assert_eq!(posts[0]["account_id"], "urn:li:organization:100000001");
}

/// The steps of a job's attempts, in order.
async fn steps(world: &World, id: &str) -> Vec<String> {
    let (_, attempts) = world.get(&format!("/jobs/{id}/attempts")).await;
    attempts["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["step"].as_str().map(str::to_owned))
        .collect()
}

/// A job whose first commit meets `fault` on the simulator; settled, it must be published
/// as the one post the simulator holds. Returns the steps its attempts took.
async fn through_a_lost_commit(
    world: &World,
    connection: &str,
    text: &str,
    fault: Value,
) -> Vec<String> {
    world.faults(Platform::Linkedin, fault).await;
    let job = world.publish(text_job(connection, text)).await;
    let id = job["job_id"].as_str().unwrap().to_owned();
    let job = world.settle_one(&id).await;
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(Some(Platform::Linkedin)).await;
    assert_eq!(posts["count"], 1, "{posts}");
    assert_eq!(job["external_post_id"], posts["posts"][0]["id"], "{job}");
    assert_eq!(job["post_url"], posts["posts"][0]["url"], "{job}");
    let steps = steps(world, &id).await;
    assert!(steps.iter().any(|s| s == "find_published"), "{steps:?}");
    steps
}

/// The post was made, its answer lost: resent, LinkedIn's duplicate 422 names it.
async fn linkedin_member_lost_commit_found_by_duplicate(backend: Backend) {
    let world = World::start(backend).await;
    let (member, _) = linkedin(&world).await;
    through_a_lost_commit(
        &world,
        &member,
        "Answer lost as a member",
        json!({"endpoint": "linkedin_create_post", "ambiguous_next": 1, "ambiguous_mode": "server_error"}),
    )
    .await;
}

/// The commit failed before anything was made: the resend makes the one post.
async fn linkedin_member_failed_commit_made_once(backend: Backend) {
    let world = World::start(backend).await;
    let (member, _) = linkedin(&world).await;
    through_a_lost_commit(
        &world,
        &member,
        "Refused once as a member",
        json!({"endpoint": "linkedin_create_post", "fail_next": 1}),
    )
    .await;
}

/// The organization's post was made, its answer broken off: found among its posts.
async fn linkedin_organization_lost_commit_found_listed(backend: Backend) {
    let world = World::start(backend).await;
    let (_, organization) = linkedin(&world).await;
    through_a_lost_commit(
        &world,
        &organization,
        "Answer lost as the organization",
        json!({"endpoint": "linkedin_create_post", "ambiguous_next": 1, "ambiguous_mode": "drop"}),
    )
    .await;
}

/// The organization's commit failed before anything was made: not listed, so committed
/// once more.
async fn linkedin_organization_failed_commit_retried_once(backend: Backend) {
    let world = World::start(backend).await;
    let (_, organization) = linkedin(&world).await;
    let job_steps = through_a_lost_commit(
        &world,
        &organization,
        "Refused once as the organization",
        json!({"endpoint": "linkedin_create_post", "fail_next": 1}),
    )
    .await;
    // The first attempt's commit failed and its lookup found nothing; the second commits.
    assert_eq!(job_steps, ["find_published", "create_post"]);
}

on_both_backends!(
    linkedin_text_and_article,
    linkedin_image_and_multi_image,
    linkedin_video,
    linkedin_document,
    linkedin_organization_post,
    linkedin_member_lost_commit_found_by_duplicate,
    linkedin_member_failed_commit_made_once,
    linkedin_organization_lost_commit_found_listed,
    linkedin_organization_failed_commit_retried_once,
);
