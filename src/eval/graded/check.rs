//! Which assertion types a grading model judges, and whether a suite has
//! a grader for each before any call is made: "no grader configured" is
//! an error up front, naming the first assertion that needs one.

use crate::workspace::{AssertSpec, TestCase};
use serde_json::Value;

/// The model-graded types (each may be negated with `not-`).
pub const KINDS: &[&str] = &[
    "llm-rubric",
    "g-eval",
    "factuality",
    "model-graded-closedqa",
    "answer-relevance",
    "context-recall",
    "context-relevance",
    "context-faithfulness",
    "similar",
    "similar:cosine",
    "similar:dot",
    "similar:euclidean",
    "select-best",
];

/// Whether a type (as written, `not-` or not) is judged by a model.
pub fn is_model_graded(kind: &str) -> bool {
    KINDS.contains(&kind.strip_prefix("not-").unwrap_or(kind))
}

/// The suite's grader, for assertions and cases that name none: `--grader`
/// (`cli`), else the suite's `defaultTest.options.provider`, else `[eval]
/// grader` of pwb.toml. (An assertion's own `provider`, then its case's
/// `options.provider`, come before all of these; when `--grader` is given
/// the engine should not merge `defaultTest.options.provider` into cases.)
pub fn default_grader(
    cli: Option<&str>,
    suite: Option<&Value>,
    workspace: Option<&str>,
) -> Option<Value> {
    let text = |s: &str| Some(Value::String(s.trim().to_string())).filter(|_| !s.trim().is_empty());
    cli.and_then(text)
        .or_else(|| suite.filter(|v| !v.is_null()).cloned())
        .or_else(|| workspace.and_then(text))
}

/// A model-graded assertion with no grader to ask.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingGrader {
    /// The assertion's type as written.
    pub kind: String,
    /// Where it starts in its suite file (1-based).
    pub line: usize,
    pub col: usize,
}

impl std::fmt::Display for MissingGrader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} needs a grader model and none is configured",
            self.kind
        )
    }
}

impl MissingGrader {
    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        "set a grader: `[eval] grader = \"openai:gpt-4o-mini\"` in pwb.toml, \
         `defaultTest.options.provider` in the suite, `provider:` on the assertion, \
         or `--grader MODEL`"
    }
}

/// Whether any case has a model-graded assertion without a grader of its
/// own (its `provider`, or its case's `options.provider`).
pub fn needs_grader(cases: &[TestCase]) -> bool {
    missing_grader(cases, None).is_some()
}

/// The first model-graded assertion that would have no grader, given the
/// suite's default grader (`--grader`, `[eval] grader`,
/// `defaultTest.options.provider`); `None` when all have one.
pub fn missing_grader(cases: &[TestCase], default: Option<&Value>) -> Option<MissingGrader> {
    if default.is_some_and(|d| !d.is_null()) {
        return None;
    }
    cases.iter().find_map(|case| {
        let case_has = case
            .options
            .as_ref()
            .and_then(|o| o.get("provider"))
            .is_some_and(|p| !p.is_null());
        if case_has {
            return None;
        }
        first_ungraded(&case.asserts)
    })
}

fn first_ungraded(asserts: &[AssertSpec]) -> Option<MissingGrader> {
    asserts.iter().find_map(|a| {
        if !a.members.is_empty() {
            return first_ungraded(&a.members);
        }
        let own = a.provider.as_ref().is_some_and(|p| !p.is_null());
        (is_model_graded(&a.kind) && !own).then(|| MissingGrader {
            kind: a.kind.clone(),
            line: a.line,
            col: a.col,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(kind: &str, provider: Option<Value>) -> AssertSpec {
        AssertSpec {
            kind: kind.into(),
            provider,
            line: 7,
            col: 9,
            ..Default::default()
        }
    }

    #[test]
    fn a_model_graded_assertion_without_a_grader_is_found_before_any_call() {
        let plain = TestCase {
            asserts: vec![spec("contains", None)],
            ..Default::default()
        };
        assert!(!needs_grader(std::slice::from_ref(&plain)));
        let set = TestCase {
            asserts: vec![AssertSpec {
                kind: "assert-set".into(),
                members: vec![spec("contains", None), spec("not-llm-rubric", None)],
                ..Default::default()
            }],
            ..Default::default()
        };
        let cases = vec![plain.clone(), set.clone()];
        let missing = missing_grader(&cases, None).unwrap();
        assert_eq!(
            (missing.kind.as_str(), missing.line, missing.col),
            ("not-llm-rubric", 7, 9)
        );
        assert_eq!(
            missing.to_string(),
            "not-llm-rubric needs a grader model and none is configured"
        );
        assert!(missing_grader(&cases, Some(&json!("openai:gpt-4o-mini"))).is_none());
        let own = TestCase {
            asserts: vec![spec("similar", Some(json!("openai:embedding:x")))],
            ..Default::default()
        };
        assert!(!needs_grader(&[own]));
        let by_case = TestCase {
            options: Some(json!({"provider": "openai:gpt-4o"})),
            ..set
        };
        assert!(!needs_grader(&[by_case]));
        assert!(is_model_graded("similar:dot") && !is_model_graded("not-contains"));
    }

    #[test]
    fn the_command_line_beats_the_suite_which_beats_the_workspace() {
        let suite = json!({"id": "openai:chat:s"});
        assert_eq!(
            default_grader(Some("anthropic:c"), Some(&suite), Some("openai:w")),
            Some(json!("anthropic:c"))
        );
        assert_eq!(
            default_grader(None, Some(&suite), Some("openai:w")),
            Some(suite.clone())
        );
        assert_eq!(
            default_grader(Some(" "), None, Some("openai:w")),
            Some(json!("openai:w"))
        );
        assert_eq!(default_grader(None, Some(&Value::Null), None), None);
    }
}
