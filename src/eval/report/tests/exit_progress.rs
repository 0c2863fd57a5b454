//! The exit code (promptfoo's policy: any fail or error is 100, unless
//! `--fail-under` allows it; 130 after Ctrl-C) and the progress line.

use super::{repeats, two_prompts};
use crate::eval::report::{
    EXIT_FAILED, EXIT_INTERRUPTED, EXIT_PASSED, Progress, exit_code, markdown, summary,
};
use crate::eval::{EvalRun, Verdict};
use std::time::Duration;

fn only(run: &EvalRun, keep: impl Fn(Verdict) -> bool) -> EvalRun {
    let mut r = run.clone();
    r.cells.retain(|c| keep(c.verdict));
    r
}

#[test]
fn every_cell_passing_is_0_and_any_failure_or_error_is_100() {
    let run = two_prompts();
    assert_eq!(
        exit_code(&only(&run, |v| v == Verdict::Pass), None),
        EXIT_PASSED
    );
    assert_eq!(exit_code(&run, None), EXIT_FAILED);
    // promptfoo 0.123.1 exits 100 when a provider error is the only
    // problem (its pass rate counts errors).
    let errors = only(&run, |v| v != Verdict::Fail);
    assert_eq!(
        errors
            .cells
            .iter()
            .filter(|c| c.verdict == Verdict::Error)
            .count(),
        1
    );
    assert_eq!(exit_code(&errors, None), EXIT_FAILED);
    assert_eq!(
        exit_code(&EvalRun::default(), None),
        EXIT_PASSED,
        "nothing ran: promptfoo's NaN rate"
    );
}

#[test]
fn fail_under_sets_the_pass_rate_a_run_needs() {
    let run = two_prompts(); // 4 of 8 pass
    assert_eq!(
        exit_code(&run, Some(0.5)),
        EXIT_PASSED,
        "a rate equal to the bar passes"
    );
    assert_eq!(exit_code(&run, Some(0.51)), EXIT_FAILED);
    assert_eq!(exit_code(&run, Some(0.0)), EXIT_PASSED);
    let rep = repeats(); // 11 of 18 pass
    assert_eq!(exit_code(&rep, Some(11.0 / 18.0)), EXIT_PASSED);
    assert_eq!(exit_code(&rep, Some(0.62)), EXIT_FAILED);
}

#[test]
fn ctrl_c_is_130_and_a_cost_stop_is_100() {
    let mut run = only(&two_prompts(), |v| v == Verdict::Pass);
    run.stopped_at_cost = Some(0.5);
    assert_eq!(exit_code(&run, None), EXIT_FAILED, "cases were left out");
    assert_eq!(exit_code(&run, Some(0.0)), EXIT_FAILED);
    run.interrupted = true;
    assert_eq!(exit_code(&run, None), EXIT_INTERRUPTED);
}

#[test]
fn the_summary_says_when_a_run_stopped_early() {
    let mut run = only(&two_prompts(), |v| v == Verdict::Pass);
    assert!(markdown(&run).starts_with("## ✅ pwb eval `tests/triage.yaml`"));
    assert!(!summary(&run).contains("Interrupted"));
    run.stopped_at_cost = Some(0.25);
    let s = summary(&run);
    assert!(
        s.contains("Stopped at --max-cost $0.2500: no new call started once the spend reached it"),
        "{s}"
    );
    assert!(markdown(&run).starts_with("## ❌"), "cases were left out");
    run.interrupted = true;
    let s = summary(&run);
    assert!(
        s.contains("Interrupted (Ctrl-C): the figures above count only the cells that finished."),
        "{s}"
    );
    assert!(
        s.ends_with("4 cells: 4 passed, 0 failed, 0 errors (100.0%) · $0.0001 · 1.83s\n"),
        "{s}"
    );
}

#[test]
fn the_progress_line_counts_verdicts_spend_and_time_left() {
    let run = two_prompts();
    let mut p = Progress::new(10);
    assert_eq!(
        p.line(Duration::from_secs(1)),
        "0/10 · 0 pass · 0 fail · 0 error · $0"
    );
    for c in &run.cells[..4] {
        p.add(c);
    }
    assert_eq!(p.done(), 4);
    assert_eq!(p.eta(Duration::from_secs(8)), Some(Duration::from_secs(12)));
    assert_eq!(
        p.line(Duration::from_secs(8)),
        "4/10 · 2 pass · 2 fail · 0 error · $0.0001 · ETA 12.00s"
    );
    for c in &run.cells[4..] {
        p.add(c);
    }
    // The grader's spend counts: 4 × $0.000036 + 3 × $0.000036 + $0.00078.
    assert!((p.cost - (7.0 * 0.000036 + 0.00078)).abs() < 1e-12);
    assert_eq!(p.counts(), "4 pass · 3 fail · 1 error · $0.0010");
    let mut unpriced = run.cells[0].clone();
    unpriced.cost = None;
    p.add(&unpriced);
    assert!(p.unpriced);
    assert!(p.counts().ends_with("$0.0010+"), "{}", p.counts());
    let mut all = Progress::new(2);
    all.add(&run.cells[0]);
    all.add(&run.cells[1]);
    assert_eq!(
        all.line(Duration::from_millis(900)),
        "2/2 · 1 pass · 1 fail · 0 error · $0.000072 · done in 900ms"
    );
}
