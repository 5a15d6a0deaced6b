use actix_web::test::TestRequest;
use socialpub_http_api::{ErrorCode, OPENAPI_JSON, error_code_table};

use crate::harness::*;

fn document() -> serde_json::Value {
    serde_json::from_str(OPENAPI_JSON).unwrap()
}

/// Every path and method the document describes reaches a handler: none answers
/// `route_not_found` or `method_not_allowed`. The harness checks each answer against the
/// document too.
#[actix_web::test]
async fn every_documented_operation_is_routed() {
    let world = World::default();
    let app = world.app().await;
    let doc = document();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{platform}", "x")
            .replace("{id}", "0190c0de-0000-7000-8000-000000000000");
        for method in item.as_object().unwrap().keys() {
            operations += 1;
            let req = TestRequest::default()
                .method(method.to_uppercase().parse().unwrap())
                .uri(&format!("/api/v1{concrete}"))
                .insert_header(bearer(ALICE_TOKEN))
                .set_json(serde_json::json!({}));
            let res = actix_web::test::call_service(&app, req.to_request()).await;
            let status = res.status().as_u16();
            let body: serde_json::Value =
                serde_json::from_slice(&actix_web::test::read_body(res).await).unwrap_or_default();
            assert!(
                status != 405 && body["code"] != "route_not_found",
                "{method} {path}: {status} {body}"
            );
        }
    }
    assert_eq!(operations, 36);
}

#[actix_web::test]
async fn the_document_is_served_without_a_token() {
    let world = World::default();
    let app = world.app().await;
    let (status, _, body) = send(&app, TestRequest::get().uri("/api/v1/openapi.json")).await;
    assert_eq!(status, 200);
    assert_eq!(body["openapi"], "3.1.0");
}

/// Operations list their statuses one by one: a catch-all `default` would let any status
/// through the contract check.
#[test]
fn every_operation_lists_its_statuses_explicitly() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{method} {path}");
            for status in responses.keys() {
                let code: u16 = status
                    .parse()
                    .unwrap_or_else(|_| panic!("{method} {path}: `{status}` is not a status"));
                assert!((100..600).contains(&code), "{method} {path}: {status}");
            }
        }
    }
}

/// An object schema that does not say whether other properties are allowed allows them, and a
/// field added to a DTO but not to the document would pass unnoticed.
#[test]
fn every_object_schema_says_whether_it_is_closed() {
    fn walk(value: &serde_json::Value, at: &str, open: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    open.push(at.to_owned());
                }
                for (key, inner) in map {
                    walk(inner, &format!("{at}/{key}"), open);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, inner) in items.iter().enumerate() {
                    walk(inner, &format!("{at}/{i}"), open);
                }
            }
            _ => {}
        }
    }
    let mut open = Vec::new();
    walk(&document(), "#", &mut open);
    assert!(
        open.is_empty(),
        "schemas without additionalProperties: {open:#?}"
    );
}

/// Checks what lies between `start` (the first after byte `after`) and the next `end`; with
/// `UPDATE_API_DOCS` set, rewrites it instead. Returns what differs.
fn sync_section(
    file: &str,
    text: &str,
    after: usize,
    (start, end): (&str, &str),
    wanted: &str,
) -> Option<String> {
    let from = after
        + text[after..]
            .find(start)
            .unwrap_or_else(|| panic!("{file}: no {start}"))
        + start.len();
    let to = from
        + text[from..]
            .find(end)
            .unwrap_or_else(|| panic!("{file}: no {end}"));
    if &text[from..to] == wanted {
        return None;
    }
    let updated = format!("{}{wanted}{}", &text[..from], &text[to..]);
    if std::env::var_os("UPDATE_API_DOCS").is_some() {
        std::fs::write(file, &updated).unwrap();
        return None;
    }
    Some(format!(
        "{file} is out of date with ErrorCode; rerun with UPDATE_API_DOCS=1 to rewrite it.\n\
         It should read:\n{wanted}"
    ))
}

#[test]
fn error_codes_in_docs_api_md_match_the_enum() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md");
    let text = std::fs::read_to_string(file).unwrap();
    let wanted = format!("\n{}", error_code_table());
    let markers = ("<!-- error-codes:start -->", "<!-- error-codes:end -->");
    let stale = sync_section(file, &text, 0, markers, &wanted);
    assert!(stale.is_none(), "{}", stale.unwrap_or_default());
}

#[test]
fn error_codes_in_the_openapi_document_match_the_enum() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/src/openapi.json");
    let text = std::fs::read_to_string(file).unwrap();
    let indent = " ".repeat(10);
    let items: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| format!("\n{indent}\"{c}\""))
        .collect();
    let wanted = format!("{}\n{}", items.join(","), " ".repeat(8));
    let schema_at = text
        .find("\"ErrorCode\": {")
        .expect("openapi.json has an ErrorCode schema");
    let stale = sync_section(file, &text, schema_at, ("\"enum\": [", "]"), &wanted);
    assert!(stale.is_none(), "{}", stale.unwrap_or_default());
    let doc = document();
    let listed: Vec<&str> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, codes);
}
