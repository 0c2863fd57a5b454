//! Types sorted into ok / not supported / unknown, and each type's value
//! shape, as promptfoo's handlers require them.

use super::*;
use serde_json::json;

fn verdict(kind: &str, value: Value) -> AssertVerdict {
    let value = (!value.is_null()).then_some(value);
    check_assert(kind, value.as_ref(), None)
}

fn is_bad(v: &AssertVerdict) -> bool {
    matches!(v, AssertVerdict::BadValue { .. })
}

#[test]
fn every_type_the_issue_names_is_supported() {
    for t in [
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
        "llm-rubric",
        "g-eval",
        "factuality",
        "model-graded-closedqa",
        "answer-relevance",
        "context-faithfulness",
        "context-recall",
        "context-relevance",
        "select-best",
        "similar",
        "javascript",
        "python",
        "assert-set",
    ] {
        assert!(supported_types().contains(&t), "{t}");
    }
}

#[test]
fn sorts_types_into_ok_not_supported_unknown() {
    assert_eq!(verdict("contains", json!("x")), AssertVerdict::Ok);
    assert_eq!(verdict("not-icontains", json!("x")), AssertVerdict::Ok);
    assert_eq!(verdict("is-json", Value::Null), AssertVerdict::Ok);
    assert_eq!(verdict("llm-rubric", json!("is polite")), AssertVerdict::Ok);
    assert!(matches!(
        verdict("moderation", Value::Null),
        AssertVerdict::NotSupported { .. }
    ));
    match verdict("containz", json!("x")) {
        AssertVerdict::UnknownType { hint, .. } => assert!(hint.contains("`contains`"), "{hint}"),
        other => panic!("{other:?}"),
    }
    match verdict("not-llm-rubrik", json!("x")) {
        AssertVerdict::UnknownType { hint, .. } => assert!(hint.contains("`llm-rubric`"), "{hint}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        verdict("not-assert-set", Value::Null),
        AssertVerdict::UnknownType { .. }
    ));
}

#[test]
fn checks_value_shapes() {
    assert!(is_bad(&verdict("equals", Value::Null)));
    assert_eq!(verdict("equals", json!({"a": 1})), AssertVerdict::Ok);
    assert!(is_bad(&verdict("contains", json!(["a"]))));
    assert!(is_bad(&verdict("contains", json!(""))));
    assert_eq!(verdict("contains", json!(42)), AssertVerdict::Ok);
    assert!(is_bad(&verdict("starts-with", json!(42))));
    assert_eq!(verdict("contains-any", json!(["a", 1])), AssertVerdict::Ok);
    assert_eq!(verdict("contains-all", json!("a, b")), AssertVerdict::Ok);
    assert!(is_bad(&verdict("contains-all", json!({"a": 1}))));
    assert!(is_bad(&verdict("icontains-any", json!([]))));
    assert_eq!(
        verdict("bleu", json!(["ref one", "ref two"])),
        AssertVerdict::Ok
    );
    assert!(is_bad(&verdict("bleu", json!([1]))));
    assert!(is_bad(&verdict("levenshtein", json!(["x"]))));
    assert_eq!(verdict("word-count", json!({"min": 2})), AssertVerdict::Ok);
    assert_eq!(verdict("word-count", json!("12")), AssertVerdict::Ok);
    assert!(is_bad(&verdict("word-count", json!({"min": 5, "max": 2}))));
    assert!(is_bad(&verdict("word-count", json!("many"))));
    assert!(is_bad(&verdict("latency", Value::Null)));
    assert_eq!(
        check_assert("latency", None, Some(500.0)),
        AssertVerdict::Ok
    );
    assert!(is_bad(&verdict("is-sql", json!("mysql"))));
    assert_eq!(
        verdict("is-sql", json!({"databaseType": "MySQL"})),
        AssertVerdict::Ok
    );
    assert_eq!(verdict("is-xml", json!("a.b, c")), AssertVerdict::Ok);
    assert!(is_bad(&verdict("finish-reason", Value::Null)));
    assert_eq!(
        verdict("javascript", json!("output.length > 3")),
        AssertVerdict::Ok
    );
    assert_eq!(
        verdict("is-json", json!("file://schema.json")),
        AssertVerdict::Ok
    );
}

#[test]
fn regexes_are_javascript_regexes() {
    assert_eq!(verdict("regex", json!(r"(?<=\$)\d+")), AssertVerdict::Ok);
    match verdict("not-regex", json!("(?i)^select")) {
        AssertVerdict::BadValue { message, hint } => {
            assert!(
                message.starts_with("invalid regex: inline flags"),
                "{message}"
            );
            assert!(hint.contains("[Ss]elect"), "{hint}");
        }
        other => panic!("{other:?}"),
    }
    assert!(is_bad(&verdict("regex", json!("(oops"))));
    // A templated pattern is compiled once rendered.
    assert_eq!(verdict("regex", json!("^{{ prefix }}(")), AssertVerdict::Ok);
}

#[test]
fn json_schemas_are_checked() {
    let schema = json!({"type": "object", "properties": {"a": {"type": "strin"}}});
    match verdict("is-json", schema) {
        AssertVerdict::BadValue { message, .. } => {
            assert!(message.contains("invalid JSON schema"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        verdict("contains-json", json!("type: object\nrequired: [a]")),
        AssertVerdict::Ok
    );
    assert!(is_bad(&verdict("is-json", json!([1, 2]))));
}

#[test]
fn templates_in_values_must_be_renderable() {
    match verdict("contains", json!("{{ name | upper }}")) {
        AssertVerdict::BadValue { message, .. } => {
            assert!(message.contains("filters"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(is_bad(&verdict(
        "contains-any",
        json!(["ok", "{% if x %}y{% endif %}"])
    )));
    assert_eq!(verdict("contains", json!("{{ name }}")), AssertVerdict::Ok);
    // promptfoo renders strings and strings in lists, not maps.
    let schema = json!({"type": "object", "properties": {"a": {"enum": ["{{ x | y }}"]}}});
    assert_eq!(verdict("is-json", schema), AssertVerdict::Ok);
}
