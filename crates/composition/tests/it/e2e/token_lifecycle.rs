use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use socialpub_domain::Platform;

use super::harness::{ids, json_knobs, start, start_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_grant_marks_the_connection_needs_reauth() {
    let server = start().await;
    let id = ids(&server.connect(Platform::X).await)[0].clone();
    server
        .knobs(json_knobs(Platform::X, json!({"revoke_all": true})))
        .await;
    let (status, body) = server
        .api(Method::POST, &format!("/connections/{id}/refresh"))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "needs_reauth");
    let (_, connection) = server.api(Method::GET, &format!("/connections/{id}")).await;
    assert_eq!(connection["status"], "needs_reauth");
    let (_, list) = server
        .api(Method::GET, "/connections?status=needs_reauth")
        .await;
    assert_eq!(list["total"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_refresh_tokens_keep_working_refresh_after_refresh() {
    let server = start().await;
    let id = ids(&server.connect(Platform::X).await)[0].clone();
    for _ in 0..3 {
        let (status, body) = server
            .api(Method::POST, &format!("/connections/{id}/refresh"))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(server.sim_stats(Platform::X).await["refreshes"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_sweep_refreshes_tokens_before_they_expire() {
    let server = start().await;
    // Tokens that live ten minutes fall inside the sweep's thirty-minute window at once.
    server
        .knobs(json_knobs(
            Platform::Tiktok,
            json!({"access_token_ttl_seconds": 600}),
        ))
        .await;
    let connection = server.connect(Platform::Tiktok).await.remove(0);
    let id = connection["id"].as_str().unwrap().to_owned();
    let first_expiry = connection["expires_at"].as_str().unwrap().to_owned();
    server
        .knobs(json_knobs(
            Platform::Tiktok,
            json!({"clear_token_ttls": true}),
        ))
        .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, now) = server.api(Method::GET, &format!("/connections/{id}")).await;
        if now["expires_at"].as_str() != Some(first_expiry.as_str()) {
            assert!(now["expires_in"].as_i64().unwrap() > 3600, "{now}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the sweep did not refresh within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_refreshing_at_once_spend_the_rotating_token_once() {
    two_processes_refreshing_at_once(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_two_processes_refreshing_at_once_spend_the_rotating_token_once() {
    let database = super::postgres::TestDatabase::create().await;
    two_processes_refreshing_at_once(Some(database.url.clone())).await;
}

async fn two_processes_refreshing_at_once(database_url: Option<String>) {
    let first = start_with(database_url, |_| {}).await;
    let id = ids(&first.connect(Platform::X).await)[0].clone();
    // A second process on the same database, with the same keys, its own simulator wiring
    // replaced by the first one's so both talk to the same platform.
    let sim = first.sim.clone();
    let key = first.encryption_key.expose().to_owned();
    let second = start_with(Some(first.database_url.clone()), |raw| {
        raw.aes_encryption_keys = Some(key);
        raw.platform_simulator = Some("off".into());
        raw.x_app_id = Some("sim-x-client".into());
        raw.x_app_secret = Some("sim-x-secret".into());
        raw.x_api_base_url = Some(format!("{sim}x/api/"));
        raw.x_oauth_base_url = Some(format!("{sim}x/oauth/"));
    })
    .await;
    let path = format!("/connections/{id}/refresh");
    let (a, b) = tokio::join!(
        first.api(Method::POST, &path),
        second.api(Method::POST, &path)
    );
    let statuses = [a.0.as_u16(), b.0.as_u16()];
    assert!(statuses.contains(&200), "{a:?} {b:?}");
    for (status, body) in [&a, &b] {
        assert!(
            *status == 200 || body["code"] == "refresh_in_progress",
            "{status} {body}"
        );
    }
    // Whatever the interleaving, the stored refresh token is the newest one: it still works.
    let (status, body) = second.api(Method::POST, &path).await;
    assert_eq!(status, 200, "{body}");
    let (_, connection) = first.api(Method::GET, &format!("/connections/{id}")).await;
    assert_eq!(connection["status"], "active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_outage_during_refresh_is_a_retryable_502_and_leaves_the_connection_active() {
    let server = start().await;
    let id = ids(&server.connect(Platform::Pinterest).await)[0].clone();
    server
        .knobs(json_knobs(
            Platform::Pinterest,
            json!({"fail_next": 1, "status": 503}),
        ))
        .await;
    let (status, body) = server
        .api(Method::POST, &format!("/connections/{id}/refresh"))
        .await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["code"], "platform_unavailable");
    let (_, connection) = server.api(Method::GET, &format!("/connections/{id}")).await;
    assert_eq!(connection["status"], "active");
    let (status, _) = server
        .api(Method::POST, &format!("/connections/{id}/refresh"))
        .await;
    assert_eq!(status, 200, "the next try succeeds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_keys_reseals_stored_tokens_so_the_old_key_can_be_dropped() {
    use socialpub_composition::settings::RawSettings;
    use socialpub_composition::{Application, Settings};
    use socialpub_crypto::TokenKey;

    let first = start().await;
    let id = ids(&first.connect(Platform::X).await)[0].clone();
    let old_key = first.encryption_key.expose().to_owned();
    let new_key = TokenKey::generate(2)
        .unwrap()
        .to_config_string()
        .expose()
        .to_owned();

    // The operator adds key 2 beside key 1 and runs `socialpub rotate-keys`.
    let data = tempfile::tempdir().unwrap();
    let raw = RawSettings {
        database_url: Some(first.database_url.clone()),
        data_dir: Some(data.path().display().to_string()),
        aes_encryption_keys: Some(format!("{old_key},{new_key}")),
        auth_jwt_secret: Some(super::harness::JWT_SECRET_CANARY.to_owned()),
        auth_issuer: Some(super::harness::AUTH_ISSUER.to_owned()),
        auth_audience: Some(super::harness::AUTH_AUDIENCE.to_owned()),
        platform_simulator: Some("on".into()),
        platform_simulator_port: Some("0".into()),
        ..RawSettings::default()
    };
    let rotator = Application::build(Settings::parse(&raw).unwrap())
        .await
        .unwrap();
    let report = rotator.rotate_keys().await.unwrap();
    assert_eq!(
        (report.examined, report.resealed, report.unreadable),
        (1, 1, 0)
    );
    assert_eq!(
        rotator.rotate_keys().await.unwrap().resealed,
        0,
        "nothing left to re-seal"
    );

    // A server that knows only key 2 still opens and refreshes the connection.
    let sim = first.sim.clone();
    let only_new = start_with(Some(first.database_url.clone()), |raw| {
        raw.aes_encryption_keys = Some(new_key);
        raw.platform_simulator = Some("off".into());
        raw.x_app_id = Some("sim-x-client".into());
        raw.x_app_secret = Some("sim-x-secret".into());
        raw.x_api_base_url = Some(format!("{sim}x/api/"));
        raw.x_oauth_base_url = Some(format!("{sim}x/oauth/"));
    })
    .await;
    let (status, body) = only_new
        .api(Method::POST, &format!("/connections/{id}/refresh"))
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_show_traffic_and_the_database_pool() {
    let server = start().await;
    server.api(Method::GET, "/connections").await;
    let text = server
        .http
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            "socialpub_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/connections\",status=\"2xx\"} 1\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("socialpub_db_pool_max_connections 10\n"),
        "{text}"
    );
    assert!(text.contains("socialpub_db_pool_waiting 0\n"), "{text}");
}
