//! The results of an eval: one `CellResult` per (prompt, model, case,
//! repeat), graded, and the `EvalRun` holding them with what was run.
//! Reports (summary, JSON, JUnit, Markdown, CSV, JSONL) and statistics
//! read these.

use super::grade::CaseGrade;
use crate::run::CellOutcome;
use crate::types::{Message, ModelId, Usage};
use serde_json::{Map, Value};
use std::time::Duration;

/// How a cell came out: a provider error is an error, apart from a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// The call failed, or an assertion could not be evaluated.
    Error,
}

/// One graded cell of the matrix.
#[derive(Debug, Clone)]
pub struct CellResult {
    /// The prompt variant (its name, or promptfoo's prompt label).
    pub prompt: String,
    /// The model as the user names it (label, else id).
    pub model: String,
    pub model_id: ModelId,
    /// The case's place in its suite (0-based) and description.
    pub case: usize,
    pub description: Option<String>,
    /// The case's variables, `defaultTest`'s merged in.
    pub vars: Map<String, Value>,
    /// 0-based repeat index, below `repeats`.
    pub repeat: u32,
    pub repeats: u32,
    /// The rendered request's messages.
    pub messages: Vec<Message>,
    /// The call as the collector folded it: answer, usage, timings, error.
    pub outcome: CellOutcome,
    pub cost: Option<f64>,
    /// The grading; `None` when the call failed (no answer to grade).
    pub grade: Option<CaseGrade>,
    pub verdict: Verdict,
    /// Tokens and cost of model-graded assertions, apart from the call's.
    pub grader_usage: Usage,
    pub grader_cost: Option<f64>,
    /// The id the history gave the call, when it was recorded.
    pub call_id: Option<String>,
    /// What the prompt's `context:` policy cut from the request to fit
    /// the model's window, when it cut anything.
    pub context: Option<crate::session::context::ContextCut>,
}

/// A whole eval: what ran and every cell, in plan order.
#[derive(Debug, Clone, Default)]
pub struct EvalRun {
    /// The suite or config that was run, as the user named it.
    pub suite: String,
    pub prompts: Vec<String>,
    pub models: Vec<String>,
    pub cells: Vec<CellResult>,
    pub wall_time: Duration,
    /// Ctrl-C stopped it: `cells` holds what finished.
    pub interrupted: bool,
    /// `--max-cost` stopped new calls once the spend reached it.
    pub stopped_at_cost: Option<f64>,
}
