//! Grading semantics as promptfoo 0.123.1 has them (figures from runs of
//! promptfoo-ref; the per-type fixtures are in tests/assert_promptfoo.rs).

use super::*;
use crate::run::CellOutcome;
use crate::types::{GenParams, ModelId};
use serde_json::{Map, json};

pub(crate) fn cell() -> CellOutcome {
    let model = ModelId::parse("openai:gpt-4o-mini").unwrap_or_else(|_| panic!("model id"));
    CellOutcome::new("m".into(), model, GenParams::default())
}

fn spec(kind: &str, value: Value) -> AssertSpec {
    AssertSpec {
        kind: kind.into(),
        value: (!value.is_null()).then_some(value),
        ..AssertSpec::default()
    }
}

fn grade(output: &str, vars: &Map<String, Value>, case: &TestCase) -> CaseGrade {
    let cell = cell();
    let ctx = AssertContext {
        output,
        vars,
        messages: &[],
        cell: &cell,
        cost: None,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(grade_case(case, &ctx, None, None))
}

#[test]
fn weight_zero_passes_and_counts_nothing() {
    let case = TestCase {
        asserts: vec![
            spec("contains", json!("yes")),
            AssertSpec {
                weight: Some(0.0),
                ..spec("contains", json!("nope"))
            },
        ],
        ..TestCase::default()
    };
    let g = grade("yes", &Map::new(), &case);
    assert!(g.pass);
    assert_eq!(g.score, 1.0);
    assert!(g.results[1].pass);
    assert_eq!(g.results[1].score, 0.0);
}

#[test]
fn not_inverts_and_values_render_with_vars() {
    let vars = json!({"word": "refund"})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let case = TestCase {
        asserts: vec![spec("not-icontains", json!("{{word}}"))],
        ..TestCase::default()
    };
    let g = grade("We issued a REFUND.", &vars, &case);
    assert!(!g.pass);
    assert_eq!(g.reason, "Expected output to not contain \"refund\"");
    assert_eq!(g.results[0].value, Some(json!("refund")));
}

#[test]
fn case_threshold_and_sets_with_their_own_weight_and_metric() {
    let set = AssertSpec {
        kind: "assert-set".into(),
        threshold: Some(0.5),
        weight: Some(2.0),
        metric: Some("tone".into()),
        members: vec![spec("contains", json!("a")), spec("contains", json!("zzz"))],
        ..AssertSpec::default()
    };
    let case = TestCase {
        asserts: vec![spec("contains", json!("zzz")), set],
        threshold: Some(0.6),
        ..TestCase::default()
    };
    let g = grade("abc", &Map::new(), &case);
    // set: 0.5 >= 0.5 passes with score 0.5; case: (0 + 2 * 0.5) / 3.
    assert_eq!(g.results[1].score, 0.5);
    assert!(g.results[1].pass);
    assert!((g.score - 1.0 / 3.0).abs() < 1e-12);
    assert!(!g.pass);
    assert_eq!(g.reason, "Aggregate score 0.33 < 0.6 threshold");
    assert_eq!(g.named_scores["tone"], json!(0.5));
    assert_eq!(g.results[1].members.len(), 2);
}

#[test]
fn a_type_that_throws_makes_the_case_an_error() {
    let case = TestCase {
        asserts: vec![spec("contains", json!("a")), spec("contains", json!([1]))],
        ..TestCase::default()
    };
    let g = grade("a", &Map::new(), &case);
    assert!(!g.pass);
    assert_eq!(g.score, 0.0);
    assert!(g.results[1].error.is_some());
    assert_eq!(
        g.reason,
        "\"contains\" assertion type must have a string or number value"
    );
}

#[test]
fn model_graded_without_a_grader_is_an_error_and_select_best_is_left_to_the_engine() {
    let case = TestCase {
        asserts: vec![
            spec("llm-rubric", json!("is polite")),
            spec("select-best", json!("best")),
        ],
        ..TestCase::default()
    };
    let g = grade("hi", &Map::new(), &case);
    assert_eq!(g.results.len(), 1);
    assert!(
        g.results[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("grader"))
    );
}

#[test]
fn no_assertions_pass_with_score_one() {
    let g = grade("x", &Map::new(), &TestCase::default());
    assert!(g.pass && g.score == 1.0 && g.reason == "No assertions");
}
