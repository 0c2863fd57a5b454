//! What the session tells a recorder (the history store) about every call
//! it collects, from every face: which prompt text (and partials and
//! examples) made the request, the request, the outcome, and where it came
//! from. `session/` defines the shape; `store/` implements `Recorder`, so
//! neither `run/` nor `session/` imports the store.

use crate::prompt::Example;
use crate::run::CellOutcome;
use crate::types::Message;
use std::path::PathBuf;
use std::sync::Arc;

/// Which face made the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Tui,
    Run,
    Eval,
}

impl Face {
    pub fn as_str(self) -> &'static str {
        match self {
            Face::Tui => "tui",
            Face::Run => "run",
            Face::Eval => "eval",
        }
    }
}

/// The prompt a run was built from, exactly: its text as run (saved or
/// not), the partials it could include and the examples spliced in. A
/// version of the prompt is a hash over these.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromptText {
    /// The prompt's name (`triage`, `sub/name`).
    pub name: String,
    /// The `.prompt` text as run.
    pub source: String,
    /// Whether `source` is what is saved on disk.
    pub saved: bool,
    /// The workspace's partials (name, text), sorted by name.
    pub partials: Vec<(String, String)>,
    /// The examples picked, in send order.
    pub examples: Vec<Example>,
}

impl PromptText {
    /// The prompt `name` as `session` runs it from `source` (saved on disk
    /// or not), with the workspace's partials (the first of a name, as the
    /// renderer takes them) and the examples picked.
    pub fn of(
        session: &super::Session,
        name: &str,
        source: &str,
        saved: bool,
        examples: Vec<Example>,
    ) -> PromptText {
        let mut partials: Vec<(String, String)> = session
            .ws
            .partials
            .iter()
            .map(|p| (p.name.clone(), p.source.clone()))
            .collect();
        partials.dedup_by(|b, a| a.0 == b.0);
        PromptText {
            name: name.to_string(),
            source: source.to_string(),
            saved,
            partials,
            examples,
        }
    }
}

/// What is known about a run before its calls settle.
#[derive(Debug, Clone)]
pub struct RunContext {
    pub face: Face,
    pub workspace: PathBuf,
    pub prompt: Arc<PromptText>,
}

/// One settled call, as the recorder gets it.
#[derive(Debug, Clone)]
pub struct SettledCall {
    pub context: RunContext,
    /// The messages sent.
    pub messages: Vec<Message>,
    /// Everything about the call: model, parameters, answer, usage,
    /// timings, finish reason, error, cached, attempts, repeat/sweep slot.
    pub outcome: CellOutcome,
    pub cost: Option<f64>,
}

/// An id the recorder gives a call, so later facts (an eval's grades, a
/// rating) can refer to it.
pub type CallId = String;

/// Where settled calls go. Implementations must not block: they hand the
/// call to a writer (the store writes on its own thread).
pub trait Recorder: Send + Sync {
    fn record(&self, call: SettledCall) -> Option<CallId>;
}
