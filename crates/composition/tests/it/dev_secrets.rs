use socialpub_composition::{ConfigSources, auth_settings, dev_jwt_secret, encryption_keys, load};

fn settings_in(dir: &std::path::Path, env: &[(&str, &str)]) -> socialpub_composition::Settings {
    let mut environment: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    environment.push(("DATA_DIR".into(), dir.join("data").display().to_string()));
    load(&ConfigSources {
        toml_file: dir.join("none.toml"),
        dotenv_file: dir.join("none.env"),
        environment,
    })
    .unwrap()
}

#[test]
fn a_dev_key_is_generated_once_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_in(dir.path(), &[]);
    let (first, dev) = encryption_keys(&settings).unwrap();
    let dev = dev.unwrap();
    assert!(dev.generated);
    assert!(dev.file.as_ref().unwrap().exists());
    let (second, again) = encryption_keys(&settings).unwrap();
    assert!(!again.unwrap().generated);
    assert_eq!(first.newest().id(), second.newest().id());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dev.file.unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "only the owner may read the key");
        let data = std::fs::metadata(dir.path().join("data"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(data & 0o777, 0o700, "DATA_DIR is the owner's alone");
    }
}

#[test]
fn configured_keys_are_used_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let key = socialpub_crypto::TokenKey::generate(3)
        .unwrap()
        .to_config_string();
    let settings = settings_in(dir.path(), &[("AES_ENCRYPTION_KEYS", key.expose())]);
    let (ring, dev) = encryption_keys(&settings).unwrap();
    assert!(dev.is_none());
    assert_eq!(ring.newest().id(), 3);
    assert!(!dir.path().join("data").exists());
}

#[test]
fn a_malformed_key_names_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_in(dir.path(), &[("AES_ENCRYPTION_KEYS", "1:not-base64!!")]);
    let error = encryption_keys(&settings).err().unwrap().to_string();
    assert!(error.contains("AES_ENCRYPTION_KEYS"), "{error}");
    assert!(
        !error.contains("not-base64"),
        "the key text is not echoed: {error}"
    );
}

#[test]
fn the_dev_jwt_secret_is_long_enough_and_stable() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_in(dir.path(), &[]);
    let first = dev_jwt_secret(&settings).unwrap().unwrap();
    assert!(first.value.expose().len() >= 32);
    let second = dev_jwt_secret(&settings).unwrap().unwrap();
    assert_eq!(first.value, second.value);
}

#[test]
fn the_dev_jwt_secret_file_is_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dev_jwt_secret(&settings_in(dir.path(), &[]))
        .unwrap()
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(secret.file.unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

const KEY: &str = "1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
const JWT_SECRET: &str = "a-production-secret-0123456789abcdef";

/// With a database configured, a key generated beside the data is refused, by name, and
/// nothing is written.
#[test]
fn outside_development_mode_no_encryption_key_is_generated() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_in(dir.path(), &[("DATABASE_URL", "postgres://db.internal/sp")]);
    assert!(!settings.development_mode);
    let error = encryption_keys(&settings).err().unwrap().to_string();
    assert!(
        error.starts_with("invalid setting AES_ENCRYPTION_KEYS: required outside development mode"),
        "{error}"
    );
    assert_eq!(error.lines().count(), 1);
    assert!(!dir.path().join("data").exists());
}

#[test]
fn outside_development_mode_no_jwt_secret_is_generated() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_in(dir.path(), &[("AES_ENCRYPTION_KEYS", KEY)]);
    assert!(!settings.development_mode);
    let error = dev_jwt_secret(&settings).err().unwrap().to_string();
    assert!(
        error.starts_with("invalid setting AUTH_JWT_SECRET: required outside development mode"),
        "{error}"
    );
    assert!(!dir.path().join("data").exists());
    let error = auth_settings(&settings).err().unwrap().to_string();
    assert!(error.contains("AUTH_JWT_SECRET"), "{error}");
}

/// Another service sharing the HS256 secret must not be able to mint tokens we accept.
#[test]
fn outside_development_mode_jwts_must_name_our_issuer_and_audience() {
    let dir = tempfile::tempdir().unwrap();
    let production = [
        ("AES_ENCRYPTION_KEYS", KEY),
        ("AUTH_JWT_SECRET", JWT_SECRET),
    ];
    let error = auth_settings(&settings_in(dir.path(), &production))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.starts_with("invalid setting AUTH_ISSUER: required"),
        "{error}"
    );

    let with_issuer = [
        production[0],
        production[1],
        ("AUTH_ISSUER", "https://auth.test"),
    ];
    let error = auth_settings(&settings_in(dir.path(), &with_issuer))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.starts_with("invalid setting AUTH_AUDIENCE: required"),
        "{error}"
    );

    let complete = [
        with_issuer[0],
        with_issuer[1],
        with_issuer[2],
        ("AUTH_AUDIENCE", "socialpub"),
    ];
    let auth = auth_settings(&settings_in(dir.path(), &complete)).unwrap();
    assert_eq!(auth.issuer.as_deref(), Some("https://auth.test"));
    assert_eq!(auth.audience.as_deref(), Some("socialpub"));
}

#[test]
fn in_development_mode_issuer_and_audience_stay_optional() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_in(dir.path(), &[]);
    assert!(settings.development_mode);
    let auth = auth_settings(&settings).unwrap();
    assert!(auth.jwt_secret.is_some());
    assert_eq!((auth.issuer, auth.audience), (None, None));
}
