//! Page discovery through `/me/accounts`.

use serde_json::json;
use socialpub_facebook::{MAX_PAGE_REQUESTS, PageTask};
use socialpub_ports::{AccountKind, PlatformClient, PlatformErrorKind, TokenGrant};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::*;

fn grant() -> TokenGrant {
    TokenGrant {
        access_token: secret(LONG_TOKEN),
        refresh_token: Some(secret(LONG_TOKEN)),
        expires_in: None,
        refresh_expires_in: None,
        scopes: Vec::new(),
        subject: None,
    }
}

fn page(id: &str, name: &str, token: &str) -> serde_json::Value {
    json!({"access_token": token, "category": "Brand",
           "category_list": [{"id": "1", "name": "Brand"}], "name": name, "id": id,
           "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]})
}

#[tokio::test]
async fn every_page_becomes_an_account_with_its_own_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .and(header("authorization", format!("Bearer {LONG_TOKEN}").as_str()))
        .and(query_param("fields", "id,name,category,access_token,tasks"))
        .and(query_param("limit", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [page("1122", "Acme Bakery", PAGE_TOKEN_1), page("3344", "Acme Cafe", PAGE_TOKEN_2)],
            "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let accounts = client(&server).list_accounts(&grant()).await.unwrap();

    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0].external_user_id, "1122");
    assert_eq!(accounts[0].display_name, "Acme Bakery");
    assert_eq!(accounts[0].kind, AccountKind::Page);
    assert_eq!(
        accounts[0].access_token.as_ref().unwrap().expose(),
        PAGE_TOKEN_1
    );
    assert!(
        accounts[0].expires_in.is_none(),
        "page tokens do not expire"
    );
    assert_eq!(accounts[1].external_user_id, "3344");
    assert_eq!(
        accounts[1].access_token.as_ref().unwrap().expose(),
        PAGE_TOKEN_2
    );
    let shown = format!("{accounts:?}");
    assert!(!shown.contains(PAGE_TOKEN_1) && !shown.contains(PAGE_TOKEN_2));
}

#[tokio::test]
async fn pagination_follows_next_on_the_api_host() {
    let server = MockServer::start().await;
    let next = format!(
        "{}/v25.0/me/accounts?access_token={LONG_TOKEN}&fields=id,name&limit=100&after=QVFJ",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .and(query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [page("1122", "Acme Bakery", PAGE_TOKEN_1)],
            "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}, "next": next}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .and(query_param("after", "QVFJ"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [page("3344", "Acme Cafe", PAGE_TOKEN_2)],
            "paging": {"cursors": {"before": "QVFK", "after": "QVFL"}}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let accounts = client(&server).list_accounts(&grant()).await.unwrap();
    let ids: Vec<&str> = accounts
        .iter()
        .map(|a| a.external_user_id.as_str())
        .collect();
    assert_eq!(ids, ["1122", "3344"]);
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [page("1122", "Acme Bakery", PAGE_TOKEN_1)],
            "paging": {"next": "https://evil.example/v25.0/me/accounts?after=x"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let accounts = client(&server).list_accounts(&grant()).await.unwrap();
    assert_eq!(accounts.len(), 1);
}

/// Always answers one page and a `next` link to the following cursor.
struct EndlessPages {
    base: String,
}

impl Respond for EndlessPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let after: u32 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "after")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        ResponseTemplate::new(200).set_body_json(json!({
            "data": [page(&format!("p{after}"), "Page", PAGE_TOKEN_1)],
            "paging": {"next": format!("{}/v25.0/me/accounts?after={}", self.base, after + 1)}
        }))
    }
}

#[tokio::test]
async fn pagination_is_bounded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .respond_with(EndlessPages { base: server.uri() })
        .mount(&server)
        .await;
    let accounts = client(&server).list_accounts(&grant()).await.unwrap();
    assert_eq!(accounts.len(), MAX_PAGE_REQUESTS);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        MAX_PAGE_REQUESTS
    );
}

#[tokio::test]
async fn pages_without_publishing_rights_or_token_are_left_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            page("1122", "Acme Bakery", PAGE_TOKEN_1),
            {"id": "5566", "name": "Analyst only", "access_token": PAGE_TOKEN_2, "tasks": ["ANALYZE"]},
            {"id": "7788", "name": "No token", "tasks": ["CREATE_CONTENT"]},
            {"id": "9900", "name": "No task list", "access_token": PAGE_TOKEN_2},
            {"id": "9911", "access_token": PAGE_TOKEN_2, "tasks": ["CREATE_CONTENT", "SOMETHING_NEW"]}
        ]})))
        .mount(&server)
        .await;
    let client = client(&server);
    let accounts = client.list_accounts(&grant()).await.unwrap();
    let ids: Vec<&str> = accounts
        .iter()
        .map(|a| a.external_user_id.as_str())
        .collect();
    assert_eq!(ids, ["1122", "9900", "9911"]);
    assert_eq!(
        accounts[2].display_name, "9911",
        "a nameless page shows its id"
    );

    let pages = client.pages(&secret(LONG_TOKEN)).await.unwrap();
    assert_eq!(pages.len(), 5);
    assert_eq!(pages[1].tasks, [PageTask::Analyze]);
    assert!(!pages[1].can_publish());
    assert_eq!(pages[4].tasks, [PageTask::CreateContent, PageTask::Other]);
    assert_eq!(pages[0].category.as_deref(), Some("Brand"));
}

#[tokio::test]
async fn an_expired_user_token_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Error validating access token: Session has expired.",
            "type": "OAuthException", "code": 190, "error_subcode": 463, "fbtrace_id": "T1"}})))
        .mount(&server)
        .await;
    let error = client(&server).list_accounts(&grant()).await.unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_no_secrets(&error);
}

#[tokio::test]
async fn every_page_shares_the_user_grant() {
    let server = MockServer::start().await;
    assert!(client(&server).accounts_share_grant());
}
