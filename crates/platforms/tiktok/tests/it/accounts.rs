use serde_json::json;
use socialpub_ports::{AccountKind, PlatformClient};
use wiremock::matchers::{bearer_token, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, grant};

#[tokio::test]
async fn user_info_is_one_personal_account_keyed_by_open_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/user/info/"))
        .and(bearer_token("act.1"))
        .and(query_param(
            "fields",
            "open_id,union_id,avatar_url,display_name",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"user": {
                "open_id": "723f24d7-e717-40f8-a2b6-cb8464cd23b4",
                "union_id": "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1",
                "avatar_url": "https://p19-sign.tiktokcdn-us.com/a.jpeg",
                "display_name": "Tik Toker"
            }},
            "error": {"code": "ok", "message": "", "log_id": "20220829194722CBE87ED59D524E727021"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let accounts = client(&server)
        .list_accounts(&grant("act.1"))
        .await
        .unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(
        accounts[0].external_user_id,
        "723f24d7-e717-40f8-a2b6-cb8464cd23b4"
    );
    assert_eq!(accounts[0].display_name, "Tik Toker");
    assert_eq!(accounts[0].kind, AccountKind::Personal);
    assert!(accounts[0].access_token.is_none());
}
