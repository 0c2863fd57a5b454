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
//! - `result`: one graded cell (`CellResult`) and a whole run (`EvalRun`).

pub mod assert;
pub mod grade;
pub mod result;
pub mod script;

pub use grade::{AssertContext, CaseGrade, Grader, GraderAnswer, GraderRequest, GradingResult};
pub use result::{CellResult, EvalRun, Verdict};
