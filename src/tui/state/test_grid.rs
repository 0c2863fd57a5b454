//! The Tests screen's state: the suites of the open prompt, their cases
//! as rows and (prompt variant, model) as columns, each cell's graded
//! result as it arrives, and what changed since the previous run (fixed,
//! broken). The grid keeps no terminal state; the view draws it.

use crate::eval::{CellResult, Verdict};
use crate::workspace::TestCase;
use std::collections::HashMap;
use std::path::PathBuf;

/// One column: a prompt variant on a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub prompt: String,
    pub model: String,
}

/// A cell of the grid.
#[derive(Debug, Clone)]
pub enum GridCell {
    /// Asked for, no grade yet.
    Running,
    Done(Box<CellResult>),
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
    /// Cells asked for by the current (or last) run.
    pub asked: usize,
}

impl SuiteGrid {
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
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn column_of(&self, prompt: &str, model: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.prompt == prompt && c.model == model)
    }

    pub fn result(&self, case: usize, col: usize) -> Option<&CellResult> {
        match self.cells.get(&(case, col)) {
            Some(GridCell::Done(r)) => Some(r),
            _ => None,
        }
    }

    /// A case failed (or errored) in some column of the last results.
    pub fn is_failing(&self, case: usize) -> bool {
        (0..self.columns.len()).any(|col| {
            self.result(case, col)
                .is_some_and(|r| r.verdict != Verdict::Pass)
        })
    }

    /// Starts a run of `cases` (every column): their cells are running;
    /// the verdicts so far become the previous run's.
    pub fn begin(&mut self, cases: &[usize]) {
        for ((case, col), cell) in &self.cells {
            if let GridCell::Done(r) = cell {
                self.previous.insert((*case, *col), r.verdict);
            }
        }
        self.changes.clear();
        for &case in cases {
            for col in 0..self.columns.len() {
                self.cells.insert((case, col), GridCell::Running);
            }
        }
        self.asked = cases.len() * self.columns.len();
    }

    /// A graded cell came in.
    pub fn put(&mut self, case: usize, result: CellResult) {
        let Some(col) = self.column_of(&result.prompt, &result.model) else {
            return;
        };
        let key = (case, col);
        let now = result.verdict;
        match (self.previous.get(&key), now) {
            (Some(Verdict::Fail | Verdict::Error), Verdict::Pass) => {
                self.changes.insert(key, Change::Fixed);
            }
            (Some(Verdict::Pass), Verdict::Fail | Verdict::Error) => {
                self.changes.insert(key, Change::Broken);
            }
            _ => {
                self.changes.remove(&key);
            }
        }
        self.cells.insert(key, GridCell::Done(Box::new(result)));
    }

    /// A run ended: cells it never reached are no longer running.
    pub fn settle(&mut self) {
        self.cells.retain(|_, c| !matches!(c, GridCell::Running));
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

    /// The current run's progress: (done, pass, fail, error, cost).
    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            total: self.asked,
            ..Progress::default()
        };
        for cell in self.cells.values() {
            match cell {
                GridCell::Running => p.running += 1,
                GridCell::Done(r) => {
                    match r.verdict {
                        Verdict::Pass => p.pass += 1,
                        Verdict::Fail => p.fail += 1,
                        Verdict::Error => p.error += 1,
                    }
                    p.cost = add_cost(p.cost, r);
                }
            }
        }
        p
    }

    /// A column's summary: (passed, graded, mean score, cost).
    pub fn summary(&self, col: usize) -> ColumnSummary {
        let mut s = ColumnSummary::default();
        for case in 0..self.cases.len() {
            if let Some(r) = self.result(case, col) {
                s.graded += 1;
                if r.verdict == Verdict::Pass {
                    s.passed += 1;
                }
                s.score_sum += r.grade.as_ref().map_or(0.0, |g| g.score);
                s.cost = add_cost(s.cost, r);
            }
        }
        s
    }
}

/// Counts of the cells of the grid.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Progress {
    pub total: usize,
    pub running: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    /// USD of the calls and their grading; `None` while no price is known.
    pub cost: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ColumnSummary {
    pub passed: usize,
    pub graded: usize,
    pub score_sum: f64,
    pub cost: Option<f64>,
}

/// `sum` plus what a cell cost, as far as prices are known.
fn add_cost(sum: Option<f64>, r: &CellResult) -> Option<f64> {
    match (r.cost, r.grader_cost) {
        (None, None) => sum,
        (a, b) => Some(sum.unwrap_or(0.0) + a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

/// The Tests screen.
#[derive(Debug, Clone, Default)]
pub struct TestsScreen {
    /// It replaces Outputs in the lower half.
    pub shown: bool,
    /// The prompt the suites were loaded for.
    pub prompt: String,
    pub suites: Vec<SuiteGrid>,
    /// The suite shown.
    pub suite: usize,
    /// Why no suite loaded, when that is so.
    pub problem: Option<String>,
    /// Cursor: a visible row (index into `rows()`) and a column.
    pub row: usize,
    pub col: usize,
    /// Only cases failing in some column.
    pub failing_only: bool,
    /// The eval running now, if any.
    pub running: Option<u64>,
    /// The suites are being loaded in the background (this load's id).
    pub loading: Option<u64>,
}

impl TestsScreen {
    pub fn grid(&self) -> Option<&SuiteGrid> {
        self.suites.get(self.suite)
    }

    pub fn grid_mut(&mut self) -> Option<&mut SuiteGrid> {
        self.suites.get_mut(self.suite)
    }

    /// The cases shown, as indexes into the suite's cases.
    pub fn rows(&self) -> Vec<usize> {
        let Some(g) = self.grid() else {
            return Vec::new();
        };
        (0..g.cases.len())
            .filter(|&c| !self.failing_only || g.is_failing(c))
            .collect()
    }

    /// The (case, column) under the cursor.
    pub fn selected(&self) -> Option<(usize, usize)> {
        let rows = self.rows();
        let case = *rows.get(self.row.min(rows.len().checked_sub(1)?))?;
        let cols = self.grid()?.columns.len();
        (cols > 0).then_some((case, self.col.min(cols - 1)))
    }

    /// Moves the cursor by rows and columns, inside the grid.
    pub fn step(&mut self, rows: isize, cols: isize) {
        let n = self.rows().len();
        let m = self.grid().map_or(0, |g| g.columns.len());
        self.row = clamp_step(self.row, rows, n);
        self.col = clamp_step(self.col, cols, m);
    }
}

fn clamp_step(at: usize, by: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (at as isize + by).clamp(0, len as isize - 1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(verdict: Verdict) -> CellResult {
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
        }
    }

    #[test]
    fn a_second_run_marks_fixed_and_broken_cells_and_counts_them() {
        let mut g = SuiteGrid {
            cases: vec![TestCase::default(), TestCase::default()],
            columns: vec![Column {
                prompt: "p".into(),
                model: "echo".into(),
            }],
            ..Default::default()
        };
        g.begin(&[0, 1]);
        assert_eq!(g.progress().running, 2);
        g.put(0, result(Verdict::Fail));
        g.put(1, result(Verdict::Pass));
        assert!(g.changes.is_empty(), "a first run changes nothing");
        g.begin(&[0, 1]);
        g.put(0, result(Verdict::Pass));
        g.put(1, result(Verdict::Error));
        assert_eq!(g.changes.get(&(0, 0)), Some(&Change::Fixed));
        assert_eq!(g.changes.get(&(1, 0)), Some(&Change::Broken));
        assert_eq!(g.change_counts(), (1, 1));
        let p = g.progress();
        assert_eq!((p.pass, p.error, p.running), (1, 1, 0));
        assert_eq!(p.cost, Some(1.0));
        assert_eq!(g.summary(0).passed, 1);
        assert!(g.is_failing(1) && !g.is_failing(0));
    }
}
