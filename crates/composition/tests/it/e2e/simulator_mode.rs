//! The simulator fails closed: `PLATFORM_SIMULATOR=auto` wires it only in the
//! zero-configuration development mode. A production deployment without platform credentials
//! must not hand its users fake accounts that publish nowhere.

use std::net::TcpListener;

use reqwest::Method;
use serde_json::Value;
use socialpub_composition::settings::RawSettings;
use socialpub_composition::{Application, Settings, dev_token_minter};
use socialpub_domain::{Platform, UserId};

use super::harness::{Server, start_with};
use super::logs;

fn connectable(platforms: &Value) -> Vec<String> {
    platforms["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["connectable"] == true)
        .map(|p| p["platform"].as_str().unwrap().to_owned())
        .collect()
}

async fn platforms(server: &Server) -> Value {
    let (status, body) = server.api(Method::GET, "/platforms").await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn a_production_start_without_platform_credentials_connects_nothing_and_starts_no_simulator()
{
    // A configured database and real keys, PLATFORM_SIMULATOR left at its default (auto).
    let server = start_with(None, |raw| raw.platform_simulator = None).await;
    assert!(server.sim.is_empty(), "no simulator was started");
    assert!(connectable(&platforms(&server).await).is_empty());

    let (status, body) = server.api(Method::GET, "/connect/x").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "platform_not_enabled", "{body}");

    let all = Platform::ALL.map(Platform::as_str).join(", ");
    let logs = logs::text();
    assert_eq!(
        logs.matches("not connectable").count(),
        1,
        "one line names the platforms left out: {logs}"
    );
    assert!(
        logs.contains(&format!("no app credentials for {all}: not connectable")),
        "{logs}"
    );
}

#[tokio::test]
async fn in_production_only_the_platforms_with_credentials_are_connectable() {
    let server = start_with(None, |raw| {
        raw.platform_simulator = None;
        raw.pinterest_app_id = Some("real-app".into());
        raw.pinterest_app_secret = Some("real-secret-0123456789".into());
    })
    .await;
    assert!(server.sim.is_empty(), "no simulator was started");
    assert_eq!(connectable(&platforms(&server).await), ["pinterest"]);
    assert!(
        logs::text().contains("no app credentials for instagram, facebook, linkedin, x, tiktok"),
        "{}",
        logs::text()
    );
}

#[tokio::test]
async fn platform_simulator_on_wires_the_simulator_in_production_too() {
    let server = start_with(None, |raw| raw.platform_simulator = Some("on".into())).await;
    assert!(!server.sim.is_empty());
    assert_eq!(connectable(&platforms(&server).await).len(), 6);
}

/// A fresh `just run`: nothing configured but where the data goes.
#[tokio::test]
async fn a_zero_configuration_start_wires_every_platform_to_the_simulator_and_keeps_its_files_private()
 {
    logs::capture();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let scratch = tempfile::tempdir().unwrap();
    let data = scratch.path().join("data");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let settings = Settings::parse(&RawSettings {
        data_dir: Some(data.display().to_string()),
        port: Some(port.to_string()),
        platform_simulator_port: Some("0".into()),
        ..RawSettings::default()
    })
    .unwrap();
    assert!(settings.development_mode);
    let bearer = dev_token_minter(&settings)
        .unwrap()
        .mint(&UserId::parse("dev-user").unwrap())
        .unwrap();
    let app = Application::build(settings).await.unwrap();
    assert!(app.simulator().is_some());
    tokio::spawn(app.serve(listener));

    let body: Value = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/api/v1/platforms"))
        .bearer_auth(bearer.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(connectable(&body).len(), 6, "{body}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |name: &str| {
            std::fs::metadata(data.join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(""), 0o700, "DATA_DIR");
        assert_eq!(mode("socialpub.db"), 0o600);
        assert_eq!(mode("dev-encryption.key"), 0o600);
        assert_eq!(mode("dev-jwt-secret"), 0o600);
    }
}
