//! The assertion types a suite may use, and the checks on an assertion
//! that can be made before anything runs: its type (unknown types get a
//! did-you-mean), and the shape of its `value` (see `assert_values`).
//! promptfoo types pwb does not run are errors too: a suite whose grading
//! would differ from promptfoo's does not start.

use super::assert_values::check_value;
use super::suggest::did_you_mean;
use serde_json::Value;

/// Deterministic types: graded from the answer and the call alone.
pub const DETERMINISTIC: &[&str] = &[
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
    "is-xml",
    "contains-xml",
    "is-sql",
    "contains-sql",
    "is-html",
    "contains-html",
    "levenshtein",
    "rouge-n",
    "bleu",
    "gleu",
    "meteor",
    "word-count",
    "latency",
    "cost",
    "finish-reason",
    "is-refusal",
    "perplexity",
    "perplexity-score",
    "is-valid-openai-tools-call",
    "is-valid-openai-function-call",
    "is-valid-function-call",
    "tool-call-f1",
    "tool-called",
];

/// Types graded by a model (the suite's grader) or by embeddings.
pub const MODEL_GRADED: &[&str] = &[
    "llm-rubric",
    "g-eval",
    "factuality",
    "model-graded-factuality",
    "model-graded-closedqa",
    "answer-relevance",
    "context-faithfulness",
    "context-recall",
    "context-relevance",
    "select-best",
    "similar",
    "similar:cosine",
    "similar:dot",
    "similar:euclidean",
];

/// Types whose value is code run by `node` / `python3`.
pub const SCRIPTED: &[&str] = &["javascript", "python"];

/// promptfoo types pwb does not run, with why (and what to do).
pub const NOT_SUPPORTED: &[(&str, &str)] = &[
    ("classifier", "it runs a HuggingFace classifier"),
    ("moderation", "it calls a moderation API"),
    ("webhook", "it posts each answer to a URL"),
    (
        "human",
        "it waits for a person's rating in promptfoo's web view",
    ),
    ("ruby", "pwb runs javascript and python assertions"),
    ("pi", "it calls Pi Labs' scorer"),
    ("guardrails", "it reads a provider's guardrail verdict"),
    ("max-score", "it compares the outputs of several prompts"),
    (
        "conversation-relevance",
        "it grades multi-turn conversations",
    ),
    ("agent-rubric", "it grades agent traces"),
    ("search-rubric", "it grades with a web search"),
    ("skill-used", "it reads agent skills"),
    ("trace-span-count", "it reads OpenTelemetry traces"),
    ("trace-span-duration", "it reads OpenTelemetry traces"),
    ("trace-error-spans", "it reads OpenTelemetry traces"),
];

/// Every type pwb runs (without `not-`), for the others to share.
pub fn supported_types() -> &'static [&'static str] {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = DETERMINISTIC.to_vec();
        all.extend_from_slice(MODEL_GRADED);
        all.extend_from_slice(SCRIPTED);
        all.push("assert-set");
        all
    })
}

/// Types that take no `not-` prefix in promptfoo.
const NOT_NEGATABLE: &[&str] = &["assert-set", "select-best"];

/// What the checker thinks of one assertion.
#[derive(Debug, Clone, PartialEq)]
pub enum AssertVerdict {
    Ok,
    /// A promptfoo type pwb does not run: an error at the type.
    NotSupported {
        message: String,
        hint: String,
    },
    /// Not an assertion type at all: an error at the type.
    UnknownType {
        message: String,
        hint: String,
    },
    /// The type is fine but its `value` (or `threshold`) is not: an error
    /// at the value.
    BadValue {
        message: String,
        hint: String,
    },
}

/// `kind` without its `not-` prefix.
pub fn base_kind(kind: &str) -> &str {
    kind.strip_prefix("not-").unwrap_or(kind)
}

/// Checks an assertion's type and its value; `threshold` as written.
pub fn check_assert(kind: &str, value: Option<&Value>, threshold: Option<f64>) -> AssertVerdict {
    let base = base_kind(kind);
    if kind.starts_with("not-") && NOT_NEGATABLE.contains(&base) {
        return AssertVerdict::UnknownType {
            message: format!("`{kind}`: `{base}` cannot be negated"),
            hint: format!("write `type: {base}`"),
        };
    }
    if let Some((_, why)) = NOT_SUPPORTED.iter().find(|(t, _)| *t == base) {
        return AssertVerdict::NotSupported {
            message: format!("assertion type `{kind}` is not supported by pwb: {why}"),
            hint: "remove it, or run this suite with promptfoo".into(),
        };
    }
    if base.starts_with("trajectory:") || base.starts_with("promptfoo:") {
        return AssertVerdict::NotSupported {
            message: format!("assertion type `{kind}` is not supported by pwb"),
            hint: "remove it, or run this suite with promptfoo".into(),
        };
    }
    if !supported_types().contains(&base) {
        let mut all: Vec<&str> = supported_types().to_vec();
        all.extend(NOT_SUPPORTED.iter().map(|(t, _)| *t));
        let hint = match did_you_mean(base, &all) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "use one of: {} (prefix `not-` to negate)",
                supported_types().join(", ")
            ),
        };
        return AssertVerdict::UnknownType {
            message: format!("unknown assertion type `{kind}`"),
            hint,
        };
    }
    check_value(kind, base, value, threshold)
}

#[cfg(test)]
#[path = "asserts_tests.rs"]
mod tests;
