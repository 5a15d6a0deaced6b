//! docs/api.md's walk-through, executed: its shell blocks run in order in one bash session
//! against a server in development mode (as `just run` starts it) on the platform simulator,
//! and each block's answer is checked against the JSON the guide shows after it (the same
//! fields, the same `status`, `event_type`, `platform` and flags). A guide that drifts from the
//! API fails here.

use std::net::TcpListener;
use std::process::Command;

use serde_json::Value;
use socialpub_composition::settings::RawSettings;
use socialpub_composition::{Application, Settings, dev_token_minter};
use socialpub_domain::UserId;

use super::logs;

/// One fenced block of the walk-through.
struct Block {
    shell: String,
    /// The JSON shown after it, if any.
    answer: Option<Value>,
}

fn walkthrough() -> Vec<Block> {
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md")).unwrap();
    let start = guide
        .find("<!-- walkthrough:begin -->")
        .expect("the walk-through markers");
    let end = guide.find("<!-- walkthrough:end -->").unwrap();
    let mut blocks: Vec<Block> = Vec::new();
    let mut skip_next = false;
    let mut lines = guide[start..end].lines();
    while let Some(line) = lines.next() {
        if line.trim() == "<!-- walkthrough:skip -->" {
            skip_next = true;
        } else if let Some(lang) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            let body = body.join("\n");
            match lang {
                "sh" if !std::mem::take(&mut skip_next) => blocks.push(Block {
                    shell: body,
                    answer: None,
                }),
                "sh" => {}
                "json" => {
                    let answer: Value = serde_json::from_str(&body).unwrap_or_else(|e| {
                        panic!("the guide's JSON does not parse ({e}): {body}")
                    });
                    blocks
                        .last_mut()
                        .expect("an answer follows a command")
                        .answer = Some(answer);
                }
                other => panic!("a ```{other} block in the walk-through"),
            }
        }
    }
    blocks
}

/// Keys whose documented values must match exactly; other values only in kind (ids and times
/// differ from run to run).
const EXACT: [&str; 6] = [
    "status",
    "event_type",
    "platform",
    "valid",
    "enabled",
    "attempts",
];

fn check(documented: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (documented, actual) {
        (Value::Object(doc), Value::Object(act)) => {
            for (key, value) in doc {
                let found = act
                    .get(key)
                    .ok_or_else(|| format!("{path}.{key} is documented but not answered"))?;
                if EXACT.contains(&key.as_str()) && !value.is_object() && !value.is_array() {
                    if value != found {
                        return Err(format!(
                            "{path}.{key}: documented {value}, answered {found}"
                        ));
                    }
                } else {
                    check(value, found, &format!("{path}.{key}"))?;
                }
            }
            Ok(())
        }
        (Value::Array(doc), Value::Array(act)) => match (doc.first(), act.first()) {
            (Some(d), Some(a)) => check(d, a, &format!("{path}[0]")),
            (Some(_), None) => Err(format!("{path} is empty")),
            _ => Ok(()),
        },
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Null, _) => Ok(()),
        (d, a) => Err(format!("{path}: documented {d}, answered {a}")),
    }
}

/// The last JSON value a block printed (commands print other lines too).
fn last_json(output: &str) -> Option<Value> {
    output.lines().rev().find_map(|line| {
        serde_json::from_str::<Value>(line.trim())
            .ok()
            .filter(|v| v.is_object())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_guides_walkthrough_runs_as_written() {
    logs::capture();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let blocks = walkthrough();
    assert!(blocks.len() >= 6, "the walk-through has its steps");

    // Development mode, as `just run` starts it: nothing configured but where to listen.
    let data = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let settings = Settings::parse(&RawSettings {
        port: Some(port.to_string()),
        public_base_url: Some(format!("http://127.0.0.1:{port}")),
        data_dir: Some(data.path().display().to_string()),
        platform_simulator_port: Some("0".into()),
        socialpub_sim_auto_approve: Some("true".into()),
        allow_private_webhook_urls: Some("true".into()),
        worker_poll_interval_seconds: Some("1".into()),
        ..RawSettings::default()
    })
    .unwrap();
    assert!(
        settings.development_mode,
        "the walk-through is written for `just run`"
    );
    let token = dev_token_minter(&settings)
        .unwrap()
        .mint(&UserId::parse("alice").unwrap())
        .unwrap();
    let app = Application::build(settings).await.unwrap();
    tokio::spawn(app.serve(listener));
    let receiver_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    // One bash session: variables carry from block to block, as in a reader's shell.
    // The receiver runs in the background: stopped however the script ends, so that nothing
    // outlives the test holding its output open.
    let mut script =
        String::from("set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n");
    for (i, block) in blocks.iter().enumerate() {
        script.push_str(&format!("echo '@@block {i}'\n{}\n", block.shell));
    }
    let output = tokio::task::spawn_blocking({
        let dir = data.path().to_owned();
        move || {
            Command::new("timeout")
                .args(["120", "bash", "-c", &script])
                .current_dir(dir)
                .env("BASE", format!("http://127.0.0.1:{port}"))
                .env("TOKEN", token.expose())
                .env("AUTH", format!("Authorization: Bearer {}", token.expose()))
                .env("RECEIVER_PORT", receiver_port.to_string())
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the walk-through failed:\n{stdout}\n{stderr}"
    );
    let outputs: Vec<&str> = stdout.split("@@block ").skip(1).collect();
    assert_eq!(outputs.len(), blocks.len(), "{stdout}");
    for (i, (block, output)) in blocks.iter().zip(outputs).enumerate() {
        let Some(documented) = &block.answer else {
            continue;
        };
        let actual = last_json(output).unwrap_or_else(|| {
            panic!(
                "block {i} printed no JSON answer:\n{}\n---\n{output}",
                block.shell
            )
        });
        if let Err(difference) = check(documented, &actual, "") {
            panic!(
                "block {i}:\n{}\n---\nanswered {actual}\n---\n{difference}",
                block.shell
            );
        }
    }
}
