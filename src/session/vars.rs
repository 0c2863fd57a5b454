//! Template variables as people type them (`--var n=3`, the F3 popup):
//! text turned into the JSON value the template gets, by the variable's
//! type in the prompt's input schema, the same way for every face.

use serde_json::{Map, Value};

/// The JSON Schema type of each variable the prompt's `input.schema`
/// declares (`string`, `integer`, ...; `None` when it does not say).
pub fn schema_kinds(input: Option<&Value>) -> Vec<(String, Option<String>)> {
    let Some(props) = input
        .and_then(|i| i.pointer("/schema/properties"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, schema)| {
            let kind = match schema.get("type") {
                Some(Value::String(t)) => Some(t.clone()),
                Some(Value::Array(ts)) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|t| *t != "null")
                    .map(str::to_string),
                _ => None,
            };
            (name.clone(), kind)
        })
        .collect()
}

/// `input.default` of the prompt's metadata.
pub fn defaults(input: Option<&Value>) -> Map<String, Value> {
    input
        .and_then(|i| i.get("default"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The value a typed text stands for. A `string` variable is the text as
/// typed; a variable of another declared type is the text read as JSON
/// (`3`, `true`, `[1,2]`) when it parses. An undeclared one is read as
/// JSON too, except a number that would not print back as typed (`1e5`,
/// `1.50`): that stays text, so the template shows what was typed.
pub fn value_from_text(text: &str, kind: Option<&str>) -> Value {
    let trimmed = text.trim();
    let parsed = serde_json::from_str::<Value>(trimmed).ok();
    match (kind, parsed) {
        (Some("string"), _) => Value::String(text.to_string()),
        (Some(_), Some(v)) => v,
        (None, Some(Value::Number(n))) if n.to_string() != trimmed => {
            Value::String(text.to_string())
        }
        (None, Some(v)) => v,
        _ => Value::String(text.to_string()),
    }
}

/// A value as text to edit: strings as they are, anything else as JSON.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Typed values for `(name, text)` pairs, by the kinds in `input`.
pub fn typed(input: Option<&Value>, texts: &[(String, String)]) -> Map<String, Value> {
    let kinds = schema_kinds(input);
    texts
        .iter()
        .map(|(name, text)| {
            let kind = kinds
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, k)| k.as_deref());
            (name.clone(), value_from_text(text, kind))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_becomes_the_declared_type() {
        assert_eq!(value_from_text("123", Some("string")), json!("123"));
        assert_eq!(value_from_text("123", Some("integer")), json!(123));
        assert_eq!(value_from_text("abc", Some("integer")), json!("abc"));
        assert_eq!(value_from_text("123", None), json!(123));
        assert_eq!(value_from_text("1e5", None), json!("1e5"));
        assert_eq!(value_from_text("0123", None), json!("0123"));
        assert_eq!(value_from_text("false", None), json!(false));
        assert_eq!(value_from_text("[1, 2]", None), json!([1, 2]));
        assert_eq!(value_from_text(" true ", Some("boolean")), json!(true));
        let input = json!({"schema": {"properties": {
            "n": {"type": ["integer", "null"]}, "s": {"type": "string"}}}});
        let typed = typed(
            Some(&input),
            &[("n".into(), "3".into()), ("s".into(), "3".into())],
        );
        assert_eq!(typed["n"], json!(3));
        assert_eq!(typed["s"], json!("3"));
    }
}
