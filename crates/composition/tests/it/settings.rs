use std::path::Path;

use socialpub_composition::settings::{AuthMode, LogFormat};
use socialpub_composition::{ConfigSources, load};
use socialpub_domain::Platform;

fn sources(dir: &Path, env: &[(&str, &str)]) -> ConfigSources {
    ConfigSources {
        toml_file: dir.join("socialpub.toml"),
        dotenv_file: dir.join(".env"),
        environment: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

#[test]
fn with_nothing_set_it_runs_on_sqlite_under_data() {
    let dir = tempfile::tempdir().unwrap();
    let settings = load(&sources(dir.path(), &[])).unwrap();
    assert_eq!(
        settings.database_url.expose(),
        "sqlite://./data/socialpub.db"
    );
    assert_eq!(
        (settings.host.to_string().as_str(), settings.port),
        ("127.0.0.1", 8080)
    );
    assert_eq!(settings.public_base_url.as_str(), "http://127.0.0.1:8080/");
    assert_eq!(settings.log_format, LogFormat::Pretty);
    assert_eq!(settings.auth_mode, AuthMode::Jwt);
    assert!(settings.run_migrations);
    assert_eq!(settings.platforms.len(), 6);
    let x = settings.platform(Platform::X).unwrap();
    assert_eq!(x.api_base_url.as_str(), "https://api.x.com/");
    assert!(!x.has_credentials());
}

#[test]
fn environment_beats_dotenv_beats_toml_beats_defaults() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("socialpub.toml"),
        "port = 7000\nlog_format = \"json\"\ndata_dir = \"/tmp/from-toml\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "PORT=7100\nDATA_DIR=/tmp/from-dotenv\n",
    )
    .unwrap();
    let settings = load(&sources(dir.path(), &[("PORT", "7200")])).unwrap();
    assert_eq!(settings.port, 7200, "environment wins");
    assert_eq!(
        settings.data_dir,
        Path::new("/tmp/from-dotenv"),
        ".env beats the toml file"
    );
    assert_eq!(
        settings.log_format,
        LogFormat::Json,
        "the toml file beats the defaults"
    );
}

#[test]
fn unrelated_environment_variables_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let settings = load(&sources(
        dir.path(),
        &[("HOME", "/root"), ("PATH", "/bin"), ("PORTABLE", "x")],
    ))
    .unwrap();
    assert_eq!(settings.port, 8080);
}

#[test]
fn a_malformed_setting_is_reported_by_its_variable_name() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "PORT",
            "80a",
            "invalid setting PORT: expected a port number, got `80a`",
        ),
        (
            "RUN_MIGRATIONS",
            "maybe",
            "invalid setting RUN_MIGRATIONS: expected true or false, got `maybe`",
        ),
        (
            "X_API_BASE_URL",
            "not a url",
            "invalid setting X_API_BASE_URL: not a URL",
        ),
        ("LOG_FORMAT", "xml", "invalid setting LOG_FORMAT"),
        (
            "DATABASE_POOL_SIZE",
            "0",
            "invalid setting DATABASE_POOL_SIZE: must be at least 1",
        ),
        (
            "WORKER_POLL_INTERVAL_SECONDS",
            "-5",
            "invalid setting WORKER_POLL_INTERVAL_SECONDS: must be at least 1 seconds",
        ),
        (
            "LINKEDIN_API_VERSION",
            "2026-09",
            "invalid setting LINKEDIN_API_VERSION: expected a YYYYMM month such as 202609, got `2026-09`",
        ),
        (
            "ASSET_URL_DENY_CIDRS",
            "10.0.0.0/8, 10.0.0.0/33",
            "invalid setting ASSET_URL_DENY_CIDRS: `10.0.0.0/33` is not an IP address or CIDR block",
        ),
    ];
    for (variable, value, expected) in cases {
        let error = load(&sources(dir.path(), &[(variable, value)]))
            .unwrap_err()
            .to_string();
        assert!(error.starts_with(expected), "{variable}={value}: {error}");
        assert_eq!(error.lines().count(), 1);
    }
}

#[test]
fn the_linkedin_version_is_pinned_unless_set() {
    let dir = tempfile::tempdir().unwrap();
    let unset = load(&sources(dir.path(), &[])).unwrap();
    assert_eq!(unset.linkedin_api_version, None);
    let set = load(&sources(dir.path(), &[("LINKEDIN_API_VERSION", "202610")])).unwrap();
    assert_eq!(set.linkedin_api_version.as_deref(), Some("202610"));
}

#[test]
fn the_asset_deny_list_is_parsed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let settings = load(&sources(
        dir.path(),
        &[(
            "ASSET_URL_DENY_CIDRS",
            "203.0.113.0/24, 2001:db8:1::/48 198.51.100.7",
        )],
    ))
    .unwrap();
    let ranges: Vec<String> = settings
        .asset_url_deny_ranges
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        ranges,
        ["203.0.113.0/24", "2001:db8:1::/48", "198.51.100.7/32"]
    );
    let unset = load(&sources(dir.path(), &[])).unwrap();
    assert!(unset.asset_url_deny_ranges.is_empty());
}

#[test]
fn half_a_credential_pair_is_an_error_naming_the_missing_half() {
    let dir = tempfile::tempdir().unwrap();
    let error = load(&sources(dir.path(), &[("LINKEDIN_APP_ID", "abc")])).unwrap_err();
    assert_eq!(error.variable, "LINKEDIN_APP_SECRET");
}

#[test]
fn introspection_needs_the_auth_service_url() {
    let dir = tempfile::tempdir().unwrap();
    let error = load(&sources(dir.path(), &[("AUTH_MODE", "introspection")])).unwrap_err();
    assert_eq!(error.variable, "AUTH_SERVICE_URL");
}

#[test]
fn numeric_looking_secrets_keep_their_leading_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let settings = load(&sources(
        dir.path(),
        &[("X_APP_ID", "007"), ("X_APP_SECRET", "000123")],
    ))
    .unwrap();
    let x = settings.platform(Platform::X).unwrap();
    assert_eq!(x.app_id.as_deref(), Some("007"));
    assert_eq!(x.app_secret.as_ref().unwrap().expose(), "000123");
}

#[test]
fn a_base_url_setting_points_the_platform_elsewhere_and_the_default_comes_from_its_crate() {
    let dir = tempfile::tempdir().unwrap();
    let settings = load(&sources(
        dir.path(),
        &[("X_API_BASE_URL", "http://127.0.0.1:9999/x")],
    ))
    .unwrap();
    let x = settings.platform(Platform::X).unwrap();
    assert_eq!(x.api_base_url.as_str(), "http://127.0.0.1:9999/x");
    assert_eq!(x.oauth_base_url.as_str(), "https://x.com/");
    let instagram = settings.platform(Platform::Instagram).unwrap();
    assert_eq!(
        instagram.token_base_url.as_ref().map(url::Url::as_str),
        Some("https://api.instagram.com/")
    );
}

#[test]
fn facebook_videos_go_to_graph_video_unless_the_upload_host_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = [("FACEBOOK_APP_ID", "1"), ("FACEBOOK_APP_SECRET", "s")];
    let settings = load(&sources(dir.path(), &credentials)).unwrap();
    let facebook = settings.platform(Platform::Facebook).unwrap();
    assert_eq!(
        facebook.client_config().unwrap().upload_base_url().as_str(),
        "https://graph-video.facebook.com/"
    );
    let mut set = credentials.to_vec();
    set.push((
        "FACEBOOK_UPLOAD_BASE_URL",
        "http://127.0.0.1:9999/graph-video",
    ));
    set.push(("FACEBOOK_API_BASE_URL", "http://127.0.0.1:9999/graph"));
    let settings = load(&sources(dir.path(), &set)).unwrap();
    let config = settings
        .platform(Platform::Facebook)
        .unwrap()
        .client_config()
        .unwrap();
    assert_eq!(
        config.upload_base_url().as_str(),
        "http://127.0.0.1:9999/graph-video"
    );
    assert_eq!(config.api_base_url.as_str(), "http://127.0.0.1:9999/graph");
    assert!(
        settings
            .platform(Platform::X)
            .unwrap()
            .upload_base_url
            .is_none(),
        "only Facebook has an upload host"
    );
    set.push(("FACEBOOK_UPLOAD_BASE_URL", "not a url"));
    assert!(load(&sources(dir.path(), &set)).is_err());
}

#[test]
fn the_graph_api_version_is_pinned_by_the_crates_unless_set_and_must_look_like_one() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = [("FACEBOOK_APP_ID", "1"), ("FACEBOOK_APP_SECRET", "s")];
    let settings = load(&sources(dir.path(), &credentials)).unwrap();
    let facebook = settings.platform(Platform::Facebook).unwrap();
    assert_eq!(facebook.api_version, None);
    assert_eq!(
        facebook.client_config().unwrap().api_version.as_deref(),
        Some(socialpub_facebook::DEFAULT_GRAPH_API_VERSION)
    );

    let mut set = credentials.to_vec();
    set.push(("META_GRAPH_API_VERSION", "v26.0"));
    let settings = load(&sources(dir.path(), &set)).unwrap();
    for platform in [Platform::Facebook, Platform::Instagram] {
        assert_eq!(
            settings.platform(platform).unwrap().api_version.as_deref(),
            Some("v26.0")
        );
    }
    assert_eq!(
        settings
            .platform(Platform::Facebook)
            .unwrap()
            .client_config()
            .unwrap()
            .api_version
            .as_deref(),
        Some("v26.0")
    );
    assert_eq!(settings.platform(Platform::X).unwrap().api_version, None);

    let error = load(&sources(dir.path(), &[("META_GRAPH_API_VERSION", "25")])).unwrap_err();
    assert_eq!(error.variable, "META_GRAPH_API_VERSION");
}

#[test]
fn secrets_do_not_show_in_debug_output() {
    let dir = tempfile::tempdir().unwrap();
    let settings = load(&sources(
        dir.path(),
        &[
            ("AUTH_JWT_SECRET", "canary-secret-value-0123456789abcdef"),
            ("DATABASE_URL", "postgres://u:canarypw@h/db"),
        ],
    ))
    .unwrap();
    let printed = format!("{settings:?}");
    assert!(!printed.contains("canary"), "{printed}");
}

/// The variable names `.env.example` documents (commented-out examples included).
fn documented_variables() -> std::collections::BTreeSet<String> {
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.env.example"))
            .unwrap();
    example
        .lines()
        .map(|l| l.trim_start().trim_start_matches('#').trim_start())
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k.trim())
        .filter(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_ascii_lowercase)
        .collect()
}

/// A setting a user can set must have an effect: `.env.example` documents only variables the
/// code reads (the settings layers' [`RawSettings::VARIABLES`], or one of
/// [`RawSettings::READ_ELSEWHERE`]), and every setting the layers read.
///
/// [`RawSettings::VARIABLES`]: socialpub_composition::settings::RawSettings::VARIABLES
/// [`RawSettings::READ_ELSEWHERE`]: socialpub_composition::settings::RawSettings::READ_ELSEWHERE
#[test]
fn env_example_documents_only_settings_the_code_reads() {
    use socialpub_composition::settings::RawSettings;
    let documented = documented_variables();
    assert!(
        documented.contains("database_url"),
        "the parser finds variables"
    );
    let read: std::collections::BTreeSet<String> = RawSettings::VARIABLES
        .iter()
        .copied()
        .chain(RawSettings::READ_ELSEWHERE.iter().map(|(name, _)| *name))
        .map(str::to_owned)
        .collect();
    let unread: Vec<_> = documented.difference(&read).collect();
    assert!(
        unread.is_empty(),
        ".env.example documents variables nothing reads: {unread:?} (remove them, or add the \
         code that reads them and list them in RawSettings)"
    );
    let undocumented: Vec<_> = RawSettings::VARIABLES
        .iter()
        .filter(|v| !documented.contains(**v))
        .collect();
    assert!(
        undocumented.is_empty(),
        "settings missing from .env.example: {undocumented:?}"
    );
}

#[test]
fn insights_settings_have_defaults_and_refuse_what_cannot_work() {
    let dir = tempfile::tempdir().unwrap();
    let defaults = load(&sources(dir.path(), &[])).unwrap();
    assert_eq!(defaults.insights_cache_ttl, time::Duration::hours(1));
    assert!(defaults.redis_url.is_none());
    assert!(defaults.enable_advanced_insights_fetching);
    let set = load(&sources(
        dir.path(),
        &[
            ("REDIS_URL", "redis://:canary@127.0.0.1:6379/0"),
            ("INSIGHTS_CACHE_TTL_SECONDS", "0"),
            ("ENABLE_ADVANCED_INSIGHTS_FETCHING", "false"),
        ],
    ))
    .unwrap();
    assert_eq!(set.insights_cache_ttl, time::Duration::ZERO);
    assert!(!set.enable_advanced_insights_fetching);
    assert!(!format!("{set:?}").contains("canary"));
    for (variable, value) in [
        ("REDIS_URL", "rediss://cache.example:6380"),
        ("REDIS_URL", "not a url"),
        ("INSIGHTS_CACHE_TTL_SECONDS", "-1"),
        ("ENABLE_ADVANCED_INSIGHTS_FETCHING", "sometimes"),
    ] {
        let error = load(&sources(dir.path(), &[(variable, value)])).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&format!("invalid setting {variable}")),
            "{variable}={value}: {error}"
        );
    }
}

#[test]
fn development_mode_is_zero_configuration_and_any_production_setting_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let nothing = load(&sources(
        dir.path(),
        &[
            ("DATA_DIR", "/tmp/x"),
            ("X_APP_ID", "a"),
            ("X_APP_SECRET", "b"),
        ],
    ))
    .unwrap();
    assert!(
        nothing.development_mode,
        "data dir and platform apps leave it on"
    );
    for production in [
        ("DATABASE_URL", "postgres://db/sp"),
        ("DATABASE_URL", "sqlite:///var/lib/socialpub/sp.db"),
        (
            "AES_ENCRYPTION_KEYS",
            "1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        ),
        (
            "AES_ENCRYPTION_KEY",
            "1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        ),
        ("AUTH_JWT_SECRET", "a-production-secret-0123456789abcdef"),
        ("AUTH_JWKS_URL", "https://auth.test/.well-known/jwks.json"),
    ] {
        let settings = load(&sources(dir.path(), &[production])).unwrap();
        assert!(!settings.development_mode, "{}", production.0);
    }
    let introspection = load(&sources(
        dir.path(),
        &[
            ("AUTH_MODE", "introspection"),
            ("AUTH_SERVICE_URL", "https://auth.test/introspect"),
        ],
    ))
    .unwrap();
    assert!(!introspection.development_mode);
}

#[test]
fn auto_wires_the_simulator_only_in_development_mode() {
    use socialpub_composition::simulator::wanted;
    let dir = tempfile::tempdir().unwrap();
    let setting = |env: &[(&str, &str)]| wanted(&load(&sources(dir.path(), env)).unwrap());
    let database = ("DATABASE_URL", "postgres://db/sp");
    assert!(setting(&[]), "development mode, auto");
    assert!(!setting(&[database]), "production, auto");
    assert!(!setting(&[database, ("PLATFORM_SIMULATOR", "auto")]));
    assert!(
        setting(&[database, ("PLATFORM_SIMULATOR", "on")]),
        "only on wires it"
    );
    assert!(!setting(&[("PLATFORM_SIMULATOR", "off")]));
}

#[test]
fn turning_tiktok_publishing_off_keeps_tiktok_connectable_without_a_publisher() {
    use socialpub_composition::wiring::platform_registry;
    use socialpub_ports::{PlatformRegistry, PublisherRegistry};

    let _ = rustls::crypto::ring::default_provider().install_default();
    let stand_in = |platform| {
        Some(socialpub_composition::settings::platform_config(
            platform,
            "id".into(),
            socialpub_domain::SecretString::new("secret"),
            url::Url::parse("http://127.0.0.1:9/api/").unwrap(),
            url::Url::parse("http://127.0.0.1:9/oauth/").unwrap(),
            None,
        ))
    };
    let dir = tempfile::tempdir().unwrap();
    let on = load(&sources(dir.path(), &[])).unwrap();
    assert_eq!(
        platform_registry(&on, &stand_in).unwrap().enabled(),
        Platform::ALL.to_vec()
    );
    let off = load(&sources(
        dir.path(),
        &[("ENABLE_TIKTOK_PUBLISHING", "false")],
    ))
    .unwrap();
    assert!(
        platform_registry(&on, &stand_in)
            .unwrap()
            .publisher(Platform::Tiktok)
            .is_some()
    );
    let registry = platform_registry(&off, &stand_in).unwrap();
    assert_eq!(registry.enabled(), Platform::ALL.to_vec());
    assert!(registry.publisher(Platform::Tiktok).is_none());
    assert!(registry.publisher(Platform::X).is_some());
}
