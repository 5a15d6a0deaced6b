//! Instagram publishing on the simulator: containers checked as Instagram checks them, video
//! processing on the simulator's clock, one publish per container, the 24-hour quota,
//! listings without captions, and an ambiguous commit.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use socialpub_platform_sim::{Platform, SampleMedia, seed};

use crate::common::{
    Sim, authorize_redirect, authorize_url, connect, exchange, facebook_page_token, start,
};

const I: Platform = Platform::Instagram;
const IG: &str = seed::instagram::IG_USER_ID;

async fn graph(
    sim: &Sim,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = sim
        .http
        .request(method, sim.api(I, path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn create(sim: &Sim, token: &str, body: Value) -> (StatusCode, Value) {
    graph(
        sim,
        token,
        Method::POST,
        &format!("v25.0/{IG}/media"),
        Some(body),
    )
    .await
}

async fn status_code(sim: &Sim, token: &str, container: &str) -> Value {
    let (code, status) = graph(
        sim,
        token,
        Method::GET,
        &format!("v25.0/{container}?fields=status_code,status"),
        None,
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{status}");
    status
}

async fn publish(sim: &Sim, token: &str, container: &str) -> (StatusCode, Value) {
    graph(
        sim,
        token,
        Method::POST,
        &format!("v25.0/{IG}/media_publish"),
        Some(json!({ "creation_id": container })),
    )
    .await
}

fn subcode(error: &Value) -> Option<i64> {
    error["error"]["error_subcode"].as_i64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_is_published_once_with_a_permalink_and_listed_without_caption() {
    let sim = start(true);
    let token = connect(&sim, I).await.access;
    let jpeg = sim.handle.sample_media_url(SampleMedia::Jpeg).to_string();
    let (code, created) = create(&sim, &token, json!({"image_url": jpeg, "caption": "Hi"})).await;
    assert_eq!(code, StatusCode::OK, "{created}");
    let container = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        status_code(&sim, &token, &container).await["status_code"],
        "FINISHED"
    );
    let (code, published) = publish(&sim, &token, &container).await;
    assert_eq!(code, StatusCode::OK, "{published}");
    let media = published["id"].as_str().unwrap().to_owned();
    assert_eq!(
        status_code(&sim, &token, &container).await["status_code"],
        "PUBLISHED"
    );
    let (code, again) = publish(&sim, &token, &container).await;
    assert_eq!(
        code,
        StatusCode::BAD_REQUEST,
        "a container publishes once: {again}"
    );

    let (_, object) = graph(
        &sim,
        &token,
        Method::GET,
        &format!("v25.0/{media}?fields=id,permalink,media_type,caption"),
        None,
    )
    .await;
    assert_eq!(object["media_type"], "IMAGE");
    assert!(
        object["permalink"]
            .as_str()
            .unwrap()
            .starts_with("https://www.instagram.com/p/")
    );
    assert!(
        object.get("caption").is_none(),
        "no caption read-back: {object}"
    );

    let (_, listed) = graph(
        &sim,
        &token,
        Method::GET,
        &format!("v25.0/{IG}/media?fields=id,media_type,timestamp&limit=10"),
        None,
    )
    .await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed["data"][0]["id"], media.as_str());
    let posts = sim.http.get(sim.admin("_sim/posts")).send().await.unwrap();
    let posts: Value = posts.json().await.unwrap();
    assert_eq!(posts["count"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn containers_are_checked_as_instagram_checks_them() {
    let sim = start(true);
    let token = connect(&sim, I).await.access;
    let png = sim.handle.sample_media_url(SampleMedia::Png).to_string();
    let mp4 = sim.handle.sample_media_url(SampleMedia::Mp4).to_string();
    let (code, error) = create(&sim, &token, json!({ "image_url": png })).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(subcode(&error), Some(2_207_005), "PNG is refused: {error}");
    let (code, error) = create(
        &sim,
        &token,
        json!({"media_type": "VIDEO", "video_url": mp4}),
    )
    .await;
    assert_eq!(
        code,
        StatusCode::BAD_REQUEST,
        "feed videos are reels: {error}"
    );
    let (code, error) = create(
        &sim,
        &token,
        json!({"media_type": "CAROUSEL", "children": "1"}),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(subcode(&error), Some(2_207_028), "{error}");
    let (code, error) = create(
        &sim,
        &token,
        json!({"image_url": "https://cdn.example.com/a.jpg", "caption": "x".repeat(2201)}),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(subcode(&error), Some(2_207_010), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_processes_on_the_clock_and_cannot_be_published_before() {
    let sim = start(true);
    let token = connect(&sim, I).await.access;
    let mp4 = sim.handle.sample_media_url(SampleMedia::Mp4).to_string();
    let (_, created) = create(
        &sim,
        &token,
        json!({"media_type": "REELS", "video_url": mp4}),
    )
    .await;
    let reel = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        status_code(&sim, &token, &reel).await["status_code"],
        "IN_PROGRESS"
    );
    let (code, error) = publish(&sim, &token, &reel).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(subcode(&error), Some(2_207_027), "{error}");
    sim.knobs(json!({"advance_clock_seconds": 30})).await;
    assert_eq!(
        status_code(&sim, &token, &reel).await["status_code"],
        "FINISHED"
    );

    let (_, created) = create(
        &sim,
        &token,
        json!({"media_type": "REELS", "video_url": "https://cdn.example.com/clip.avi"}),
    )
    .await;
    let broken = created["id"].as_str().unwrap().to_owned();
    sim.knobs(json!({"advance_clock_seconds": 30})).await;
    let status = status_code(&sim, &token, &broken).await;
    assert_eq!(status["status_code"], "ERROR");
    assert!(
        status["status"].as_str().unwrap().ends_with("2207026"),
        "{status}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quota_is_read_and_enforced() {
    let sim = start(true);
    let token = connect(&sim, I).await.access;
    let set = sim
        .http
        .post(sim.admin("_sim/instagram/publishing_quota"))
        .json(&json!({"quota_total": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    let jpeg = sim.handle.sample_media_url(SampleMedia::Jpeg).to_string();
    let mut containers = Vec::new();
    for _ in 0..2 {
        let (_, created) = create(&sim, &token, json!({ "image_url": jpeg })).await;
        containers.push(created["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        publish(&sim, &token, &containers[0]).await.0,
        StatusCode::OK
    );
    let (_, limit) = graph(
        &sim,
        &token,
        Method::GET,
        &format!("v25.0/{IG}/content_publishing_limit?fields=quota_usage,config"),
        None,
    )
    .await;
    assert_eq!(
        limit,
        json!({"data": [{"quota_usage": 1, "config": {"quota_total": 1, "quota_duration": 86400}}]})
    );
    let (code, error) = publish(&sim, &token, &containers[1]).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], 9);
    assert_eq!(subcode(&error), Some(2_207_042), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ambiguous_commit_publishes_and_loses_the_answer() {
    let sim = start(true);
    let token = connect(&sim, I).await.access;
    sim.knobs(json!({"platform": "instagram", "faults": {
        "endpoint": "instagram_media_publish", "ambiguous_next": 1, "ambiguous_mode": "server_error"
    }}))
    .await;
    let jpeg = sim.handle.sample_media_url(SampleMedia::Jpeg).to_string();
    let (_, created) = create(&sim, &token, json!({ "image_url": jpeg })).await;
    let container = created["id"].as_str().unwrap().to_owned();
    let (code, _) = publish(&sim, &token, &container).await;
    assert_eq!(code, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        status_code(&sim, &token, &container).await["status_code"],
        "PUBLISHED",
        "the post was made all the same"
    );
}

/// A short-lived user token from a Facebook Login grant with the Instagram permissions.
async fn instagram_user_token(sim: &Sim) -> String {
    let mut url = authorize_url(sim, Platform::Facebook, "st-ig-fb");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "scope" {
                "pages_show_list,pages_read_engagement,instagram_basic,instagram_content_publish"
                    .to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let params = authorize_redirect(sim, url).await;
    let response = exchange(sim, Platform::Facebook, params.get("code").unwrap()).await;
    let short: Value = response.json().await.unwrap();
    short["access_token"].as_str().unwrap().to_owned()
}

/// `GET /me/accounts` on the Facebook host with `fields`.
async fn pages(sim: &Sim, user_token: &str, fields: &str) -> Value {
    sim.http
        .get(sim.api(Platform::Facebook, "v25.0/me/accounts"))
        .query(&[("access_token", user_token), ("fields", fields)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The first Page's token from a Facebook Login grant with the Instagram permissions.
async fn linked_page_token(sim: &Sim) -> String {
    let user = instagram_user_token(sim).await;
    let accounts = pages(sim, &user, "id,access_token").await;
    let page = &accounts["data"][0];
    assert_eq!(page["id"], seed::facebook::PAGES[0].0, "{accounts}");
    page["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facebook_login_finds_the_instagram_account_linked_to_the_first_page() {
    let sim = start(true);
    let user = instagram_user_token(&sim).await;
    let accounts = pages(
        &sim,
        &user,
        "id,name,access_token,tasks,instagram_business_account",
    )
    .await;
    let data = accounts["data"].as_array().unwrap();
    assert_eq!(data.len(), seed::facebook::PAGES.len(), "{accounts}");
    assert_eq!(
        data[0]["instagram_business_account"]["id"], IG,
        "{accounts}"
    );
    assert!(
        data[1].get("instagram_business_account").is_none(),
        "the second Page has no Instagram account: {accounts}"
    );

    let profile = |token: String| {
        let sim = &sim;
        async move {
            let response = sim
                .http
                .get(sim.api(Platform::Facebook, &format!("v25.0/{IG}")))
                .query(&[("fields", "id,username,name")])
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let linked = data[0]["access_token"].as_str().unwrap().to_owned();
    let (status, account) = profile(linked).await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(account["id"], IG);
    assert_eq!(account["username"], seed::instagram::USERNAME);
    let other = data[1]["access_token"].as_str().unwrap().to_owned();
    let (status, refused) = profile(other).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"]["code"], 200, "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facebook_login_publishes_on_the_facebook_host_and_reads_captions_back() {
    let sim = start(true);
    let page = linked_page_token(&sim).await;
    let jpeg = sim.handle.sample_media_url(SampleMedia::Jpeg).to_string();
    let on_facebook = |path: &str| sim.api(Platform::Facebook, path);
    let created: Value = sim
        .http
        .post(on_facebook(&format!("v25.0/{IG}/media")))
        .bearer_auth(&page)
        .json(&json!({"image_url": jpeg, "caption": "Via the Page"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let container = created["id"].as_str().unwrap();
    let published: Value = sim
        .http
        .post(on_facebook(&format!("v25.0/{IG}/media_publish")))
        .bearer_auth(&page)
        .json(&json!({ "creation_id": container }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let media = published["id"].as_str().unwrap();
    let listed: Value = sim
        .http
        .get(on_facebook(&format!(
            "v25.0/{IG}/media?fields=id,caption,media_product_type"
        )))
        .bearer_auth(&page)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["data"],
        json!([{"id": media, "caption": "Via the Page", "media_product_type": "FEED"}])
    );
    // An Instagram Login call with a Facebook token is refused: the hosts do not mix.
    let (code, _) = graph(
        &sim,
        &page,
        Method::GET,
        &format!("v25.0/{IG}/media?fields=id"),
        None,
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_token_without_the_instagram_permission_is_refused() {
    let sim = start(true);
    let (_, page) = facebook_page_token(&sim).await;
    let jpeg = sim.handle.sample_media_url(SampleMedia::Jpeg).to_string();
    let response = sim
        .http
        .post(sim.api(Platform::Facebook, &format!("v25.0/{IG}/media")))
        .bearer_auth(&page)
        .json(&json!({ "image_url": jpeg }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], 10, "{error}");
}
