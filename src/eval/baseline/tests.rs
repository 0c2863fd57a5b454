//! Crafted runs against crafted baselines: exactly the expected
//! regressions, improvements and flaky cases, the Fisher p-values (scipy
//! 1.17's `fisher_exact(..., alternative='greater')`), the aggregate
//! interval (statsmodels' Newcombe), the file round trip and the reports.

use super::*;
use crate::eval::{CaseGrade, CellResult, EvalRun, Verdict};
use crate::run::{CellOutcome, CellStatus};
use crate::types::{GenParams, ModelId};
use serde_json::{Map, json};
use std::time::Duration;

/// A graded cell of prompt `triage` on `model` for case `desc`.
fn cell(model: &str, desc: &str, repeat: u32, repeats: u32, pass: bool, ms: u64) -> CellResult {
    let id = ModelId::parse("openai:gpt-4o-mini").unwrap();
    let mut o = CellOutcome::new(model.into(), id.clone(), GenParams::default());
    o.status = CellStatus::Done;
    o.text = if pass { "billing" } else { "other" }.into();
    o.wall_time = Some(Duration::from_millis(ms));
    let mut vars = Map::new();
    vars.insert("ticket".into(), json!(format!("ticket about {desc}")));
    CellResult {
        prompt: "triage".into(),
        model: model.into(),
        model_id: id,
        case: 0,
        description: Some(desc.into()),
        vars,
        repeat,
        repeats,
        messages: Vec::new(),
        outcome: o,
        cost: Some(if model == "big" { 0.002 } else { 0.0001 }),
        grade: Some(CaseGrade {
            pass,
            score: if pass { 1.0 } else { 0.25 },
            reason: if pass {
                "All assertions passed".into()
            } else {
                format!("Expected output to contain \"billing\" ({desc})")
            },
            named_scores: Map::new(),
            results: Vec::new(),
        }),
        verdict: if pass { Verdict::Pass } else { Verdict::Fail },
        grader_usage: Default::default(),
        grader_cost: None,
        call_id: None,
        context: None,
    }
}

/// `passes` of `runs` repeats of one case.
fn repeated(model: &str, desc: &str, passes: u32, runs: u32, ms: u64) -> Vec<CellResult> {
    (0..runs)
        .map(|r| cell(model, desc, r, runs, r < passes, ms))
        .collect()
}

fn run(cells: Vec<Vec<CellResult>>) -> EvalRun {
    EvalRun {
        suite: "tests/triage.yaml".into(),
        prompts: vec!["triage".into()],
        models: vec!["mini".into(), "big".into()],
        cells: cells.into_iter().flatten().collect(),
        ..Default::default()
    }
}

fn find<'a>(cmp: &'a Comparison, model: &str, desc: &str) -> &'a CaseChange {
    cmp.cases
        .iter()
        .find(|c| c.model == model && c.description.as_deref() == Some(desc))
        .unwrap_or_else(|| panic!("{model} {desc} not compared"))
}

/// Single runs: passed then failed is a regression, the reverse an
/// improvement; an error counts as not passing.
fn single_runs() -> (EvalRun, EvalRun) {
    let mut errored = cell("mini", "crash", 0, 1, false, 40);
    errored.outcome.status = CellStatus::Failed("HTTP 500: the server fell over".into());
    errored.grade = None;
    errored.verdict = Verdict::Error;
    let before = run(vec![
        vec![cell("mini", "refund", 0, 1, true, 20)],
        vec![cell("mini", "crash", 0, 1, true, 20)],
        vec![cell("mini", "vat", 0, 1, false, 20)],
        vec![cell("mini", "login", 0, 1, true, 20)],
        vec![cell("mini", "gone", 0, 1, true, 20)],
        vec![cell("big", "refund", 0, 1, true, 300)],
    ]);
    let after = run(vec![
        vec![cell("mini", "refund", 0, 1, false, 30)],
        vec![errored],
        vec![cell("mini", "vat", 0, 1, true, 30)],
        vec![cell("mini", "login", 0, 1, true, 30)],
        vec![cell("mini", "new", 0, 1, true, 30)],
        vec![cell("big", "refund", 0, 1, true, 500)],
    ]);
    (before, after)
}

#[test]
fn single_runs_regress_when_a_pass_now_fails() {
    let (before, after) = single_runs();
    let cmp = compare(&Baseline::of_run("eval 1", &before), &after, DEFAULT_ALPHA);
    let changes: Vec<(&str, &str, Change)> = cmp
        .cases
        .iter()
        .map(|c| {
            (
                c.model.as_str(),
                c.description.as_deref().unwrap(),
                c.change,
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("mini", "refund", Change::Regressed),
            ("mini", "crash", Change::Regressed),
            ("mini", "vat", Change::Improved),
            ("mini", "login", Change::Unchanged),
            ("big", "refund", Change::Unchanged),
        ]
    );
    assert!(cmp.has_regression());
    assert_eq!((cmp.only_before, cmp.only_after), (1, 1));
    let refund = find(&cmp, "mini", "refund");
    assert_eq!(refund.p_value, None);
    assert_eq!(
        refund.reason.as_deref(),
        Some("Expected output to contain \"billing\" (refund)")
    );
    assert_eq!(
        (refund.score_before, refund.score_after),
        (Some(1.0), Some(0.25))
    );
    let crash = find(&cmp, "mini", "crash");
    assert_eq!(
        crash.reason.as_deref(),
        Some("HTTP 500: the server fell over")
    );
    assert_eq!(crash.score_after, None, "an error has no score");
    // 4 of 5 cells passed before, 3 of 5 now.
    assert_eq!((cmp.before.passed, cmp.before.runs), (4, 5));
    assert_eq!((cmp.after.passed, cmp.after.runs), (3, 5));
    // statsmodels: confint_proportions_2indep(3, 5, 4, 5, method='newcomb')
    let i = cmp.interval.unwrap();
    assert!((i.low - -0.6039642298921518).abs() < 1e-9, "{i:?}");
    assert!((i.high - 0.30981259073879863).abs() < 1e-9, "{i:?}");
    let big = cmp.groups.iter().find(|g| g.model == "big").unwrap();
    assert_eq!(
        (big.cost_before, big.cost_after),
        (Some(0.002), Some(0.002))
    );
    assert_eq!(
        (big.latency_before, big.latency_after),
        (
            Some(Duration::from_millis(300)),
            Some(Duration::from_millis(500))
        )
    );
}

#[test]
fn with_repeats_only_a_drop_beyond_noise_regresses() {
    let before = run(vec![
        repeated("mini", "steady", 10, 10, 20),
        repeated("mini", "wobbly", 3, 3, 20),
        repeated("mini", "coin", 2, 3, 20),
        repeated("mini", "fixed", 0, 3, 20),
        repeated("mini", "once", 1, 1, 20),
        repeated("big", "sure", 5, 5, 20),
    ]);
    let after = run(vec![
        repeated("mini", "steady", 3, 10, 20),
        repeated("mini", "wobbly", 1, 3, 20),
        repeated("mini", "coin", 2, 3, 20),
        repeated("mini", "fixed", 3, 3, 20),
        repeated("mini", "once", 0, 2, 20),
        repeated("big", "sure", 0, 5, 20),
    ]);
    let cmp = compare(&Baseline::of_run("eval 2", &before), &after, DEFAULT_ALPHA);
    let p = |d: &str, m: &str| find(&cmp, m, d).p_value.unwrap();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.max(1e-3);
    // 10/10 -> 3/10: flaky now, but far beyond noise.
    assert_eq!(find(&cmp, "mini", "steady").change, Change::Regressed);
    assert!(close(p("steady", "mini"), 0.001547987616099071));
    // 3/3 -> 1/3: p = 0.2; it passes and fails now: flaky.
    assert_eq!(find(&cmp, "mini", "wobbly").change, Change::Flaky);
    assert!(close(p("wobbly", "mini"), 0.2));
    // 2/3 -> 2/3: no change, flaky on both sides.
    assert_eq!(find(&cmp, "mini", "coin").change, Change::Flaky);
    // 0/3 -> 3/3: p = 1/20 = 0.05, on alpha: an improvement.
    assert_eq!(find(&cmp, "mini", "fixed").change, Change::Improved);
    assert!(close(p("fixed", "mini"), 0.05));
    // 1/1 -> 0/2: p = 1/3, and neither side flaky.
    assert_eq!(find(&cmp, "mini", "once").change, Change::WithinNoise);
    assert!(close(p("once", "mini"), 1.0 / 3.0));
    // 5/5 -> 0/5: p = 0.003968.
    assert_eq!(find(&cmp, "big", "sure").change, Change::Regressed);
    assert!(close(p("sure", "big"), 0.003968253968253969));
    assert_eq!(cmp.count(Change::Regressed), 2);
    // A stricter alpha keeps 10/10 -> 3/10 (p = 0.0015) out; it is flaky.
    let strict = compare(&Baseline::of_run("eval 2", &before), &after, 0.001);
    assert_eq!(find(&strict, "mini", "steady").change, Change::Flaky);
    assert_eq!(find(&strict, "big", "sure").change, Change::WithinNoise);
    assert!(!strict.has_regression());
}

#[test]
fn a_results_file_reads_back_as_the_same_baseline() {
    let (before, after) = single_runs();
    let file = crate::eval::report::run_json(&before).to_string();
    let from_file = Baseline::from_results("base.json", &file).unwrap();
    assert_eq!(
        from_file.cells,
        Baseline::of_run("base.json", &before).cells
    );
    let jsonl: String = before
        .cells
        .iter()
        .map(|c| crate::eval::report::cell_json(c).to_string() + "\n")
        .collect();
    let from_lines = Baseline::from_results("base.jsonl", &jsonl).unwrap();
    assert_eq!(from_lines.cells, from_file.cells);
    let a = compare(&from_file, &after, DEFAULT_ALPHA);
    let b = compare(
        &Baseline::of_run("base.json", &before),
        &after,
        DEFAULT_ALPHA,
    );
    assert_eq!(a, b);
}

#[test]
fn a_malformed_results_file_is_an_error_never_an_empty_baseline() {
    for (text, says) in [
        ("not json at all", "not JSON"),
        ("{\"suite\": \"x\"}", "no `results` list"),
        (
            "{\"results\": [{\"prompt\": \"p\", \"model\": \"m\"}]}",
            "result 1: no `verdict`",
        ),
        (
            "{\"results\": [{\"prompt\": \"p\", \"model\": \"m\", \"verdict\": \"meh\"}]}",
            "`verdict` is `meh`",
        ),
        (
            "{\"verdict\": \"pass\", \"model\": \"m\"}\n{",
            "line 2: not JSON",
        ),
    ] {
        let e = Baseline::from_results("b.json", text).unwrap_err();
        assert!(e.contains(says) && e.contains("hint:"), "{text}: {e}");
    }
}

#[test]
fn the_comparison_as_text_markdown_and_json() {
    let (before, after) = single_runs();
    let cmp = compare(
        &Baseline::of_run("eval 3f9a2c1e (last)", &before),
        &after,
        DEFAULT_ALPHA,
    );
    insta::assert_snapshot!("baseline_text", text(&cmp));
    insta::assert_snapshot!("baseline_markdown", markdown(&cmp));
    let j = comparison_json(&cmp);
    assert_eq!(j["regressed"], 2);
    assert_eq!(j["improved"], 1);
    assert_eq!(j["cases_only_in_baseline"], 1);
    assert_eq!(j["cases"][0]["change"], "regressed");
    assert_eq!(j["cases"][0]["before"]["passed"], 1);
    let md = render(&after, Some(&cmp), crate::eval::report::Format::Markdown).unwrap();
    assert!(md.starts_with(&crate::eval::report::markdown(&after)));
    assert!(md.contains("Against the baseline"));
    let json = render(&after, Some(&cmp), crate::eval::report::Format::Json).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["baseline"]["regressed"], 2);
    assert_eq!(v["results"].as_array().unwrap().len(), 6);
}
