//! Shared test plumbing: start a simulator, a redirect-free client, PKCE, the connect flow.

use std::collections::HashMap;
use std::net::TcpListener;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::{Client, Response, StatusCode, redirect};
use serde_json::Value;
use socialpub_platform_sim::{Platform, Simulator, SimulatorConfig, SimulatorHandle};
use url::Url;

pub const REDIRECT: &str = "https://app.example/oauth/callback";

pub struct Sim {
    pub handle: SimulatorHandle,
    pub http: Client,
}

impl Sim {
    pub fn oauth(&self, platform: Platform, path: &str) -> Url {
        self.handle.urls(platform).oauth_base.join(path).unwrap()
    }

    pub fn api(&self, platform: Platform, path: &str) -> Url {
        self.handle.urls(platform).api_base.join(path).unwrap()
    }

    pub fn admin(&self, path: &str) -> Url {
        self.handle.base_url().join(path).unwrap()
    }

    pub fn creds(&self, platform: Platform) -> (String, String) {
        self.handle.client_credentials(platform)
    }

    pub async fn knobs(&self, body: Value) -> Value {
        let response = self
            .http
            .post(self.admin("_sim/knobs"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "knobs {body}");
        response.json().await.unwrap()
    }

    pub async fn state(&self) -> Value {
        self.http
            .get(self.admin("_sim/state"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

pub fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn start_with(config: SimulatorConfig) -> Sim {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let handle = Simulator::start(config, listener).unwrap();
    Sim {
        handle,
        http: client(),
    }
}

pub fn start(auto_approve: bool) -> Sim {
    start_with(SimulatorConfig::default().with_auto_approve(auto_approve))
}

/// `(verifier, base64url S256 challenge, hex S256 challenge)`.
pub fn pkce() -> (String, String, String) {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-socialpub-sim".to_owned();
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    let b64 = URL_SAFE_NO_PAD.encode(digest.as_ref());
    let hex = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    (verifier, b64, hex)
}

pub fn location(response: &Response) -> Url {
    let value = response
        .headers()
        .get(reqwest::header::LOCATION)
        .expect("a Location header")
        .to_str()
        .unwrap();
    Url::parse(value).unwrap()
}

pub fn query(url: &Url) -> HashMap<String, String> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// GET an authorize URL; expect a 302 back to `REDIRECT`; return its query.
pub async fn authorize_redirect(sim: &Sim, url: Url) -> HashMap<String, String> {
    let response = sim.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = location(&response);
    assert!(location.as_str().starts_with(REDIRECT), "{location}");
    query(&location)
}

/// GET an authorize URL without auto-approve, check the consent page, press a button.
pub async fn consent(
    sim: &Sim,
    url: Url,
    decision: &str,
    expect_text: &str,
) -> HashMap<String, String> {
    let response = sim.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Approve") && html.contains("Deny"), "{html}");
    assert!(
        html.contains(expect_text),
        "consent page lacks {expect_text}: {html}"
    );
    let start = html.find("action=\"").unwrap() + "action=\"".len();
    let end = start + html[start..].find('"').unwrap();
    let action = html[start..end].replace("&amp;", "&");
    let response = sim
        .http
        .post(action)
        .form(&[("decision", decision)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = location(&response);
    assert!(location.as_str().starts_with(REDIRECT), "{location}");
    query(&location)
}

/// Tokens from a full (auto-approved) connect flow.
pub struct Tokens {
    pub access: String,
    pub refresh: Option<String>,
}

/// Authorize URL with the documented parameters for each platform.
pub fn authorize_url(sim: &Sim, platform: Platform, state: &str) -> Url {
    let (client_id, _) = sim.creds(platform);
    let (_, b64, hex) = pkce();
    let (path, pairs): (&str, Vec<(&str, String)>) = match platform {
        Platform::X => (
            "i/oauth2/authorize",
            vec![
                ("response_type", "code".into()),
                ("client_id", client_id),
                ("scope", "tweet.read tweet.write users.read offline.access".into()),
                ("code_challenge", b64),
                ("code_challenge_method", "S256".into()),
            ],
        ),
        Platform::Pinterest => (
            "oauth/",
            vec![
                ("response_type", "code".into()),
                ("client_id", client_id),
                ("scope", "boards:read,boards:read_secret,pins:read,pins:write,user_accounts:read".into()),
            ],
        ),
        Platform::Tiktok => (
            "v2/auth/authorize/",
            vec![
                ("response_type", "code".into()),
                ("client_key", client_id),
                ("scope", "user.info.basic,user.info.profile,video.publish,video.upload".into()),
                ("code_challenge", hex),
                ("code_challenge_method", "S256".into()),
            ],
        ),
        Platform::Facebook => (
            "v25.0/dialog/oauth",
            vec![
                ("response_type", "code".into()),
                ("client_id", client_id),
                ("scope", "pages_show_list,pages_read_engagement,pages_manage_posts".into()),
            ],
        ),
        Platform::Instagram => (
            "oauth/authorize",
            vec![
                ("response_type", "code".into()),
                ("client_id", client_id),
                ("scope", "instagram_business_basic,instagram_business_content_publish".into()),
            ],
        ),
        Platform::Linkedin => (
            "oauth/v2/authorization",
            vec![
                ("response_type", "code".into()),
                ("client_id", client_id),
                ("scope", "openid profile email w_member_social rw_organization_admin w_organization_social".into()),
            ],
        ),
    };
    let mut url = sim.oauth(platform, path);
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
        q.append_pair("redirect_uri", REDIRECT);
        q.append_pair("state", state);
    }
    url
}

/// Exchange `code` the way each platform documents it.
pub async fn exchange(sim: &Sim, platform: Platform, code: &str) -> Response {
    let (client_id, secret) = sim.creds(platform);
    let (verifier, _, _) = pkce();
    match platform {
        Platform::X => sim
            .http
            .post(sim.api(platform, "2/oauth2/token"))
            .basic_auth(&client_id, Some(&secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", &verifier),
            ])
            .send()
            .await
            .unwrap(),
        Platform::Pinterest => sim
            .http
            .post(sim.api(platform, "v5/oauth/token"))
            .basic_auth(&client_id, Some(&secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
            ])
            .send()
            .await
            .unwrap(),
        Platform::Tiktok => sim
            .http
            .post(sim.api(platform, "v2/oauth/token/"))
            .form(&[
                ("client_key", client_id.as_str()),
                ("client_secret", &secret),
                ("code", code),
                ("grant_type", "authorization_code"),
                ("redirect_uri", REDIRECT),
                ("code_verifier", &verifier),
            ])
            .send()
            .await
            .unwrap(),
        Platform::Facebook => sim
            .http
            .get(sim.api(platform, "v25.0/oauth/access_token"))
            .query(&[
                ("client_id", client_id.as_str()),
                ("redirect_uri", REDIRECT),
                ("client_secret", &secret),
                ("code", code),
            ])
            .send()
            .await
            .unwrap(),
        Platform::Instagram => sim
            .http
            .post(
                sim.handle
                    .urls(platform)
                    .token_base
                    .unwrap()
                    .join("oauth/access_token")
                    .unwrap(),
            )
            .form(&[
                ("client_id", client_id.as_str()),
                ("client_secret", &secret),
                ("grant_type", "authorization_code"),
                ("redirect_uri", REDIRECT),
                ("code", code),
            ])
            .send()
            .await
            .unwrap(),
        Platform::Linkedin => sim
            .http
            .post(sim.oauth(platform, "oauth/v2/accessToken"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("client_id", &client_id),
                ("client_secret", &secret),
                ("redirect_uri", REDIRECT),
            ])
            .send()
            .await
            .unwrap(),
    }
}

/// Full auto-approved connect flow.
pub async fn connect(sim: &Sim, platform: Platform) -> Tokens {
    let params = authorize_redirect(sim, authorize_url(sim, platform, "st-connect")).await;
    let code = params.get("code").unwrap();
    let response = exchange(sim, platform, code).await;
    assert_eq!(response.status(), StatusCode::OK, "{platform} exchange");
    let body: Value = response.json().await.unwrap();
    let token = if platform == Platform::Instagram {
        &body["data"][0]
    } else {
        &body
    };
    Tokens {
        access: token["access_token"].as_str().unwrap().to_owned(),
        refresh: token["refresh_token"].as_str().map(str::to_owned),
    }
}

/// The platform's identity call with `token`.
pub async fn probe(sim: &Sim, platform: Platform, token: &str) -> Response {
    let request = match platform {
        Platform::X => sim
            .http
            .get(sim.api(platform, "2/users/me"))
            .bearer_auth(token),
        Platform::Pinterest => sim
            .http
            .get(sim.api(platform, "v5/user_account"))
            .bearer_auth(token),
        Platform::Tiktok => sim
            .http
            .get(sim.api(platform, "v2/user/info/"))
            .query(&[("fields", "open_id,display_name")])
            .bearer_auth(token),
        Platform::Facebook => sim
            .http
            .get(sim.api(platform, "v25.0/me"))
            .query(&[("fields", "id,name"), ("access_token", token)]),
        Platform::Instagram => sim
            .http
            .get(sim.api(platform, "v25.0/me"))
            .query(&[("fields", "user_id,username"), ("access_token", token)]),
        Platform::Linkedin => sim
            .http
            .get(sim.api(platform, "v2/userinfo"))
            .bearer_auth(token),
    };
    request.send().await.unwrap()
}

/// An X access token with the publishing scopes (`tweet.write`, `media.write`).
pub async fn x_publishing_token(sim: &Sim) -> String {
    let mut url = authorize_url(sim, Platform::X, "st-publish");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "scope" {
                "tweet.read tweet.write users.read media.write offline.access".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let params = authorize_redirect(sim, url).await;
    let response = exchange(sim, Platform::X, params.get("code").unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// `(long-lived user token, token of the first seeded Page)`.
pub async fn facebook_page_token(sim: &Sim) -> (String, String) {
    let short = connect(sim, Platform::Facebook).await.access;
    let (client_id, secret) = sim.creds(Platform::Facebook);
    let long: Value = sim
        .http
        .get(sim.api(Platform::Facebook, "v25.0/oauth/access_token"))
        .query(&[
            ("grant_type", "fb_exchange_token"),
            ("client_id", client_id.as_str()),
            ("client_secret", &secret),
            ("fb_exchange_token", &short),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let long = long["access_token"].as_str().unwrap().to_owned();
    let accounts: Value = sim
        .http
        .get(sim.api(Platform::Facebook, "v25.0/me/accounts"))
        .query(&[
            ("access_token", long.as_str()),
            ("fields", "id,access_token"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page = accounts["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    (long, page)
}
