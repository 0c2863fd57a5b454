//! YAML to JSON the way JavaScript sees it: keys become strings, whole-number
//! floats become integers (JS has one number type, so `1.0` prints as `1`).

use super::error::{PromptError, PromptErrorKind};
use serde_json::{Map, Number, Value};
use serde_norway::Value as Yaml;

/// Parses YAML text into JSON. `first_line` is the file line the text starts
/// on, so error positions point into the file.
pub fn parse_yaml(
    text: &str,
    first_line: usize,
    kind: PromptErrorKind,
) -> Result<Value, PromptError> {
    let yaml: Yaml = serde_norway::from_str(text).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        let message = strip_position(&e.to_string());
        PromptError::new(
            kind,
            first_line + line - 1,
            col,
            format!("invalid YAML: {message}"),
            "check indentation, `key: value` pairs and quotes around values containing `: ` or `#`",
        )
    })?;
    Ok(to_json(yaml))
}

/// serde_norway appends "at line N column M" (in its own numbering); the
/// caller reports the file position instead.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Converts a YAML value to JSON; non-string keys are written as YAML would
/// print them, tags are dropped.
pub fn to_json(yaml: Yaml) -> Value {
    match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().map(js_number).unwrap_or(Value::Null)
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(seq) => Value::Array(seq.into_iter().map(to_json).collect()),
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(key_string(k), to_json(v));
            }
            Value::Object(out)
        }
        Yaml::Tagged(tagged) => to_json(tagged.value),
    }
}

fn key_string(key: Yaml) -> String {
    match key {
        Yaml::String(s) => s,
        Yaml::Null => "null".to_string(),
        other => match to_json(other) {
            Value::String(s) => s,
            v => v.to_string(),
        },
    }
}

/// A float as JavaScript would hold it: whole numbers become integers.
pub fn js_number(f: f64) -> Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        Value::from(f as i64)
    } else {
        Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// Rewrites whole-number floats inside `value` as integers (see `js_number`).
pub fn normalize_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64() {
                *value = js_number(f);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_numbers),
        Value::Object(map) => map.values_mut().for_each(normalize_numbers),
        _ => {}
    }
}

/// JavaScript's `String.prototype.trim`: Unicode white space plus the BOM.
pub fn js_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_that_are_whole_become_integers() {
        let v = parse_yaml("a: 1.0\nb: 1.5\nc: [2.0]", 1, PromptErrorKind::Io).unwrap();
        assert_eq!(v, json!({"a": 1, "b": 1.5, "c": [2]}));
        assert_eq!(v.to_string(), r#"{"a":1,"b":1.5,"c":[2]}"#);
    }

    #[test]
    fn non_string_keys_become_strings() {
        let v = parse_yaml("1: one\ntrue: yes\n", 1, PromptErrorKind::Io).unwrap();
        assert_eq!(v, json!({"1": "one", "true": "yes"}));
    }

    #[test]
    fn error_lines_are_offset() {
        let err = parse_yaml("a: 1\nb: [1, 2\n", 10, PromptErrorKind::Io).unwrap_err();
        assert!(err.line >= 11, "{err:?}");
        assert!(!err.message.contains("at line"), "{}", err.message);
    }
}
