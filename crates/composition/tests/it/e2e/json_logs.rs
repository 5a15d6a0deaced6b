//! `LOG_FORMAT=json`: one JSON object per line; the request id on the lines of a request, the
//! job id on the lines of a publish attempt (the secrets' absence is checked by the canary
//! tests, in both formats).

use serde_json::Value;
use socialpub_domain::Platform;

use super::logs;
use super::publish_world::{Backend, World, text_job};

/// The value of `field` in any span open when `line` was written.
fn span_field<'a>(line: &'a Value, field: &str) -> Vec<&'a str> {
    line["spans"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|span| span[field].as_str())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_carry_the_request_id_and_the_job_id() {
    let world = World::start(Backend::Sqlite).await;
    let x = world.connect(Platform::X).await;
    let request_id = "json-logs-request-7f3a";
    let res = world
        .server
        .http
        .post(format!("{}/api/v1/publish", world.server.base))
        .bearer_auth(&world.server.bearer)
        .header("x-request-id", request_id)
        .json(&text_job(&x, "Logged as JSON"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let job: Value = res.json().await.unwrap();
    let job_id = job["job_id"].as_str().unwrap().to_owned();
    let job = world.settle_one(&job_id).await;
    assert_eq!(job["status"], "published", "{job}");

    let lines = logs::json_lines();
    let of_request: Vec<&Value> = lines
        .iter()
        .filter(|l| span_field(l, "request_id").contains(&request_id))
        .collect();
    assert!(
        of_request
            .iter()
            .any(|l| l["message"] == "request finished" && l["status"] == 202),
        "the request's own line carries its id: {of_request:?}"
    );
    let of_job: Vec<&Value> = lines
        .iter()
        .filter(|l| span_field(l, "job_id").contains(&job_id.as_str()))
        .collect();
    assert!(
        of_job.iter().any(|l| l["message"] == "attempt ended"),
        "the attempt's lines carry the job id: {of_job:?}"
    );
    for line in &lines {
        assert!(
            line["timestamp"].is_string() && line["level"].is_string(),
            "every line has a time and a level: {line}"
        );
    }
}
