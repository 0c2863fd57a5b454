//! The figures the reports state, checked as numbers against hand counts,
//! numpy (percentiles) and scipy (the exact test).

use super::{Cell, gr, grade, repeats, two_prompts};
use crate::eval::EvalRun;
use crate::eval::report::{Analysis, Axis};
use crate::eval::stats;
use serde_json::json;
use std::time::Duration;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn groups_count_verdicts_tokens_cost_and_latency() {
    let run = two_prompts();
    let an = Analysis::of(&run);
    assert_eq!(an.groups.len(), 2);
    let (a, b) = (&an.groups[0], &an.groups[1]);
    assert_eq!(
        (a.prompt.as_str(), b.prompt.as_str()),
        ("triage", "triage-v2")
    );
    assert_eq!((a.tally.passed, a.tally.failed, a.tally.errors), (2, 2, 0));
    assert_eq!((b.tally.passed, b.tally.failed, b.tally.errors), (2, 1, 1));
    assert_eq!(
        b.tally.rate(),
        Some(0.5),
        "an error counts against the rate"
    );
    // Scores: triage 1, 0.5, 0.5, 1; v2 1, 1, 0.5 and the error has none.
    assert!(close(a.mean_score.unwrap(), 0.75));
    assert!(close(b.mean_score.unwrap(), 2.5 / 3.0));
    assert_eq!((a.input_tokens, a.output_tokens), (480, 120));
    assert_eq!(
        (b.input_tokens, b.output_tokens),
        (360, 90),
        "no tokens from the failed call"
    );
    assert!(close(a.cost.known, 4.0 * 0.000036) && a.cost.unpriced == 0);
    assert_eq!((b.grader_tokens, b.grader_cost.known), (235, 0.00078));
    assert_eq!(a.grader_tokens, 0);
    // numpy.quantile([310, 280, 520, 300], [.5, .95]) = 305, 488.5
    assert_eq!(a.latency_p50, Some(Duration::from_micros(305_000)));
    assert_eq!(a.latency_p95, Some(Duration::from_micros(488_500)));
    let w = a.wilson.unwrap();
    assert_eq!(Some(w), stats::wilson(2, 4));
    assert_eq!(
        (an.total.passed, an.total.failed, an.total.errors),
        (4, 3, 1)
    );
    assert!(an.grader_used());
    assert!(!an.has_repeats());
}

#[test]
fn two_prompts_are_compared_over_the_same_cases() {
    let run = two_prompts();
    let an = Analysis::of(&run);
    assert_eq!(
        an.comparisons.len(),
        1,
        "one model: one comparison of prompts"
    );
    let p = &an.comparisons[0];
    assert_eq!(p.axis, Axis::Prompts);
    assert_eq!((p.a.as_str(), p.b.as_str()), ("triage", "triage-v2"));
    assert_eq!(p.within, "openai:gpt-4o-mini");
    // case 1: v2 passes where triage fails; case 3: v2 errored, triage passed.
    assert_eq!((p.pairs, p.wins, p.losses, p.ties), (4, 1, 1, 2));
    assert!(close(p.p_value, 1.0));
    assert!(!p.repeated);
    // Score differences over the cases both graded: 0, +0.5, 0.
    assert_eq!(p.score_pairs, 3);
    assert!(close(p.score_diff.unwrap(), 0.5 / 3.0));
    let ci = p.score_ci.unwrap();
    assert!(
        ci.low >= 0.0 && ci.high <= 0.5 && ci.low <= ci.high,
        "{ci:?}"
    );
}

#[test]
fn repeats_give_per_case_rates_pass_all_pass_any_and_flaky_cases() {
    let run = repeats();
    let an = Analysis::of(&run);
    assert!(an.has_repeats());
    assert_eq!(an.repeats, 3);
    let (gpt, local) = (&an.groups[0], &an.groups[1]);
    let rates = |g: &crate::eval::report::GroupStats| -> Vec<(usize, usize)> {
        g.cases.iter().map(|c| (c.tally.passed, c.runs())).collect()
    };
    assert_eq!(rates(gpt), [(3, 3), (2, 3), (3, 3)]);
    assert_eq!(rates(local), [(1, 3), (0, 3), (2, 3)]);
    assert_eq!((gpt.cases_pass_all(), gpt.cases_pass_any()), (2, 3));
    assert_eq!((local.cases_pass_all(), local.cases_pass_any()), (0, 2));
    let flaky =
        |g: &crate::eval::report::GroupStats| -> Vec<usize> { g.flaky().map(|c| c.case).collect() };
    assert_eq!(flaky(gpt), [1]);
    assert_eq!(flaky(local), [0, 2], "an error among passes is flaky too");
    assert_eq!(gpt.tally.passed, 8);
    assert_eq!(local.wilson, stats::wilson(3, 9));
    // Two models: compared per prompt, by pass rate per case.
    let p = &an.comparisons[0];
    assert_eq!(p.axis, Axis::Models);
    assert_eq!((p.wins, p.losses, p.ties), (0, 3, 0));
    assert!(p.repeated);
    assert!(close(p.p_value, 0.25), "scipy binomtest(0, 3): 0.25");
}

/// 40 cases: B passes 7 that A fails, fails 2 that A passes, 31 alike.
fn seven_two() -> EvalRun {
    let mut cells = Vec::new();
    for (prompt, fails) in [("A", 0..7), ("B", 7..9)] {
        for case in 0..40 {
            let (pass, score) = if case >= 9 {
                (true, if prompt == "A" { 0.8 } else { 0.9 })
            } else {
                (
                    !fails.contains(&case),
                    if fails.contains(&case) { 0.0 } else { 1.0 },
                )
            };
            let c = Cell {
                prompt,
                model: "openai:m",
                case,
                description: None,
                vars: json!({"n": case}),
                repeat: 0,
                repeats: 1,
                text: "x",
                ms: 10,
                tokens: (1, 1),
                cost: None,
            };
            let r = gr("contains", pass, score, "", json!("x"));
            cells.push(c.graded(grade(vec![r], None)));
        }
    }
    EvalRun {
        suite: "s".into(),
        prompts: vec!["A".into(), "B".into()],
        models: vec!["openai:m".into()],
        cells,
        ..Default::default()
    }
}

#[test]
fn the_comparison_says_who_wins_and_whether_it_could_be_chance() {
    let run = seven_two();
    let an = Analysis::of(&run);
    let p = &an.comparisons[0];
    assert_eq!((p.wins, p.losses, p.ties), (7, 2, 31));
    // scipy.stats.binomtest(2, 9, 0.5).pvalue == 0.1796875
    assert!(close(p.p_value, 0.1796875));
    // Differences: +1 on 7 cases, -1 on 2, +0.1 on 31: mean 8.1/40.
    assert!(close(p.score_diff.unwrap(), 8.1 / 40.0));
    let words = p.sentences();
    assert_eq!(
        words[0],
        "B passes 7 cases that A fails and fails 2 that A passes (31 alike); \
         p = 0.18 (McNemar's exact test): could be chance."
    );
    assert!(
        words[1].starts_with("Mean score difference (B − A): +0.20, 95% CI ["),
        "{}",
        words[1]
    );
    // Same data, same seed: the same interval every time.
    assert_eq!(Analysis::of(&run).comparisons[0].score_ci, p.score_ci);
}

#[test]
fn with_three_prompts_each_is_compared_with_the_first() {
    let mut run = seven_two();
    // C passes every case A fails, and ties the rest.
    let c: Vec<_> = run
        .cells
        .iter()
        .filter(|c| c.prompt == "A")
        .map(|c| {
            let mut c = c.clone();
            c.prompt = "C".into();
            c.verdict = crate::eval::Verdict::Pass;
            c
        })
        .collect();
    run.cells.extend(c);
    run.prompts.push("C".into());
    let an = Analysis::of(&run);
    let pairs: Vec<(&str, &str)> = an
        .comparisons
        .iter()
        .map(|p| (p.a.as_str(), p.b.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [("A", "B"), ("A", "C")],
        "each against the first, not C vs B"
    );
    let c = &an.comparisons[1];
    assert_eq!((c.wins, c.losses, c.ties), (7, 0, 33));
    // scipy.stats.binomtest(0, 7, 0.5).pvalue == 0.015625
    assert!(close(c.p_value, 0.015625));
}

#[test]
fn cases_pair_only_when_they_are_the_same_case() {
    // Case 0 of two different suites (other vars) is not the same case.
    let mut run = seven_two();
    for c in run.cells.iter_mut().filter(|c| c.prompt == "B") {
        c.vars.insert("suite".into(), json!("other"));
    }
    assert!(Analysis::of(&run).comparisons.is_empty());
}
