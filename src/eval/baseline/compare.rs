//! The comparison: cells of both sides gathered per case (prompt, model,
//! description and vars, as the report's pairing), each case classed as
//! regressed, improved, flaky, changed within noise or unchanged, and per
//! (prompt, model) and overall the figures before and after.
//!
//! A case ran once on each side regresses when it passed and now does not.
//! With repeats on either side it regresses only when the drop in its pass
//! rate is beyond noise: one-sided Fisher exact test, p ≤ alpha. A case
//! that passes and fails within a side, and did not change beyond noise,
//! is flaky, not a regression.

use super::side::{Baseline, BaselineCell};
use crate::eval::stats::{self, Interval};
use crate::eval::{EvalRun, Verdict};
use std::collections::HashMap;
use std::time::Duration;

/// Passes over runs (errors count as not passing, as in the pass rate).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Runs {
    pub passed: usize,
    pub runs: usize,
    /// Of the runs that did not pass, those that errored.
    pub errors: usize,
}

impl Runs {
    fn of<'a>(cells: impl IntoIterator<Item = &'a BaselineCell>) -> Runs {
        let mut r = Runs::default();
        for c in cells {
            r.runs += 1;
            r.passed += usize::from(c.verdict == Verdict::Pass);
            r.errors += usize::from(c.verdict == Verdict::Error);
        }
        r
    }
    pub fn failed(&self) -> usize {
        self.runs - self.passed
    }
    pub fn rate(&self) -> Option<f64> {
        (self.runs > 0).then(|| self.passed as f64 / self.runs as f64)
    }
    /// Passed in some runs and not in others.
    pub fn flaky(&self) -> bool {
        self.passed > 0 && self.passed < self.runs
    }
}

/// How a case changed, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Passed before, fails now (beyond noise, with repeats).
    Regressed,
    /// Failed before, passes now (beyond noise, with repeats).
    Improved,
    /// Passes and fails within a side; no change beyond noise.
    Flaky,
    /// The pass rate moved, within noise, and neither side is flaky
    /// (1/1 before, 0/2 now).
    WithinNoise,
    Unchanged,
}

impl Change {
    pub fn name(self) -> &'static str {
        match self {
            Change::Regressed => "regressed",
            Change::Improved => "improved",
            Change::Flaky => "flaky",
            Change::WithinNoise => "within noise",
            Change::Unchanged => "unchanged",
        }
    }
}

/// One case both sides ran.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseChange {
    pub prompt: String,
    pub model: String,
    pub description: Option<String>,
    pub vars: serde_json::Map<String, serde_json::Value>,
    pub before: Runs,
    pub after: Runs,
    pub change: Change,
    /// With repeats on either side: the one-sided Fisher p-value in the
    /// direction the pass rate moved (a drop: that it dropped by chance).
    pub p_value: Option<f64>,
    pub score_before: Option<f64>,
    pub score_after: Option<f64>,
    /// Why it does not pass now (its first run that did not), if so.
    pub reason: Option<String>,
}

/// One (prompt, model) over the cases both sides ran.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupDelta {
    pub prompt: String,
    pub model: String,
    pub before: Runs,
    pub after: Runs,
    pub score_before: Option<f64>,
    pub score_after: Option<f64>,
    /// Mean USD per priced call.
    pub cost_before: Option<f64>,
    pub cost_after: Option<f64>,
    /// Median wall time of a call.
    pub latency_before: Option<Duration>,
    pub latency_after: Option<Duration>,
}

/// A run against its baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub baseline: String,
    pub alpha: f64,
    /// Every case both ran: changed ones first (regressed, improved,
    /// flaky, within noise), then unchanged; in run order within each.
    pub cases: Vec<CaseChange>,
    pub groups: Vec<GroupDelta>,
    /// All cells of the cases both ran, before and after.
    pub before: Runs,
    pub after: Runs,
    /// Newcombe's 95% interval of the pass-rate change (after − before).
    pub interval: Option<Interval>,
    /// Cases only the baseline ran, and only this run.
    pub only_before: usize,
    pub only_after: usize,
}

impl Comparison {
    pub fn count(&self, change: Change) -> usize {
        self.cases.iter().filter(|c| c.change == change).count()
    }
    pub fn has_regression(&self) -> bool {
        self.count(Change::Regressed) > 0
    }
    /// The pass-rate change, after − before.
    pub fn rate_change(&self) -> Option<f64> {
        Some(self.after.rate()? - self.before.rate()?)
    }
}

type Key = (String, String, Option<String>, String);

fn key(c: &BaselineCell) -> Key {
    let vars = serde_json::Value::Object(c.vars.clone()).to_string();
    (
        c.prompt.clone(),
        c.model.clone(),
        c.description.clone(),
        vars,
    )
}

/// The cells of each case, in first-seen order.
fn by_case(cells: &[BaselineCell]) -> (Vec<Key>, HashMap<Key, Vec<&BaselineCell>>) {
    let mut order = Vec::new();
    let mut map: HashMap<Key, Vec<&BaselineCell>> = HashMap::new();
    for c in cells {
        let k = key(c);
        let entry = map.entry(k.clone()).or_default();
        if entry.is_empty() {
            order.push(k);
        }
        entry.push(c);
    }
    (order, map)
}

fn mean_score(cells: &[&BaselineCell]) -> Option<f64> {
    let s: Vec<f64> = cells
        .iter()
        .filter(|c| c.verdict != Verdict::Error)
        .filter_map(|c| c.score)
        .collect();
    stats::mean(&s)
}

/// How `before` became `after`, and the p-value it was judged by (`p ≤
/// alpha`, with 1e-12 to absorb rounding: 1/20 is 0.05 exactly).
pub fn classify(before: Runs, after: Runs, alpha: f64) -> (Change, Option<f64>) {
    let (rb, ra) = (before.rate().unwrap_or(0.0), after.rate().unwrap_or(0.0));
    if before.runs <= 1 && after.runs <= 1 {
        let change = match (before.passed, after.passed) {
            (1, 0) => Change::Regressed,
            (0, 1) => Change::Improved,
            _ => Change::Unchanged,
        };
        return (change, None);
    }
    let (bp, bf, ap, af) = (before.passed, before.failed(), after.passed, after.failed());
    let (change, p) = if ra < rb {
        let p = stats::fisher_exact_greater(bp, bf, ap, af);
        (
            if p <= alpha + 1e-12 {
                Change::Regressed
            } else {
                Change::WithinNoise
            },
            p,
        )
    } else if ra > rb {
        let p = stats::fisher_exact_greater(ap, af, bp, bf);
        (
            if p <= alpha + 1e-12 {
                Change::Improved
            } else {
                Change::WithinNoise
            },
            p,
        )
    } else {
        (Change::Unchanged, 1.0)
    };
    let flaky = before.flaky() || after.flaky();
    let change = match change {
        Change::WithinNoise | Change::Unchanged if flaky => Change::Flaky,
        c => c,
    };
    (change, Some(p))
}

/// Compares `run` with `baseline` case by case.
pub fn compare(baseline: &Baseline, run: &EvalRun, alpha: f64) -> Comparison {
    let now: Vec<BaselineCell> = run.cells.iter().map(BaselineCell::of).collect();
    let (before_order, before) = by_case(&baseline.cells);
    let (after_order, after) = by_case(&now);
    let mut cases = Vec::new();
    let mut groups: Vec<(String, String, Vec<&BaselineCell>, Vec<&BaselineCell>)> = Vec::new();
    for k in &after_order {
        let Some(b) = before.get(k) else { continue };
        let a = &after[k];
        let (rb, ra) = (Runs::of(b.iter().copied()), Runs::of(a.iter().copied()));
        let (change, p_value) = classify(rb, ra, alpha);
        let first = a[0];
        cases.push(CaseChange {
            prompt: first.prompt.clone(),
            model: first.model.clone(),
            description: first.description.clone(),
            vars: first.vars.clone(),
            before: rb,
            after: ra,
            change,
            p_value,
            score_before: mean_score(b),
            score_after: mean_score(a),
            reason: a
                .iter()
                .find(|c| c.verdict != Verdict::Pass)
                .and_then(|c| c.reason.clone()),
        });
        match groups
            .iter_mut()
            .find(|g| g.0 == first.prompt && g.1 == first.model)
        {
            Some(g) => {
                g.2.extend(b);
                g.3.extend(a);
            }
            None => groups.push((
                first.prompt.clone(),
                first.model.clone(),
                b.clone(),
                a.clone(),
            )),
        }
    }
    cases.sort_by_key(|c| c.change);
    let groups: Vec<GroupDelta> = groups
        .into_iter()
        .map(|(prompt, model, b, a)| GroupDelta {
            prompt,
            model,
            before: Runs::of(b.iter().copied()),
            after: Runs::of(a.iter().copied()),
            score_before: mean_score(&b),
            score_after: mean_score(&a),
            cost_before: mean_cost(&b),
            cost_after: mean_cost(&a),
            latency_before: median_latency(&b),
            latency_after: median_latency(&a),
        })
        .collect();
    let sum = |f: fn(&GroupDelta) -> Runs| {
        groups.iter().map(f).fold(Runs::default(), |t, r| Runs {
            passed: t.passed + r.passed,
            runs: t.runs + r.runs,
            errors: t.errors + r.errors,
        })
    };
    let (tb, ta) = (sum(|g| g.before), sum(|g| g.after));
    Comparison {
        baseline: baseline.name.clone(),
        alpha,
        only_before: before_order
            .iter()
            .filter(|k| !after.contains_key(*k))
            .count(),
        only_after: after_order
            .iter()
            .filter(|k| !before.contains_key(*k))
            .count(),
        interval: stats::newcombe_diff((tb.passed, tb.runs), (ta.passed, ta.runs)),
        before: tb,
        after: ta,
        cases,
        groups,
    }
}

fn mean_cost(cells: &[&BaselineCell]) -> Option<f64> {
    let c: Vec<f64> = cells.iter().filter_map(|c| c.cost).collect();
    stats::mean(&c)
}

fn median_latency(cells: &[&BaselineCell]) -> Option<Duration> {
    let l: Vec<f64> = cells
        .iter()
        .filter_map(|c| c.latency.map(|d| d.as_secs_f64()))
        .collect();
    stats::quantile(&l, 0.5).map(Duration::from_secs_f64)
}
