//! An eval compared with a baseline (an earlier eval, recorded in the
//! history or written by `pwb eval -o FILE.json`): case by case what newly
//! fails or passes and what is flaky, per (prompt, model) the pass rate,
//! score, cost and latency before and after, and the aggregate change with
//! its interval. Pure functions; the CLI finds and reads the baseline.
//!
//! - `side`: a baseline's cells (`BaselineCell`), from a run or a file.
//! - `compare`: the comparison (`Comparison`, `CaseChange`, `GroupDelta`).
//! - `text`, `markdown`, `json`: how the summary and the reports state it;
//!   `output`: writing the `-o` reports with it.

mod compare;
mod json;
mod markdown;
mod output;
mod side;
mod text;

pub use compare::{CaseChange, Change, Comparison, GroupDelta, Runs, compare};
pub use json::comparison_json;
pub use markdown::markdown;
pub use output::{render, write};
pub use side::{Baseline, BaselineCell};
pub use text::text;

/// `--regression-alpha`'s default.
pub const DEFAULT_ALPHA: f64 = 0.05;

#[cfg(test)]
mod tests;
