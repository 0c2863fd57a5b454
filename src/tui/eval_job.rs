//! Running a suite for the Tests screen off the UI thread, with the same
//! engine and grading as `pwb eval` (`eval::engine::run`, `SuiteGrading`,
//! select-best once every answer is in). Each graded cell is sent back to
//! `App::update` as an `Action::Eval`, then the end of the run. With the
//! history on, the run is recorded as `pwb eval` records one: an eval,
//! each call (the prompt as in the editor) and each grade.

use super::action::Action;
use crate::eval::CellResult;
use crate::eval::engine::EvalRecording;
use crate::eval::engine::{self, Plan, Progress, Tally};
use crate::eval::execute::Execution;
use crate::eval::grading::{SuiteGrading, grade_across_cells};
use crate::eval::matrix::Variant;
use crate::eval::setup::Prepared;
use crate::eval::suite::SuitePrompt;
use crate::run::{CacheMode, Runner};
use crate::session::record::{Face, PromptText, Recorder, RunContext};
use crate::store::HistoryWriter;
use crate::store::evals::{EvalEnd, EvalStart, GradeRecord};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

/// A suite ready to run: its prepared setup, its variants (the open
/// prompt's over the editor's text) and which of the grid's cases the
/// prepared cases are.
pub struct EvalJob {
    pub id: u64,
    pub prepared: Prepared,
    pub variants: Vec<Box<dyn Variant>>,
    /// `prepared.cases[i]` is the grid's case `case_index[i]`.
    pub case_index: Vec<usize>,
    pub cache: CacheMode,
    /// Samples per case and column (the Models pane's repeats).
    pub repeats: u32,
    /// Where the run is recorded (none: history off).
    pub history: Option<Arc<HistoryWriter>>,
    /// Per variant, the prompt text its calls are recorded with.
    pub contexts: Vec<RunContext>,
}

/// Per prompt of `p`'s suite that makes a variant (the order the Tests
/// screen's variants are in), what its calls are recorded with: the open
/// prompt as in the editor (`text`, `saved` or not), the others as saved.
pub fn contexts(p: &Prepared, open: &str, text: &str, saved: bool) -> Vec<RunContext> {
    p.suite
        .prompts
        .iter()
        .filter_map(|sp| {
            let (source, saved) = match sp {
                SuitePrompt::Workspace { name } if name == open => (text.to_string(), saved),
                other => {
                    other.variant(&p.session).ok()?;
                    let source = match other {
                        SuitePrompt::Workspace { name } => p
                            .session
                            .ws
                            .prompt(name)
                            .map(|f| f.source.clone())
                            .unwrap_or_default(),
                        SuitePrompt::Inline { text, .. } | SuitePrompt::File { text, .. } => {
                            text.clone()
                        }
                    };
                    (source, true)
                }
            };
            let prompt = PromptText::of(&p.session, sp.label(), &source, saved, Vec::new());
            Some(RunContext {
                face: Face::Tui,
                workspace: p.session.ws.root.clone(),
                prompt: Arc::new(prompt),
            })
        })
        .collect()
}

impl std::fmt::Debug for EvalJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvalJob")
            .field("id", &self.id)
            .field("suite", &self.prepared.suite.name)
            .field("cases", &self.case_index)
            .finish()
    }
}

/// What a running eval reports.
#[derive(Debug, Clone)]
pub enum EvalEvent {
    /// Case `case` (the grid's index) was graded in one column.
    Cell { case: usize, cell: Box<CellResult> },
    /// The run ended (`interrupted`: cancelled before the end).
    Finished { interrupted: bool },
}

/// Sends each graded cell back to the App.
struct Sender<'a> {
    id: u64,
    tx: &'a UnboundedSender<Action>,
    case_index: &'a [usize],
    /// The history writer and the eval's id.
    history: Option<(&'a HistoryWriter, &'a str)>,
}

impl Sender<'_> {
    fn send(&self, event: EvalEvent) {
        let _ = self.tx.send(Action::Eval { id: self.id, event });
    }
}

impl Progress for Sender<'_> {
    fn cell_done(&mut self, _tally: &Tally, _total: usize) {}

    fn cell_graded(&mut self, cell: &CellResult) {
        let case = self.case_index.get(cell.case).copied().unwrap_or(cell.case);
        if let (Some((w, eval)), Some(call)) = (self.history, &cell.call_id) {
            // The suite's case number, as `pwb eval` records it (a re-run
            // of the failing cases runs a few of them).
            let mut grade = GradeRecord::of(cell);
            grade.case = case;
            w.record_grade(eval, call, grade);
        }
        self.send(EvalEvent::Cell {
            case,
            cell: Box::new(cell.clone()),
        });
    }
}

/// Runs `job` to its end (or until `interrupt`), reporting on `tx`.
pub async fn run(job: EvalJob, interrupt: CancellationToken, tx: UnboundedSender<Action>) {
    let p = &job.prepared;
    let runner = Runner::new(tokio::runtime::Handle::current(), p.runner.clone());
    let grading = SuiteGrading::new(&p.session, &runner, job.cache, p.grader.clone());
    let exec = Execution {
        runner: &runner,
        cache: job.cache,
        concurrency: p.runner.max_parallel,
        max_cost: None,
        catalog: &p.session.catalog,
        interrupt,
    };
    let eval_id = job.history.as_ref().map(|w| {
        w.begin_eval(EvalStart {
            workspace: p.session.ws.root.clone(),
            suite: p.suite.name.clone(),
            prompts: job.variants.iter().map(|v| v.label().to_string()).collect(),
            models: p.models.iter().map(|m| m.model.name.clone()).collect(),
            face: Face::Tui,
        })
    });
    let recording = job.history.as_ref().map(|w| {
        let recorder: Arc<dyn Recorder> = w.clone();
        EvalRecording {
            recorder,
            contexts: job.contexts.clone(),
        }
    });
    let plan = Plan {
        suite: p.suite.name.clone(),
        variants: job.variants,
        cases: &p.cases,
        models: p.models.clone(),
        repeats: job.repeats.max(1),
        recording,
    };
    let mut sender = Sender {
        id: job.id,
        tx: &tx,
        case_index: &job.case_index,
        history: job.history.as_deref().zip(eval_id.as_deref()),
    };
    let mut run = engine::run(&p.session, &exec, plan, &grading, &mut sender).await;
    grade_across_cells(&mut run, &p.cases, &grading, &mut sender).await;
    if let (Some(w), Some(eval)) = (&job.history, &eval_id) {
        w.finish_eval(eval, EvalEnd::of(&run));
        // Written before the end is reported (the History screen opened
        // next lists it); problems show in the status bar
        // (`App::poll_history`).
        let w = w.clone();
        let _ = tokio::task::spawn_blocking(move || w.wait_written()).await;
    }
    sender.send(EvalEvent::Finished {
        interrupted: run.interrupted,
    });
}
