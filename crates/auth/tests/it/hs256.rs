//! JwtAuthenticator with a shared HS256 secret.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::json;
use socialpub_auth::{AuthSettings, JwtAlgorithm, JwtAuthenticator};
use socialpub_ports::{AuthError, Authenticator};

use crate::support::{
    AUDIENCE, SECRET, USER, assert_invalid, claims, claims_with, hs_settings, hs256, http, now,
    sign,
};

fn authenticator(settings: &AuthSettings) -> JwtAuthenticator {
    JwtAuthenticator::from_settings(settings, http()).expect("authenticator")
}

#[tokio::test]
async fn a_valid_token_yields_its_subject() {
    let user = authenticator(&hs_settings())
        .authenticate(&hs256(&claims(), SECRET))
        .await
        .unwrap();
    assert_eq!(user.user_id.as_str(), USER);
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_refused() {
    let token = hs256(&claims(), "another-secret-0123456789abcdef-0123456789");
    assert_invalid(
        authenticator(&hs_settings()).authenticate(&token).await,
        "bad signature",
    );
}

#[tokio::test]
async fn an_expired_token_is_expired() {
    let token = hs256(&claims_with(json!({"exp": now() - 3600})), SECRET);
    assert!(matches!(
        authenticator(&hs_settings()).authenticate(&token).await,
        Err(AuthError::Expired)
    ));
}

#[tokio::test]
async fn a_token_just_past_exp_passes_within_the_leeway() {
    let token = hs256(&claims_with(json!({"exp": now() - 5})), SECRET);
    assert!(
        authenticator(&hs_settings())
            .authenticate(&token)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_token_not_valid_yet_is_refused() {
    let token = hs256(&claims_with(json!({"nbf": now() + 3600})), SECRET);
    assert_invalid(
        authenticator(&hs_settings()).authenticate(&token).await,
        "not valid yet",
    );
}

#[tokio::test]
async fn issuer_is_checked_and_required() {
    let auth = authenticator(&hs_settings());
    let wrong = hs256(&claims_with(json!({"iss": "https://evil.test"})), SECRET);
    assert_invalid(auth.authenticate(&wrong).await, "wrong issuer");
    let missing = hs256(&claims_with(json!({"iss": null})), SECRET);
    assert_invalid(auth.authenticate(&missing).await, "`iss`");
}

#[tokio::test]
async fn audience_is_checked_and_required() {
    let auth = authenticator(&hs_settings());
    let wrong = hs256(&claims_with(json!({"aud": "another-service"})), SECRET);
    assert_invalid(auth.authenticate(&wrong).await, "wrong audience");
    let listed = hs256(&claims_with(json!({"aud": ["other", AUDIENCE]})), SECRET);
    assert!(auth.authenticate(&listed).await.is_ok());
    let missing = hs256(&claims_with(json!({"aud": null})), SECRET);
    assert_invalid(auth.authenticate(&missing).await, "`aud`");
}

#[tokio::test]
async fn without_configured_audience_any_aud_passes() {
    let settings = AuthSettings {
        audience: None,
        ..hs_settings()
    };
    let token = hs256(&claims_with(json!({"aud": "whatever"})), SECRET);
    assert!(authenticator(&settings).authenticate(&token).await.is_ok());
}

#[tokio::test]
async fn alg_none_is_always_refused() {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims().to_string());
    let auth = authenticator(&hs_settings());
    for token in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
    ] {
        assert!(matches!(
            auth.authenticate(&token).await,
            Err(AuthError::Invalid(_))
        ));
    }
}

#[tokio::test]
async fn only_configured_algorithms_are_accepted() {
    let settings = AuthSettings {
        algorithms: vec![JwtAlgorithm::HS256],
        ..hs_settings()
    };
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    let hs512 = sign(Algorithm::HS512, None, &claims(), &key);
    assert_invalid(
        authenticator(&settings).authenticate(&hs512).await,
        "algorithm not allowed",
    );
}

#[tokio::test]
async fn an_rs256_header_cannot_reach_the_shared_secret() {
    // Algorithm confusion: an RS256 header over an HMAC signature made with the secret.
    let mut token = hs256(&claims(), SECRET);
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let rest = token
        .split_once('.')
        .map(|(_, rest)| rest.to_owned())
        .unwrap();
    token = format!("{header}.{rest}");
    assert_invalid(
        authenticator(&hs_settings()).authenticate(&token).await,
        "algorithm not allowed",
    );
}

#[tokio::test]
async fn garbage_is_invalid() {
    let auth = authenticator(&hs_settings());
    for token in ["", "   ", "not-a-jwt", "a.b.c", "e30.e30.e30"] {
        assert!(
            matches!(auth.authenticate(token).await, Err(AuthError::Invalid(_))),
            "{token:?}"
        );
    }
    assert_invalid(auth.authenticate(&"x".repeat(20_000)).await, "too long");
}

#[tokio::test]
async fn missing_or_bad_subjects_are_invalid() {
    let auth = authenticator(&hs_settings());
    let cases = [
        (json!({"sub": null}), "`sub`"),
        (json!({"sub": ""}), "not a valid user id"),
        (json!({"sub": "a\u{0}b"}), "not a valid user id"),
        (json!({"sub": "x".repeat(300)}), "not a valid user id"),
        (json!({"sub": 42}), "`sub`"),
    ];
    for (changes, reason) in cases {
        let token = hs256(&claims_with(changes), SECRET);
        assert_invalid(auth.authenticate(&token).await, reason);
    }
}

#[tokio::test]
async fn a_token_without_exp_is_invalid() {
    let token = hs256(&claims_with(json!({"exp": null})), SECRET);
    assert_invalid(
        authenticator(&hs_settings()).authenticate(&token).await,
        "`exp`",
    );
}

#[tokio::test]
async fn errors_and_debug_never_show_the_token_or_secret() {
    let auth = authenticator(&hs_settings());
    let token = hs256(&claims_with(json!({"iss": "https://evil.test"})), SECRET);
    let err = auth.authenticate(&token).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(&token));
    for part in token.split('.') {
        assert!(!shown.contains(part));
    }
    assert!(!format!("{auth:?}").contains(SECRET));
}
