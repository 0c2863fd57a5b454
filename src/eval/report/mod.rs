//! What `pwb eval` prints and writes: the summary on stdout, the `--output`
//! files (JSON, JSONL, JUnit XML, Markdown, CSV), the progress line and the
//! exit code. Pure functions over an `EvalRun`; the CLI prints and draws.
//!
//! - `analysis`: the figures every format states, computed once:
//!   per (prompt, model) group, per case over repeats, paired comparisons.
//! - `text`, `markdown`, `json`, `junit`, `csv`: one format each.
//! - `output`: the format by file extension, and writing the file.
//! - `exit`, `progress`: the exit-code policy and the progress line.
//! - `failing`: the failed cases of an earlier results file
//!   (`--filter-failing`).

mod analysis;
mod csv;
mod exit;
mod failing;
mod failures;
pub(crate) mod fmt;
mod json;
mod junit;
mod markdown;
mod output;
mod paired;
mod progress;
mod text;

pub use analysis::{Analysis, CaseStats, GroupStats};
pub use exit::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_PASSED, exit_code, parse_rate};
pub use failing::{FailedCase, failed_cases};
pub use json::{cell_json, run_json};
pub use output::{Format, ReportError, render, write};
pub use paired::{Axis, Paired};
pub use progress::Progress;
pub use text::summary;

pub use markdown::markdown;

#[cfg(test)]
mod tests;
