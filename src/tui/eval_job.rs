//! Running a suite for the Tests screen off the UI thread, with the same
//! engine and grading as `pwb eval` (`eval::engine::run`, `SuiteGrading`,
//! select-best once every answer is in). Each graded cell is sent back to
//! `App::update` as an `Action::Eval`, then the end of the run.

use super::action::Action;
use crate::eval::CellResult;
use crate::eval::engine::{self, Plan, Progress, Tally};
use crate::eval::execute::Execution;
use crate::eval::grading::{SuiteGrading, grade_across_cells};
use crate::eval::matrix::Variant;
use crate::eval::setup::Prepared;
use crate::run::{CacheMode, Runner};
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
    let plan = Plan {
        suite: p.suite.name.clone(),
        variants: job.variants,
        cases: &p.cases,
        models: p.models.clone(),
        repeats: job.repeats.max(1),
        recording: None,
    };
    let mut sender = Sender {
        id: job.id,
        tx: &tx,
        case_index: &job.case_index,
    };
    let mut run = engine::run(&p.session, &exec, plan, &grading, &mut sender).await;
    grade_across_cells(&mut run, &p.cases, &grading, &mut sender).await;
    sender.send(EvalEvent::Finished {
        interrupted: run.interrupted,
    });
}
