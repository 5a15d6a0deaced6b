//! Pinterest end to end: image, carousel and video pins published on the simulated Pinterest
//! through the HTTP API and the engine, each ending `published` with the pin's URL and the
//! simulator holding exactly one pin; a lost answer to `POST /v5/pins` reconciled from the
//! board, whether the pin was made or not, never pinned twice. Plus the boards route the web
//! app offers the user's boards from.

use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_domain::Platform;
use socialpub_platform_sim::seed;

use super::publish_world::{Backend, World, on_both_backends};

const BOARD: &str = seed::pinterest::BOARDS[0].0;

/// The job's one pin on the simulator, checked against the job.
async fn the_pin_of(world: &World, job: &Value) -> Value {
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(Some(Platform::Pinterest)).await;
    assert_eq!(posts["count"], 1, "{posts}");
    assert_eq!(posts["duplicates"], 0, "{posts}");
    let pin = posts["posts"][0].clone();
    assert_eq!(job["external_post_id"], pin["id"], "{job}");
    assert_eq!(
        job["post_url"],
        format!(
            "https://www.pinterest.com/pin/{}/",
            pin["id"].as_str().unwrap()
        ),
        "{job}"
    );
    assert_eq!(job["post_url"], pin["url"], "{job}");
    pin
}

async fn publish_pin(
    world: &World,
    connection: &str,
    text: &str,
    assets: Value,
    options: Value,
) -> Value {
    let mut options = options;
    options["board_id"] = json!(BOARD);
    let job = world
        .publish(json!({
            "connection_id": connection,
            "text_content": text,
            "assets": assets,
            "platform_specific_options": options,
        }))
        .await;
    world.settle_one(job["job_id"].as_str().unwrap()).await
}

async fn steps_of(world: &World, job: &Value) -> Vec<String> {
    let id = job["id"].as_str().or(job["job_id"].as_str()).unwrap();
    let (_, attempts) = world.get(&format!("/jobs/{id}/attempts")).await;
    attempts["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["step"].as_str().map(str::to_owned))
        .collect()
}

async fn pinterest_image_pin(backend: Backend) {
    let world = World::start(backend).await;
    let pinterest = world.connect(Platform::Pinterest).await;
    let job = publish_pin(
        &world,
        &pinterest,
        "Fresh sourdough #baking",
        json!([{"url": world.sample("sample.jpg"), "type": "image"}]),
        json!({"title": "Sourdough", "link": "https://bakery.example/sourdough"}),
    )
    .await;
    let pin = the_pin_of(&world, &job).await;
    assert_eq!(pin["text"], "Fresh sourdough #baking");
    assert_eq!(pin["link"], "https://bakery.example/sourdough");
    assert_eq!(pin["photo_urls"], json!([world.sample("sample.jpg")]));
}

async fn pinterest_carousel_pin(backend: Backend) {
    let world = World::start(backend).await;
    let pinterest = world.connect(Platform::Pinterest).await;
    let images = [
        world.sample("sample.png"),
        format!("{}?copy=2", world.sample("sample.png")),
    ];
    let job = publish_pin(
        &world,
        &pinterest,
        "Two of a kind",
        json!([
            {"url": images[0], "type": "image"},
            {"url": images[1], "type": "image"},
        ]),
        json!({}),
    )
    .await;
    let pin = the_pin_of(&world, &job).await;
    assert_eq!(pin["photo_urls"], json!(images));
}

async fn pinterest_video_pin(backend: Backend) {
    let world = World::start(backend).await;
    let pinterest = world.connect(Platform::Pinterest).await;
    let job = publish_pin(
        &world,
        &pinterest,
        "Kneading, in real time",
        json!([{"url": world.sample("sample.mp4"), "type": "video"}]),
        json!({"cover_image_url": world.sample("sample.jpg")}),
    )
    .await;
    let pin = the_pin_of(&world, &job).await;
    assert_eq!(pin["media_ids"].as_array().unwrap().len(), 1, "{pin}");
    let steps = steps_of(&world, &job).await;
    // The video was uploaded (the simulator only processes uploaded files), processed while
    // the job was parked, then pinned.
    for step in ["media_status", "create_pin"] {
        assert!(steps.iter().any(|s| s == step), "{step} missing: {steps:?}");
    }
}

/// The pin is made, then the answer is lost: the board shows it, so the job takes it.
async fn pinterest_lost_answer_found_on_the_board(backend: Backend) {
    let world = World::start(backend).await;
    let pinterest = world.connect(Platform::Pinterest).await;
    world
        .faults(
            Platform::Pinterest,
            json!({"endpoint": "pinterest_create_pin", "ambiguous_next": 1, "ambiguous_mode": "server_error"}),
        )
        .await;
    let job = publish_pin(
        &world,
        &pinterest,
        "Answer lost, pin made",
        json!([{"url": world.sample("sample.jpg"), "type": "image"}]),
        json!({}),
    )
    .await;
    the_pin_of(&world, &job).await;
    let steps = steps_of(&world, &job).await;
    assert_eq!(steps, ["find_published"], "found, not created again");
}

/// The connection breaks before Pinterest does anything: the board does not show the pin,
/// so it is created once more, and only once.
async fn pinterest_lost_request_not_found_is_retried_once(backend: Backend) {
    let world = World::start(backend).await;
    let pinterest = world.connect(Platform::Pinterest).await;
    world
        .faults(
            Platform::Pinterest,
            json!({"endpoint": "pinterest_create_pin", "timeout_next": 1, "hang_ms": 50}),
        )
        .await;
    let job = publish_pin(
        &world,
        &pinterest,
        "Answer lost, no pin",
        json!([{"url": world.sample("sample.jpg"), "type": "image"}]),
        json!({}),
    )
    .await;
    the_pin_of(&world, &job).await;
    let steps = steps_of(&world, &job).await;
    assert_eq!(
        steps,
        ["find_published", "create_pin"],
        "looked for, then created once more"
    );
}

async fn pinterest_boards_of_the_users_own_connection(backend: Backend) {
    let world = World::start(backend).await;
    let pinterest = world.connect(Platform::Pinterest).await;
    let (status, boards) = world.get(&format!("/connections/{pinterest}/boards")).await;
    assert_eq!(status, StatusCode::OK, "{boards}");
    let ids: Vec<&str> = boards["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&BOARD), "{boards}");
    assert_eq!(boards["items"][0]["name"], seed::pinterest::BOARDS[0].1);

    // Another user's connection is not found; a connection of another platform has no boards.
    let (status, body) = {
        let (status, _, body) = world
            .send_as(
                &world.user(2),
                reqwest::Method::GET,
                &format!("/connections/{pinterest}/boards"),
                None,
                None,
            )
            .await;
        (status, body)
    };
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let x = world.connect(Platform::X).await;
    let (status, body) = world.get(&format!("/connections/{x}/boards")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "boards_not_supported", "{body}");
}

on_both_backends!(
    pinterest_image_pin,
    pinterest_carousel_pin,
    pinterest_video_pin,
    pinterest_lost_answer_found_on_the_board,
    pinterest_lost_request_not_found_is_retried_once,
    pinterest_boards_of_the_users_own_connection,
);
