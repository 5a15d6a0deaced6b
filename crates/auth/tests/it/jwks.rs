//! JwtAuthenticator with RS256/ES256 keys from a JWKS served by wiremock.

use serde_json::Value;
use socialpub_auth::{AuthSettings, JwtAuthenticator};
use socialpub_ports::{AuthError, Authenticator};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{AUDIENCE, ISSUER, TestKey, USER, assert_invalid, claims, http, jwks};

const JWKS_PATH: &str = "/.well-known/jwks.json";

fn settings(server_uri: &str, refetch_interval_seconds: u64) -> AuthSettings {
    AuthSettings {
        jwks_url: Some(format!("{server_uri}{JWKS_PATH}").parse().expect("url")),
        issuer: Some(ISSUER.into()),
        audience: Some(AUDIENCE.into()),
        jwks_refetch_interval_seconds: refetch_interval_seconds,
        ..AuthSettings::default()
    }
}

fn authenticator(settings: &AuthSettings) -> JwtAuthenticator {
    JwtAuthenticator::from_settings(settings, http()).expect("authenticator")
}

async fn serve(server: &MockServer, body: Value, expected_fetches: u64) {
    Mock::given(method("GET"))
        .and(path(JWKS_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(expected_fetches)
        .mount(server)
        .await;
}

#[tokio::test]
async fn rs256_and_es256_tokens_verify_against_one_fetch() {
    let server = MockServer::start().await;
    let rsa = TestKey::rsa("rsa-1", "rsa-2024");
    let ec = TestKey::ec("ec-2024");
    serve(&server, jwks(&[&rsa, &ec]), 1).await;
    let auth = authenticator(&settings(&server.uri(), 30));

    for token in [
        rsa.token(&claims()),
        ec.token(&claims()),
        rsa.token(&claims()),
    ] {
        let user = auth.authenticate(&token).await.unwrap();
        assert_eq!(user.user_id.as_str(), USER);
    }
}

#[tokio::test]
async fn a_signature_from_another_key_under_a_known_kid_is_refused() {
    let server = MockServer::start().await;
    let published = TestKey::rsa("rsa-1", "rsa-2024");
    serve(&server, jwks(&[&published]), 1).await;
    let impostor = TestKey::rsa("rsa-2", "rsa-2024");
    assert_invalid(
        authenticator(&settings(&server.uri(), 30))
            .authenticate(&impostor.token(&claims()))
            .await,
        "bad signature",
    );
}

#[tokio::test]
async fn a_kid_of_the_wrong_key_type_does_not_verify() {
    let server = MockServer::start().await;
    let ec = TestKey::ec("shared-kid");
    serve(&server, jwks(&[&ec]), 1).await;
    // An RS256 token naming the EC key's kid: no RSA key has that kid.
    let rsa = TestKey::rsa("rsa-1", "shared-kid");
    assert_invalid(
        authenticator(&settings(&server.uri(), 30))
            .authenticate(&rsa.token(&claims()))
            .await,
        "unknown signing key",
    );
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_by_refetching() {
    let server = MockServer::start().await;
    let old = TestKey::rsa("rsa-1", "k-old");
    let new = TestKey::rsa("rsa-2", "k-new");
    serve(&server, jwks(&[&old]), 1).await;
    let auth = authenticator(&settings(&server.uri(), 0));
    auth.authenticate(&old.token(&claims())).await.unwrap();
    server.verify().await;

    // The auth service rotates: the new key appears in its JWKS.
    server.reset().await;
    serve(&server, jwks(&[&old, &new]), 1).await;
    let user = auth.authenticate(&new.token(&claims())).await.unwrap();
    assert_eq!(user.user_id.as_str(), USER);
    // Known keys keep working without another fetch.
    auth.authenticate(&old.token(&claims())).await.unwrap();
}

#[tokio::test]
async fn unknown_kids_refetch_at_most_once_per_interval() {
    let server = MockServer::start().await;
    let known = TestKey::rsa("rsa-1", "k-known");
    serve(&server, jwks(&[&known]), 1).await;
    let auth = authenticator(&settings(&server.uri(), 3600));
    auth.authenticate(&known.token(&claims())).await.unwrap();

    let forged = TestKey::rsa("rsa-2", "k-forged");
    for _ in 0..3 {
        assert_invalid(
            auth.authenticate(&forged.token(&claims())).await,
            "unknown signing key",
        );
    }
    // `expect(1)` is checked when the server drops: no extra fetch happened.
}

#[tokio::test]
async fn a_jwks_endpoint_that_fails_makes_auth_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JWKS_PATH))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let key = TestKey::rsa("rsa-1", "k1");
    let err = authenticator(&settings(&server.uri(), 30))
        .authenticate(&key.token(&claims()))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn an_unreachable_jwks_endpoint_makes_auth_unavailable() {
    let uri = {
        let server = MockServer::start().await;
        server.uri()
    }; // dropped: nothing listens there any more
    let key = TestKey::ec("k1");
    let err = authenticator(&settings(&uri, 30))
        .authenticate(&key.token(&claims()))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn a_garbled_jwks_makes_auth_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JWKS_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>login</html>"))
        .mount(&server)
        .await;
    let key = TestKey::rsa("rsa-1", "k1");
    let err = authenticator(&settings(&server.uri(), 30))
        .authenticate(&key.token(&claims()))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn stale_keys_keep_working_while_the_jwks_endpoint_is_down() {
    let server = MockServer::start().await;
    let key = TestKey::rsa("rsa-1", "k1");
    serve(&server, jwks(&[&key]), 1).await;
    let settings = AuthSettings {
        jwks_max_age_seconds: 0,
        ..settings(&server.uri(), 0)
    };
    let auth = authenticator(&settings);
    auth.authenticate(&key.token(&claims())).await.unwrap();

    server.reset().await;
    Mock::given(method("GET"))
        .and(path(JWKS_PATH))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let user = auth.authenticate(&key.token(&claims())).await.unwrap();
    assert_eq!(user.user_id.as_str(), USER);
}

#[tokio::test]
async fn concurrent_first_requests_share_one_fetch() {
    let server = MockServer::start().await;
    let key = TestKey::ec("k1");
    serve(&server, jwks(&[&key]), 1).await;
    let auth = std::sync::Arc::new(authenticator(&settings(&server.uri(), 0)));
    let token = key.token(&claims());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let auth = auth.clone();
            let token = token.clone();
            tokio::spawn(async move { auth.authenticate(&token).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
}
