//! DevTokenMinter: tokens the HS256 JwtAuthenticator accepts.

use std::time::Duration;

use jsonwebtoken::dangerous::insecure_decode;
use serde_json::Value;
use socialpub_auth::{AuthConfigError, AuthSettings, DevTokenMinter, JwtAuthenticator};
use socialpub_domain::{SecretString, UserId};
use socialpub_ports::Authenticator;

use crate::support::{AUDIENCE, ISSUER, SECRET, assert_invalid, hs_settings, http};

#[tokio::test]
async fn minted_tokens_are_accepted_by_the_jwt_authenticator() {
    let settings = hs_settings();
    let minter = DevTokenMinter::from_settings(&settings).unwrap();
    let user = UserId::parse("dev-user-7").unwrap();
    let token = minter.mint(&user).unwrap();
    let auth = JwtAuthenticator::from_settings(&settings, http()).unwrap();
    assert_eq!(
        auth.authenticate(token.expose()).await.unwrap().user_id,
        user
    );
}

#[tokio::test]
async fn minted_tokens_carry_issuer_audience_and_lifetime() {
    let minter = DevTokenMinter::new(
        &SECRET.into(),
        Some(ISSUER.into()),
        Some(AUDIENCE.into()),
        Duration::from_secs(900),
    )
    .unwrap();
    let token = minter.mint(&UserId::parse("u").unwrap()).unwrap();
    let claims = insecure_decode::<Value>(token.expose()).unwrap().claims;
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], AUDIENCE);
    assert_eq!(claims["sub"], "u");
    let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
    assert_eq!(lifetime, 900);
}

#[tokio::test]
async fn another_secret_refuses_minted_tokens() {
    let minter = DevTokenMinter::from_settings(&hs_settings()).unwrap();
    let token = minter.mint(&UserId::parse("u").unwrap()).unwrap();
    let other = AuthSettings {
        jwt_secret: Some("a-completely-different-secret-0123456789".into()),
        ..hs_settings()
    };
    let auth = JwtAuthenticator::from_settings(&other, http()).unwrap();
    assert_invalid(auth.authenticate(token.expose()).await, "bad signature");
}

#[test]
fn the_minter_needs_a_strong_secret() {
    assert!(matches!(
        DevTokenMinter::from_settings(&AuthSettings::default()),
        Err(AuthConfigError::Missing("jwt_secret"))
    ));
    let weak = SecretString::new("short");
    assert!(matches!(
        DevTokenMinter::new(&weak, None, None, Duration::from_secs(60)),
        Err(AuthConfigError::WeakSecret { .. })
    ));
}

#[test]
fn minted_tokens_and_the_minter_do_not_print() {
    let minter = DevTokenMinter::from_settings(&hs_settings()).unwrap();
    let token = minter.mint(&UserId::parse("u").unwrap()).unwrap();
    assert!(!format!("{token:?} {token}").contains(token.expose()));
    assert!(!format!("{minter:?}").contains(SECRET));
}
