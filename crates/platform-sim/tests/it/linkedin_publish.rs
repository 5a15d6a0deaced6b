//! LinkedIn publishing on the simulator: `POST /rest/posts` and its checks (versioning
//! headers, little text, duplicates), the Images/Videos/Documents upload flows, the `q=author`
//! finder's scopes, and an ambiguous commit.

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use socialpub_platform_sim::{Platform, seed};

use crate::common::{Sim, connect, start};

const LI: Platform = Platform::Linkedin;

fn member() -> String {
    format!("urn:li:person:{}", seed::linkedin::SUB)
}

fn rest(sim: &Sim, token: &str, verb: Method, path: &str) -> RequestBuilder {
    sim.http
        .request(verb, sim.api(LI, path))
        .bearer_auth(token)
        .header("LinkedIn-Version", "202609")
        .header("X-Restli-Protocol-Version", "2.0.0")
}

fn post(author: &str, commentary: &str, content: Option<Value>) -> Value {
    let mut body = json!({
        "author": author,
        "commentary": commentary,
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": false,
    });
    if let Some(content) = content {
        body["content"] = content;
    }
    body
}

async fn create(sim: &Sim, token: &str, body: &Value) -> (StatusCode, Option<String>, Value) {
    let response = rest(sim, token, Method::POST, "rest/posts")
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let urn = response
        .headers()
        .get("x-restli-id")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, urn, response.json().await.unwrap_or(Value::Null))
}

async fn initialize(sim: &Sim, token: &str, resource: &str, request: Value) -> Value {
    let response = rest(sim, token, Method::POST, &format!("rest/{resource}"))
        .query(&[("action", "initializeUpload")])
        .json(&json!({ "initializeUploadRequest": request }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["value"].clone()
}

async fn post_count(sim: &Sim) -> u64 {
    let posts: Value = sim
        .http
        .get(sim.admin("_sim/posts?platform=linkedin"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    posts["count"].as_u64().unwrap()
}

#[tokio::test]
async fn a_post_is_named_by_x_restli_id_and_its_duplicate_by_the_422() {
    let sim = start(true);
    let token = connect(&sim, LI).await.access;
    let body = post(&member(), r"Hello \(world\) #launch", None);
    let (status, urn, _) = create(&sim, &token, &body).await;
    assert_eq!(status, StatusCode::CREATED);
    let urn = urn.unwrap();
    assert!(urn.starts_with("urn:li:share:"), "{urn}");
    let (status, _, error) = create(&sim, &token, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["message"], format!("Content is a duplicate of {urn}"));
    assert_eq!(post_count(&sim).await, 1);
}

#[tokio::test]
async fn posts_are_checked_as_linkedin_checks_them() {
    let sim = start(true);
    let token = connect(&sim, LI).await.access;
    let no_version = sim
        .http
        .post(sim.api(LI, "rest/posts"))
        .bearer_auth(&token)
        .json(&post(&member(), "Hi", None))
        .send()
        .await
        .unwrap();
    assert_eq!(no_version.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        no_version.json::<Value>().await.unwrap()["code"],
        "VERSION_MISSING"
    );
    let cases = [
        (
            post(&member(), "Hi (there)", None),
            "INVALID_VALUE_FOR_FIELD",
        ),
        (post(&member(), "  ", None), "INVALID_VALUE_BLANK_FIELD"),
        (
            post(&member(), &"a".repeat(3001), None),
            "FIELD_LENGTH_TOO_LONG",
        ),
        (
            post(
                &member(),
                "Ghost",
                Some(json!({"media": {"id": "urn:li:image:nope"}})),
            ),
            "INVALID_URN_ID",
        ),
    ];
    for (body, code) in cases {
        let (status, _, error) = create(&sim, &token, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error["code"], code, "{error}");
    }
    let (status, _, _) = create(&sim, &token, &post("urn:li:person:someoneElse", "Hi", None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(post_count(&sim).await, 0);
}

#[tokio::test]
async fn a_video_goes_up_in_parts_is_finalized_by_etags_and_processed_before_posting() {
    let sim = start(true);
    let token = connect(&sim, LI).await.access;
    let size: u64 = 5 * 1024 * 1024;
    let value = initialize(
        &sim,
        &token,
        "videos",
        json!({"owner": member(), "fileSizeBytes": size, "uploadCaptions": false, "uploadThumbnail": false}),
    )
    .await;
    let video = value["video"].as_str().unwrap().to_owned();
    let parts = value["uploadInstructions"].as_array().unwrap().clone();
    assert_eq!(parts.len(), 2);
    let mut etags = Vec::new();
    for part in &parts {
        let len = part["lastByte"].as_u64().unwrap() - part["firstByte"].as_u64().unwrap() + 1;
        let response = sim
            .http
            .put(part["uploadUrl"].as_str().unwrap())
            .body(vec![7_u8; len as usize])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        etags.push(response.headers()["etag"].to_str().unwrap().to_owned());
    }
    let finalize = |ids: Vec<String>| {
        rest(&sim, &token, Method::POST, "rest/videos")
            .query(&[("action", "finalizeUpload")])
            .json(&json!({"finalizeUploadRequest": {"video": video, "uploadToken": "", "uploadedPartIds": ids}}))
    };
    let mut reversed = etags.clone();
    reversed.reverse();
    let wrong = finalize(reversed).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let done = finalize(etags).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);

    let body = post(&member(), "Video", Some(json!({"media": {"id": video}})));
    let (status, _, error) = create(&sim, &token, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["code"], "MEDIA_ASSET_WAITING_UPLOAD");
    let encoded = video.replace(':', "%3A");
    let mut seen = Vec::new();
    for _ in 0..2 {
        let state: Value = rest(&sim, &token, Method::GET, &format!("rest/videos/{encoded}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen.push(state["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen, ["PROCESSING", "AVAILABLE"]);
    let (status, _, _) = create(&sim, &token, &body).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_document_needs_an_office_type_and_a_title() {
    let sim = start(true);
    let token = connect(&sim, LI).await.access;
    let value = initialize(&sim, &token, "documents", json!({"owner": member()})).await;
    let document = value["document"].as_str().unwrap().to_owned();
    let upload = value["uploadUrl"].as_str().unwrap().to_owned();
    let put = |content_type: &str| {
        sim.http
            .put(&upload)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(b"%PDF-1.4".to_vec())
    };
    assert_eq!(
        put("image/jpeg").send().await.unwrap().status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        put("application/pdf").send().await.unwrap().status(),
        StatusCode::CREATED
    );
    let untitled = post(&member(), "Deck", Some(json!({"media": {"id": document}})));
    let (status, _, error) = create(&sim, &token, &untitled).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["code"], "MISSING_FIELD");
    let titled = post(
        &member(),
        "Deck",
        Some(json!({"media": {"id": document, "title": "Q3"}})),
    );
    assert_eq!(create(&sim, &token, &titled).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn only_an_organization_with_the_read_scope_lists_its_posts() {
    let sim = start(true);
    // The test connect flow asks for no r_organization_social.
    let token = connect(&sim, LI).await.access;
    let organization = format!("urn:li:organization:{}", seed::linkedin::ORGANIZATION_ID);
    for author in [member(), organization] {
        let response = rest(&sim, &token, Method::GET, "rest/posts")
            .header("X-RestLi-Method", "FINDER")
            .query(&[("q", "author"), ("author", author.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{author}");
    }
}

#[tokio::test]
async fn an_ambiguous_commit_makes_the_post_and_loses_the_answer() {
    let sim = start(true);
    let token = connect(&sim, LI).await.access;
    sim.knobs(json!({"platform": "linkedin", "faults": {
        "endpoint": "linkedin_create_post", "ambiguous_next": 1, "ambiguous_mode": "server_error",
    }}))
    .await;
    let body = post(&member(), "Lost answer", None);
    let (status, urn, _) = create(&sim, &token, &body).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(urn, None);
    assert_eq!(post_count(&sim).await, 1);
    let (status, _, error) = create(&sim, &token, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
}
