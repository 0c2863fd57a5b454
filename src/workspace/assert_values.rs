//! The shape each assertion type wants of its `value` (and `threshold`),
//! as promptfoo's handlers require it, checked before anything runs:
//! templates parse, regexes compile as JavaScript's, JSON schemas are
//! schemas. Values with `{{ }}` are checked for shape only (their text is
//! known once rendered).

use super::asserts::AssertVerdict;
use super::ecma_regex::{INLINE_FLAG_HINT, compile_regex};
use crate::prompt::nunjucks::Template;
use serde_json::Value;

fn bad(message: impl Into<String>, hint: impl Into<String>) -> AssertVerdict {
    AssertVerdict::BadValue {
        message: message.into(),
        hint: hint.into(),
    }
}

/// Checks `value` for `kind` (`base` is `kind` without `not-`).
pub(super) fn check_value(
    kind: &str,
    base: &str,
    value: Option<&Value>,
    threshold: Option<f64>,
) -> AssertVerdict {
    let value = value.filter(|v| !v.is_null());
    if let Some(problem) = value.and_then(templates_problem) {
        return problem;
    }
    let is_file = value
        .and_then(Value::as_str)
        .is_some_and(|s| s.starts_with("file://"));
    if is_file {
        return AssertVerdict::Ok; // read when the suite loads
    }
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let string_list =
        |v: &Value| matches!(v, Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_string));
    match base {
        "equals" if value.is_none() => bad(
            format!("`{kind}` needs a `value`"),
            "add the expected answer, e.g. value: \"Paris\"",
        ),
        "contains" | "icontains" => match value {
            Some(Value::String(s)) if !s.is_empty() => AssertVerdict::Ok,
            Some(Value::Number(_)) => AssertVerdict::Ok,
            _ => bad(
                format!("`{kind}` takes a non-empty string or a number"),
                "for several strings use contains-any or contains-all",
            ),
        },
        "starts-with"
        | "levenshtein"
        | "rouge-n"
        | "finish-reason"
        | "factuality"
        | "model-graded-factuality"
        | "model-graded-closedqa"
        | "context-recall"
        | "select-best"
        | "javascript"
        | "python" => match text(value) {
            Some(s) if !s.is_empty() || base == "levenshtein" => AssertVerdict::Ok,
            _ => bad(format!("`{kind}` takes a string value"), example(base)),
        },
        "tool-call-f1" => match value {
            Some(Value::String(s)) if !s.trim().is_empty() => AssertVerdict::Ok,
            Some(v) if string_list(v) => AssertVerdict::Ok,
            _ => bad(
                format!("`{kind}` takes the expected tool names"),
                "e.g. value: [get_weather, get_time] (or \"get_weather, get_time\")",
            ),
        },
        "tool-called" => match value {
            Some(Value::String(s)) if !s.is_empty() => AssertVerdict::Ok,
            Some(Value::Object(o)) if o.get("name").is_some_and(Value::is_string) => {
                AssertVerdict::Ok
            }
            _ => bad(
                format!("`{kind}` takes a tool name, or {{name, arguments}}"),
                "e.g. value: {name: get_weather, arguments: {city: Paris}}",
            ),
        },
        "contains-any" | "contains-all" | "icontains-any" | "icontains-all" => match value {
            Some(Value::String(s)) if !s.is_empty() => AssertVerdict::Ok,
            Some(Value::Array(a)) if !a.is_empty() => AssertVerdict::Ok,
            _ => bad(
                format!("`{kind}` takes a list of strings (or one comma-separated string)"),
                "e.g. value: [\"refund\", \"billing\"]",
            ),
        },
        "regex" => match value {
            Some(Value::String(re)) if has_template(re) => AssertVerdict::Ok,
            Some(Value::String(re)) if !re.is_empty() => match compile_regex(re) {
                Ok(_) => AssertVerdict::Ok,
                Err(e) => bad(format!("invalid regex: {e}"), regex_hint(re)),
            },
            _ => bad(
                format!("`{kind}` takes a regular expression as a string"),
                "e.g. value: \"^SELECT\\\\b\"",
            ),
        },
        "is-json" | "contains-json" => match value {
            None => AssertVerdict::Ok,
            Some(Value::String(s)) if has_template(s) => AssertVerdict::Ok,
            Some(Value::String(s)) => match serde_norway::from_str::<Value>(s) {
                Ok(schema) => check_schema(kind, &schema),
                Err(e) => bad(
                    format!("`{kind}`: the value is not a YAML or JSON schema: {e}"),
                    "give the schema as a mapping",
                ),
            },
            Some(schema @ Value::Object(_)) => check_schema(kind, schema),
            Some(_) => bad(
                format!("`{kind}` takes an optional JSON schema as its value"),
                "give a schema object, e.g. value: {type: object, required: [category]}, or no value",
            ),
        },
        "is-sql" | "contains-sql" => match value {
            None | Some(Value::Object(_)) => AssertVerdict::Ok,
            Some(_) => bad(
                format!("`{kind}` takes no value or a mapping"),
                "e.g. value: {databaseType: PostgresQL, allowedTables: [\"select::null::orders\"]}",
            ),
        },
        "is-xml" | "contains-xml" => match value {
            None | Some(Value::String(_) | Value::Object(_)) => AssertVerdict::Ok,
            Some(v) if string_list(v) => AssertVerdict::Ok,
            Some(_) => bad(
                format!(
                    "`{kind}` takes the required elements: a comma-separated string, a list or {{requiredElements: [...]}}"
                ),
                "e.g. value: \"root.item, root.name\"",
            ),
        },
        "bleu" | "gleu" | "meteor" | "g-eval" => match value {
            Some(Value::String(s)) if !s.is_empty() => AssertVerdict::Ok,
            Some(v) if string_list(v) => AssertVerdict::Ok,
            _ => bad(
                format!("`{kind}` takes a string or a list of strings"),
                example(base),
            ),
        },
        "similar" | "similar:cosine" | "similar:dot" | "similar:euclidean" => match value {
            Some(Value::String(s)) if !s.is_empty() => AssertVerdict::Ok,
            Some(Value::Array(a)) if !a.is_empty() => AssertVerdict::Ok,
            _ => bad(
                format!("`{kind}` takes the expected text (or a list of texts)"),
                example(base),
            ),
        },
        "llm-rubric" => match value {
            Some(Value::String(s)) if !s.is_empty() => AssertVerdict::Ok,
            Some(Value::Object(_)) => AssertVerdict::Ok,
            _ => bad(
                format!("`{kind}` takes the rubric as a string"),
                example(base),
            ),
        },
        "word-count" => word_count(kind, value),
        "latency" | "cost" if threshold.is_none() => bad(
            format!(
                "`{kind}` needs a `threshold` ({})",
                if base == "latency" {
                    "milliseconds"
                } else {
                    "USD"
                }
            ),
            if base == "latency" {
                "e.g. threshold: 2000"
            } else {
                "e.g. threshold: 0.002"
            },
        ),
        _ => AssertVerdict::Ok,
    }
}

/// A template in the value (a string, or a string in a list, as promptfoo
/// renders them) that pwb cannot render.
fn templates_problem(value: &Value) -> Option<AssertVerdict> {
    let strings: Vec<&str> = match value {
        Value::String(s) => vec![s],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    strings
        .into_iter()
        .filter(|s| !s.starts_with("file://"))
        .find_map(|s| Template::parse(s).err())
        .map(|e| bad(format!("in the value: {}", e.message), e.hint))
}

fn has_template(s: &str) -> bool {
    s.contains("{{") || s.contains("{%")
}

fn check_schema(kind: &str, schema: &Value) -> AssertVerdict {
    if !schema.is_object() && !schema.is_boolean() {
        return bad(
            format!("`{kind}`: a JSON schema is a mapping"),
            "e.g. value: {type: object, required: [category]}",
        );
    }
    match jsonschema::validator_for(schema) {
        Ok(_) => AssertVerdict::Ok,
        Err(e) => bad(
            format!("`{kind}`: invalid JSON schema: {e}"),
            "see https://json-schema.org/understanding-json-schema",
        ),
    }
}

fn word_count(kind: &str, value: Option<&Value>) -> AssertVerdict {
    let num = |v: Option<&Value>| v.and_then(Value::as_f64);
    match value {
        Some(Value::Number(_)) => AssertVerdict::Ok,
        Some(Value::String(s)) if s.trim().parse::<f64>().is_ok() => AssertVerdict::Ok,
        Some(Value::Object(m)) if m.contains_key("min") || m.contains_key("max") => {
            match (num(m.get("min")), num(m.get("max"))) {
                (Some(min), Some(max)) if min > max => bad(
                    format!("`{kind}`: min ({min}) is above max ({max})"),
                    "swap them",
                ),
                _ => AssertVerdict::Ok,
            }
        }
        _ => bad(
            format!("`{kind}` takes a number of words or {{min, max}}"),
            "e.g. value: {min: 20, max: 50}",
        ),
    }
}

fn regex_hint(re: &str) -> String {
    if re.contains("(?") && !re.contains("(?:") && !re.contains("(?=") && !re.contains("(?!") {
        INLINE_FLAG_HINT.to_string()
    } else {
        "regex assertions are JavaScript regular expressions (promptfoo's new RegExp(value))".into()
    }
}

fn example(base: &str) -> &'static str {
    match base {
        "starts-with" => "e.g. value: \"Dear customer\"",
        "finish-reason" => "e.g. value: stop (or length, content_filter, tool_calls)",
        "javascript" => "e.g. value: output.length < 200",
        "python" => "e.g. value: len(output) < 200",
        "llm-rubric" | "g-eval" => "e.g. value: \"is polite and answers the question\"",
        "levenshtein" | "rouge-n" | "bleu" | "gleu" | "meteor" => {
            "give the reference text, e.g. value: \"The cat sat on the mat\""
        }
        _ => "e.g. value: \"the expected answer\"",
    }
}
