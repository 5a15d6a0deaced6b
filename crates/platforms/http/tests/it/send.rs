use serde::Deserialize;
use serde_json::json;
use socialpub_domain::Platform;
use socialpub_platform_http::{generic_classify, send_empty, send_json};
use socialpub_ports::PlatformErrorKind;
use wiremock::matchers::{bearer_token, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client;

#[derive(Debug, Deserialize)]
struct Me {
    id: String,
}

#[tokio::test]
async fn decodes_success_and_classifies_failures() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(bearer_token("tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "42"})))
        .mount(&server)
        .await;
    Mock::given(path("/busy"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after", "7")
                .set_body_string("down"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/garbled"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": canary"))
        .mount(&server)
        .await;

    let http = client();
    let me: Me = send_json(
        http.get(format!("{}/me", server.uri())).bearer_auth("tok"),
        Platform::Pinterest,
        generic_classify,
    )
    .await
    .unwrap();
    assert_eq!(me.id, "42");

    let error = send_empty(
        http.get(format!("{}/busy", server.uri())),
        Platform::Pinterest,
        generic_classify,
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::PlatformDown);
    assert_eq!(error.retry_after, Some(time::Duration::seconds(7)));

    let error = send_json::<Me>(
        http.get(format!("{}/garbled", server.uri())),
        Platform::Pinterest,
        generic_classify,
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind, PlatformErrorKind::InvalidRequest);
    assert!(!format!("{error} {error:?}").contains("canary"));
}
