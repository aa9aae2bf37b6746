//! The "old → new" part of an audit entry.

use serde_json::{Map, Value};

/// Field-by-field difference of two JSON objects: `{field: [old, new]}` for every field whose value
/// differs. A missing side (create, delete) is `null`. Fields named in `hidden` are reported as
/// changed without their values (password hashes, token hashes).
pub fn diff(old: Option<&Value>, new: Option<&Value>, hidden: &[&str]) -> Value {
    let empty = Map::new();
    let o = old.and_then(Value::as_object).unwrap_or(&empty);
    let n = new.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Map::new();
    for k in keys {
        let a = o.get(k).unwrap_or(&Value::Null);
        let b = n.get(k).unwrap_or(&Value::Null);
        if a != b {
            let pair = if hidden.contains(&k.as_str()) {
                Value::Array(vec![Value::from("***"), Value::from("***")])
            } else {
                Value::Array(vec![a.clone(), b.clone()])
            };
            out.insert(k.clone(), pair);
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_only_changed_fields() {
        let a = json!({"name": "Школа 1", "address": "ул. Ленина", "id": 3});
        let b = json!({"name": "Школа № 1", "address": "ул. Ленина", "id": 3});
        assert_eq!(diff(Some(&a), Some(&b), &[]), json!({"name": ["Школа 1", "Школа № 1"]}));
    }

    #[test]
    fn create_has_null_old_values_and_hidden_fields_are_masked() {
        let b = json!({"login": "ivanova", "password_hash": "$argon2id$..."});
        assert_eq!(
            diff(None, Some(&b), &["password_hash"]),
            json!({"login": [null, "ivanova"], "password_hash": ["***", "***"]})
        );
    }
}
