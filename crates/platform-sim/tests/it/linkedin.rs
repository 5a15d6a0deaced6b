//! LinkedIn: authorization, accessToken (code + refresh), revoke, userinfo, organizationAcls and
//! organizations with the version headers.

use reqwest::StatusCode;
use serde_json::Value;
use socialpub_platform_sim::{Platform, seed};

use crate::common::{
    REDIRECT, Sim, authorize_redirect, authorize_url, connect, consent, exchange, probe, start,
};

const L: Platform = Platform::Linkedin;

async fn rest(
    sim: &Sim,
    path: &str,
    token: &str,
    version: Option<&str>,
    restli: bool,
) -> (StatusCode, Value) {
    let mut request = sim.http.get(sim.api(L, path)).bearer_auth(token);
    if let Some(v) = version {
        request = request.header("LinkedIn-Version", v);
    }
    if restli {
        request = request.header("X-Restli-Protocol-Version", "2.0.0");
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_and_cancel() {
    let sim = start(false);
    let approved = consent(
        &sim,
        authorize_url(&sim, L, "li"),
        "approve",
        seed::linkedin::ORGANIZATION_NAME,
    )
    .await;
    assert_eq!(approved["state"], "li");
    let denied = consent(
        &sim,
        authorize_url(&sim, L, "li2"),
        "deny",
        "w_member_social",
    )
    .await;
    assert_eq!(denied["error"], "user_cancelled_authorize");
    assert_eq!(denied["state"], "li2");
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_exchange_errors_and_shape() {
    let sim = start(true);
    let (client_id, _) = sim.creds(L);
    let params = authorize_redirect(&sim, authorize_url(&sim, L, "s")).await;
    let code = params["code"].clone();
    let url = sim.oauth(L, "oauth/v2/accessToken");
    let response = sim
        .http
        .post(url.clone())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", &client_id),
            ("client_secret", "wrong"),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");

    let (_, secret) = sim.creds(L);
    let response = sim
        .http
        .post(url)
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", &client_id),
            ("client_secret", &secret),
            ("redirect_uri", "https://app.example/elsewhere"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");

    let response = exchange(&sim, L, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["expires_in"], 5_184_000);
    assert_eq!(body["refresh_token_expires_in"], 31_536_000);
    assert_eq!(
        body["scope"],
        "openid,profile,email,w_member_social,rw_organization_admin,w_organization_social"
    );
    assert!(body["access_token"].as_str().unwrap().len() > 300);
    assert_eq!(
        exchange(&sim, L, &code).await.status(),
        StatusCode::BAD_REQUEST
    );
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_and_organization_discovery() {
    let sim = start(true);
    let token = connect(&sim, L).await.access;
    let response = probe(&sim, L, &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["sub"], seed::linkedin::SUB);
    assert_eq!(me["name"], seed::linkedin::NAME);
    assert_eq!(me["email"], seed::linkedin::EMAIL);

    let acls = "rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED";
    let (status, body) = rest(&sim, acls, &token, None, true).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "VERSION_MISSING");
    let (status, body) = rest(&sim, acls, &token, Some("202401"), true).await;
    assert_eq!(status, StatusCode::UPGRADE_REQUIRED);
    assert_eq!(body["code"], "NONEXISTENT_VERSION");
    assert_eq!(body["status"], 426);
    let (status, _) = rest(&sim, acls, &token, Some("202601"), false).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = rest(&sim, acls, &token, Some("202601"), true).await;
    assert_eq!(status, StatusCode::OK);
    let elements = body["elements"].as_array().unwrap();
    assert_eq!(elements.len(), 1);
    let org_urn = format!("urn:li:organization:{}", seed::linkedin::ORGANIZATION_ID);
    assert_eq!(elements[0]["organization"], org_urn.as_str());
    assert_eq!(elements[0]["role"], "ADMINISTRATOR");
    assert_eq!(elements[0]["state"], "APPROVED");

    let path = format!("rest/organizations/{}", seed::linkedin::ORGANIZATION_ID);
    let (status, org) = rest(&sim, &path, &token, Some("202609"), true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(org["localizedName"], seed::linkedin::ORGANIZATION_NAME);
    assert_eq!(org["vanityName"], seed::linkedin::ORGANIZATION_VANITY);
    let (status, body) = rest(&sim, "rest/organizations/42", &token, Some("202609"), true).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], 404);
    sim.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_keeps_the_refresh_token_then_revoke() {
    let sim = start(true);
    let (client_id, secret) = sim.creds(L);
    let tokens = connect(&sim, L).await;
    let refresh = tokens.refresh.unwrap();
    let response = sim
        .http
        .post(sim.oauth(L, "oauth/v2/accessToken"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["refresh_token"], refresh.as_str());
    assert!(body["refresh_token_expires_in"].as_i64().unwrap() <= 31_536_000);
    let access = body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(access, tokens.access);

    let response = sim
        .http
        .post(sim.oauth(L, "oauth/v2/revoke"))
        .form(&[
            ("client_id", client_id.as_str()),
            ("client_secret", &secret),
            ("token", &access),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = probe(&sim, L, &access).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], 401);
    assert_eq!(body["serviceErrorCode"], 65602);

    let response = sim
        .http
        .post(sim.oauth(L, "oauth/v2/accessToken"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");

    let response = sim
        .http
        .post(sim.oauth(L, "oauth/v2/introspectToken"))
        .form(&[
            ("client_id", client_id.as_str()),
            ("client_secret", &secret),
            ("token", &access),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["active"], false);
    assert_eq!(body["status"], "revoked");
    sim.handle.stop().await;
}
