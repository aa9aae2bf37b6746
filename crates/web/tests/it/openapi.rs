//! The OpenAPI document is a reviewed contract: it is rendered and compared with the committed
//! `tests/snapshots/openapi.json`, so every change of the API's shape shows in a diff. After a
//! deliberate change, rewrite the snapshot with
//!
//! ```text
//! METODA_UPDATE_SNAPSHOTS=1 cargo test -p metoda-web --test it openapi::
//! ```
//!
//! and review the diff. Besides, the document must be sound: query parameters are `in: query`,
//! every path parameter is a `{…}` segment of its path, no request body is a bare object, no
//! array has tuple `items`, every authenticated operation tells its 401.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use serde_json::{Map, Value};
use utoipa::OpenApi;

fn document() -> Value {
    sorted(serde_json::to_value(metoda_web::openapi::ApiDoc::openapi()).unwrap())
}

/// The value with every object's keys in alphabetical order.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect::<Map<_, _>>())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[test]
fn the_openapi_document_matches_the_reviewed_snapshot() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    let rendered = format!("{}\n", serde_json::to_string_pretty(&document()).unwrap());
    if std::env::var("METODA_UPDATE_SNAPSHOTS").is_ok_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != rendered {
        let line = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| committed.lines().count().min(rendered.lines().count()) + 1, |i| i + 1);
        panic!(
            "the OpenAPI document differs from {} (first at line {line}:\n  committed: {}\n  rendered:  {}).\n\
             If the change of the API contract is intended, rewrite the snapshot with\n  \
             METODA_UPDATE_SNAPSHOTS=1 cargo test -p metoda-web --test it openapi::\nand review the diff.",
            path.display(),
            committed.lines().nth(line - 1).unwrap_or("<end of file>"),
            rendered.lines().nth(line - 1).unwrap_or("<end of file>"),
        );
    }
}

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((path.clone(), m.to_owned(), op.clone()));
            }
        }
    }
    out
}

#[test]
fn parameters_are_where_they_are_said_to_be() {
    let doc = document();
    for (path, method, op) in operations(&doc) {
        for p in op["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap();
            let segment = path.contains(&format!("{{{name}}}"));
            match p["in"].as_str().unwrap() {
                "path" => assert!(segment, "{method} {path}: `{name}` is a path parameter but not a segment"),
                "query" => assert!(!segment, "{method} {path}: `{name}` is a segment but declared in the query"),
                other => panic!("{method} {path}: `{name}` in {other}"),
            }
        }
        let declared: Vec<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for segment in path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            assert!(declared.contains(&segment), "{method} {path}: the segment {{{segment}}} is not declared");
        }
    }
}

fn walk<'a>(v: &'a Value, at: &str, f: &mut impl FnMut(&str, &'a Value)) {
    f(at, v);
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| walk(v, &format!("{at}/{k}"), f)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| walk(v, &format!("{at}/{i}"), f)),
        _ => {}
    }
}

#[test]
fn bodies_have_schemas_and_arrays_have_one_item_schema() {
    let doc = document();
    for (path, method, op) in operations(&doc) {
        let Some(content) = op["requestBody"]["content"].as_object() else { continue };
        for (media, c) in content {
            if media == "multipart/form-data" {
                continue;
            }
            let schema = &c["schema"];
            let bare = schema.get("$ref").is_none()
                && schema.get("allOf").is_none()
                && schema.get("type") == Some(&Value::from("object"))
                && schema.get("properties").is_none();
            assert!(!bare, "{method} {path}: the {media} body is a bare object: {schema}");
        }
    }
    walk(&doc, "", &mut |at, v| {
        if let Some(items) = v.get("items") {
            assert!(items.is_object(), "{at}: `items` must be one schema, not {items}");
        }
    });
}

#[test]
fn error_statuses_are_documented() {
    let doc = document();
    for (path, method, op) in operations(&doc) {
        let has = |status: &str| op["responses"].get(status).is_some();
        let sign_in = path == "/api/v1/session" && method == "post";
        if !sign_in {
            assert!(has("401") && has("403"), "{method} {path}: 401 and 403 are not documented");
        }
        if path.contains('{') {
            assert!(has("404"), "{method} {path}: 404 is not documented");
        }
        if op.get("requestBody").is_some() {
            assert!(has("400") && has("422"), "{method} {path}: 400 and 422 are not documented");
        }
    }
}
