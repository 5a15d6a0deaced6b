//! IntrospectionAuthenticator against an RFC 7662 endpoint served by wiremock.

use std::time::Duration;

use serde_json::json;
use socialpub_auth::{AuthMode, AuthSettings, IntrospectionAuthenticator};
use socialpub_ports::{AuthError, Authenticator};
use wiremock::matchers::{basic_auth, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{ISSUER, USER, assert_invalid, http, now};

const INTROSPECT: &str = "/oauth2/introspect";
const TOKEN: &str = "opaque-token-5f2b";

fn settings(server: &MockServer) -> AuthSettings {
    AuthSettings {
        mode: AuthMode::Introspection,
        introspection_url: Some(
            format!("{}{INTROSPECT}", server.uri())
                .parse()
                .expect("url"),
        ),
        client_id: Some("socialpub".into()),
        client_secret: Some("client-secret-9c1d".into()),
        issuer: Some(ISSUER.into()),
        ..AuthSettings::default()
    }
}

fn authenticator(settings: &AuthSettings) -> IntrospectionAuthenticator {
    IntrospectionAuthenticator::from_settings(settings, http()).expect("authenticator")
}

fn active() -> serde_json::Value {
    json!({"active": true, "sub": USER, "iss": ISSUER, "exp": now() + 600, "token_type": "Bearer"})
}

async fn answer(server: &MockServer, status: u16, body: serde_json::Value, times: u64) {
    Mock::given(method("POST"))
        .and(path(INTROSPECT))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains(format!("token={TOKEN}")))
        .and(body_string_contains("token_type_hint=access_token"))
        .and(basic_auth("socialpub", "client-secret-9c1d"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn an_active_token_yields_its_subject() {
    let server = MockServer::start().await;
    answer(&server, 200, active(), 1).await;
    let user = authenticator(&settings(&server))
        .authenticate(TOKEN)
        .await
        .unwrap();
    assert_eq!(user.user_id.as_str(), USER);
}

#[tokio::test]
async fn an_inactive_token_is_invalid_and_not_cached() {
    let server = MockServer::start().await;
    answer(&server, 200, json!({"active": false}), 2).await;
    let auth = authenticator(&settings(&server));
    for _ in 0..2 {
        assert_invalid(auth.authenticate(TOKEN).await, "not active");
    }
}

#[tokio::test]
async fn an_active_answer_without_sub_is_invalid() {
    let server = MockServer::start().await;
    answer(&server, 200, json!({"active": true}), 1).await;
    assert_invalid(
        authenticator(&settings(&server)).authenticate(TOKEN).await,
        "`sub`",
    );
}

#[tokio::test]
async fn an_answer_past_its_exp_is_expired() {
    let server = MockServer::start().await;
    answer(
        &server,
        200,
        json!({"active": true, "sub": USER, "exp": now() - 3600}),
        1,
    )
    .await;
    assert!(matches!(
        authenticator(&settings(&server)).authenticate(TOKEN).await,
        Err(AuthError::Expired)
    ));
}

#[tokio::test]
async fn an_answer_from_another_issuer_is_invalid() {
    let server = MockServer::start().await;
    answer(
        &server,
        200,
        json!({"active": true, "sub": USER, "iss": "https://evil.test"}),
        1,
    )
    .await;
    assert_invalid(
        authenticator(&settings(&server)).authenticate(TOKEN).await,
        "wrong issuer",
    );
}

#[tokio::test]
async fn server_errors_make_auth_unavailable() {
    for status in [500, 503, 401, 302] {
        let server = MockServer::start().await;
        answer(&server, status, json!({"error": "nope"}), 1).await;
        let err = authenticator(&settings(&server))
            .authenticate(TOKEN)
            .await
            .unwrap_err();
        assert!(
            matches!(err, AuthError::Unavailable(_)),
            "{status}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_slow_endpoint_times_out_as_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(active())
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let settings = AuthSettings {
        http_timeout_seconds: 1,
        ..settings(&server)
    };
    let client = socialpub_auth::auth_http_client(&settings).unwrap();
    let auth = IntrospectionAuthenticator::from_settings(&settings, client).unwrap();
    let err = auth.authenticate(TOKEN).await.unwrap_err();
    assert!(matches!(err, AuthError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn a_non_json_answer_makes_auth_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>"))
        .mount(&server)
        .await;
    let err = authenticator(&settings(&server))
        .authenticate(TOKEN)
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn positive_answers_are_cached_per_token() {
    let server = MockServer::start().await;
    answer(&server, 200, active(), 1).await;
    Mock::given(method("POST"))
        .and(body_string_contains("token=another-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(active()))
        .expect(1)
        .mount(&server)
        .await;
    let auth = authenticator(&settings(&server));
    for _ in 0..2 {
        assert_eq!(
            auth.authenticate(TOKEN).await.unwrap().user_id.as_str(),
            USER
        );
    }
    auth.authenticate("another-token").await.unwrap();
}

#[tokio::test]
async fn the_cache_never_outlives_the_token() {
    let server = MockServer::start().await;
    // One second left: the entry expires long before the configured 60 s.
    answer(
        &server,
        200,
        json!({"active": true, "sub": USER, "exp": now() + 1}),
        2,
    )
    .await;
    let auth = authenticator(&settings(&server));
    auth.authenticate(TOKEN).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    auth.authenticate(TOKEN).await.unwrap();
}

#[tokio::test]
async fn without_credentials_no_authorization_header_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(|request: &Request| !request.headers.contains_key("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(active()))
        .expect(1)
        .mount(&server)
        .await;
    let settings = AuthSettings {
        client_id: None,
        client_secret: None,
        ..settings(&server)
    };
    authenticator(&settings).authenticate(TOKEN).await.unwrap();
}

#[tokio::test]
async fn debug_and_errors_hide_the_client_secret_and_token() {
    let server = MockServer::start().await;
    answer(&server, 500, json!({}), 1).await;
    let auth = authenticator(&settings(&server));
    let err = auth.authenticate(TOKEN).await.unwrap_err();
    let shown = format!("{err} {err:?} {auth:?}");
    assert!(!shown.contains("client-secret-9c1d"), "{shown}");
    assert!(!shown.contains(TOKEN), "{shown}");
}
