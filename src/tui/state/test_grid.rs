//! The Tests screen's state: the suites of the open prompt, their cases
//! as rows and (prompt variant, model) as columns, each cell's graded
//! samples as they arrive (K with repeats), what changed since the
//! previous run (fixed, broken), and running figures per column and for
//! the run, kept up to date so a frame never walks the whole grid.

use super::test_summary::ColumnStats;
use crate::eval::{CellResult, Verdict};
use crate::workspace::TestCase;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use super::tests_screen::{SortOrder, TestsScreen};

/// One column: a prompt variant on a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub prompt: String,
    pub model: String,
}

/// A cell of the grid: the samples graded so far, by repeat.
#[derive(Debug, Clone, Default)]
pub struct GridCell {
    /// Ordered by `CellResult::repeat`.
    pub samples: Vec<CellResult>,
    /// Samples the run asked for (K).
    pub expected: usize,
}

impl GridCell {
    /// Still waiting for samples.
    pub fn running(&self) -> bool {
        self.samples.len() < self.expected
    }

    /// Pass when every sample passed; Error when none failed but some
    /// errored; else Fail. `None` before the first sample.
    pub fn verdict(&self) -> Option<Verdict> {
        if self.samples.is_empty() {
            return None;
        }
        let has = |v| self.samples.iter().any(|s| s.verdict == v);
        Some(if has(Verdict::Fail) {
            Verdict::Fail
        } else if has(Verdict::Error) {
            Verdict::Error
        } else {
            Verdict::Pass
        })
    }

    /// Samples that passed.
    pub fn passed(&self) -> usize {
        self.samples
            .iter()
            .filter(|s| s.verdict == Verdict::Pass)
            .count()
    }

    /// The mean score of the graded samples.
    pub fn mean_score(&self) -> Option<f64> {
        let scores: Vec<f64> = self
            .samples
            .iter()
            .filter_map(|s| s.grade.as_ref().map(|g| g.score))
            .collect();
        crate::eval::stats::mean(&scores)
    }

    pub fn cached(&self) -> bool {
        !self.samples.is_empty() && self.samples.iter().all(|s| s.outcome.cached)
    }
}

/// How a cell moved since the previous finished run of the suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// ✗ (or error) → ✓.
    Fixed,
    /// ✓ → ✗ (or error).
    Broken,
}

/// One suite of the open prompt.
#[derive(Debug, Clone, Default)]
pub struct SuiteGrid {
    pub name: String,
    pub path: PathBuf,
    pub cases: Vec<TestCase>,
    pub columns: Vec<Column>,
    /// (case, column) → the cell.
    pub cells: HashMap<(usize, usize), GridCell>,
    /// Verdicts of the last finished run, by (case, column).
    pub previous: HashMap<(usize, usize), Verdict>,
    /// (case, column) → what changed against `previous`.
    pub changes: HashMap<(usize, usize), Change>,
    /// Samples asked for by the current (or last) run.
    pub asked: usize,
    /// Samples of the current run not graded yet.
    pub awaited: usize,
    /// Per column, every graded sample in the grid.
    stats: Vec<ColumnStats>,
    /// The current run's pace: when it began, when its last sample came,
    /// and how many came.
    clock: Option<(Instant, Instant, usize)>,
}

impl SuiteGrid {
    pub fn new(name: String, path: PathBuf, cases: Vec<TestCase>, columns: Vec<Column>) -> Self {
        SuiteGrid {
            name,
            path,
            cases,
            columns,
            ..Default::default()
        }
    }

    /// A case's row label: its description, else its vars as `k=v`.
    pub fn row_label(&self, case: usize) -> String {
        let Some(c) = self.cases.get(case) else {
            return String::new();
        };
        if let Some(d) = &c.description {
            return d.clone();
        }
        c.vars
            .iter()
            .map(|(k, v)| format!("{k}={}", plain_value(v)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn column_of(&self, prompt: &str, model: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.prompt == prompt && c.model == model)
    }

    pub fn cell(&self, case: usize, col: usize) -> Option<&GridCell> {
        self.cells.get(&(case, col))
    }

    /// The cell's first sample.
    pub fn result(&self, case: usize, col: usize) -> Option<&CellResult> {
        self.cell(case, col).and_then(|c| c.samples.first())
    }

    /// The cell's samples (K with repeats), by repeat.
    pub fn samples(&self, case: usize, col: usize) -> &[CellResult] {
        self.cell(case, col).map_or(&[], |c| c.samples.as_slice())
    }

    /// A case failed (or errored) in some column of the last results.
    pub fn is_failing(&self, case: usize) -> bool {
        (0..self.columns.len()).any(|col| self.failing_in(case, col))
    }

    pub fn failing_in(&self, case: usize, col: usize) -> bool {
        self.cell(case, col)
            .and_then(GridCell::verdict)
            .is_some_and(|v| v != Verdict::Pass)
    }

    /// The figures of a column over its graded samples.
    pub fn stats(&self, col: usize) -> &ColumnStats {
        static EMPTY: ColumnStats = ColumnStats::EMPTY;
        self.stats.get(col).unwrap_or(&EMPTY)
    }

    /// The columns were reordered: column `c`'s figures go to
    /// `moved[c]`, or are dropped (see `variants::reshape`).
    pub fn move_stats(&mut self, moved: &[Option<usize>]) {
        let mut stats = vec![ColumnStats::default(); self.columns.len()];
        for (old, s) in std::mem::take(&mut self.stats).into_iter().enumerate() {
            if let Some(slot) = moved
                .get(old)
                .copied()
                .flatten()
                .and_then(|n| stats.get_mut(n))
            {
                *slot = s;
            }
        }
        self.stats = stats;
    }

    fn stats_mut(&mut self, col: usize) -> &mut ColumnStats {
        if self.stats.len() <= col {
            self.stats.resize(col + 1, ColumnStats::default());
        }
        &mut self.stats[col]
    }

    /// Starts a run of `cases` (every column, `repeats` samples each):
    /// their cells are running; the verdicts so far become the previous
    /// run's.
    pub fn begin(&mut self, cases: &[usize], repeats: usize) {
        let repeats = repeats.max(1);
        for (key, cell) in &self.cells {
            if let Some(v) = cell.verdict().filter(|_| !cell.running()) {
                self.previous.insert(*key, v);
            }
        }
        self.changes.clear();
        for &case in cases {
            for col in 0..self.columns.len() {
                let fresh = GridCell {
                    samples: Vec::new(),
                    expected: repeats,
                };
                if let Some(old) = self.cells.insert((case, col), fresh) {
                    for r in &old.samples {
                        self.stats_mut(col).account(r, false);
                    }
                }
            }
        }
        self.asked = cases.len() * self.columns.len() * repeats;
        self.awaited = self.asked;
        let now = Instant::now();
        self.clock = Some((now, now, 0));
    }

    /// A graded sample came in (again, when select-best regraded it).
    pub fn put(&mut self, case: usize, result: CellResult) {
        let Some(col) = self.column_of(&result.prompt, &result.model) else {
            return;
        };
        let key = (case, col);
        self.stats_mut(col).account(&result, true);
        let cell = self.cells.entry(key).or_default();
        let at = cell.samples.partition_point(|s| s.repeat < result.repeat);
        let old = match cell.samples.get_mut(at) {
            Some(s) if s.repeat == result.repeat => Some(std::mem::replace(s, result)),
            _ => {
                let counted = cell.running();
                cell.samples.insert(at, result);
                cell.expected = cell.expected.max(cell.samples.len());
                if counted {
                    self.awaited = self.awaited.saturating_sub(1);
                }
                if let Some((_, last, done)) = &mut self.clock {
                    *last = Instant::now();
                    *done += 1;
                }
                None
            }
        };
        if let Some(old) = old {
            self.stats_mut(col).account(&old, false);
        }
        self.mark_change(key);
    }

    /// Fixed or broken, once the cell has all its samples.
    fn mark_change(&mut self, key: (usize, usize)) {
        let Some(cell) = self.cells.get(&key).filter(|c| !c.running()) else {
            return;
        };
        match (self.previous.get(&key), cell.verdict()) {
            (Some(Verdict::Fail | Verdict::Error), Some(Verdict::Pass)) => {
                self.changes.insert(key, Change::Fixed);
            }
            (Some(Verdict::Pass), Some(Verdict::Fail | Verdict::Error)) => {
                self.changes.insert(key, Change::Broken);
            }
            _ => {
                self.changes.remove(&key);
            }
        }
    }

    /// A run ended: cells it never reached are no longer running.
    pub fn settle(&mut self) {
        self.cells.retain(|_, c| !c.samples.is_empty());
        for c in self.cells.values_mut() {
            c.expected = c.samples.len();
        }
        self.awaited = 0;
    }

    /// (fixed, broken) since the previous run.
    pub fn change_counts(&self) -> (usize, usize) {
        let fixed = self
            .changes
            .values()
            .filter(|c| **c == Change::Fixed)
            .count();
        (fixed, self.changes.len() - fixed)
    }

    /// The grid's counts and the current run's progress, from the
    /// running figures (no walk over the cells).
    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            total: self.asked,
            running: self.awaited,
            ..Progress::default()
        };
        for s in &self.stats {
            p.pass += s.passed;
            p.fail += s.failed;
            p.error += s.errors;
            p.cached += s.cached;
            if let Some(c) = s.cost() {
                p.cost = Some(p.cost.unwrap_or(0.0) + c);
            }
        }
        p.eta = self.clock.and_then(|(start, last, done)| {
            (done > 0 && self.awaited > 0)
                .then(|| (last - start).mul_f64(self.awaited as f64 / done as f64))
        });
        p
    }
}

/// A variable's value as a person reads it: strings without quotes.
pub fn plain_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Counts of the samples of the grid, and the run's progress.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Progress {
    /// Samples the current (or last) run asked for.
    pub total: usize,
    /// Of those, not graded yet.
    pub running: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    /// Samples answered from the cache.
    pub cached: usize,
    /// USD of the calls and their grading; `None` while no price is known.
    pub cost: Option<f64>,
    /// Time left at the pace of the samples graded so far.
    pub eta: Option<Duration>,
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(crate) fn result(verdict: Verdict) -> CellResult {
        let model = crate::types::ModelId::parse("echo").expect("echo parses");
        CellResult {
            prompt: "p".into(),
            model: "echo".into(),
            model_id: model.clone(),
            case: 0,
            description: None,
            vars: Default::default(),
            repeat: 0,
            repeats: 1,
            messages: Vec::new(),
            outcome: crate::run::CellOutcome::new("echo".into(), model, Default::default()),
            cost: Some(0.5),
            grade: None,
            verdict,
            grader_usage: Default::default(),
            grader_cost: None,
            call_id: None,
            context: None,
        }
    }

    pub(crate) fn grid(cases: usize) -> SuiteGrid {
        let column = Column {
            prompt: "p".into(),
            model: "echo".into(),
        };
        SuiteGrid::new(
            String::new(),
            PathBuf::new(),
            vec![TestCase::default(); cases],
            vec![column],
        )
    }

    #[test]
    fn a_second_run_marks_fixed_and_broken_cells_and_counts_them() {
        let mut g = grid(2);
        g.begin(&[0, 1], 1);
        assert_eq!(g.progress().running, 2);
        g.put(0, result(Verdict::Fail));
        g.put(1, result(Verdict::Pass));
        assert!(g.changes.is_empty(), "a first run changes nothing");
        g.begin(&[0, 1], 1);
        g.put(0, result(Verdict::Pass));
        g.put(1, result(Verdict::Error));
        assert_eq!(g.changes.get(&(0, 0)), Some(&Change::Fixed));
        assert_eq!(g.changes.get(&(1, 0)), Some(&Change::Broken));
        assert_eq!(g.change_counts(), (1, 1));
        let p = g.progress();
        assert_eq!((p.pass, p.error, p.running), (1, 1, 0));
        assert_eq!(p.cost, Some(1.0));
        assert_eq!(g.stats(0).passed, 1);
        assert!(g.is_failing(1) && !g.is_failing(0));
    }

    #[test]
    fn repeats_fill_one_cell_and_a_regraded_sample_replaces_its_own() {
        let mut g = grid(1);
        g.begin(&[0], 3);
        assert_eq!(g.progress().running, 3);
        for (k, v) in [(2, Verdict::Pass), (0, Verdict::Fail), (1, Verdict::Pass)] {
            let mut r = result(v);
            r.repeat = k;
            r.repeats = 3;
            g.put(0, r);
        }
        let cell = g.cell(0, 0).expect("the cell");
        assert!(!cell.running());
        assert_eq!(cell.passed(), 2);
        assert_eq!(cell.verdict(), Some(Verdict::Fail));
        let repeats: Vec<u32> = cell.samples.iter().map(|s| s.repeat).collect();
        assert_eq!(repeats, vec![0, 1, 2]);
        // select-best regrades repeat 0: it replaces, it does not add.
        let mut r = result(Verdict::Pass);
        r.repeats = 3;
        g.put(0, r);
        assert_eq!(g.cell(0, 0).map(GridCell::passed), Some(3));
        let p = g.progress();
        assert_eq!((p.pass, p.fail, p.running), (3, 0, 0));
        assert_eq!(g.stats(0).total(), 3);
    }

    #[test]
    fn the_eta_follows_the_pace_of_graded_samples() {
        let mut g = grid(3);
        g.begin(&[0, 1, 2], 1);
        assert_eq!(g.progress().eta, None, "no pace before the first sample");
        let start = Instant::now() - Duration::from_secs(10);
        g.clock = Some((start, start + Duration::from_secs(4), 2));
        g.awaited = 1;
        assert_eq!(g.progress().eta, Some(Duration::from_secs(2)));
        g.settle();
        assert_eq!(g.progress().eta, None);
    }
}
