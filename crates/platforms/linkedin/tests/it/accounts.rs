//! Member and organization discovery.

use serde_json::json;
use socialpub_linkedin::{LinkedinClient, MEMBER_SCOPES, PRODUCTION};
use socialpub_ports::{AccountKind, PlatformClient, PlatformErrorKind};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

async fn mount_userinfo(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/v2/userinfo"))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sub": "782bbtaQ", "name": "John Doe", "given_name": "John", "family_name": "Doe",
            "picture": "https://media.licdn.com/x", "locale": "en-US"})))
        .mount(server)
        .await;
}

async fn mount_acls(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/api/rest/organizationAcls"))
        .and(query_param("q", "roleAssignee"))
        .and(query_param("role", "ADMINISTRATOR"))
        .and(query_param("state", "APPROVED"))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_TOKEN}").as_str(),
        ))
        .and(header("LinkedIn-Version", "202609"))
        .and(header("X-Restli-Protocol-Version", "2.0.0"))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn mount_organization(server: &MockServer, id: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(format!("/api/rest/organizations/{id}")))
        .and(header("LinkedIn-Version", "202609"))
        .and(header("X-Restli-Protocol-Version", "2.0.0"))
        .respond_with(response)
        .mount(server)
        .await;
}

fn acl(id: u64) -> serde_json::Value {
    json!({"organization": format!("urn:li:organization:{id}"), "role": "ADMINISTRATOR",
           "state": "APPROVED", "roleAssignee": "urn:li:person:782bbtaQ"})
}

#[tokio::test]
async fn member_and_administered_organizations() {
    let server = MockServer::start().await;
    mount_userinfo(&server).await;
    mount_acls(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "paging": {"start": 0, "count": 100, "total": 2},
            "elements": [acl(2_414_183), acl(5_550_001)]})),
    )
    .await;
    mount_organization(
        &server,
        "2414183",
        ResponseTemplate::new(200).set_body_json(json!({
            "id": 2_414_183, "localizedName": "Acme Corp", "vanityName": "acme"})),
    )
    .await;
    mount_organization(
        &server,
        "5550001",
        ResponseTemplate::new(200)
            .set_body_json(json!({"id": 5_550_001, "vanityName": "acme-labs"})),
    )
    .await;

    let accounts = client(&server)
        .list_accounts(&grant(&[
            "openid",
            "profile",
            "w_member_social",
            "rw_organization_admin",
        ]))
        .await
        .unwrap();
    assert_eq!(accounts.len(), 3);
    assert_eq!(accounts[0].external_user_id, "urn:li:person:782bbtaQ");
    assert_eq!(accounts[0].display_name, "John Doe");
    assert_eq!(accounts[0].kind, AccountKind::Personal);
    assert_eq!(accounts[1].external_user_id, "urn:li:organization:2414183");
    assert_eq!(accounts[1].display_name, "Acme Corp");
    assert_eq!(accounts[1].kind, AccountKind::Organization);
    assert_eq!(accounts[2].display_name, "acme-labs");
    assert!(accounts.iter().all(|a| a.access_token.is_none()));
}

#[tokio::test]
async fn a_403_on_the_organization_lookup_leaves_just_the_member() {
    let server = MockServer::start().await;
    mount_userinfo(&server).await;
    mount_acls(
        &server,
        ResponseTemplate::new(403).set_body_json(json!({"status": 403, "serviceErrorCode": 100,
            "code": "ACCESS_DENIED", "message": "Not enough permissions to access: organizationAcls.GET.20260901"})),
    )
    .await;
    let accounts = client(&server).list_accounts(&grant(&[])).await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].kind, AccountKind::Personal);
}

#[tokio::test]
async fn no_organization_lookup_without_an_admin_scope() {
    let server = MockServer::start().await;
    mount_userinfo(&server).await;
    let accounts = client(&server)
        .list_accounts(&grant(&["openid", "profile", "w_member_social"]))
        .await
        .unwrap();
    assert_eq!(accounts.len(), 1);

    let config = PRODUCTION
        .config(CLIENT_ID, secret(CLIENT_SECRET))
        .with_base_urls(
            format!("{}/api/", server.uri()).parse().unwrap(),
            format!("{}/www/", server.uri()).parse().unwrap(),
        )
        .with_scopes(MEMBER_SCOPES.iter().copied());
    let accounts = LinkedinClient::new(config, http())
        .list_accounts(&grant(&[]))
        .await
        .unwrap();
    assert_eq!(accounts.len(), 1);
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.url.path() == "/api/v2/userinfo"));
}

#[tokio::test]
async fn an_unreadable_organization_keeps_its_urn_as_name() {
    let server = MockServer::start().await;
    mount_userinfo(&server).await;
    mount_acls(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"elements": [acl(42),
            {"organizationalTarget": "urn:li:organization:43", "role": "ADMINISTRATOR", "state": "APPROVED"},
            {"organization": "urn:li:organization:44", "role": "ANALYST", "state": "APPROVED"},
            {"organization": "urn:li:organization:45", "role": "ADMINISTRATOR", "state": "REVOKED"}]})),
    )
    .await;
    mount_organization(
        &server,
        "42",
        ResponseTemplate::new(403)
            .set_body_json(json!({"status": 403, "code": "ACCESS_DENIED", "message": "no"})),
    )
    .await;
    mount_organization(
        &server,
        "43",
        ResponseTemplate::new(200).set_body_json(json!({"localizedName": "Legacy Org"})),
    )
    .await;
    let accounts = client(&server).list_accounts(&grant(&[])).await.unwrap();
    let names: Vec<&str> = accounts.iter().map(|a| a.display_name.as_str()).collect();
    assert_eq!(names, ["John Doe", "urn:li:organization:42", "Legacy Org"]);
}

#[tokio::test]
async fn acl_pages_are_followed_with_start_and_count() {
    let server = MockServer::start().await;
    mount_userinfo(&server).await;
    let first: Vec<serde_json::Value> = (0..100).map(|i| acl(1000 + i)).collect();
    Mock::given(method("GET"))
        .and(path("/api/rest/organizationAcls"))
        .and(query_param("start", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "paging": {"start": 0, "count": 100, "total": 101}, "elements": first})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/rest/organizationAcls"))
        .and(query_param("start", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "paging": {"start": 100, "count": 100, "total": 101}, "elements": [acl(9999)]})))
        .expect(1)
        .mount(&server)
        .await;
    let urns = client(&server)
        .administered_organizations(&secret(ACCESS_TOKEN))
        .await
        .unwrap();
    assert_eq!(urns.len(), 101);
    assert_eq!(urns[100], "urn:li:organization:9999");
}

#[tokio::test]
async fn an_invalid_token_on_userinfo_is_auth() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/userinfo"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"status": 401,
            "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access token"})))
        .mount(&server)
        .await;
    let error = client(&server)
        .list_accounts(&grant(&[]))
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_eq!(error.code.as_deref(), Some("INVALID_ACCESS_TOKEN"));
    assert_no_secrets(&error);
}

#[tokio::test]
async fn a_sunset_version_on_the_organization_lookup_is_a_loud_config_error() {
    let server = MockServer::start().await;
    mount_userinfo(&server).await;
    mount_acls(
        &server,
        ResponseTemplate::new(426).set_body_json(json!({"status": 426,
            "code": "NONEXISTENT_VERSION", "message": "Requested version 202409 is not active"})),
    )
    .await;
    let error = client(&server)
        .list_accounts(&grant(&[]))
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
    assert!(
        error.message.contains("LinkedIn-Version"),
        "{}",
        error.message
    );
    assert!(error.message.contains("202409 is not active"));
}

#[tokio::test]
async fn the_member_and_their_organizations_share_one_grant() {
    let server = MockServer::start().await;
    assert!(client(&server).accounts_share_grant());
}
