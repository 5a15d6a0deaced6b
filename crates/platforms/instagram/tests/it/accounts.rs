//! The professional account through `/me`.

use serde_json::json;
use socialpub_instagram::AccountType;
use socialpub_ports::{AccountKind, PlatformClient, PlatformErrorKind, TokenGrant};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

fn grant() -> TokenGrant {
    TokenGrant {
        access_token: secret(LONG_TOKEN),
        refresh_token: Some(secret(LONG_TOKEN)),
        expires_in: None,
        refresh_expires_in: None,
        scopes: Vec::new(),
        subject: Some("1020".into()),
    }
}

#[tokio::test]
async fn the_account_is_one_business_account() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/me"))
        .and(query_param(
            "fields",
            "user_id,username,name,account_type,profile_picture_url",
        ))
        .and(header(
            "authorization",
            format!("Bearer {LONG_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "user_id": "17841400000000001", "username": "acme.bakery", "name": "Acme Bakery",
            "account_type": "BUSINESS", "profile_picture_url": "https://cdn.test/p.jpg",
            "id": "7023456789"})))
        .expect(1)
        .mount(&server)
        .await;
    let accounts = client(&server).list_accounts(&grant()).await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].external_user_id, "17841400000000001");
    assert_eq!(accounts[0].display_name, "acme.bakery");
    assert_eq!(accounts[0].kind, AccountKind::Business);
    assert!(accounts[0].access_token.is_none());
}

#[tokio::test]
async fn a_wrapped_creator_profile_with_numbers_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{
            "user_id": 17_841_400_000_000_002_u64, "name": "Jo Creator",
            "account_type": "MEDIA_CREATOR", "something_new": true}]})))
        .mount(&server)
        .await;
    let client = client(&server);
    let profile = client.me(&secret(LONG_TOKEN)).await.unwrap();
    assert_eq!(profile.account_type, Some(AccountType::MediaCreator));
    let accounts = client.list_accounts(&grant()).await.unwrap();
    assert_eq!(accounts[0].external_user_id, "17841400000000002");
    assert_eq!(accounts[0].display_name, "Jo Creator");
}

#[tokio::test]
async fn missing_ids_fall_back_on_the_token_subject() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"account_type": "NEW_KIND"})))
        .mount(&server)
        .await;
    let accounts = client(&server).list_accounts(&grant()).await.unwrap();
    assert_eq!(accounts[0].external_user_id, "1020");
    assert_eq!(accounts[0].display_name, "1020");
}

#[tokio::test]
async fn a_revoked_token_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/v25.0/me"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Error validating access token: The session has been invalidated because the user changed their password.",
            "type": "OAuthException", "code": 190, "error_subcode": 460, "fbtrace_id": "B"}})))
        .mount(&server)
        .await;
    let error = client(&server).list_accounts(&grant()).await.unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_no_secrets(&error);
}
