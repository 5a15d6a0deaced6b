use serde_json::json;
use socialpub_domain::SecretString;
use socialpub_ports::{AccountKind, PlatformClient, TokenGrant};
use wiremock::matchers::{bearer_token, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client;

pub fn grant(token: &str) -> TokenGrant {
    TokenGrant {
        access_token: SecretString::new(token),
        refresh_token: None,
        expires_in: None,
        refresh_expires_in: None,
        scopes: vec![],
        subject: None,
    }
}

#[tokio::test]
async fn users_me_is_one_personal_account() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .and(bearer_token("access-1"))
        .and(query_param(
            "user.fields",
            "id,name,username,profile_image_url,verified,protected",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {
                "id": "2244994945",
                "name": "X Dev",
                "username": "XDevelopers",
                "profile_image_url": "https://pbs.twimg.com/profile_images/1/x_normal.jpg",
                "verified": false,
                "public_metrics": {"followers_count": 1}
            }
        })))
        .expect(2)
        .mount(&server)
        .await;
    let x = client(&server);
    let accounts = x.list_accounts(&grant("access-1")).await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].external_user_id, "2244994945");
    assert_eq!(accounts[0].display_name, "@XDevelopers");
    assert_eq!(accounts[0].kind, AccountKind::Personal);
    assert!(accounts[0].access_token.is_none());

    let user = x.me(&SecretString::new("access-1")).await.unwrap();
    assert_eq!(user.name, "X Dev");
    assert_eq!(user.username, "XDevelopers");
}

#[tokio::test]
async fn users_me_with_only_errors_is_classified() {
    let server = MockServer::start().await;
    Mock::given(path("/2/users/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "errors": [{
                "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
                "title": "Forbidden",
                "detail": "Sorry, you are not authorized to see this user."
            }]
        })))
        .mount(&server)
        .await;
    let error = client(&server)
        .list_accounts(&grant("access-1"))
        .await
        .unwrap_err();
    assert_eq!(error.kind, socialpub_ports::PlatformErrorKind::Permission);
    assert_eq!(error.code.as_deref(), Some("not-authorized-for-resource"));
}

#[tokio::test]
async fn a_sunset_header_on_any_answer_is_counted_as_a_deprecation() {
    use socialpub_domain::Platform;
    use socialpub_platform_http::deprecation_signals;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2/users/me"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("sunset", "Tue, 01 Jun 2027 00:00:00 GMT")
                .set_body_json(json!({"data": {"id": "1", "name": "X", "username": "x"}})),
        )
        .mount(&server)
        .await;
    let before = deprecation_signals(Platform::X);
    client(&server)
        .me(&SecretString::new("access-1"))
        .await
        .unwrap();
    assert!(deprecation_signals(Platform::X) > before);
    assert_eq!(
        deprecation_signals(Platform::Pinterest),
        0,
        "counted for the platform that answered"
    );
}
