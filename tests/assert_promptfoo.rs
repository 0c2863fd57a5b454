//! pwb grades the answers of tests/fixtures/promptfoo-verdicts/*.yaml as
//! promptfoo 0.123.1 graded them (NAME.verdicts.json, written by make.py
//! from promptfoo-ref runs): case by case and assertion by assertion, pass
//! and score as numbers, errors as errors, reasons as text. Where pwb
//! deliberately differs, `DIFFERENCES` says so (and the README's section
//! "pwb eval and promptfoo").

use pwb::eval::AssertContext;
use pwb::eval::assert::grade_case;
use pwb::eval::script::Scripts;
use pwb::run::CellOutcome;
use pwb::types::{GenParams, ModelId};
use pwb::workspace::testfile::{AssertSpec, TestCase};
use serde_json::{Map, Value};
use std::path::Path;

/// (suite, case index, why pwb's verdict differs): not compared here.
const DIFFERENCES: &[(&str, usize, &str)] = &[
    // promptfoo 0.123.1's meteor fails to load `natural`'s stemmer through a
    // dynamic import and errors on every meteor assertion; pwb scores it
    // with the algorithm promptfoo's source describes, held to that
    // algorithm's figures by meteor_reference.json (eval::assert::meteor).
    ("similarity", 8, "meteor is an error in promptfoo 0.123.1"),
    ("similarity", 9, "meteor is an error in promptfoo 0.123.1"),
];

/// Reasons pwb words differently (same verdict and score): (suite, case,
/// assertion; `None` for the case's own reason, which is then not compared).
const REASON_DIFFERENCES: &[(&str, usize, Option<usize>, &str)] = &[
    (
        "scripts",
        3,
        Some(0),
        "the stack trace of a throwing script is node's in the worker",
    ),
    (
        "scripts",
        3,
        Some(1),
        "the stack trace of a failing python script is python's own",
    ),
    (
        "scripts",
        3,
        None,
        "the case says the last failure's reason (above)",
    ),
    ("markup", 3, Some(0), "roxmltree's parse error, not saxes'"),
    ("markup", 3, None, "the same"),
    ("markup", 4, Some(0), "roxmltree's parse error, not saxes'"),
    ("markup", 5, Some(0), "roxmltree's parse error, not saxes'"),
    ("markup", 7, Some(0), "roxmltree's parse error, not saxes'"),
    ("markup", 7, None, "the same"),
    (
        "sql",
        4,
        Some(0),
        "node-sql-parser also fails to parse generate_series() as MySQL; sqlparser parses it",
    ),
    ("sql", 4, None, "the same"),
    (
        "sql",
        11,
        None,
        "promptfoo's case reason is the failure that finished last (is-sql waits for its parser)",
    ),
    (
        "text",
        21,
        Some(0),
        "regress's regex syntax error, not V8's",
    ),
    ("text", 21, None, "the same"),
];

fn spec(v: &Value) -> AssertSpec {
    let num = |k: &str| v.get(k).and_then(Value::as_f64);
    AssertSpec {
        kind: v["type"].as_str().unwrap_or_default().to_string(),
        value: v.get("value").cloned(),
        threshold: num("threshold"),
        weight: num("weight"),
        metric: v.get("metric").and_then(Value::as_str).map(str::to_string),
        members: v
            .get("assert")
            .and_then(Value::as_array)
            .map(|l| l.iter().map(spec).collect())
            .unwrap_or_default(),
        ..AssertSpec::default()
    }
}

fn load(name: &str) -> (Vec<(TestCase, String)>, Vec<Value>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/promptfoo-verdicts");
    let text = std::fs::read_to_string(dir.join(format!("{name}.yaml"))).expect("config");
    let config: Value = serde_norway::from_str(&text).expect("yaml");
    let verdicts: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("{name}.verdicts.json"))).expect("verdicts"),
    )
    .expect("json");
    let cases = config["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let vars: Map<String, Value> = t["vars"].as_object().cloned().unwrap_or_default();
            let output = vars["output"].as_str().unwrap_or_default().to_string();
            let case = TestCase {
                description: t["description"].as_str().map(str::to_string),
                vars,
                asserts: t["assert"]
                    .as_array()
                    .map(|l| l.iter().map(spec).collect())
                    .unwrap_or_default(),
                threshold: t.get("threshold").and_then(Value::as_f64),
                index: i,
                ..TestCase::default()
            };
            (case, output)
        })
        .collect();
    (cases, verdicts["cases"].as_array().expect("cases").clone())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn check_suite(name: &str) {
    let (cases, verdicts) = load(name);
    assert_eq!(cases.len(), verdicts.len(), "{name}: one verdict per case");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let model = ModelId::parse("echo:echo")
        .or_else(|_| ModelId::parse("openai:echo"))
        .expect("model");
    let scripts = Scripts::new();
    let mut problems = Vec::new();
    for (i, ((case, output), want)) in cases.iter().zip(&verdicts).enumerate() {
        let cell = CellOutcome::new("echo".into(), model.clone(), GenParams::default());
        let ctx = AssertContext {
            output,
            vars: &case.vars,
            messages: &[],
            cell: &cell,
            cost: Some(0.0),
        };
        let got = rt.block_on(grade_case(case, &ctx, None, Some(&scripts)));
        let got_error = got
            .results
            .iter()
            .any(|r| r.error.is_some() || r.members.iter().any(|m| m.error.is_some()));
        let differs = DIFFERENCES.iter().any(|(s, k, _)| *s == name && *k == i);
        let want_error = want["error"] == Value::Bool(true);
        let same = got_error == want_error
            && (want_error
                || (got.pass == want["pass"].as_bool().unwrap_or_default()
                    && close(got.score, want["score"].as_f64().unwrap_or(f64::NAN))));
        if differs {
            assert!(
                want_error,
                "{name}#{i}: promptfoo's verdict is no longer an error"
            );
            continue;
        }
        if !same {
            problems.push(format!(
                "{name}#{i}: case pass/score/error pwb {}/{}/{got_error} ({}) promptfoo {}/{}/{want_error} ({})",
                got.pass, got.score, got.reason, want["pass"], want["score"], want["reason"]
            ));
            continue;
        }
        if want_error {
            continue;
        }
        let listed = REASON_DIFFERENCES
            .iter()
            .any(|(s, c, a, _)| *s == name && *c == i && a.is_none());
        if !listed && got.reason != want["reason"].as_str().unwrap_or_default() {
            problems.push(format!(
                "{name}#{i}: case reason pwb {:?} promptfoo {}",
                got.reason, want["reason"]
            ));
        }
        // promptfoo lists a set, then its members.
        let flat: Vec<_> = got
            .results
            .iter()
            .flat_map(|r| std::iter::once(r).chain(r.members.iter()))
            .collect();
        let want_results = want["results"].as_array().cloned().unwrap_or_default();
        if flat.len() != want_results.len() {
            problems.push(format!(
                "{name}#{i}: {} results, promptfoo {}",
                flat.len(),
                want_results.len()
            ));
            continue;
        }
        for (j, (g, w)) in flat.iter().zip(&want_results).enumerate() {
            let ok = g.pass == w["pass"].as_bool().unwrap_or_default()
                && close(g.score, w["score"].as_f64().unwrap_or(f64::NAN));
            if !ok {
                problems.push(format!(
                    "{name}#{i}.{j} {}: pwb {}/{} ({}) promptfoo {}/{} ({})",
                    g.kind, g.pass, g.score, g.reason, w["pass"], w["score"], w["reason"]
                ));
            } else if g.reason != w["reason"].as_str().unwrap_or_default()
                && !REASON_DIFFERENCES
                    .iter()
                    .any(|(s, c, a, _)| *s == name && *c == i && *a == Some(j))
            {
                problems.push(format!(
                    "{name}#{i}.{j} {}: reason pwb {:?} promptfoo {}",
                    g.kind, g.reason, w["reason"]
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} differences from promptfoo:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn text_assertions_match_promptfoo() {
    check_suite("text");
}

#[test]
fn json_assertions_match_promptfoo() {
    check_suite("json");
}

#[test]
fn markup_assertions_match_promptfoo() {
    check_suite("markup");
}

#[test]
fn sql_assertions_match_promptfoo() {
    check_suite("sql");
}

#[test]
fn similarity_assertions_match_promptfoo() {
    check_suite("similarity");
}

#[test]
fn meta_assertions_match_promptfoo() {
    check_suite("meta");
}

#[test]
fn script_assertions_match_promptfoo() {
    check_suite("scripts");
}
