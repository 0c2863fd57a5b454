//! The headless commands behind `pwb check`, `pwb render`, `pwb run`, `pwb setup`
//! and the history (`versions`, `diff`, `label`, `prompt get`, `rate`, `stats`,
//! `history`, `export`): thin faces over the library that print to
//! stdout/stderr and return an exit code.

pub mod check;
pub mod eval;
pub mod eval_baseline;
pub mod eval_dry_run;
pub mod eval_progress;
pub mod eval_setup;
pub mod export;
pub mod history;
pub mod history_open;
pub mod label;
pub mod models;
pub mod models_report;
pub mod rate;
pub mod render;
pub mod run;
pub mod run_output;
pub mod run_tools;
pub mod setup;
pub mod stats;
pub mod version_ref;
pub mod versions;
