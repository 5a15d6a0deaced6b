use socialpub_composition::{ConfigSources, dev_jwt_secret, encryption_keys, load};

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
