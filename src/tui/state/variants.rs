//! Variant B of the Tests screen: a second prompt text (another prompt
//! file, or a recorded version of the open prompt) run on the same cases
//! and models beside the open prompt (variant A), its picker, and the
//! paired comparison of each of its columns with A's on the same model.

use super::test_grid::{Column, SuiteGrid};
use crate::eval::Verdict;
use crate::eval::paired::{self, PairedStats, Side};
use crate::store::versions::VersionSummary;
use std::collections::HashMap;

/// The second variant: how the grid names it and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantB {
    /// Another prompt's name, or `prompt@version`.
    pub label: String,
    pub source: String,
}

/// One choice of the picker.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// Back to the open prompt alone.
    Clear,
    /// Another prompt of the workspace, by its index.
    Prompt { idx: usize, name: String },
    /// A recorded version of the open prompt.
    Version(Box<VersionSummary>),
}

/// `v` in Tests: the prompts of the workspace, then the open prompt's
/// recorded versions once the store answers.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantPicker {
    /// The open prompt (variant A).
    pub prompt: String,
    pub choices: Vec<Choice>,
    /// The versions are still asked for; or why there are none.
    pub versions: VersionsState,
    pub cursor: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum VersionsState {
    Loading,
    Loaded,
    Unavailable(String),
}

impl VariantPicker {
    pub fn selected(&self) -> Option<&Choice> {
        self.choices.get(self.cursor)
    }

    pub fn step(&mut self, by: isize) {
        let n = self.choices.len();
        if n > 0 {
            self.cursor = (self.cursor as isize + by).clamp(0, n as isize - 1) as usize;
        }
    }

    /// The store's answer: the versions join the end of the list.
    pub fn versions_arrived(&mut self, result: Result<Vec<VersionSummary>, String>) {
        match result {
            Ok(list) => {
                self.choices
                    .extend(list.into_iter().map(|v| Choice::Version(Box::new(v))));
                self.versions = VersionsState::Loaded;
            }
            Err(e) => self.versions = VersionsState::Unavailable(e),
        }
    }
}

/// Variant A among `columns`: the open prompt when it has a column, else
/// the first prompt.
pub fn variant_a<'a>(columns: &'a [Column], open: &str) -> Option<&'a str> {
    columns
        .iter()
        .find(|c| c.prompt == open)
        .or(columns.first())
        .map(|c| c.prompt.as_str())
}

/// `columns` plus a column of `b` on each model variant A runs on
/// (appended, so the cells already there keep their places).
pub fn with_variant(mut columns: Vec<Column>, open: &str, b: Option<&VariantB>) -> Vec<Column> {
    let Some(b) = b else { return columns };
    let Some(first) = variant_a(&columns, open).map(str::to_string) else {
        return columns;
    };
    if columns.iter().any(|c| c.prompt == b.label) {
        return columns;
    }
    let models: Vec<String> = columns
        .iter()
        .filter(|c| c.prompt == first)
        .map(|c| c.model.clone())
        .collect();
    columns.extend(models.into_iter().map(|model| Column {
        prompt: b.label.clone(),
        model,
    }));
    columns
}

/// Sets the grid's columns to `columns`, keeping the results of every
/// column that stays and dropping the rest.
pub fn reshape(g: &mut SuiteGrid, columns: Vec<Column>) {
    if g.columns == columns {
        return;
    }
    let old = std::mem::replace(&mut g.columns, columns);
    let moved: Vec<Option<usize>> = old
        .iter()
        .map(|c| g.columns.iter().position(|n| n == c))
        .collect();
    g.cells = remap(std::mem::take(&mut g.cells), &moved);
    g.previous = remap(std::mem::take(&mut g.previous), &moved);
    g.changes = remap(std::mem::take(&mut g.changes), &moved);
    g.move_stats(&moved);
}

/// `m` with each column moved to `moved[col]`, or dropped.
fn remap<V>(m: HashMap<(usize, usize), V>, moved: &[Option<usize>]) -> HashMap<(usize, usize), V> {
    m.into_iter()
        .filter_map(|((case, col), v)| Some(((case, (*moved.get(col)?)?), v)))
        .collect()
}

/// Column `col` against variant A's column on the same model, over the
/// cases both have graded; `None` for A's own columns.
pub fn paired_of(g: &SuiteGrid, open: &str, col: usize) -> Option<PairedStats> {
    let b = g.columns.get(col)?;
    let first = variant_a(&g.columns, open)?;
    if b.prompt == first {
        return None;
    }
    let a = g.column_of(first, &b.model)?;
    let side = |r: &crate::eval::CellResult| {
        let score = (r.verdict != Verdict::Error)
            .then(|| r.grade.as_ref().map(|g| g.score))
            .flatten();
        Side::once(r.verdict == Verdict::Pass, score)
    };
    let pairs: Vec<(Side, Side)> = (0..g.cases.len())
        .filter_map(|case| Some((side(g.result(case, a)?), side(g.result(case, col)?))))
        .collect();
    paired::compare(pairs)
}

/// The paired comparisons of each suite's columns as of its last finished
/// run (their bootstrap is too costly to redo on every frame): refreshed
/// when a run ends or variant B changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairedCache {
    /// Suite index → per column, its comparison with variant A.
    by_suite: HashMap<usize, Vec<Option<PairedStats>>>,
}

impl PairedCache {
    pub fn refresh(&mut self, suite: usize, g: &SuiteGrid, open: &str) {
        let stats = (0..g.columns.len())
            .map(|c| paired_of(g, open, c))
            .collect();
        self.by_suite.insert(suite, stats);
    }

    /// Suite `suite`'s comparisons, if computed for its current columns.
    pub fn of(&self, suite: usize, columns: usize) -> Option<&[Option<PairedStats>]> {
        self.by_suite
            .get(&suite)
            .map(Vec::as_slice)
            .filter(|s| s.len() == columns)
    }
}

/// Whether some column has a partner in variant A on its model.
pub fn has_pairs(g: &SuiteGrid, open: &str) -> bool {
    let Some(a) = variant_a(&g.columns, open) else {
        return false;
    };
    g.columns
        .iter()
        .any(|c| c.prompt != a && g.column_of(a, &c.model).is_some())
}

/// The pairs of columns a blind pass compares: each column of another
/// prompt against variant A's on the same model; without one, the two
/// columns of a two-column grid.
pub fn blind_pairs(g: &SuiteGrid, open: &str) -> Vec<(usize, usize)> {
    let Some(first) = variant_a(&g.columns, open) else {
        return Vec::new();
    };
    let variants: Vec<(usize, usize)> = (0..g.columns.len())
        .filter(|&c| g.columns[c].prompt != first)
        .filter_map(|c| Some((g.column_of(first, &g.columns[c].model)?, c)))
        .collect();
    if !variants.is_empty() {
        return variants;
    }
    if g.columns.len() == 2 {
        return vec![(0, 1)];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(p: &str, m: &str) -> Column {
        Column {
            prompt: p.into(),
            model: m.into(),
        }
    }

    #[test]
    fn b_gets_a_column_per_model_of_the_first_prompt_appended() {
        let cols = vec![col("a", "m1"), col("a", "m2")];
        let b = VariantB {
            label: "a@1234".into(),
            source: String::new(),
        };
        let with = with_variant(cols.clone(), "a", Some(&b));
        assert_eq!(
            with,
            [
                col("a", "m1"),
                col("a", "m2"),
                col("a@1234", "m1"),
                col("a@1234", "m2")
            ]
        );
        assert_eq!(with_variant(with.clone(), "a", Some(&b)), with, "only once");
        assert_eq!(with_variant(cols.clone(), "a", None), cols);
        // A is the open prompt even when the suite lists another first.
        let two = vec![col("x", "m1"), col("a", "m2")];
        assert_eq!(
            with_variant(two, "a", Some(&b)),
            [col("x", "m1"), col("a", "m2"), col("a@1234", "m2")]
        );
    }

    #[test]
    fn reshaping_keeps_the_cells_of_columns_that_stay() {
        use crate::eval::Verdict;
        use crate::tui::state::test_grid::tests::result;
        let mut g = SuiteGrid::new(
            String::new(),
            Default::default(),
            vec![Default::default()],
            vec![col("a", "m"), col("b", "m")],
        );
        let mut passed = result(Verdict::Pass);
        passed.prompt = "b".into();
        passed.model = "m".into();
        g.put(0, passed);
        assert_eq!(g.stats(1).passed, 1);
        reshape(&mut g, vec![col("b", "m")]);
        assert_eq!(g.cells.len(), 1);
        assert!(g.cells.contains_key(&(0, 0)), "b's cell moved to column 0");
        assert_eq!(g.stats(0).passed, 1, "its figures moved with it");
    }
}
