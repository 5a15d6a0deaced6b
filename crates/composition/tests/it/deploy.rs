//! `deploy/` kept in step with the code, offline (serde_yaml parses the manifests; no cluster,
//! no Docker): every environment variable the compose file and the Kubernetes manifests set is
//! a setting the code reads, the API's probes are the routes that exist, everything runs as a
//! non-root user with resource requests, and the image's entry point is the binary.

use std::collections::BTreeSet;

use serde_yaml::Value;
use socialpub_composition::settings::RawSettings;

fn deploy(file: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../deploy/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The variables the code reads, in their environment spelling.
fn settings() -> BTreeSet<String> {
    RawSettings::VARIABLES
        .iter()
        .copied()
        .chain(RawSettings::READ_ELSEWHERE.iter().map(|(name, _)| *name))
        .map(str::to_ascii_uppercase)
        .collect()
}

fn manifests() -> Vec<Value> {
    serde_yaml::Deserializer::from_str(&deploy("k8s/socialpub.yaml"))
        .map(|doc| serde::Deserialize::deserialize(doc).unwrap())
        .filter(|doc: &Value| !doc.is_null())
        .collect()
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn keys(map: &Value) -> Vec<String> {
    map.as_mapping()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn kubernetes_manifests_set_only_settings_and_probe_the_real_routes() {
    let docs = manifests();
    let known = settings();
    for (kind, field) in [("ConfigMap", "data"), ("Secret", "stringData")] {
        let names = keys(&find(&docs, kind, "socialpub")[field]);
        assert!(!names.is_empty());
        for name in names {
            assert!(
                known.contains(&name),
                "{kind} sets {name}, which no code reads"
            );
        }
    }
    let secret = keys(&find(&docs, "Secret", "socialpub")["stringData"]);
    for key in ["DATABASE_URL", "AES_ENCRYPTION_KEYS", "AUTH_JWT_SECRET"] {
        assert!(secret.contains(&key.to_owned()), "the Secret holds {key}");
    }
    let config = keys(&find(&docs, "ConfigMap", "socialpub")["data"]);
    for secret_setting in [
        "DATABASE_URL",
        "AES_ENCRYPTION_KEYS",
        "AES_ENCRYPTION_KEY",
        "AUTH_JWT_SECRET",
        "AUTH_CLIENT_SECRET",
        "REDIS_URL",
    ] {
        assert!(
            !config.contains(&secret_setting.to_owned()),
            "{secret_setting} belongs in the Secret"
        );
    }

    let workloads = [
        ("Deployment", "socialpub-api", "serve"),
        ("Deployment", "socialpub-worker", "worker"),
        ("Job", "socialpub-migrate", "migrate"),
    ];
    for (kind, name, command) in workloads {
        let pod = &find(&docs, kind, name)["spec"]["template"]["spec"];
        assert_eq!(
            pod["securityContext"]["runAsNonRoot"], true,
            "{name} runs as non-root"
        );
        assert!(
            pod["securityContext"]["runAsUser"].as_u64().unwrap_or(0) > 0,
            "{name}: a numeric non-root uid"
        );
        let container = &pod["containers"][0];
        assert_eq!(container["args"][0], command, "{name}");
        assert!(
            container["resources"]["requests"]["cpu"].is_string(),
            "{name} requests cpu"
        );
        assert!(
            container["resources"]["requests"]["memory"].is_string(),
            "{name} requests memory"
        );
        for env in container["env"].as_sequence().into_iter().flatten() {
            let var = env["name"].as_str().unwrap();
            assert!(
                known.contains(var),
                "{name} sets {var}, which no code reads"
            );
        }
    }
    let api =
        &find(&docs, "Deployment", "socialpub-api")["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(api["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(api["livenessProbe"]["httpGet"]["path"], "/healthz");
    let pdb = find(&docs, "PodDisruptionBudget", "socialpub-api");
    assert_eq!(
        pdb["spec"]["selector"]["matchLabels"]["app"],
        "socialpub-api"
    );
    // The worker's grace covers the engine's own shutdown grace.
    let worker = &find(&docs, "Deployment", "socialpub-worker")["spec"]["template"]["spec"];
    let grace: u64 = find(&docs, "ConfigMap", "socialpub")["data"]["SHUTDOWN_GRACE_SECONDS"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(worker["terminationGracePeriodSeconds"].as_u64().unwrap() > grace);
}

#[test]
fn compose_runs_postgres_migrate_api_worker_and_optional_redis_with_real_settings() {
    let mut compose: Value = serde_yaml::from_str(&deploy("compose.yaml")).unwrap();
    // The services share one anchor (`<<: *socialpub`).
    compose.apply_merge().unwrap();
    let services = &compose["services"];
    let names = keys(services);
    for service in ["postgres", "redis", "migrate", "api", "worker"] {
        assert!(
            names.contains(&service.to_owned()),
            "compose runs {service}"
        );
    }
    assert_eq!(
        services["redis"]["profiles"][0], "redis",
        "Redis is optional"
    );
    let known = settings();
    for (service, command) in [
        ("migrate", "migrate"),
        ("api", "serve"),
        ("worker", "worker"),
    ] {
        let spec = &services[service];
        assert_eq!(spec["command"][0], command, "{service}");
        assert_eq!(
            spec["build"]["dockerfile"], "deploy/Dockerfile",
            "{service}"
        );
        for var in keys(&spec["environment"]) {
            assert!(
                known.contains(&var),
                "{service} sets {var}, which no code reads"
            );
        }
    }
    assert_eq!(
        services["api"]["depends_on"]["migrate"]["condition"],
        "service_completed_successfully"
    );
}

#[test]
fn the_image_is_multi_stage_non_root_with_the_binary_as_entry_point() {
    let dockerfile = deploy("Dockerfile");
    let stages = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .count();
    assert!(stages >= 2, "a build stage and a runtime stage");
    let runtime = &dockerfile[dockerfile.rfind("\nFROM ").unwrap()..];
    let user = runtime
        .lines()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("the runtime stage names its user");
    assert!(
        !user.starts_with("root") && !user.starts_with("0"),
        "USER {user}"
    );
    assert!(runtime.contains(r#"ENTRYPOINT ["socialpub"]"#));
    assert!(
        !runtime.contains("cargo"),
        "no toolchain in the runtime image"
    );
    for line in runtime
        .lines()
        .filter(|l| l.trim_start().starts_with("ENV ") || l.starts_with("    "))
    {
        for assignment in line.trim_start_matches("ENV ").split_whitespace() {
            if let Some((var, _)) = assignment.split_once('=') {
                assert!(
                    settings().contains(var),
                    "the image sets {var}, which no code reads"
                );
            }
        }
    }
}
