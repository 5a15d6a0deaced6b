use reqwest::StatusCode;
use serde_json::{Value, json};
use socialpub_application::{PublishEngine, WebhookDeliverer};
use socialpub_auth::DevTokenMinter;
use socialpub_composition::settings::RawSettings;
use socialpub_composition::{Application, Settings, dev_token_minter};
use socialpub_crypto::{AesGcmTokenCipher, KeyRing, TokenKey};
use socialpub_domain::{ConnectionId, Platform, SecretString, UserId};
use socialpub_http_api::contract::assert_documented;
use socialpub_persistence::{Database, PoolSettings};
use socialpub_ports::{Clock, TokenCipher, TokenSlot};
use std::net::TcpListener;
use std::sync::Arc;

use super::logs;

/// A value only this test knows, to look for in logs and bodies.
pub const JWT_SECRET_CANARY: &str = "canary-jwt-secret-7a1f0e3d9c8b7a6f5e4d3c2b1a09";

/// The `iss` and `aud` production settings require; the dev token minter signs with them.
pub const AUTH_ISSUER: &str = "https://auth.e2e.test";
pub const AUTH_AUDIENCE: &str = "socialpub-e2e";

/// One running Socialpub with its simulator and database.
pub struct Server {
    pub base: String,
    pub sim: String,
    pub http: reqwest::Client,
    pub bearer: String,
    /// Another user's token, for checks that one user cannot reach another's data or act on
    /// their behalf.
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
        auth_issuer: Some(AUTH_ISSUER.to_owned()),
        auth_audience: Some(AUTH_AUDIENCE.to_owned()),
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
#[allow(dead_code, reason = "for scenarios that drive no webhooks")]
pub async fn start_driven(
    database_url: Option<String>,
    clock: Arc<dyn Clock>,
    adjust: impl FnOnce(&mut RawSettings),
) -> (Server, PublishEngine) {
    let (server, driven) = start_app(database_url, adjust, Some(clock)).await;
    (server, driven.unwrap().0)
}

/// [`start_driven`], with the webhook deliverer the test drives too.
pub async fn start_driven_with_webhooks(
    database_url: Option<String>,
    clock: Arc<dyn Clock>,
    adjust: impl FnOnce(&mut RawSettings),
) -> (Server, PublishEngine, WebhookDeliverer) {
    let (server, driven) = start_app(database_url, adjust, Some(clock)).await;
    let (engine, deliverer) = driven.unwrap();
    (server, engine, deliverer)
}

async fn start_app(
    database_url: Option<String>,
    adjust: impl FnOnce(&mut RawSettings),
    driven: Option<Arc<dyn Clock>>,
) -> (Server, Option<(PublishEngine, WebhookDeliverer)>) {
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
            let deliverer = app.webhook_deliverer().clone();
            (app, Some((engine, deliverer)))
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
            .request(method.clone(), format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.bearer)
            .send()
            .await
            .unwrap();
        documented(&method, res).await
    }

    /// Completes a handed-back authorization as the user holding `bearer`.
    pub async fn complete(
        &self,
        bearer: &str,
        platform: Platform,
        authorized: &Value,
    ) -> (StatusCode, Value) {
        let res = self
            .http
            .post(format!("{}/api/v1/connect/{platform}/complete", self.base))
            .bearer_auth(bearer)
            .json(&json!({ "code": authorized["code"], "state": authorized["state"] }))
            .send()
            .await
            .unwrap();
        documented(&reqwest::Method::POST, res).await
    }

    /// The browser's part of the connect flow: open the authorization URL (the simulator
    /// approves at once and redirects) and follow the redirect to our callback, which hands
    /// back the code and state (no web app is configured, and this is not development mode).
    pub async fn authorize(&self, platform: Platform) -> Value {
        self.authorize_as(&self.bearer, platform).await
    }

    /// [`Server::authorize`] for the user of `bearer`.
    pub async fn authorize_as(&self, bearer: &str, platform: Platform) -> Value {
        self.authorize_with(bearer, platform, "").await
    }

    /// [`Server::authorize_as`] with a query string for the start (`?login=facebook`).
    pub async fn authorize_with(&self, bearer: &str, platform: Platform, query: &str) -> Value {
        let res = self
            .http
            .get(format!("{}/api/v1/connect/{platform}{query}", self.base))
            .bearer_auth(bearer)
            .send()
            .await
            .unwrap();
        let (status, body) = documented(&reqwest::Method::GET, res).await;
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
        let handed = self.http.get(&callback).send().await.unwrap();
        let (status, body) = documented(&reqwest::Method::GET, handed).await;
        assert_eq!(status, 200, "{platform}: {body}");
        assert_eq!(body["status"], "authorized", "{platform}: {body}");
        body
    }

    /// The whole connect flow: authorize in the browser, then complete as the signed-in user.
    pub async fn connect(&self, platform: Platform) -> Vec<Value> {
        self.connect_as(&self.bearer, platform).await
    }

    /// [`Server::connect`] for the user of `bearer`.
    pub async fn connect_as(&self, bearer: &str, platform: Platform) -> Vec<Value> {
        let authorized = self.authorize_as(bearer, platform).await;
        let (status, body) = self.complete(bearer, platform, &authorized).await;
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
            .open(&connection.access_token_encrypted, TokenSlot::access(id))
            .unwrap();
        (connection.access_token_encrypted.into_bytes(), plaintext)
    }
}

/// Reads one of our answers, checking it against the OpenAPI document on the way.
pub async fn documented(method: &reqwest::Method, res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let path = res.url().path().to_owned();
    let content_type = res
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = res.bytes().await.unwrap();
    assert_documented(
        method.as_str(),
        &path,
        status.as_u16(),
        content_type.as_deref(),
        &body,
    );
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
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
