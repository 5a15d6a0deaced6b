//! build_authenticator: settings to a ready authenticator, or one clear configuration error.

use socialpub_auth::{
    AuthConfigError, AuthMode, AuthSettings, DevTokenMinter, build_authenticator,
};
use socialpub_domain::UserId;

use crate::support::{SECRET, hs_settings, http};

#[tokio::test]
async fn jwt_mode_builds_an_authenticator_that_accepts_dev_tokens() {
    let settings = hs_settings();
    let auth = build_authenticator(&settings, http()).unwrap();
    let user = UserId::parse("wired-user").unwrap();
    let token = DevTokenMinter::from_settings(&settings)
        .unwrap()
        .mint(&user)
        .unwrap();
    assert_eq!(
        auth.authenticate(token.expose()).await.unwrap().user_id,
        user
    );
}

#[test]
fn settings_deserialize_from_config_values() {
    let settings: AuthSettings = serde_json::from_value(serde_json::json!({
        "mode": "jwt",
        "jwt_secret": SECRET,
        "jwks_url": "https://auth.creativeflow.test/.well-known/jwks.json",
        "algorithms": ["HS256", "RS256"],
        "issuer": "https://auth.creativeflow.test",
    }))
    .unwrap();
    assert!(build_authenticator(&settings, http()).is_ok());
    assert!(!format!("{settings:?}").contains(SECRET));
}

#[test]
fn missing_pieces_are_named() {
    let cases = [
        (AuthSettings::default(), "algorithms"),
        (
            AuthSettings {
                mode: AuthMode::Introspection,
                ..AuthSettings::default()
            },
            "introspection_url",
        ),
        (
            AuthSettings {
                mode: AuthMode::Introspection,
                introspection_url: Some("http://auth.test/introspect".parse().unwrap()),
                client_secret: Some("s".into()),
                ..AuthSettings::default()
            },
            "client_id",
        ),
        (
            AuthSettings {
                jwt_secret: Some("too-short-canary".into()),
                ..AuthSettings::default()
            },
            "jwt_secret",
        ),
    ];
    for (settings, named) in cases {
        let err = build_authenticator(&settings, http()).err().unwrap();
        let message = err.to_string();
        assert!(message.contains(named), "{message}");
        assert!(!message.contains("canary"), "{message}");
    }
}

#[test]
fn introspection_urls_must_be_http() {
    let settings = AuthSettings {
        mode: AuthMode::Introspection,
        introspection_url: Some("file:///etc/passwd".parse().unwrap()),
        ..AuthSettings::default()
    };
    assert!(matches!(
        build_authenticator(&settings, http()),
        Err(AuthConfigError::Invalid { .. })
    ));
}
