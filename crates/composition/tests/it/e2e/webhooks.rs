//! Webhooks end to end: a real HTTP receiver on loopback gets the lifecycle events of jobs
//! and posts, signed by the Standard Webhooks scheme and checked with an independent
//! implementation of it (the `standardwebhooks` crate), retried with the same event id,
//! replayed, signed with both secrets after a rotation, and delivered by another process when
//! the one that made the change never delivered (the outbox).

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};
use socialpub_domain::Platform;
use time::format_description::well_known::Rfc3339;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::harness::start_with;
use super::publish_world::{Backend, World, on_both_backends, text_job};

/// A world whose webhooks may reach the loopback receiver, with a short lateness allowance
/// so that a missed job is quick to make.
async fn world(backend: Backend) -> World {
    World::start_with(backend, |raw| {
        raw.allow_private_webhook_urls = Some("true".into());
        raw.max_lateness_seconds = Some("30".into());
    })
    .await
}

/// A receiver that takes everything.
async fn receiver() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

/// Registers the receiver for `events`; returns the endpoint's id and secret.
async fn register(world: &World, receiver: &MockServer, events: Value) -> (String, String) {
    let (status, created) = world
        .post(
            "/webhooks",
            json!({"url": format!("{}/hooks", receiver.uri()), "events": events}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    (
        created["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

fn in_seconds(world: &World, seconds: i64) -> String {
    (world.clock_now() + time::Duration::seconds(seconds))
        .format(&Rfc3339)
        .unwrap()
}

/// What arrived, each checked against `secret` by the independent implementation.
async fn received(receiver: &MockServer, secret: &str) -> Vec<(Request, Value)> {
    let verifier = standardwebhooks::Webhook::new(secret).unwrap();
    receiver
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .map(|request| {
            verifier
                .verify(&request.body, &request.headers)
                .unwrap_or_else(|e| {
                    panic!(
                        "signature refused ({e:?}): {}",
                        String::from_utf8_lossy(&request.body)
                    )
                });
            let event: Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(
                request.headers["webhook-id"].to_str().unwrap(),
                event["id"].as_str().unwrap(),
                "the header names the event"
            );
            (request, event)
        })
        .collect()
}

async fn every_event_type_arrives_signed(backend: Backend) {
    let world = world(backend).await;
    let receiver = receiver().await;
    let (_, secret) = register(&world, &receiver, json!(["*"])).await;
    let x = world.connect(Platform::X).await;
    let page = world.connect(Platform::Facebook).await;

    // One post to two accounts, a minute from now: scheduled, publishing, published, and
    // the post completed.
    let (status, post) = world
        .post(
            "/posts",
            json!({
                "text_content": "Launch day",
                "schedule_time": in_seconds(&world, 60),
                "metadata": {"campaign": "launch"},
                "targets": [{"connection_id": x}, {"connection_id": page}],
            }),
        )
        .await;
    assert_eq!(status, 202, "{post}");
    // A scheduled job the user cancels.
    let (status, cancelled) = world
        .post(
            "/schedule",
            json!({"connection_id": x, "text_content": "Never mind", "schedule_time": in_seconds(&world, 600)}),
        )
        .await;
    assert_eq!(status, 202, "{cancelled}");
    let (status, _) = world
        .post(
            &format!("/jobs/{}/cancel", cancelled["job_id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    world.advance(61).await;
    let ids: Vec<String> = post["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["job_id"].as_str().unwrap().to_owned())
        .collect();
    world.settle(&ids).await;

    // A job whose time passes while nothing runs: missed.
    let (_, late) = world
        .post(
            "/schedule",
            json!({"connection_id": page, "text_content": "Too late", "schedule_time": in_seconds(&world, 60)}),
        )
        .await;
    world.advance(100).await;
    let late = world.settle_one(late["job_id"].as_str().unwrap()).await;
    assert_eq!(late["status"], "missed", "{late}");

    // Rate limited once: a retry is scheduled, then it goes out.
    world
        .faults(
            Platform::X,
            json!({"endpoint": "x_create_post", "rate_limit_next": 1, "retry_after_seconds": 2}),
        )
        .await;
    let retried = world.publish(text_job(&x, "Second time lucky")).await;
    world.settle_one(retried["job_id"].as_str().unwrap()).await;

    // A revoked grant: the job fails.
    world
        .server
        .knobs(json!({"platform": "x", "revoke_all": true}))
        .await;
    let failed = world.publish(text_job(&x, "Nobody is listening")).await;
    let failed = world.settle_one(failed["job_id"].as_str().unwrap()).await;
    assert_eq!(failed["status"], "failed", "{failed}");

    // The account is let go.
    let (status, _, _) = world
        .send(Method::DELETE, &format!("/connections/{page}"), None, None)
        .await;
    assert_eq!(status, 200);

    world.deliverer.drain().await.unwrap();
    let events = received(&receiver, &secret).await;
    let types: BTreeSet<&str> = events
        .iter()
        .map(|(_, e)| e["type"].as_str().unwrap())
        .collect();
    for expected in [
        "job.scheduled",
        "job.publishing",
        "job.published",
        "job.retry_scheduled",
        "job.failed",
        "job.missed",
        "job.cancelled",
        "post.completed",
    ] {
        assert!(
            types.contains(expected),
            "{expected} missing from {types:?}"
        );
    }
    let ids: BTreeSet<&str> = events
        .iter()
        .map(|(_, e)| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), events.len(), "one event, one delivery");

    // The post's life, as the receiver got it (each carries the publish request's metadata).
    let post_id = post["post_id"].as_str().unwrap();
    let mut life: Vec<&Value> = events
        .iter()
        .map(|(_, e)| e)
        .filter(|e| {
            e["data"]["job"]["post_id"] == post_id || e["data"]["post"]["post_id"] == post_id
        })
        .collect();
    life.sort_by_key(|e| e["timestamp"].as_str().unwrap().to_owned());
    for event in &life {
        assert_eq!(event["metadata"]["campaign"], "launch", "{event}");
        eprintln!(
            "{} {:<16} {}",
            event["timestamp"].as_str().unwrap(),
            event["type"].as_str().unwrap(),
            event["data"]["job"]["platform"]
                .as_str()
                .unwrap_or("(post)")
        );
    }
    let count = |kind: &str| life.iter().filter(|e| e["type"] == kind).count();
    assert_eq!(count("job.scheduled"), 2);
    assert_eq!(count("job.published"), 2);
    assert_eq!(
        count("post.completed"),
        1,
        "once, though both targets ended"
    );
    let completed = life.iter().find(|e| e["type"] == "post.completed").unwrap();
    let targets = completed["data"]["post"]["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    assert!(
        targets
            .iter()
            .all(|t| t["status"] == "published" && t["post_url"].is_string())
    );
    let published = life.iter().find(|e| e["type"] == "job.published").unwrap();
    assert!(
        published["data"]["job"]["post_url"].is_string(),
        "{published}"
    );
    let retry = events
        .iter()
        .map(|(_, e)| e)
        .find(|e| e["type"] == "job.retry_scheduled")
        .unwrap();
    assert!(
        retry["data"]["job"]["next_attempt_at"].is_string(),
        "{retry}"
    );
    assert!(retry["data"]["job"]["error_code"].is_string(), "{retry}");
}

async fn a_failing_receiver_gets_the_same_event_twice_and_no_more(backend: Backend) {
    let world = world(backend).await;
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&receiver)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&receiver)
        .await;
    let (webhook, secret) = register(&world, &receiver, json!(["job.scheduled"])).await;
    let x = world.connect(Platform::X).await;
    let (status, _) = world
        .post(
            "/schedule",
            json!({"connection_id": x, "text_content": "Once", "schedule_time": in_seconds(&world, 3600)}),
        )
        .await;
    assert_eq!(status, 202);

    let first = world.deliverer.drain().await.unwrap();
    assert_eq!((first.claimed, first.failed), (1, 1));
    assert_eq!(
        world.deliverer.drain().await.unwrap().claimed,
        0,
        "not before its retry time"
    );
    world.advance(6).await;
    assert_eq!(world.deliverer.drain().await.unwrap().delivered, 1);
    world.advance(120).await;
    assert_eq!(
        world.deliverer.drain().await.unwrap().claimed,
        0,
        "delivered: never again"
    );

    let events = received(&receiver, &secret).await;
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0].1["id"], events[1].1["id"],
        "the same event id on the retry"
    );
    assert_eq!(
        events[0].0.headers["webhook-id"],
        events[1].0.headers["webhook-id"]
    );
    let (status, log) = world.get(&format!("/webhooks/{webhook}/deliveries")).await;
    assert_eq!(status, 200, "{log}");
    assert_eq!(log["total"], 1);
    let delivery = &log["items"][0];
    assert_eq!(delivery["status"], "delivered", "{delivery}");
    assert_eq!(delivery["attempts"], 2);
    assert_eq!(delivery["last_status"], 200);
    assert_eq!(delivery["event_type"], "job.scheduled");
}

async fn events_outlive_the_process_that_made_them(backend: Backend) {
    let world = world(backend).await;
    let receiver = receiver().await;
    let (_, secret) = register(&world, &receiver, json!(["job.published"])).await;
    let x = world.connect(Platform::X).await;
    let job = world.publish(text_job(&x, "Outbox")).await;
    let job = world.settle_one(job["job_id"].as_str().unwrap()).await;
    assert_eq!(job["status"], "published");
    // This process stops here: it never delivers. Another one, on the same database, does.
    let database_url = world.server.database_url.clone();
    let clock: std::sync::Arc<dyn socialpub_ports::Clock> = world.clock.clone();
    let (_other, _, deliverer) =
        super::harness::start_driven_with_webhooks(Some(database_url), clock, |raw| {
            raw.allow_private_webhook_urls = Some("true".into());
            // Every process of one deployment has the keys: they open the sealed secrets.
            raw.aes_encryption_keys = Some(world.server.encryption_key.expose().to_owned());
        })
        .await;
    assert!(receiver.received_requests().await.unwrap().is_empty());
    assert_eq!(deliverer.drain().await.unwrap().delivered, 1);
    let events = received(&receiver, &secret).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].1["data"]["job"]["job_id"], job["job_id"]);
    assert_eq!(
        world.deliverer.drain().await.unwrap().claimed,
        0,
        "delivered once"
    );
}

async fn replay_resends_and_rotation_signs_with_both_secrets(backend: Backend) {
    let world = world(backend).await;
    let receiver = receiver().await;
    let (webhook, first_secret) = register(&world, &receiver, json!(["*"])).await;
    let (status, ping) = world
        .post(&format!("/webhooks/{webhook}/test"), json!({}))
        .await;
    assert_eq!(status, 202, "{ping}");
    world.deliverer.drain().await.unwrap();
    assert_eq!(received(&receiver, &first_secret).await.len(), 1);

    let (status, rotated) = world
        .post(&format!("/webhooks/{webhook}/rotate-secret"), json!({}))
        .await;
    assert_eq!(status, 200, "{rotated}");
    let second_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(second_secret, first_secret);

    let (status, replayed) = world
        .post(
            &format!(
                "/webhooks/deliveries/{}/replay",
                ping["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, 202, "{replayed}");
    assert_eq!(world.deliverer.drain().await.unwrap().delivered, 1);
    // Both secrets verify the replay; the first delivery only the first secret.
    let with_first = received(&receiver, &first_secret).await;
    assert_eq!(with_first.len(), 2);
    assert_eq!(
        with_first[0].1["id"], with_first[1].1["id"],
        "a replay keeps the event id"
    );
    assert_eq!(with_first[1].1["type"], "ping");
    let replay = &with_first[1].0;
    let verifier = standardwebhooks::Webhook::new(&second_secret).unwrap();
    verifier.verify(&replay.body, &replay.headers).unwrap();
    assert!(
        verifier
            .verify(&with_first[0].0.body, &with_first[0].0.headers)
            .is_err(),
        "the new secret did not sign what was sent before it existed"
    );
}

async fn a_reconnect_keeps_the_connection_and_its_queue(backend: Backend) {
    let world = world(backend).await;
    let x = world.connect(Platform::X).await;
    let (_, healthy) = world.get(&format!("/connections/{x}")).await;
    assert_eq!(healthy["health"], "ok", "{healthy}");
    assert_eq!(healthy["jobs_at_risk"], 0);
    let (status, scheduled) = world
        .post(
            "/schedule",
            json!({"connection_id": x, "text_content": "Next week", "schedule_time": in_seconds(&world, 3600)}),
        )
        .await;
    assert_eq!(status, 202, "{scheduled}");
    world
        .server
        .knobs(json!({"platform": "x", "revoke_all": true}))
        .await;
    let failed = world.publish(text_job(&x, "Refused")).await;
    world.settle_one(failed["job_id"].as_str().unwrap()).await;

    let (_, broken) = world.get(&format!("/connections/{x}")).await;
    assert_eq!(broken["health"], "needs_reauth", "{broken}");
    assert_eq!(
        broken["jobs_at_risk"], 1,
        "the scheduled job would fail: {broken}"
    );
    let (_, listed) = world.get("/connections").await;
    assert_eq!(listed["items"][0]["jobs_at_risk"], 1, "{listed}");

    // The user connects the account again (the revocation hit the old grant only).
    let again = world.connect(Platform::X).await;
    assert_eq!(again, x, "the same account keeps its connection id");
    let (_, fixed) = world.get(&format!("/connections/{x}")).await;
    assert_eq!(fixed["health"], "ok", "{fixed}");
    assert_eq!(fixed["jobs_at_risk"], 0, "{fixed}");
    let job = world.job(scheduled["job_id"].as_str().unwrap()).await;
    assert_eq!(job["status"], "scheduled", "its queue is untouched: {job}");
    assert_eq!(job["connection_id"], x.as_str());
}

/// A second worker's maintenance pass on the world's database (the application runs its own
/// in the background: the two race, and the event must still be stored once).
fn sweeper(world: &World) -> socialpub_application::MaintenanceService {
    let database = socialpub_persistence::Database::connect(
        &world.server.database_url,
        socialpub_persistence::PoolSettings::default(),
    )
    .unwrap();
    socialpub_application::MaintenanceService::new(
        database.jobs(),
        database.oauth_states(),
        world.clock.clone(),
    )
    .with_expiry_notices(database.connections(), time::Duration::days(7))
}

async fn a_dying_refresh_token_is_announced_once_with_the_jobs_it_would_break(backend: Backend) {
    let world = world(backend).await;
    let receiver = receiver().await;
    let (_, secret) = register(&world, &receiver, json!(["connection.expiring"])).await;
    // LinkedIn's refresh tokens (which it says the end of) die three days after the grant.
    world
        .server
        .knobs(json!({"platform": "linkedin", "refresh_token_ttl_seconds": 3 * 86_400}))
        .await;
    let accounts = world.server.connect(Platform::Linkedin).await;
    let linkedin = accounts[0]["id"].as_str().unwrap().to_owned();
    let (_, safe) = world
        .post(
            "/schedule",
            json!({"connection_id": linkedin, "text_content": "Tomorrow", "schedule_time": in_seconds(&world, 86_400)}),
        )
        .await;
    let (status, doomed) = world
        .post(
            "/schedule",
            json!({"connection_id": linkedin, "text_content": "Next week", "schedule_time": in_seconds(&world, 5 * 86_400)}),
        )
        .await;
    assert_eq!(status, 202, "{doomed}");

    let sweeper = sweeper(&world);
    sweeper.run_once().await.unwrap();
    sweeper.run_once().await.unwrap();
    world.deliverer.drain().await.unwrap();

    let events = received(&receiver, &secret).await;
    let about = |events: &[(Request, Value)]| -> Vec<Value> {
        events
            .iter()
            .map(|(_, e)| e.clone())
            .filter(|e| e["data"]["connection"]["id"] == linkedin.as_str())
            .collect()
    };
    assert_eq!(
        events.len(),
        accounts.len(),
        "each account once, whichever worker swept first"
    );
    let mine = about(&events);
    assert_eq!(mine.len(), 1);
    let event = &mine[0];
    assert_eq!(event["type"], "connection.expiring");
    assert_eq!(event["data"]["expiry"]["token"], "refresh_token");
    let (_, connection) = world.get(&format!("/connections/{linkedin}")).await;
    assert_eq!(connection["health"], "expiring", "{connection}");
    // The refresh token's end (the store keeps microseconds, the API may show more).
    let instant = |v: &Value| time::OffsetDateTime::parse(v.as_str().unwrap(), &Rfc3339).unwrap();
    let gap = instant(&event["data"]["expiry"]["expires_at"])
        - instant(&connection["refresh_expires_at"]);
    assert!(
        gap.abs() < time::Duration::milliseconds(1),
        "{event} {connection}"
    );
    let at_risk = event["data"]["jobs_at_risk"].as_array().unwrap();
    assert_eq!(at_risk.len(), 1, "{event}");
    assert_eq!(at_risk[0]["job_id"], doomed["job_id"]);
    let gap = instant(&at_risk[0]["scheduled_at"]) - instant(&doomed["scheduled_at"]);
    assert!(
        gap.abs() < time::Duration::milliseconds(1),
        "{event} {doomed}"
    );
    assert_ne!(at_risk[0]["job_id"], safe["job_id"]);

    // Reconnecting a minute later grants a new refresh token with a new end: announced
    // again. (A minute: receivers refuse signatures timestamped minutes ahead of them.)
    world.advance(60).await;
    world.server.connect(Platform::Linkedin).await;
    sweeper.run_once().await.unwrap();
    world.deliverer.drain().await.unwrap();
    let mine = about(&received(&receiver, &secret).await);
    assert_eq!(mine.len(), 2);
    assert_ne!(
        mine[0]["data"]["expiry"]["expires_at"],
        mine[1]["data"]["expiry"]["expires_at"]
    );
}

on_both_backends!(
    a_dying_refresh_token_is_announced_once_with_the_jobs_it_would_break,
    a_reconnect_keeps_the_connection_and_its_queue,
    every_event_type_arrives_signed,
    a_failing_receiver_gets_the_same_event_twice_and_no_more,
    events_outlive_the_process_that_made_them,
    replay_resends_and_rotation_signs_with_both_secrets,
);

/// Without ALLOW_PRIVATE_WEBHOOK_URLS (production's default) a URL that resolves to a
/// loopback, private, link-local or metadata address is refused, and nothing is registered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_url_on_a_private_address_is_refused() {
    let server = start_with(None, |_| {}).await;
    let receiver = receiver().await;
    for url in [
        format!("{}/hooks", receiver.uri()),
        "http://10.1.2.3/hooks".to_owned(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        "http://[::1]:8080/hooks".to_owned(),
        "http://localhost:9/hooks".to_owned(),
    ] {
        let response = server
            .http
            .post(format!("{}/api/v1/webhooks", server.base))
            .bearer_auth(&server.bearer)
            .json(&json!({"url": url, "events": ["*"]}))
            .send()
            .await
            .unwrap();
        let (status, body) = super::harness::documented(&Method::POST, response).await;
        assert_eq!(status, 422, "{url}: {body}");
        assert_eq!(body["code"], "webhook_url_forbidden", "{url}: {body}");
        assert_eq!(body["field"], "url");
    }
    let (status, listed) = server.api(Method::GET, "/webhooks").await;
    assert_eq!(status, 200);
    assert_eq!(listed["items"], json!([]));
}
