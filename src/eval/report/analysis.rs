//! The figures every report states, computed once from an `EvalRun`: a
//! group per (prompt, model) with its counts, score, tokens, cost and
//! latency; each case over its repeats; and the paired comparisons.

use super::paired::{self, Paired};
use crate::eval::stats::{self, Interval};
use crate::eval::{CellResult, EvalRun, Verdict};
use std::collections::HashMap;
use std::time::Duration;

/// Cells by verdict. The pass rate counts errors as not passing, as
/// promptfoo's does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
}

impl Tally {
    pub fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Pass => self.passed += 1,
            Verdict::Fail => self.failed += 1,
            Verdict::Error => self.errors += 1,
        }
    }

    pub fn of<'a>(cells: impl IntoIterator<Item = &'a CellResult>) -> Tally {
        let mut t = Tally::default();
        for c in cells {
            t.add(c.verdict);
        }
        t
    }

    pub fn total(&self) -> usize {
        self.passed + self.failed + self.errors
    }

    /// Passed over all cells; `None` when there are none.
    pub fn rate(&self) -> Option<f64> {
        let n = self.total();
        (n > 0).then(|| self.passed as f64 / n as f64)
    }
}

/// A sum of costs in USD, and how many calls had tokens but no price.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cost {
    pub known: f64,
    pub unpriced: usize,
}

impl Cost {
    fn add(&mut self, cost: Option<f64>, used_tokens: bool) {
        match cost {
            Some(c) => self.known += c,
            None if used_tokens => self.unpriced += 1,
            None => {}
        }
    }
}

/// One case of one (prompt, model) over its repeats.
#[derive(Debug, Clone)]
pub struct CaseStats {
    pub case: usize,
    pub description: Option<String>,
    /// Indexes into `EvalRun::cells`, one per repeat that finished.
    pub cells: Vec<usize>,
    pub tally: Tally,
    /// The mean score of the repeats that were graded.
    pub mean_score: Option<f64>,
    /// What tells the case apart from other suites' cases with the same
    /// index: its index, description and vars.
    pub(super) key: String,
}

impl CaseStats {
    pub fn runs(&self) -> usize {
        self.cells.len()
    }
    /// pass^K: every repeat passed.
    pub fn pass_all(&self) -> bool {
        self.runs() > 0 && self.tally.passed == self.runs()
    }
    /// pass@K: at least one repeat passed.
    pub fn pass_any(&self) -> bool {
        self.tally.passed > 0
    }
    /// Passed in some repeats and not in others.
    pub fn flaky(&self) -> bool {
        self.pass_any() && !self.pass_all()
    }
}

/// One (prompt, model) of the matrix.
#[derive(Debug, Clone)]
pub struct GroupStats {
    pub prompt: String,
    pub model: String,
    pub model_id: String,
    /// Indexes into `EvalRun::cells`, in plan order.
    pub cells: Vec<usize>,
    pub tally: Tally,
    /// Wilson 95% interval of the pass rate.
    pub wilson: Option<Interval>,
    /// The mean score of the graded cells (errors have none).
    pub mean_score: Option<f64>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost: Cost,
    /// Model-graded assertions' tokens and cost, apart from the above.
    pub grader_tokens: u64,
    pub grader_cost: Cost,
    /// Wall time of the calls (retries included), median and 95th
    /// percentile; calls that never started have none.
    pub latency_p50: Option<Duration>,
    pub latency_p95: Option<Duration>,
    /// The cases, in the order they first ran.
    pub cases: Vec<CaseStats>,
}

impl GroupStats {
    pub fn cases_pass_all(&self) -> usize {
        self.cases.iter().filter(|c| c.pass_all()).count()
    }
    pub fn cases_pass_any(&self) -> usize {
        self.cases.iter().filter(|c| c.pass_any()).count()
    }
    pub fn flaky(&self) -> impl Iterator<Item = &CaseStats> {
        self.cases.iter().filter(|c| c.flaky())
    }
}

/// The report's figures for a whole run.
pub struct Analysis<'a> {
    pub run: &'a EvalRun,
    /// Prompt-major, in the run's order.
    pub groups: Vec<GroupStats>,
    pub total: Tally,
    /// The most repeats any case asked for.
    pub repeats: u32,
    pub comparisons: Vec<Paired>,
}

impl<'a> Analysis<'a> {
    pub fn of(run: &'a EvalRun) -> Analysis<'a> {
        Analysis::build(run, true)
    }

    /// Without the comparisons (their bootstrap is the costly part), for
    /// formats that do not state them.
    pub fn groups_only(run: &'a EvalRun) -> Analysis<'a> {
        Analysis::build(run, false)
    }

    fn build(run: &'a EvalRun, compare: bool) -> Analysis<'a> {
        let prompts = ordered(&run.prompts, run.cells.iter().map(|c| &c.prompt));
        let models = ordered(&run.models, run.cells.iter().map(|c| &c.model));
        let mut groups = Vec::new();
        for p in &prompts {
            for m in &models {
                let cells: Vec<usize> = (0..run.cells.len())
                    .filter(|&i| &run.cells[i].prompt == *p && &run.cells[i].model == *m)
                    .collect();
                if !cells.is_empty() {
                    groups.push(group(run, cells));
                }
            }
        }
        let comparisons = if compare {
            paired::all(&groups, &prompts, &models)
        } else {
            Vec::new()
        };
        Analysis {
            run,
            total: Tally::of(&run.cells),
            repeats: run.cells.iter().map(|c| c.repeats).max().unwrap_or(1),
            groups,
            comparisons,
        }
    }

    /// Cases are repeated: the report states per-case rates and flakiness.
    pub fn has_repeats(&self) -> bool {
        self.repeats > 1
    }

    pub fn grader_used(&self) -> bool {
        self.groups
            .iter()
            .any(|g| g.grader_tokens > 0 || g.grader_cost.known > 0.0 || g.grader_cost.unpriced > 0)
    }
}

/// The names as the run lists them, then any only the cells know.
fn ordered<'a>(listed: &'a [String], seen: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut out: Vec<&String> = Vec::new();
    for n in listed.iter().chain(seen) {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

fn tokens(u: &crate::types::Usage) -> u64 {
    u.input_tokens.unwrap_or(0) + u.output_tokens.unwrap_or(0)
}

pub(super) fn case_key(c: &CellResult) -> String {
    let vars = serde_json::Value::Object(c.vars.clone());
    format!("{}\u{1f}{:?}\u{1f}{vars}", c.case, c.description)
}

fn group(run: &EvalRun, cells: Vec<usize>) -> GroupStats {
    let first = &run.cells[cells[0]];
    let of = || cells.iter().map(|&i| &run.cells[i]);
    let tally = Tally::of(of());
    let (mut cost, mut grader_cost) = (Cost::default(), Cost::default());
    let (mut input, mut output, mut grader) = (0, 0, 0);
    for c in of() {
        input += c.outcome.usage.input_tokens.unwrap_or(0);
        output += c.outcome.usage.output_tokens.unwrap_or(0);
        grader += tokens(&c.grader_usage);
        cost.add(c.cost, tokens(&c.outcome.usage) > 0);
        grader_cost.add(c.grader_cost, tokens(&c.grader_usage) > 0);
    }
    let latencies: Vec<f64> = of()
        .filter_map(|c| c.outcome.wall_time.map(|d| d.as_secs_f64()))
        .collect();
    let latency = |p| stats::quantile(&latencies, p).map(Duration::from_secs_f64);
    GroupStats {
        prompt: first.prompt.clone(),
        model: first.model.clone(),
        model_id: first.model_id.to_string(),
        tally,
        wilson: stats::wilson(tally.passed, tally.total()),
        mean_score: mean_score(of()),
        input_tokens: input,
        output_tokens: output,
        cost,
        grader_tokens: grader,
        grader_cost,
        latency_p50: latency(0.5),
        latency_p95: latency(0.95),
        cases: cases(run, &cells),
        cells,
    }
}

fn mean_score<'a>(cells: impl Iterator<Item = &'a CellResult>) -> Option<f64> {
    let scores: Vec<f64> = cells
        .filter(|c| c.verdict != Verdict::Error)
        .filter_map(|c| c.grade.as_ref().map(|g| g.score))
        .collect();
    stats::mean(&scores)
}

fn cases(run: &EvalRun, cells: &[usize]) -> Vec<CaseStats> {
    let mut out: Vec<CaseStats> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for &i in cells {
        let c = &run.cells[i];
        let key = case_key(c);
        match at.get(&key) {
            Some(&k) => out[k].cells.push(i),
            None => {
                at.insert(key.clone(), out.len());
                out.push(CaseStats {
                    case: c.case,
                    description: c.description.clone(),
                    cells: vec![i],
                    tally: Tally::default(),
                    mean_score: None,
                    key,
                });
            }
        }
    }
    for s in &mut out {
        s.cells.sort_by_key(|&i| run.cells[i].repeat);
        s.tally = Tally::of(s.cells.iter().map(|&i| &run.cells[i]));
        s.mean_score = mean_score(s.cells.iter().map(|&i| &run.cells[i]));
    }
    out
}
