//! The Tests screen around its grids: which suite shows, the cursor, and
//! the rows shown (failing only, a text filter over labels and vars, a
//! sort by the focused column), computed when they change and kept, so
//! a frame draws the visible rows without filtering or sorting them.

use super::test_grid::SuiteGrid;
use crate::eval::{CellResult, Verdict};

/// How the rows are ordered (`s` cycles).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// As the suite lists them.
    #[default]
    Case,
    /// The focused column's failures (and errors) first, then cells not
    /// graded, then passes.
    Failures,
    /// The focused column's mean score, lowest first; ungraded last.
    Score,
}

impl SortOrder {
    pub fn next(self) -> SortOrder {
        match self {
            SortOrder::Case => SortOrder::Failures,
            SortOrder::Failures => SortOrder::Score,
            SortOrder::Score => SortOrder::Case,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            SortOrder::Case => "case order",
            SortOrder::Failures => "failures first",
            SortOrder::Score => "score ascending",
        }
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
    /// Text every shown row's label or vars hold (words, any case).
    pub filter: String,
    /// `/` was pressed: keys go to the filter.
    pub typing: bool,
    pub sort: SortOrder,
    /// The eval running now, if any.
    pub running: Option<u64>,
    /// The suites are being loaded in the background (this load's id).
    pub loading: Option<u64>,
    /// Ratings given on this screen, by the rated call's id.
    pub ratings: std::collections::HashMap<String, Vec<crate::store::ratings::Rating>>,
    /// Variant B beside the open prompt (`v`), if one is picked.
    pub variant: Option<super::variants::VariantB>,
    /// The paired rows as of each suite's last finished run.
    pub paired: super::variants::PairedCache,
    /// The cases shown, in order: `refresh` computes them.
    rows: Vec<usize>,
    /// Lowercased label and vars of the shown suite's cases.
    haystacks: Vec<String>,
}

impl TestsScreen {
    /// The screen of `prompt`, no suite loaded yet.
    pub fn of_prompt(prompt: String) -> Self {
        TestsScreen {
            prompt,
            ..Default::default()
        }
    }

    pub fn grid(&self) -> Option<&SuiteGrid> {
        self.suites.get(self.suite)
    }

    pub fn grid_mut(&mut self) -> Option<&mut SuiteGrid> {
        self.suites.get_mut(self.suite)
    }

    /// The cases shown, as indexes into the suite's cases.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// Recomputes the rows shown after the grid, the filters or the sort
    /// changed, keeping the cursor on the same case where it still shows.
    pub fn refresh(&mut self) {
        let keep = self.selected().map(|(case, _)| case);
        let Some(g) = self.suites.get(self.suite) else {
            self.rows.clear();
            self.haystacks.clear();
            return;
        };
        if self.haystacks.len() != g.cases.len() {
            self.haystacks = (0..g.cases.len()).map(|c| haystack(g, c)).collect();
        }
        let terms: Vec<String> = self
            .filter
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let mut rows: Vec<usize> = (0..g.cases.len())
            .filter(|&c| !self.failing_only || g.is_failing(c))
            .filter(|&c| terms.iter().all(|t| self.haystacks[c].contains(t.as_str())))
            .collect();
        let col = self.col.min(g.columns.len().saturating_sub(1));
        match self.sort {
            SortOrder::Case => {}
            SortOrder::Failures => rows.sort_by_key(|&c| failure_rank(g, c, col)),
            SortOrder::Score => rows.sort_by(|&a, &b| {
                let s = |c| g.cell(c, col).and_then(|cell| cell.mean_score());
                match (s(a), s(b)) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (a, b) => a.is_none().cmp(&b.is_none()),
                }
            }),
        }
        self.rows = rows;
        if let Some(at) = keep.and_then(|k| self.rows.iter().position(|&c| c == k)) {
            self.row = at;
        }
        self.step(0, 0);
    }

    /// The grids were replaced (a suite loaded again): start afresh.
    pub fn reload(&mut self) {
        self.haystacks.clear();
        self.refresh();
    }

    /// A graded sample of the shown suite's run.
    pub fn put(&mut self, case: usize, result: CellResult) {
        if let Some(g) = self.grid_mut() {
            g.put(case, result);
        }
        if self.failing_only || self.sort != SortOrder::Case {
            self.refresh();
        }
    }

    /// The (case, column) under the cursor.
    pub fn selected(&self) -> Option<(usize, usize)> {
        let rows = self.rows();
        let case = *rows.get(self.row.min(rows.len().checked_sub(1)?))?;
        let cols = self.grid()?.columns.len();
        (cols > 0).then_some((case, self.col.min(cols - 1)))
    }

    /// Moves the cursor by rows and columns, inside the grid; a sort by
    /// the focused column follows it to another column.
    pub fn step(&mut self, rows: isize, cols: isize) {
        let n = self.rows.len();
        let m = self.grid().map_or(0, |g| g.columns.len());
        self.row = clamp_step(self.row, rows, n);
        let col = clamp_step(self.col, cols, m);
        if col != self.col {
            self.col = col;
            if self.sort != SortOrder::Case {
                self.refresh();
            }
        }
    }
}

/// Where a case goes when failures come first in `col`.
fn failure_rank(g: &SuiteGrid, case: usize, col: usize) -> u8 {
    match g.cell(case, col).and_then(|c| c.verdict()) {
        Some(Verdict::Fail | Verdict::Error) => 0,
        None => 1,
        Some(Verdict::Pass) => 2,
    }
}

/// What the text filter searches in a case: its label and its vars.
fn haystack(g: &SuiteGrid, case: usize) -> String {
    let mut s = g.row_label(case);
    if let Some(c) = g.cases.get(case) {
        for (k, v) in &c.vars {
            s.push(' ');
            s.push_str(k);
            s.push('=');
            s.push_str(&super::test_grid::plain_value(v));
        }
    }
    s.to_lowercase()
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
    use crate::eval::grade::CaseGrade;
    use crate::tui::state::test_grid::tests::{grid, result};

    fn screen() -> TestsScreen {
        let mut g = grid(4);
        for (i, name) in ["Ada", "Bob", "Cy", "Di"].iter().enumerate() {
            g.cases[i].vars.insert("name".into(), (*name).into());
        }
        g.cases[1].description = Some("names Bob".into());
        g.begin(&[0, 1, 2, 3], 1);
        for (case, v, score) in [
            (0, Verdict::Pass, 1.0),
            (1, Verdict::Fail, 0.5),
            (2, Verdict::Fail, 0.0),
        ] {
            let mut r = result(v);
            r.grade = Some(CaseGrade {
                pass: v == Verdict::Pass,
                score,
                reason: String::new(),
                named_scores: Default::default(),
                results: Vec::new(),
            });
            g.put(case, r);
        }
        let mut s = TestsScreen {
            suites: vec![g],
            ..Default::default()
        };
        s.refresh();
        s
    }

    #[test]
    fn the_text_filter_matches_labels_and_vars_in_any_case() {
        let mut s = screen();
        assert_eq!(s.rows(), [0, 1, 2, 3]);
        s.filter = "BOB".into();
        s.refresh();
        assert_eq!(s.rows(), [1]);
        s.filter = "name=c".into();
        s.refresh();
        assert_eq!(s.rows(), [2]);
        s.filter = "names bob".into();
        s.refresh();
        assert_eq!(s.rows(), [1], "every word must be found");
        s.filter = "nobody".into();
        s.refresh();
        assert!(s.rows().is_empty() && s.selected().is_none());
    }

    #[test]
    fn sorts_put_failures_first_then_lowest_scores_and_keep_the_cursor() {
        let mut s = screen();
        s.row = 2; // case 2
        s.sort = SortOrder::Failures;
        s.refresh();
        assert_eq!(s.rows(), [1, 2, 3, 0]);
        assert_eq!(s.selected(), Some((2, 0)), "the cursor stays on its case");
        s.sort = s.sort.next();
        s.refresh();
        assert_eq!(s.rows(), [2, 1, 0, 3], "ungraded last");
        s.failing_only = true;
        s.refresh();
        assert_eq!(s.rows(), [2, 1]);
    }
}
