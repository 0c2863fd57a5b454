//! Checking a structured (JSON) answer against the prompt's output schema:
//! does it parse, does it validate, where is the first error (as a JSON
//! path), and a pretty-printed copy. Covers the JSON Schema keywords that
//! Picoschema produces (type, properties, required, additionalProperties,
//! items, enum) plus const, min/max lengths and bounds.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Valid,
    /// The answer is not JSON (serde's message, with line and column).
    NotJson(String),
    /// The first schema violation, at a JSON path like `$.items[2].name`.
    Invalid {
        path: String,
        error: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonCheck {
    pub verdict: Verdict,
    /// The parsed answer pretty-printed, when it parses.
    pub pretty: Option<String>,
}

impl JsonCheck {
    /// `json ✓ valid`, `json ✗ not JSON: ...`, `json ✗ $.a: ...`
    pub fn line(&self) -> String {
        match &self.verdict {
            Verdict::Valid => "json ✓ valid against the schema".into(),
            Verdict::NotJson(e) => format!("json ✗ does not parse: {e}"),
            Verdict::Invalid { path, error } => format!("json ✗ {path}: {error}"),
        }
    }

    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }
}

/// The JSON inside an answer: the text itself, or the body of a
/// ```json fenced block when the model wrapped it in one.
fn json_body(answer: &str) -> &str {
    let t = answer.trim();
    if let Some(rest) = t.strip_prefix("```") {
        let rest = rest.strip_prefix("json").unwrap_or(rest);
        if let Some(end) = rest.rfind("```") {
            return rest[..end].trim();
        }
    }
    t
}

/// Parses `answer` and validates it against `schema`.
pub fn check(answer: &str, schema: &Value) -> JsonCheck {
    let value: Value = match serde_json::from_str(json_body(answer)) {
        Ok(v) => v,
        Err(e) => {
            return JsonCheck {
                verdict: Verdict::NotJson(e.to_string()),
                pretty: None,
            };
        }
    };
    let verdict = match first_error(&value, schema, "$") {
        None => Verdict::Valid,
        Some((path, error)) => Verdict::Invalid { path, error },
    };
    JsonCheck {
        verdict,
        pretty: serde_json::to_string_pretty(&value).ok(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    let actual = type_name(v);
    actual == t
        || (t == "number" && actual == "integer")
        || (t == "integer" && v.as_f64().is_some_and(|f| f.fract() == 0.0))
}

fn key_path(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

/// The first violation of `schema` by `v`, depth first, as (path, message).
fn first_error(v: &Value, schema: &Value, path: &str) -> Option<(String, String)> {
    let fail = |msg: String| Some((path.to_string(), msg));
    let Value::Object(s) = schema else {
        // `true` accepts everything, `false` nothing.
        return (schema == &Value::Bool(false)).then(|| (path.to_string(), "not allowed".into()));
    };
    match s.get("type") {
        Some(Value::String(t)) if !has_type(v, t) => {
            return fail(format!("expected {t}, got {}", type_name(v)));
        }
        Some(Value::Array(ts)) => {
            let names: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
            if !names.iter().any(|t| has_type(v, t)) {
                return fail(format!(
                    "expected {}, got {}",
                    names.join(" or "),
                    type_name(v)
                ));
            }
        }
        _ => {}
    }
    if let Some(Value::Array(allowed)) = s.get("enum")
        && !allowed.contains(v)
    {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        return fail(format!("{v} is not one of {}", list.join(", ")));
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        return fail(format!("expected {c}"));
    }
    match v {
        Value::Object(obj) => {
            if let Some(Value::Array(req)) = s.get("required") {
                for r in req.iter().filter_map(Value::as_str) {
                    if !obj.contains_key(r) {
                        return fail(format!("missing required property \"{r}\""));
                    }
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, child) in obj {
                let p = key_path(path, k);
                match props.and_then(|p| p.get(k)) {
                    Some(cs) => {
                        if let Some(e) = first_error(child, cs, &p) {
                            return Some(e);
                        }
                    }
                    None => match s.get("additionalProperties") {
                        Some(Value::Bool(false)) => {
                            return fail(format!("unexpected property \"{k}\""));
                        }
                        Some(extra @ Value::Object(_)) => {
                            if let Some(e) = first_error(child, extra, &p) {
                                return Some(e);
                            }
                        }
                        _ => {}
                    },
                }
            }
        }
        Value::Array(items) => {
            let n = |k: &str| s.get(k).and_then(Value::as_u64);
            if let Some(min) = n("minItems").filter(|m| (items.len() as u64) < *m) {
                return fail(format!(
                    "expected at least {min} items, got {}",
                    items.len()
                ));
            }
            if let Some(max) = n("maxItems").filter(|m| (items.len() as u64) > *m) {
                return fail(format!("expected at most {max} items, got {}", items.len()));
            }
            if let Some(is) = s.get("items") {
                for (i, item) in items.iter().enumerate() {
                    if let Some(e) = first_error(item, is, &format!("{path}[{i}]")) {
                        return Some(e);
                    }
                }
            }
        }
        Value::String(text) => {
            let len = text.chars().count() as u64;
            let n = |k: &str| s.get(k).and_then(Value::as_u64);
            if let Some(min) = n("minLength").filter(|m| len < *m) {
                return fail(format!("shorter than {min} characters"));
            }
            if let Some(max) = n("maxLength").filter(|m| len > *m) {
                return fail(format!("longer than {max} characters"));
            }
        }
        Value::Number(num) => {
            let x = num.as_f64().unwrap_or(0.0);
            if let Some(min) = s.get("minimum").and_then(Value::as_f64).filter(|m| x < *m) {
                return fail(format!("{num} is below the minimum {min}"));
            }
            if let Some(max) = s.get("maximum").and_then(Value::as_f64).filter(|m| x > *m) {
                return fail(format!("{num} is above the maximum {max}"));
            }
        }
        _ => {}
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "label": {"type": "string", "enum": ["billing", "bug", "other"]},
                "items": {"type": "array", "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "qty": {"type": "integer"}},
                    "required": ["name"],
                    "additionalProperties": false
                }},
                "note": {"type": ["string", "null"]}
            },
            "required": ["label"],
            "additionalProperties": false
        })
    }

    #[test]
    fn valid_answers_pass_and_are_pretty_printed() {
        let c = check(
            r#"{"label":"bug","items":[{"name":"a","qty":2}],"note":null}"#,
            &schema(),
        );
        assert!(c.is_valid(), "{c:?}");
        assert!(c.pretty.unwrap().contains("\n  \"label\": \"bug\""));
        let fenced = check("```json\n{\"label\": \"other\"}\n```", &schema());
        assert!(fenced.is_valid(), "{fenced:?}");
    }

    #[test]
    fn first_error_has_its_json_path() {
        let c = check(
            r#"{"label":"bug","items":[{"name":"a"},{"name":5}]}"#,
            &schema(),
        );
        assert_eq!(
            c.line(),
            "json ✗ $.items[1].name: expected string, got integer"
        );
        let c = check(r#"{"label":"sales"}"#, &schema());
        assert_eq!(
            c.line(),
            r#"json ✗ $.label: "sales" is not one of "billing", "bug", "other""#
        );
        let c = check(r#"{"items":[]}"#, &schema());
        assert_eq!(c.line(), "json ✗ $: missing required property \"label\"");
        let c = check(r#"{"label":"bug","extra key":1}"#, &schema());
        assert_eq!(c.line(), "json ✗ $: unexpected property \"extra key\"");
        assert!(c.pretty.is_some(), "it parsed, so it can be shown pretty");
    }

    #[test]
    fn not_json_says_where() {
        let c = check("{\"label\": bug}", &schema());
        assert!(matches!(c.verdict, Verdict::NotJson(_)));
        assert!(c.line().contains("line 1 column"), "{}", c.line());
        assert_eq!(c.pretty, None);
    }
}
