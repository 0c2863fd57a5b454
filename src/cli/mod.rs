//! The headless commands behind `pwb check`, `pwb render`, `pwb run`, `pwb setup`: thin
//! faces over the library that print to stdout/stderr and return an exit code.

pub mod check;
pub mod eval_progress;
pub mod models;
pub mod models_report;
pub mod render;
pub mod run;
pub mod run_output;
pub mod setup;
