//! Instagram through Facebook Login, end to end: `GET /connect/instagram?login=facebook` sends
//! the browser to the simulated Facebook Login dialog, the completion stores the Instagram
//! account linked to the user's Page (with the Page's token), publishing goes to the Facebook
//! Graph host, and refresh and disconnect use Facebook's `fb_exchange_token` and
//! `DELETE /me/permissions`. The Instagram Login host is never called.

use reqwest::Method;
use serde_json::{Value, json};
use socialpub_domain::Platform;
use socialpub_platform_sim::seed;

use super::publish_world::{Backend, World, on_both_backends};

/// The browser's and the signed-in user's parts of connecting Instagram through Facebook
/// Login; the connections it made.
async fn connect_through_facebook(world: &World) -> Vec<Value> {
    let server = &world.server;
    let authorized = server
        .authorize_with(&server.bearer, Platform::Instagram, "?login=facebook")
        .await;
    let (status, body) = server
        .complete(&server.bearer, Platform::Instagram, &authorized)
        .await;
    assert_eq!(status, 200, "{body}");
    body["connections"].as_array().unwrap().clone()
}

fn counter(stats: &Value, name: &str) -> u64 {
    stats[name].as_u64().unwrap_or(0)
}

async fn instagram_connected_through_facebook_login(backend: Backend) {
    let world = World::start(backend).await;
    let server = &world.server;

    let (status, start) = server
        .api(Method::GET, "/connect/instagram?login=facebook")
        .await;
    assert_eq!(status, 200, "{start}");
    let url = url::Url::parse(start["authorization_url"].as_str().unwrap()).unwrap();
    assert!(
        url.path().ends_with("/dialog/oauth") && url.as_str().contains("/facebook/"),
        "the Facebook Login dialog: {url}"
    );
    let scope = url
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .unwrap()
        .1
        .into_owned();
    assert!(
        scope.contains("instagram_content_publish") && scope.contains("pages_show_list"),
        "{scope}"
    );

    let connections = connect_through_facebook(&world).await;
    assert_eq!(
        connections.len(),
        1,
        "one Page has an Instagram account: {connections:?}"
    );
    let connection = &connections[0];
    assert_eq!(connection["platform"], "instagram");
    assert_eq!(connection["login"], "facebook");
    assert_eq!(
        connection["external_user_id"],
        seed::facebook::FIRST_PAGE_INSTAGRAM_ID
    );
    assert_eq!(connection["display_name"], seed::instagram::USERNAME);
    assert!(
        connection["expires_at"].is_null(),
        "a Page token from a long-lived user token does not expire: {connection}"
    );
    assert!(
        connection["refresh_expires_at"].is_string(),
        "the user token kept to renew it does: {connection}"
    );
    let id = connection["id"].as_str().unwrap().to_owned();
    let (_, page_token) = server.stored_tokens(&id).await;
    assert!(
        page_token.expose().starts_with("EAA"),
        "a Facebook token, which the publisher sends to the Facebook host"
    );

    let job = world
        .publish(json!({
            "connection_id": id,
            "text_content": "Fresh from the oven, via the Page",
            "assets": [{"url": world.sample("sample.jpg"), "type": "image"}],
        }))
        .await;
    let job = world.settle_one(job["job_id"].as_str().unwrap()).await;
    assert_eq!(job["status"], "published", "{job}");
    let posts = world.sim_posts(Some(Platform::Instagram)).await;
    assert_eq!(posts["count"], 1, "{posts}");
    assert_eq!(posts["duplicates"], 0, "{posts}");
    assert_eq!(job["external_post_id"], posts["posts"][0]["id"], "{job}");
    assert_eq!(job["post_url"], posts["posts"][0]["url"], "{job}");
    assert!(
        job["post_url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.instagram.com/p/"),
        "{job}"
    );

    let before = server.sim_stats(Platform::Facebook).await;
    let (status, refreshed) = server
        .api(Method::POST, &format!("/connections/{id}/refresh"))
        .await;
    assert_eq!(status, 200, "{refreshed}");
    assert_eq!(refreshed["status"], "active");
    assert_eq!(refreshed["login"], "facebook");
    let after = server.sim_stats(Platform::Facebook).await;
    assert!(
        counter(&after, "access_tokens_issued") > counter(&before, "access_tokens_issued"),
        "the user token was exchanged again on Facebook: {after}"
    );

    let (status, gone) = server
        .api(Method::DELETE, &format!("/connections/{id}"))
        .await;
    assert_eq!(status, 200, "{gone}");
    assert_eq!(gone["revoked_at_platform"], true, "{gone}");
    let revoked = server.sim_stats(Platform::Facebook).await;
    assert!(
        counter(&revoked, "tokens_revoked") > counter(&after, "tokens_revoked"),
        "DELETE /me/permissions on Facebook: {revoked}"
    );

    assert_eq!(
        counter(&server.sim_stats(Platform::Instagram).await, "requests"),
        0,
        "nothing went to the Instagram Login hosts"
    );
}

on_both_backends!(instagram_connected_through_facebook_login);
