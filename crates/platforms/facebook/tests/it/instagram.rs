//! Instagram through Facebook Login: the Facebook login dialog with the Instagram permissions,
//! the Facebook token calls, and the Instagram accounts linked to the user's Pages.

use serde_json::json;
use socialpub_domain::{Platform, SecretString};
use socialpub_facebook::{INSTAGRAM_SCOPES, InstagramViaFacebookClient, PRODUCTION};
use socialpub_ports::{
    AccountKind, AuthorizationRequest, PlatformClient, PlatformErrorKind, TokenGrant,
};
use time::Duration;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::oauth::{mount_long_lived, mount_permissions, mount_short_lived};
use crate::support::*;

const IG_ID: &str = "17841400000000001";
const OTHER_IG_ID: &str = "17841400000000002";

fn instagram(server: &MockServer) -> InstagramViaFacebookClient {
    InstagramViaFacebookClient::new(client(server))
}

fn grant() -> TokenGrant {
    TokenGrant {
        access_token: secret(LONG_TOKEN),
        refresh_token: Some(secret(LONG_TOKEN)),
        expires_in: Some(Duration::days(60)),
        refresh_expires_in: Some(Duration::days(60)),
        scopes: Vec::new(),
        subject: None,
    }
}

fn page(id: &str, name: &str, token: &str, linked: Option<&str>) -> serde_json::Value {
    let mut page = json!({"id": id, "name": name, "category": "Brand", "access_token": token,
                          "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]});
    if let Some(ig) = linked {
        page["instagram_business_account"] = json!({"id": ig});
    }
    page
}

async fn mount_profile(server: &MockServer, ig: &str, token: &str, username: &str) {
    Mock::given(method("GET"))
        .and(path(format!("/v25.0/{ig}")))
        .and(query_param("fields", "id,username,name"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": ig, "username": username, "name": "Acme"})),
        )
        .expect(1)
        .mount(server)
        .await;
}

#[test]
fn the_facebook_login_dialog_asks_for_the_instagram_permissions() {
    let facebook = socialpub_facebook::FacebookClient::new(
        PRODUCTION.config(APP_ID, secret(APP_SECRET)),
        http(),
    );
    let client = InstagramViaFacebookClient::new(facebook);
    let state = SecretString::new("state-ig");
    let url = client.authorization_url(&AuthorizationRequest {
        state: &state,
        redirect_uri: &redirect_uri(),
        code_challenge: None,
    });
    assert_eq!(url.host_str(), Some("www.facebook.com"));
    assert_eq!(url.path(), "/v25.0/dialog/oauth");
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("client_id").as_deref(), Some(APP_ID));
    assert_eq!(param("state").as_deref(), Some("state-ig"));
    assert_eq!(param("response_type").as_deref(), Some("code"));
    let scope = param("scope").unwrap();
    assert_eq!(scope, INSTAGRAM_SCOPES.join(","));
    for needed in [
        "instagram_basic",
        "instagram_content_publish",
        "pages_show_list",
        "pages_read_engagement",
        "instagram_manage_insights",
    ] {
        assert!(scope.split(',').any(|s| s == needed), "{needed} in {scope}");
    }
    assert!(
        !scope.contains("pages_manage_posts"),
        "Facebook Page publishing is not asked for: {scope}"
    );
    assert_eq!(client.platform(), Platform::Instagram);
    assert!(!client.uses_pkce());
    assert!(client.accounts_have_own_tokens() && client.accounts_share_grant());
}

#[tokio::test]
async fn the_code_buys_a_long_lived_facebook_user_token() {
    let server = MockServer::start().await;
    mount_short_lived(&server).await;
    mount_long_lived(&server, SHORT_TOKEN, LONG_TOKEN).await;
    mount_permissions(&server, LONG_TOKEN).await;

    let grant = instagram(&server)
        .exchange_code(&secret(CODE), &redirect_uri(), None)
        .await
        .unwrap();
    assert_eq!(grant.access_token.expose(), LONG_TOKEN);
    assert_eq!(grant.refresh_token.as_ref().unwrap().expose(), LONG_TOKEN);
    assert_eq!(grant.expires_in, Some(Duration::seconds(5_183_944)));
}

#[tokio::test]
async fn each_linked_instagram_account_is_an_account_with_its_pages_token() {
    let server = MockServer::start().await;
    let next = format!(
        "{}/v25.0/me/accounts?fields=id&limit=100&after=QVFJ",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .and(header(
            "authorization",
            format!("Bearer {LONG_TOKEN}").as_str(),
        ))
        .and(query_param(
            "fields",
            "id,name,category,access_token,tasks,instagram_business_account",
        ))
        .and(query_param("limit", "100"))
        .and(query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [
                page("1122", "Acme Bakery", PAGE_TOKEN_1, Some(IG_ID)),
                page("5566", "No Instagram here", "canary-page-EAAB-33", None),
            ],
            "paging": {"cursors": {"after": "QVFJ"}, "next": next}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .and(query_param("after", "QVFJ"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [page("3344", "Acme Cafe", PAGE_TOKEN_2, Some(OTHER_IG_ID))],
        })))
        .expect(1)
        .mount(&server)
        .await;
    mount_profile(&server, IG_ID, PAGE_TOKEN_1, "acme.bakery").await;
    mount_profile(&server, OTHER_IG_ID, PAGE_TOKEN_2, "acme.cafe").await;

    let accounts = instagram(&server).list_accounts(&grant()).await.unwrap();

    let ids: Vec<&str> = accounts
        .iter()
        .map(|a| a.external_user_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [IG_ID, OTHER_IG_ID],
        "the Page without Instagram is left out"
    );
    assert_eq!(accounts[0].display_name, "acme.bakery");
    assert_eq!(accounts[0].kind, AccountKind::Business);
    assert_eq!(
        accounts[0].access_token.as_ref().unwrap().expose(),
        PAGE_TOKEN_1
    );
    assert!(
        accounts[0].expires_in.is_none(),
        "Page tokens do not expire"
    );
    assert_eq!(
        accounts[1].access_token.as_ref().unwrap().expose(),
        PAGE_TOKEN_2
    );
    let shown = format!("{accounts:?}");
    assert!(!shown.contains(PAGE_TOKEN_1) && !shown.contains(PAGE_TOKEN_2));
}

#[tokio::test]
async fn pages_without_a_linked_account_or_a_role_give_no_accounts() {
    let server = MockServer::start().await;
    let mut analyst = page("7788", "Only analysing", PAGE_TOKEN_2, Some(OTHER_IG_ID));
    analyst["tasks"] = json!(["ANALYZE"]);
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [page("1122", "Acme Bakery", PAGE_TOKEN_1, None), analyst],
        })))
        .expect(1)
        .mount(&server)
        .await;

    let accounts = instagram(&server).list_accounts(&grant()).await.unwrap();
    assert!(accounts.is_empty(), "{accounts:?}");
}

#[tokio::test]
async fn refresh_exchanges_the_user_token_on_facebook() {
    let server = MockServer::start().await;
    mount_long_lived(&server, LONG_TOKEN, "canary-long-EAAB-23").await;
    mount_permissions(&server, "canary-long-EAAB-23").await;
    let grant = instagram(&server)
        .refresh(&secret(LONG_TOKEN))
        .await
        .unwrap();
    assert_eq!(grant.access_token.expose(), "canary-long-EAAB-23");
}

#[tokio::test]
async fn revoke_deletes_the_facebook_grant_with_the_user_token() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v25.0/me/permissions"))
        .and(header(
            "authorization",
            format!("Bearer {LONG_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    instagram(&server)
        .revoke(&secret(PAGE_TOKEN_1), Some(&secret(LONG_TOKEN)))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_dead_user_token_is_an_auth_error_without_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v25.0/me/accounts"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": format!("Error validating access token {LONG_TOKEN}"),
            "type": "OAuthException", "code": 190, "error_subcode": 463,
        }})))
        .mount(&server)
        .await;
    let error = instagram(&server)
        .list_accounts(&grant())
        .await
        .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::Auth);
    assert_no_secrets(&error);
}
