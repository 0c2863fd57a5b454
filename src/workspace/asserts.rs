//! The assertion types a test file may use: the deterministic ones pwb's
//! eval runs, promptfoo's others (accepted with a warning), and the checks on
//! each type's `value` that can be made before anything runs.

use super::suggest::did_you_mean;
use serde_json::Value;

/// Types pwb evaluates. Each may be negated with a `not-` prefix.
pub const SUPPORTED: &[&str] = &[
    "equals",
    "contains",
    "icontains",
    "contains-any",
    "contains-all",
    "icontains-any",
    "icontains-all",
    "starts-with",
    "regex",
    "is-json",
    "contains-json",
];

/// promptfoo types pwb recognises but does not evaluate (yet): suites that
/// use them still load, and those assertions are skipped with a warning.
pub const KNOWN_UNSUPPORTED: &[&str] = &[
    "llm-rubric",
    "model-graded-closedqa",
    "factuality",
    "answer-relevance",
    "context-faithfulness",
    "context-recall",
    "context-relevance",
    "g-eval",
    "similar",
    "classifier",
    "moderation",
    "select-best",
    "human",
    "javascript",
    "python",
    "webhook",
    "latency",
    "cost",
    "perplexity",
    "perplexity-score",
    "levenshtein",
    "rouge-n",
    "bleu",
    "gleu",
    "meteor",
    "is-html",
    "contains-html",
    "is-sql",
    "contains-sql",
    "is-xml",
    "contains-xml",
    "is-refusal",
    "finish-reason",
    "is-valid-openai-function-call",
    "is-valid-openai-tools-call",
    "assert-set",
];

/// What the checker thinks of one assertion.
#[derive(Debug, Clone, PartialEq)]
pub enum AssertVerdict {
    Ok,
    /// Known promptfoo type pwb will skip: a warning at the type.
    Unsupported {
        message: String,
        hint: String,
    },
    /// Not an assertion type at all: an error at the type.
    UnknownType {
        message: String,
        hint: String,
    },
    /// The type is fine but its `value` is not: an error at the value.
    BadValue {
        message: String,
        hint: String,
    },
}

/// `kind` without its `not-` prefix.
pub fn base_kind(kind: &str) -> &str {
    kind.strip_prefix("not-").unwrap_or(kind)
}

/// Checks an assertion's type and, for supported types, its value.
pub fn check_assert(kind: &str, value: Option<&Value>) -> AssertVerdict {
    let base = base_kind(kind);
    if KNOWN_UNSUPPORTED.contains(&base) {
        return AssertVerdict::Unsupported {
            message: format!(
                "assertion type `{kind}` is not evaluated by pwb yet; it will be skipped"
            ),
            hint: format!("pwb evaluates: {}", SUPPORTED.join(", ")),
        };
    }
    if !SUPPORTED.contains(&base) {
        let mut all: Vec<&str> = SUPPORTED.to_vec();
        all.extend_from_slice(KNOWN_UNSUPPORTED);
        let hint = match did_you_mean(base, &all) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "use one of: {} (prefix `not-` to negate)",
                SUPPORTED.join(", ")
            ),
        };
        return AssertVerdict::UnknownType {
            message: format!("unknown assertion type `{kind}`"),
            hint,
        };
    }
    check_value(kind, base, value)
}

fn bad(message: String, hint: &str) -> AssertVerdict {
    AssertVerdict::BadValue {
        message,
        hint: hint.to_string(),
    }
}

fn check_value(kind: &str, base: &str, value: Option<&Value>) -> AssertVerdict {
    match (base, value) {
        ("is-json" | "contains-json", None) => AssertVerdict::Ok,
        ("is-json" | "contains-json", Some(Value::Object(_) | Value::String(_))) => {
            AssertVerdict::Ok
        }
        ("is-json" | "contains-json", Some(_)) => bad(
            format!("`{kind}` takes an optional JSON schema as its value"),
            "give a schema object, e.g. value: {type: object, required: [category]}, or no value",
        ),
        (_, None | Some(Value::Null)) => bad(
            format!("`{kind}` needs a `value`"),
            "add the expected text, e.g. value: \"refund\"",
        ),
        ("equals", Some(_)) => AssertVerdict::Ok,
        ("contains" | "icontains" | "starts-with", Some(Value::String(_) | Value::Number(_))) => {
            AssertVerdict::Ok
        }
        ("contains" | "icontains" | "starts-with", Some(_)) => bad(
            format!("`{kind}` takes a string value"),
            "for several strings use contains-any or contains-all",
        ),
        ("regex", Some(Value::String(re))) => match regex::Regex::new(re) {
            Ok(_) => AssertVerdict::Ok,
            Err(e) => bad(
                format!("invalid regex: {}", first_line(&e.to_string())),
                "pwb uses Rust regex syntax (no look-around or backreferences)",
            ),
        },
        ("regex", Some(_)) => bad(
            "`regex` takes a string value".into(),
            "e.g. value: \"^SELECT\"",
        ),
        (_, Some(Value::Array(items))) if items.iter().all(|i| i.is_string() || i.is_number()) => {
            AssertVerdict::Ok
        }
        (_, Some(Value::String(_))) => AssertVerdict::Ok, // comma-separated, as promptfoo allows
        (_, Some(_)) => bad(
            format!("`{kind}` takes a list of strings"),
            "e.g. value: [\"refund\", \"billing\"]",
        ),
    }
}

/// The last line that says what is wrong: regex errors span several lines.
fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| l.starts_with("error:"))
        .unwrap_or(s)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_types_into_ok_unsupported_unknown() {
        assert_eq!(
            check_assert("contains", Some(&json!("x"))),
            AssertVerdict::Ok
        );
        assert_eq!(
            check_assert("not-icontains", Some(&json!("x"))),
            AssertVerdict::Ok
        );
        assert_eq!(check_assert("is-json", None), AssertVerdict::Ok);
        assert!(matches!(
            check_assert("llm-rubric", Some(&json!("x"))),
            AssertVerdict::Unsupported { .. }
        ));
        match check_assert("containz", Some(&json!("x"))) {
            AssertVerdict::UnknownType { hint, .. } => assert!(hint.contains("`contains`")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn checks_values_of_supported_types() {
        assert!(matches!(
            check_assert("equals", None),
            AssertVerdict::BadValue { .. }
        ));
        assert!(matches!(
            check_assert("contains", Some(&json!(["a"]))),
            AssertVerdict::BadValue { .. }
        ));
        assert_eq!(
            check_assert("contains-any", Some(&json!(["a", "b"]))),
            AssertVerdict::Ok
        );
        assert!(matches!(
            check_assert("contains-all", Some(&json!({"a": 1}))),
            AssertVerdict::BadValue { .. }
        ));
        match check_assert("regex", Some(&json!("(unclosed"))) {
            AssertVerdict::BadValue { message, .. } => {
                assert!(message.starts_with("invalid regex"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}
