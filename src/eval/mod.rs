//! `pwb eval`: test suites run as a matrix (prompts × models × cases ×
//! repeats) through the session and the one runner, each answer graded by
//! the suite's assertions with promptfoo's semantics, then summarised with
//! statistics and written as reports.
//!
//! - `grade`: what grading produces (`GradingResult`, `CaseGrade`) and
//!   what it sees (`AssertContext`); the `Grader` a model-graded assertion
//!   calls.
//! - `assert`: grading an answer with a case's assertions (`grade_case`);
//!   `script`: the node/python workers of javascript and python assertions.
//! - `graded`: the model-graded assertions (llm-rubric, g-eval, factuality,
//!   closedqa, the context ones, similar, select-best) and `RunnerGrader`,
//!   the `Grader` on the one runner.
//! - `grading`: the `Grading` `pwb eval` uses (assertions, grader, script
//!   workers) and select-best over a case's answers.
//! - `result`: one graded cell (`CellResult`) and a whole run (`EvalRun`).
//! - `suite`: loading what `pwb eval` runs (workspace test files and
//!   promptfoo configs); `template`: their templates, rendered as
//!   promptfoo renders them.
//! - `matrix`: the entries (variant × case × model × repeat), planned
//!   through the session; `execute`: feeding them to the one runner.
//! - `estimate`: calls, tokens and cost of a matrix before it runs.
//! - `stats`: Wilson intervals, McNemar's exact test, the seeded bootstrap.
//! - `paired`: two variants over the same cases (wins, losses, McNemar p,
//!   the interval of the score difference), for reports and the TUI.
//! - `report`: the summary, the output files, progress lines, exit codes.
//! - `baseline`: a run compared case by case with an earlier one
//!   (regressions beyond noise, flaky cases, deltas), for `--baseline`.
//! - `setup`: a suite prepared to run (session, cases, models, grader),
//!   shared by `pwb eval` and the TUI.

pub mod assert;
pub mod baseline;
pub mod engine;
pub mod estimate;
pub mod execute;
pub mod grade;
pub mod graded;
pub mod grading;
pub mod matrix;
pub mod paired;
pub mod report;
pub mod result;
pub mod script;
pub mod setup;
pub mod stats;
pub mod suite;
pub mod template;

pub use grade::{AssertContext, CaseGrade, Grader, GraderAnswer, GraderRequest, GradingResult};
pub use result::{CellResult, EvalRun, Verdict};
