//! Checking a structured (JSON) answer against the prompt's output schema
//! with the `jsonschema` crate: does it parse (else serde's message with
//! line and column), does it validate, the first error at a JSON path like
//! `$.items[2].name`, and a pretty-printed copy. Remote `$ref`s are never
//! fetched (the crate is built without its HTTP and file resolvers).

use jsonschema::ReferencingError;
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
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
    /// The schema itself cannot be used (the prompt's fault, not the
    /// answer's).
    BadSchema(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonCheck {
    pub verdict: Verdict,
    /// The parsed answer pretty-printed, when it parses.
    pub pretty: Option<String>,
}

impl JsonCheck {
    /// `json ✓ valid`, `json ✗ does not parse: ...`, `json ✗ $.a: ...`
    pub fn line(&self) -> String {
        match &self.verdict {
            Verdict::Valid => "json ✓ valid against the schema".into(),
            Verdict::NotJson(e) => format!("json ✗ does not parse: {e}"),
            Verdict::Invalid { path, error } => format!("json ✗ {path}: {error}"),
            Verdict::BadSchema(e) => format!("json ? the output schema is not usable: {e}"),
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
    let verdict = match jsonschema::validator_for(schema) {
        Err(e) => Verdict::BadSchema(schema_problem(&e)),
        Ok(validator) => match validator.validate(&value) {
            Ok(()) => Verdict::Valid,
            Err(e) => Verdict::Invalid {
                path: json_path(&value, e.instance_path().segments()),
                error: e.to_string(),
            },
        },
    };
    JsonCheck {
        verdict,
        pretty: serde_json::to_string_pretty(&value).ok(),
    }
}

/// Why a schema cannot be used, said for a prompt author.
fn schema_problem(e: &jsonschema::ValidationError) -> String {
    match e.kind() {
        ValidationErrorKind::Referencing(ReferencingError::Unretrievable { uri, .. }) => {
            format!("it refers to {uri}, and pwb does not fetch schemas from elsewhere")
        }
        _ => e.to_string(),
    }
}

/// A JSON Pointer's segments as a JSONPath: `$`, `$.items[1].name`,
/// `$["two words"]`. The instance tells an array index from an object key
/// that looks like a number.
fn json_path<'a>(value: &Value, segments: impl Iterator<Item = LocationSegment<'a>>) -> String {
    let mut path = "$".to_string();
    let mut at = Some(value);
    for seg in segments {
        let key = match (seg, at) {
            (LocationSegment::Index(i), Some(Value::Array(items))) => {
                path.push_str(&format!("[{i}]"));
                at = items.get(i);
                continue;
            }
            (LocationSegment::Index(i), _) => i.to_string(),
            (LocationSegment::Property(p), _) => p.into_owned(),
        };
        at = at.and_then(|v| v.get(&key));
        let plain = key.chars().next().is_some_and(|c| !c.is_ascii_digit())
            && key.chars().all(|c| c.is_alphanumeric() || c == '_');
        if plain {
            path.push('.');
            path.push_str(&key);
        } else {
            path.push_str(&format!("[{}]", Value::String(key)));
        }
    }
    path
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
            r#"json ✗ $.items[1].name: 5 is not of type "string""#
        );
        let c = check(r#"{"label":"sales"}"#, &schema());
        assert_eq!(
            c.line(),
            r#"json ✗ $.label: "sales" is not one of "billing", "bug" or "other""#
        );
        let c = check(r#"{"items":[]}"#, &schema());
        assert_eq!(c.line(), r#"json ✗ $: "label" is a required property"#);
        let c = check(r#"{"label":"bug","extra key":1}"#, &schema());
        assert_eq!(
            c.line(),
            "json ✗ $: Additional properties are not allowed ('extra key' was unexpected)"
        );
        assert!(c.pretty.is_some(), "it parsed, so it can be shown pretty");
    }

    #[test]
    fn paths_quote_keys_that_are_not_plain_names() {
        let schema = json!({"type": "object", "additionalProperties": {"type": "integer"}});
        let c = check(r#"{"7": "x"}"#, &schema);
        assert_eq!(c.line(), r#"json ✗ $["7"]: "x" is not of type "integer""#);
        let c = check(r#"{"two words": true}"#, &schema);
        assert_eq!(
            c.line(),
            r#"json ✗ $["two words"]: true is not of type "integer""#
        );
        let list = json!({"type": "array", "items": {"type": "string"}});
        assert_eq!(
            check("[\"a\", 2]", &list).line(),
            r#"json ✗ $[1]: 2 is not of type "string""#
        );
    }

    #[test]
    fn remote_refs_are_never_fetched_and_bad_schemas_are_said() {
        let remote = json!({"$ref": "http://127.0.0.1:9/answer.json"});
        let c = check("{}", &remote);
        assert_eq!(
            c.verdict,
            Verdict::BadSchema(
                "it refers to http://127.0.0.1:9/answer.json, and pwb does not fetch schemas from elsewhere"
                    .into()
            )
        );
        assert!(
            c.line()
                .starts_with("json ? the output schema is not usable: it refers to")
        );
        let c = check("{}", &json!({"type": 5}));
        assert!(matches!(c.verdict, Verdict::BadSchema(_)), "{c:?}");
        assert!(!c.is_valid());
    }

    #[test]
    fn not_json_says_where() {
        let c = check("{\"label\": bug}", &schema());
        assert!(matches!(c.verdict, Verdict::NotJson(_)));
        assert!(c.line().contains("line 1 column"), "{}", c.line());
        assert_eq!(c.pretty, None);
    }
}
