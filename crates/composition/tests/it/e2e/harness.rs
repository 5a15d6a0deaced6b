use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_application::PublishEngine;
use socialpub_auth::DevTokenMinter;
use socialpub_composition::settings::RawSettings;
use socialpub_composition::{Application, Settings, dev_token_minter};
use socialpub_crypto::{AesGcmTokenCipher, KeyRing, TokenKey};
use socialpub_domain::{ConnectionId, Platform, SecretString, UserId};
use socialpub_persistence::{Database, PoolSettings};
use socialpub_ports::Clock;
use socialpub_ports::TokenCipher;
use std::net::TcpListener;
use std::sync::Arc;

use super::logs;

/// A value only this test knows, to look for in logs and bodies.
pub const JWT_SECRET_CANARY: &str = "canary-jwt-secret-7a1f0e3d9c8b7a6f5e4d3c2b1a09";

/// One running Socialpub with its simulator and database.
pub struct Server {
    pub base: String,
    pub sim: String,
    pub http: reqwest::Client,
    pub bearer: String,
    /// Another user's token, for checking that one user cannot reach another's data.
    pub other_bearer: String,
    /// Mints more users' tokens.
    pub minter: Arc<DevTokenMinter>,
    pub user: UserId,
    pub database_url: String,
    pub encryption_key: SecretString,
    _data: tempfile::TempDir,
}

pub fn raw_settings(
    data: &std::path::Path,
    port: u16,
    database_url: &str,
    key: &SecretString,
) -> RawSettings {
    RawSettings {
        port: Some(port.to_string()),
        public_base_url: Some(format!("http://127.0.0.1:{port}")),
        data_dir: Some(data.display().to_string()),
        database_url: Some(database_url.to_owned()),
        aes_encryption_keys: Some(key.expose().to_owned()),
        auth_jwt_secret: Some(JWT_SECRET_CANARY.to_owned()),
        platform_simulator: Some("on".into()),
        platform_simulator_port: Some("0".into()),
        socialpub_sim_auto_approve: Some("true".into()),
        worker_poll_interval_seconds: Some("1".into()),
        ..RawSettings::default()
    }
}

/// Starts the application on a free port; the simulator on another.
pub async fn start_with(
    database_url: Option<String>,
    adjust: impl FnOnce(&mut RawSettings),
) -> Server {
    start_app(database_url, adjust, None).await.0
}

/// Starts the application on `clock` with no publishing worker of its own: the test drives
/// the returned engine (`run_once`/`drain`) and moves the clock, so nothing waits.
pub async fn start_driven(
    database_url: Option<String>,
    clock: Arc<dyn Clock>,
    adjust: impl FnOnce(&mut RawSettings),
) -> (Server, PublishEngine) {
    let (server, engine) = start_app(database_url, adjust, Some(clock)).await;
    (server, engine.unwrap())
}

async fn start_app(
    database_url: Option<String>,
    adjust: impl FnOnce(&mut RawSettings),
    driven: Option<Arc<dyn Clock>>,
) -> (Server, Option<PublishEngine>) {
    logs::capture();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data = tempfile::tempdir().unwrap();
    let database_url = database_url
        .unwrap_or_else(|| format!("sqlite://{}", data.path().join("e2e.db").display()));
    let key = TokenKey::generate(1).unwrap().to_config_string();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut raw = raw_settings(data.path(), port, &database_url, &key);
    adjust(&mut raw);
    let encryption_key = SecretString::new(raw.aes_encryption_keys.clone().unwrap_or_default());
    let settings = Settings::parse(&raw).unwrap();
    let bearer = dev_token_minter(&settings)
        .unwrap()
        .mint(&UserId::parse("e2e-user").unwrap())
        .unwrap();
    let settings_for_minter = settings.clone();
    let other_bearer = dev_token_minter(&settings)
        .unwrap()
        .mint(&UserId::parse("e2e-other-user").unwrap())
        .unwrap();
    let (app, engine) = match driven {
        None => (Application::build(settings).await.unwrap(), None),
        Some(clock) => {
            let app = Application::build_with_clock(settings, clock)
                .await
                .unwrap()
                .without_publish_worker();
            let engine = app.engine().clone();
            (app, Some(engine))
        }
    };
    let sim = app
        .simulator()
        .map(|s| s.base_url().to_string())
        .unwrap_or_default();
    tokio::spawn(app.serve(listener));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let server = Server {
        base: format!("http://127.0.0.1:{port}"),
        sim,
        http,
        bearer: bearer.expose().to_owned(),
        other_bearer: other_bearer.expose().to_owned(),
        minter: Arc::new(dev_token_minter(&settings_for_minter).unwrap()),
        user: UserId::parse("e2e-user").unwrap(),
        database_url,
        encryption_key,
        _data: data,
    };
    (server, engine)
}

pub async fn start() -> Server {
    start_with(None, |_| {}).await
}

impl Server {
    pub async fn api(&self, method: reqwest::Method, path: &str) -> (StatusCode, Value) {
        let res = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.bearer)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// The browser's part of the connect flow: open the authorization URL (the simulator
    /// approves at once and redirects), then follow the redirect to our callback.
    pub async fn connect(&self, platform: Platform) -> Vec<Value> {
        self.connect_as(&self.bearer, platform).await
    }

    /// [`Server::connect`] for the user of `bearer`.
    pub async fn connect_as(&self, bearer: &str, platform: Platform) -> Vec<Value> {
        let res = self
            .http
            .get(format!("{}/api/v1/connect/{platform}", self.base))
            .bearer_auth(bearer)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "{body}");
        let authorize = body["authorization_url"].as_str().unwrap().to_owned();
        let consent = self.http.get(&authorize).send().await.unwrap();
        assert_eq!(
            consent.status(),
            302,
            "{platform}: {}",
            consent.text().await.unwrap_or_default()
        );
        let callback = consent.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            callback.starts_with(&format!(
                "{}/api/v1/connect/{platform}/callback?",
                self.base
            )),
            "{callback}"
        );
        let done = self.http.get(&callback).send().await.unwrap();
        let status = done.status();
        let body: Value = done.json().await.unwrap();
        assert_eq!(status, 200, "{platform}: {body}");
        body["connections"].as_array().unwrap().clone()
    }

    pub async fn knobs(&self, knobs: Value) {
        let res = self
            .http
            .post(format!("{}_sim/knobs", self.sim))
            .json(&knobs)
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success(),
            "{}",
            res.text().await.unwrap_or_default()
        );
    }

    pub async fn sim_stats(&self, platform: Platform) -> Value {
        let state: Value = self
            .http
            .get(format!("{}_sim/state", self.sim))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        state["platforms"][platform.as_str()].clone()
    }

    /// The stored tokens of a connection, decrypted with the key the server uses.
    pub async fn stored_tokens(&self, id: &str) -> (Vec<u8>, SecretString) {
        let database = Database::connect(&self.database_url, PoolSettings::default()).unwrap();
        let id: ConnectionId = id.parse().unwrap();
        let connection = database
            .connections()
            .get(&self.user, id)
            .await
            .unwrap()
            .unwrap();
        let ring = KeyRing::from_config(Some(self.encryption_key.expose()), None).unwrap();
        let cipher = AesGcmTokenCipher::new(ring);
        let plaintext = cipher
            .open(&connection.access_token_encrypted, id.as_uuid().as_bytes())
            .unwrap();
        (connection.access_token_encrypted.into_bytes(), plaintext)
    }
}

pub fn ids(connections: &[Value]) -> Vec<String> {
    connections
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

pub fn json_knobs(platform: Platform, knobs: Value) -> Value {
    let mut knobs = knobs;
    knobs["platform"] = json!(platform.as_str());
    knobs
}
