//! Cases as promptfoo makes them: var expansion, `defaultTest` merging,
//! assert-sets, metrics, cases and vars from other files (CSV, JSONL,
//! YAML), `file://` assertion values, and what pwb refuses to run.

use super::*;
use crate::workspace::diagnostic::Severity;
use serde_json::json;

fn parse_in(dir: &Path, src: &str) -> (Option<TestFile>, Vec<Diagnostic>) {
    TestFile::parse("t", &dir.join("t.yaml"), src, Path::new("tests/t.yaml"))
}

fn cases(dir: &Path, src: &str) -> Vec<TestCase> {
    let (file, diags) = parse_in(dir, src);
    assert!(diags.is_empty(), "{diags:#?}");
    file.unwrap().cases
}

fn nowhere() -> &'static Path {
    Path::new("/nonexistent")
}

#[test]
fn list_vars_expand_into_the_product_first_var_slowest() {
    let src = "defaultTest:\n  vars: {lang: [en, de], n: 1}\ntests:\n  - vars: {tone: [calm, angry], nums: [1, 2], empty: []}\n";
    let got = cases(nowhere(), src);
    let pairs: Vec<(String, String)> = got
        .iter()
        .map(|c| {
            (
                c.vars["lang"].as_str().unwrap().into(),
                c.vars["tone"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = [
        ("en", "calm"),
        ("en", "angry"),
        ("de", "calm"),
        ("de", "angry"),
    ];
    assert_eq!(pairs, want.map(|(a, b)| (a.to_string(), b.to_string())));
    assert!(
        got.iter()
            .all(|c| c.vars["nums"] == json!([1, 2]) && c.vars["empty"] == json!([]))
    );
    assert!(got.iter().all(|c| c.index == 0));
    let keys: Vec<&String> = got[0].vars.keys().collect();
    assert_eq!(
        keys,
        ["lang", "n", "tone", "nums", "empty"],
        "defaultTest's keys first, as JS spreads"
    );
}

#[test]
fn default_test_merges_as_promptfoo_merges_it() {
    let src = "defaultTest:\n  vars: {a: 1}\n  threshold: 0.5\n  options: {provider: x, keep: 1}\n  metadata: {m: 1}\n  assert: [{type: is-json}]\ntests:\n  - options: {provider: y}\n    metadata: {k: 2}\n    assert: [{type: contains, value: b}]\n  - threshold: 0.9\n    options: {disableDefaultAsserts: true, disableVarExpansion: true}\n    vars: {l: [x, y]}\n    assert: [{type: equals, value: c}]\n";
    let got = cases(nowhere(), src);
    assert_eq!(got.len(), 2);
    let kinds = |c: &TestCase| c.asserts.iter().map(|a| a.kind.clone()).collect::<Vec<_>>();
    assert_eq!(kinds(&got[0]), ["is-json", "contains"]);
    assert_eq!(got[0].threshold, Some(0.5));
    assert_eq!(got[0].options, Some(json!({"provider": "y", "keep": 1})));
    assert_eq!(got[0].metadata, Some(json!({"m": 1, "k": 2})));
    assert_eq!(kinds(&got[1]), ["equals"]);
    assert_eq!(got[1].threshold, Some(0.9));
    assert_eq!(got[1].vars["l"], json!(["x", "y"]));
}

#[test]
fn vars_lose_one_trailing_newline_and_read_other_vars() {
    let src = "- vars:\n    block: |\n      two\n      lines\n    greet: Hello {{ who }} and {{nobody}}\n    who: '{{ name }}'\n    name: Ann\n    list: [[1, 2]]\n    ref: 'n={{list}}'\n";
    let got = cases(nowhere(), src);
    let v = &got[0].vars;
    assert_eq!(v["block"], json!("two\nlines"));
    assert_eq!(v["who"], json!("Ann"));
    // The first reference of each var is replaced per round; `nobody` is
    // not set, so promptfoo leaves it (and it stops there).
    assert_eq!(v["greet"], json!("Hello Ann and {{nobody}}"));
    assert_eq!(v["ref"], json!("n=1,2"));
}

#[test]
fn assert_sets_metrics_and_positions() {
    let src = "- assert:\n    - type: assert-set\n      threshold: 0.5\n      weight: 2\n      metric: tone\n      assert:\n        - type: icontains\n          value: sorry\n        - type: not-contains\n          value: '!'\n    - type: equals\n      value: x\n      metric: ''\n";
    let got = cases(nowhere(), src);
    let set = &got[0].asserts[0];
    assert_eq!(
        (set.kind.as_str(), set.threshold, set.weight),
        ("assert-set", Some(0.5), Some(2.0))
    );
    assert_eq!(set.metric.as_deref(), Some("tone"));
    let members: Vec<(&str, usize)> = set
        .members
        .iter()
        .map(|m| (m.kind.as_str(), m.line))
        .collect();
    assert_eq!(members, [("icontains", 7), ("not-contains", 9)]);
    assert_eq!((set.line, set.col), (2, 7));
    assert_eq!(got[0].asserts[1].metric, None);
}

#[test]
fn sets_cannot_nest_or_be_negated() {
    let (_, diags) = parse_in(
        nowhere(),
        "- assert:\n    - type: assert-set\n      assert:\n        - type: assert-set\n          assert: [{type: contains, value: a}]\n    - type: not-assert-set\n    - type: assert-set\n",
    );
    let lines: Vec<usize> = diags.iter().map(|d| d.line).collect();
    assert_eq!(lines, [4, 6, 7], "{diags:#?}");
}

#[test]
fn what_would_change_the_run_is_refused() {
    let (_, diags) = parse_in(
        nowhere(),
        "- provider: openai:gpt-4o\n  options: {prefix: 'Q: '}\n  assert:\n    - type: contains\n      value: a\n      transform: output.trim()\n",
    );
    let mut got: Vec<(Severity, usize)> = diags.iter().map(|d| (d.severity, d.line)).collect();
    got.sort();
    assert_eq!(
        got,
        [
            (Severity::Error, 1),
            (Severity::Error, 2),
            (Severity::Error, 6)
        ],
        "{diags:#?}"
    );
}

#[test]
fn an_empty_case_is_refused_as_promptfoo_refuses_it() {
    let (file, diags) = parse_in(nowhere(), "- description: nothing to run\n- vars: {a: 1}\n");
    assert_eq!(file.unwrap().cases.len(), 1);
    assert_eq!((diags.len(), diags[0].line), (1, 1), "{diags:#?}");
}

#[test]
fn cases_from_csv_jsonl_and_yaml_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("c.csv"), "q,__expected,__description\nhi,contains: h,first\n\"a, b\",\"icontains-any: A, \"\"x, y\"\"\",\n").unwrap();
    std::fs::write(d.join("c.jsonl"), "{\"vars\": {\"q\": \"j\"}}\n\n{\"vars\": {\"q\": [\"k\", \"l\"]}, \"assert\": [{\"type\": \"contanis\", \"value\": \"k\"}]}\n").unwrap();
    std::fs::write(d.join("more.yaml"), "- vars: {q: y}\n").unwrap();
    let (file, diags) = parse_in(
        d,
        "defaultTest:\n  assert: [{type: is-json}]\ntests:\n  - file://c.csv\n  - c.jsonl\n  - file://more.yaml\n",
    );
    let got = file.unwrap().cases;
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d0 = &diags[0];
    assert_eq!(
        (d0.path.as_path(), d0.line),
        (Path::new("tests/c.jsonl"), 3)
    );
    assert!(d0.hint.as_deref().unwrap().contains("`contains`"));
    let qs: Vec<&str> = got.iter().map(|c| c.vars["q"].as_str().unwrap()).collect();
    assert_eq!(qs, ["hi", "a, b", "j", "k", "l", "y"]);
    assert_eq!(got[0].description.as_deref(), Some("first"));
    assert_eq!(got[1].description.as_deref(), Some("Row #2"));
    assert_eq!(got[1].asserts[1].value, Some(json!(["A", "x, y"])));
    assert_eq!(
        (got[1].origin.as_deref(), got[1].line),
        (Some(Path::new("tests/c.csv")), 3)
    );
    assert_eq!(got[2].description, None, "JSONL in a list: no Row #N");
    assert_eq!(got[2].asserts.len(), 1);
}

#[test]
fn csv_expected_forms() {
    use super::super::testfile_expected::assertion_from_string as a;
    let v = |s: &str| Value::Object(a(s).unwrap());
    assert_eq!(v("contains: x"), json!({"type": "contains", "value": "x"}));
    assert_eq!(
        v("not-starts-with:Dear"),
        json!({"type": "not-starts-with", "value": "Dear", "threshold": 0.75})
    );
    assert_eq!(
        v("similar(0.9): hi"),
        json!({"type": "similar", "value": "hi", "threshold": 0.9})
    );
    assert_eq!(
        v("grade: polite"),
        json!({"type": "llm-rubric", "value": " polite"})
    );
    assert_eq!(
        v("fn: output.length > 2"),
        json!({"type": "javascript", "value": "output.length > 2"})
    );
    assert_eq!(v("is-json"), json!({"type": "is-json"}));
    assert_eq!(
        v("Paris: capital"),
        json!({"type": "equals", "value": "Paris: capital"})
    );
    assert!(a("contains-any: \"open").is_err());
}

#[test]
fn vars_files_and_file_values_of_assertions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("v.yaml"), "q: from file\nn: 2\n").unwrap();
    std::fs::write(
        d.join("schema.json"),
        "{\"type\": \"object\", \"required\": [\"a\"]}",
    )
    .unwrap();
    std::fs::write(d.join("want.txt"), "  expected  \n").unwrap();
    std::fs::write(d.join("notes.md"), "x").unwrap();
    let got = cases(
        d,
        "- vars: v.yaml\n  assert:\n    - type: is-json\n      value: file://schema.json\n    - type: contains-any\n      value: [file://want.txt, b]\n",
    );
    assert_eq!(got[0].vars["q"], json!("from file"));
    // promptfoo 0.123.1 reads nothing for `file://v.yaml` here: pwb reads
    // it and says so.
    let (file, diags) = parse_in(d, "- vars: file://v.yaml\n");
    assert_eq!(file.unwrap().cases[0].vars["n"], json!(2));
    assert_eq!(
        (diags.len(), diags[0].severity),
        (1, Severity::Warning),
        "{diags:#?}"
    );
    assert_eq!(
        got[0].asserts[0].value,
        Some(json!({"type": "object", "required": ["a"]}))
    );
    assert_eq!(got[0].asserts[1].value, Some(json!(["expected", "b"])));
    let (_, diags) = parse_in(
        d,
        "- assert:\n    - type: equals\n      value: file://notes.md\n",
    );
    assert_eq!((diags.len(), diags[0].line), (1, 3), "{diags:#?}");
}
