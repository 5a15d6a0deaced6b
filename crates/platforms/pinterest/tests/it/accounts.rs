use serde_json::json;
use socialpub_domain::SecretString;
use socialpub_pinterest::wire::{AccountType, BoardPrivacy};
use socialpub_ports::{AccountKind, PlatformClient};
use wiremock::matchers::{bearer_token, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, grant};

#[tokio::test]
async fn user_account_is_one_personal_account() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v5/user_account"))
        .and(bearer_token("pina_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "account_type": "BUSINESS",
            "id": "2783136121146311751",
            "username": "creativeflow",
            "profile_image": "https://i.pinimg.com/a.jpg",
            "website_url": "https://creativeflow.example",
            "business_name": "CreativeFlow",
            "about": "",
            "board_count": 14,
            "pin_count": 339,
            "follower_count": 10,
            "following_count": 347,
            "monthly_views": 163
        })))
        .expect(1)
        .mount(&server)
        .await;
    let accounts = client(&server)
        .list_accounts(&grant("pina_1"))
        .await
        .unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].external_user_id, "2783136121146311751");
    assert_eq!(accounts[0].display_name, "CreativeFlow");
    assert_eq!(accounts[0].kind, AccountKind::Personal);
    assert!(accounts[0].access_token.is_none());
}

#[tokio::test]
async fn pinner_accounts_use_the_username_and_unknown_types_parse() {
    let server = MockServer::start().await;
    Mock::given(path("/v5/user_account"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "account_type": "CREATOR_PLUS", "id": "42", "username": "jane", "business_name": null
        })))
        .mount(&server)
        .await;
    let pinterest = client(&server);
    let account = pinterest
        .user_account(&SecretString::new("t"))
        .await
        .unwrap();
    assert_eq!(account.account_type, Some(AccountType::Other));
    assert_eq!(account.display_name(), "jane");
}

#[tokio::test]
async fn list_boards_follows_bookmarks() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v5/boards"))
        .and(bearer_token("pina_1"))
        .and(query_param("page_size", "250"))
        .and(query_param_is_missing("bookmark"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [
                {"id": "549755885175", "name": "Summer recipes", "description": "My favorite summer recipes", "privacy": "PUBLIC", "pin_count": 5, "owner": {"username": "jane"}},
                {"id": "549755885176", "name": "Drafts", "privacy": "SECRET"}
            ],
            "bookmark": "page-2"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v5/boards"))
        .and(query_param("bookmark", "page-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [{"id": "549755885177", "name": "Ads", "privacy": "PROTECTED", "is_ads_only": true}],
            "bookmark": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    let boards = client(&server)
        .list_boards(&SecretString::new("pina_1"))
        .await
        .unwrap();
    let names: Vec<&str> = boards.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["Summer recipes", "Drafts", "Ads"]);
    assert_eq!(boards[1].privacy, Some(BoardPrivacy::Secret));
    assert_eq!(boards[2].privacy, Some(BoardPrivacy::Protected));
}
