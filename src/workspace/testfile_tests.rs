//! Unit tests for test-file parsing: both promptfoo shapes, defaultTest
//! merging, file:// vars, and located errors for bad assertions.

use super::*;
use crate::workspace::diagnostic::Severity;
use serde_json::json;

fn parse_in(dir: &Path, src: &str) -> (Option<TestFile>, Vec<Diagnostic>) {
    let path = dir.join("t.yaml");
    TestFile::parse("t", &path, src, Path::new("tests/t.yaml"))
}

fn parse(src: &str) -> (Option<TestFile>, Vec<Diagnostic>) {
    parse_in(Path::new("/nonexistent"), src)
}

#[test]
fn list_shape() {
    let (file, diags) = parse(
        "- description: refund\n  vars:\n    ticket: I want my money back\n  assert:\n    - type: icontains\n      value: refund\n    - type: not-contains\n      value: sorry\n      weight: 2\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    let file = file.unwrap();
    assert_eq!(file.target_prompt(), "t");
    let case = &file.cases[0];
    assert_eq!(case.description.as_deref(), Some("refund"));
    assert_eq!(case.vars["ticket"], json!("I want my money back"));
    assert_eq!(case.asserts.len(), 2);
    assert!(case.asserts[1].negated());
    assert_eq!(case.asserts[1].base_kind(), "contains");
    assert_eq!(case.asserts[1].weight, Some(2.0));
}

#[test]
fn map_shape_merges_default_test() {
    let src = "prompt: triage\ndefaultTest:\n  vars: {lang: en, tone: calm}\n  assert:\n    - type: is-json\ntests:\n  - vars: {tone: angry}\n    assert: [{type: contains, value: billing, threshold: 0.5}]\n    options: {provider: x}\n";
    let (file, diags) = parse(src);
    assert!(diags.is_empty(), "{diags:?}");
    let file = file.unwrap();
    assert_eq!(file.target_prompt(), "triage");
    let case = &file.cases[0];
    assert_eq!(case.vars["lang"], json!("en"));
    assert_eq!(case.vars["tone"], json!("angry"));
    let kinds: Vec<&str> = case.asserts.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["is-json", "contains"]);
    assert_eq!(case.asserts[1].threshold, Some(0.5));
    assert_eq!(case.options, Some(json!({"provider": "x"})));
}

#[test]
fn unknown_assert_type_is_an_error_at_its_line() {
    let (file, diags) = parse(
        "- vars: {a: 1}\n  assert:\n    - type: equals\n      value: x\n    - type: containz\n      value: y\n",
    );
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!((d.severity, d.line, d.col), (Severity::Error, 5, 13));
    assert!(d.message.contains("containz"));
    assert!(d.hint.as_deref().unwrap().contains("`contains`"));
    assert_eq!(file.unwrap().cases[0].asserts.len(), 1);
}

#[test]
fn unknown_keys_warn_and_types_pwb_does_not_run_are_errors() {
    let (file, diags) = parse(
        "- vars: {a: 1}\n  asert: []\n  assert:\n    - type: llm-rubric\n      value: is polite\n    - type: moderation\n",
    );
    let got: Vec<(Severity, usize)> = diags.iter().map(|d| (d.severity, d.line)).collect();
    assert_eq!(
        got,
        vec![(Severity::Warning, 2), (Severity::Error, 6)],
        "{diags:?}"
    );
    assert_eq!(file.unwrap().cases[0].asserts.len(), 1);
}

#[test]
fn bad_values_and_shapes_are_errors() {
    let (_, diags) =
        parse("- assert:\n    - type: regex\n      value: \"(oops\"\n    - value: 3\n");
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert_eq!(diags[0].line, 3);
    assert_eq!(diags[1].line, 4);
    let (file, diags) = parse("tests: 3\n");
    assert!(file.unwrap().cases.is_empty());
    assert_eq!(diags[0].line, 1);
    let (_, diags) = parse("a: [1\n");
    assert!(diags[0].message.starts_with("invalid YAML"), "{}", diags[0]);
}

#[test]
fn file_references_are_read_relative_to_the_test_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/ticket.txt"), "  Printer on fire\n\n").unwrap();
    let (file, diags) = parse_in(dir.path(), "- vars:\n    ticket: file://data/ticket.txt\n");
    assert!(diags.is_empty(), "{diags:?}");
    // Read as promptfoo reads a text var: trimmed.
    assert_eq!(
        file.unwrap().cases[0].vars["ticket"],
        json!("Printer on fire")
    );
    let (file, diags) = parse_in(
        dir.path(),
        "- vars:\n    ticket: file://data/ticket.txt\n    other: file://data/missing.txt\n",
    );
    assert!(file.unwrap().cases.is_empty());
    assert_eq!(diags.len(), 1);
    assert_eq!((diags[0].line, diags[0].col), (3, 12));
    assert!(diags[0].message.contains("missing.txt"), "{}", diags[0]);
}
