//! An `__expected` cell of a CSV case as promptfoo's `assertionFromString`
//! reads it: `javascript:`/`fn:`/`eval:` code, `grade:`/`llm-rubric:`,
//! `python:`, `(not-)TYPE((threshold)):value` for promptfoo's types (the
//! `contains-any` family split on commas, quotes keeping them), else
//! `equals` with the whole cell.

use serde_json::{Map, Value, json};

/// promptfoo's base assertion types (`BaseAssertionTypesSchema`), the
/// words `__expected` recognises before a colon.
const BASE_TYPES: &[&str] = &[
    "agent-rubric",
    "answer-relevance",
    "bleu",
    "classifier",
    "contains",
    "contains-all",
    "contains-any",
    "contains-html",
    "contains-json",
    "contains-sql",
    "contains-xml",
    "context-faithfulness",
    "context-recall",
    "context-relevance",
    "conversation-relevance",
    "cost",
    "equals",
    "factuality",
    "finish-reason",
    "g-eval",
    "gleu",
    "guardrails",
    "icontains",
    "icontains-all",
    "icontains-any",
    "is-html",
    "is-json",
    "is-refusal",
    "is-sql",
    "is-valid-function-call",
    "is-valid-openai-function-call",
    "is-valid-openai-tools-call",
    "is-xml",
    "javascript",
    "latency",
    "levenshtein",
    "llm-rubric",
    "pi",
    "meteor",
    "model-graded-closedqa",
    "model-graded-factuality",
    "moderation",
    "perplexity",
    "perplexity-score",
    "python",
    "regex",
    "rouge-n",
    "ruby",
    "similar",
    "similar:cosine",
    "similar:dot",
    "similar:euclidean",
    "starts-with",
    "tool-call-f1",
    "skill-used",
    "trajectory:goal-success",
    "trajectory:tool-args-match",
    "trajectory:step-count",
    "trajectory:tool-sequence",
    "trajectory:tool-used",
    "trace-error-spans",
    "trace-span-count",
    "trace-span-duration",
    "search-rubric",
    "webhook",
    "word-count",
];

/// Types whose CSV form gets a default threshold (0.8 for `similar`).
const THRESHOLD_TYPES: &[&str] = &[
    "answer-relevance",
    "classifier",
    "context-faithfulness",
    "context-recall",
    "context-relevance",
    "cost",
    "latency",
    "levenshtein",
    "perplexity-score",
    "perplexity",
    "rouge-n",
    "similar",
    "starts-with",
];

/// promptfoo's `assertionFromString`: an `__expected` cell as an assertion.
pub(super) fn assertion_from_string(expected: &str) -> Result<Map<String, Value>, String> {
    let obj = |t: &str, v: Value| {
        let mut m = Map::new();
        m.insert("type".into(), json!(t));
        m.insert("value".into(), v);
        m
    };
    for prefix in ["javascript:", "fn:", "eval:"] {
        if let Some(rest) = expected.strip_prefix(prefix) {
            return Ok(obj("javascript", json!(rest.trim())));
        }
    }
    let is_js_file = |p: &str| {
        let p = p.split(':').next().unwrap_or(p);
        [".js", ".cjs", ".mjs", ".ts", ".cts", ".mts"]
            .iter()
            .any(|e| p.ends_with(e))
    };
    if let Some(path) = expected.strip_prefix("file://")
        && is_js_file(path)
    {
        return Ok(obj("javascript", json!(expected)));
    }
    for prefix in ["grade:", "llm-rubric:"] {
        if let Some(rest) = expected.strip_prefix(prefix) {
            return Ok(obj("llm-rubric", json!(rest)));
        }
    }
    let py_file =
        expected.starts_with("file://") && (expected.ends_with(".py") || expected.contains(".py:"));
    if expected.starts_with("python:") || py_file {
        return Ok(obj("python", json!(expected[7..].trim())));
    }
    let Some((negated, base, threshold, value)) = parse_typed(expected) else {
        return Ok(obj("equals", json!(expected)));
    };
    let kind = if negated {
        format!("not-{base}")
    } else {
        base.to_string()
    };
    let mut m = Map::new();
    m.insert("type".into(), json!(kind));
    let value = match (base, value) {
        (_, None) => Value::Null,
        ("contains-all" | "contains-any" | "icontains-all" | "icontains-any", Some(v)) => {
            Value::Array(comma_values(v)?.into_iter().map(Value::String).collect())
        }
        ("contains-json" | "is-json", Some(v)) => json!(v),
        (_, Some(v)) => json!(v.trim()),
    };
    if !value.is_null() {
        m.insert("value".into(), value);
    }
    if THRESHOLD_TYPES.contains(&base) {
        let default = if base == "similar" { 0.8 } else { 0.75 };
        m.insert("threshold".into(), json!(threshold.unwrap_or(default)));
    }
    Ok(m)
}

/// `(not-)TYPE((threshold))(:value)` with TYPE one of `BASE_TYPES`.
fn parse_typed(s: &str) -> Option<(bool, &'static str, Option<f64>, Option<&str>)> {
    let (negated, rest) = match s.strip_prefix("not-") {
        Some(r) => (true, r),
        None => (false, s),
    };
    BASE_TYPES.iter().find_map(|t| {
        let after = rest.strip_prefix(t)?;
        let (threshold, after) = match after.strip_prefix('(') {
            Some(a) => {
                let end = a.find(')')?;
                let num = &a[..end];
                let valid = !num.is_empty()
                    && num.split_once('.').map_or(
                        num.chars().all(|c| c.is_ascii_digit()),
                        |(i, f)| {
                            !i.is_empty()
                                && !f.is_empty()
                                && (i.to_owned() + f).chars().all(|c| c.is_ascii_digit())
                        },
                    );
                if !valid {
                    return None;
                }
                (num.parse().ok(), &a[end + 1..])
            }
            None => (None, after),
        };
        match after.strip_prefix(':') {
            Some(v) => Some((negated, *t, threshold, Some(v))),
            None if after.is_empty() => Some((negated, *t, threshold, None)),
            None => None,
        }
    })
}

/// promptfoo's `parseCommaSeparatedAssertionValues`: comma-separated,
/// double-quoted fields may hold commas (`""` or `\"` for a quote).
pub(super) fn comma_values(value: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = value.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_ws = |mut i: usize| {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        i
    };
    while i < chars.len() {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        if chars[i] == '"' {
            let mut field = String::new();
            let mut j = i + 1;
            let mut closed = false;
            while j < chars.len() {
                match (chars[j], chars.get(j + 1)) {
                    ('\\', Some(&n)) if n == '"' || n == '\\' => {
                        field.push(n);
                        j += 2;
                    }
                    ('"', Some('"')) => {
                        field.push('"');
                        j += 2;
                    }
                    ('"', _) => {
                        closed = true;
                        j += 1;
                        break;
                    }
                    (c, _) => {
                        field.push(c);
                        j += 1;
                    }
                }
            }
            if !closed {
                return Err("unterminated quoted field in a contains assertion value".into());
            }
            i = skip_ws(j);
            if i < chars.len() && chars[i] != ',' {
                return Err(
                    "expected a comma after a quoted field in a contains assertion value".into(),
                );
            }
            out.push(field);
        } else {
            let start = i;
            while i < chars.len() && chars[i] != ',' {
                i += 1;
            }
            out.push(
                chars[start..i]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string(),
            );
        }
    }
    Ok(out)
}
