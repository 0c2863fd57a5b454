//! The eval engine: plans the matrix, runs it (`execute`) and grades each
//! cell as it settles, concurrently with the calls still running, then
//! gathers everything into an `EvalRun` in plan order. What grading means
//! is behind `Grading` (the assertion library); progress is reported to a
//! `Progress` sink as cells settle and grades come in.

use super::execute::{Executed, Execution};
use super::grade::{AssertContext, CaseGrade};
use super::matrix::{self, Variant};
use super::result::{CellResult, EvalRun, Verdict};
use crate::compare::Readout;
use crate::provider::BoxFuture;
use crate::run::{CellOutcome, CellStatus};
use crate::session::record::{CallId, Recorder, RunContext, SettledCall};
use crate::session::{ModelPick, Session};
use crate::types::{Message, Usage};
use crate::workspace::TestCase;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

/// Grades one answer against its case's assertions.
pub trait Grading: Send + Sync {
    fn grade<'a>(&'a self, case: &'a TestCase, ctx: AssertContext<'a>) -> BoxFuture<'a, Graded>;
}

/// A case's grade and what grading itself used (model-graded assertions).
#[derive(Debug, Clone)]
pub struct Graded {
    pub grade: CaseGrade,
    pub grader_usage: Usage,
    pub grader_cost: Option<f64>,
}

/// Told how the eval goes, for a progress bar or log.
pub trait Progress: Send {
    /// A cell was graded (or failed); `done` of `total` so far. Called
    /// after `cell_graded` of the same cell.
    fn cell_done(&mut self, run: &Tally, total: usize);
    /// The cell just graded, in full (the history records its grade at
    /// once, so an eval killed midway keeps what it reported done).
    fn cell_graded(&mut self, _cell: &CellResult) {}
}

/// Counts so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    /// USD of the calls and of their grading, as far as prices are known.
    pub cost: f64,
}

impl Tally {
    pub fn done(&self) -> usize {
        self.passed + self.failed + self.errors
    }
}

/// What to run.
pub struct Plan<'a> {
    pub suite: String,
    pub variants: Vec<Box<dyn Variant>>,
    pub cases: &'a [TestCase],
    pub models: Vec<ModelPick>,
    pub repeats: u32,
    /// Where each settled call is recorded (the history), if anywhere.
    pub recording: Option<EvalRecording>,
}

/// Recording an eval's calls: the recorder and, per variant, what made
/// the requests.
pub struct EvalRecording {
    pub recorder: Arc<dyn Recorder>,
    /// One per variant, in the plan's order.
    pub contexts: Vec<RunContext>,
}

/// One settled cell waiting for its grade.
struct Job {
    index: usize,
    outcome: CellOutcome,
    messages: Arc<Vec<Message>>,
    cost: Option<f64>,
    call_id: Option<CallId>,
}

/// Runs `plan` through `exec`, grading with `grading`.
pub async fn run(
    session: &Session,
    exec: &Execution<'_>,
    plan: Plan<'_>,
    grading: &dyn Grading,
    progress: &mut dyn Progress,
) -> EvalRun {
    let started = Instant::now();
    let repeats = plan.repeats.max(1);
    let entries = matrix::plan(session, &plan.variants, plan.cases, &plan.models, repeats);
    let keys: Vec<_> = entries.iter().map(|e| e.key).collect();
    let cuts: Vec<_> = entries.iter().map(|e| e.cut.clone()).collect();
    let messages: Vec<Arc<Vec<Message>>> = entries
        .iter()
        .map(|e| Arc::new(e.messages.clone()))
        .collect();
    let total = entries.len();
    let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
    let catalog = exec.catalog;
    let messages_for_jobs = &messages;
    let (keys_for_jobs, recording) = (&keys, plan.recording.as_ref());
    let on_settled = move |index: usize, settled: &mut CellOutcome| {
        // The engine keeps the outcome (in the cell's result); the
        // execution's collector keeps a placeholder.
        let blank = CellOutcome::new(
            settled.name.clone(),
            settled.model.clone(),
            Default::default(),
        );
        let outcome = std::mem::replace(settled, blank);
        let cost = Readout::new(&outcome, catalog.lookup(&outcome.model.to_string())).cost();
        let call_id = recording.and_then(|r| {
            let context = r.contexts.get(keys_for_jobs[index].variant)?.clone();
            r.recorder.record(SettledCall {
                context,
                messages: messages_for_jobs[index].as_ref().clone(),
                outcome: outcome.clone(),
                cost,
            })
        });
        let _ = tx.send(Job {
            index,
            outcome,
            messages: messages_for_jobs[index].clone(),
            cost,
            call_id,
        });
    };
    let mut finished: Vec<Option<CellResult>> = vec![None; total];
    let mut tally = Tally::default();
    let (plan_ref, keys_ref) = (&plan, &keys);
    let grading_loop = async {
        let mut pending = FuturesUnordered::new();
        let mut open = true;
        while open || !pending.is_empty() {
            tokio::select! {
                job = rx.recv(), if open => match job {
                    Some(job) => pending.push(grade_job(job, plan_ref.cases, keys_ref, grading)),
                    None => open = false,
                },
                Some((job, result)) = pending.next(), if !pending.is_empty() => {
                    let index = job.index;
                    let mut cell = cell_result(plan_ref, keys_ref[index], job, result, repeats);
                    cell.context = cuts[index].clone();
                    match cell.verdict {
                        Verdict::Pass => tally.passed += 1,
                        Verdict::Fail => tally.failed += 1,
                        Verdict::Error => tally.errors += 1,
                    }
                    tally.cost += cell.cost.unwrap_or(0.0) + cell.grader_cost.unwrap_or(0.0);
                    // Recorded before it is reported done.
                    progress.cell_graded(&cell);
                    progress.cell_done(&tally, total);
                    finished[index] = Some(cell);
                }
            }
        }
    };
    // `on_settled` owns the sender: when the run ends it is dropped and
    // the grading loop sees the end of the jobs.
    let execution = exec.run(entries, on_settled);
    let (done, ()) = tokio::join!(execution, grading_loop);
    gather(plan, finished, done, started)
}

/// Grades one job; a failed call has no answer to grade.
async fn grade_job<'a>(
    job: Job,
    cases: &'a [TestCase],
    keys: &'a [matrix::CellKey],
    grading: &'a dyn Grading,
) -> (Job, Option<Graded>) {
    if job.outcome.status != CellStatus::Done {
        return (job, None);
    }
    let case = &cases[keys[job.index].case];
    let ctx = AssertContext {
        output: &job.outcome.text,
        vars: &case.vars,
        messages: &job.messages,
        cell: &job.outcome,
        cost: job.cost,
    };
    let graded = grading.grade(case, ctx).await;
    (job, Some(graded))
}

/// Pass, fail, or error: a call that failed, or an assertion that could
/// not be evaluated, is an error, counted apart from failures.
fn verdict_of(graded: &Option<Graded>) -> Verdict {
    match graded {
        None => Verdict::Error,
        Some(g) if g.grade.results.iter().any(has_error) => Verdict::Error,
        Some(g) if g.grade.pass => Verdict::Pass,
        Some(_) => Verdict::Fail,
    }
}

fn has_error(r: &super::grade::GradingResult) -> bool {
    r.error.is_some() || r.members.iter().any(has_error)
}

/// One settled, graded cell of the matrix.
fn cell_result(
    plan: &Plan<'_>,
    key: matrix::CellKey,
    job: Job,
    result: Option<Graded>,
    repeats: u32,
) -> CellResult {
    let verdict = verdict_of(&result);
    let case = &plan.cases[key.case];
    let (grade, grader_usage, grader_cost) = match result {
        Some(g) => (Some(g.grade), g.grader_usage, g.grader_cost),
        None => (None, Usage::default(), None),
    };
    CellResult {
        prompt: plan.variants[key.variant].label().to_string(),
        model: job.outcome.name.clone(),
        model_id: job.outcome.model.clone(),
        // The case's place among the suite's cases (a suite of several
        // files numbers its cases through).
        case: key.case,
        description: case.description.clone(),
        vars: case.vars.clone(),
        repeat: key.repeat,
        repeats,
        messages: job.messages.as_ref().clone(),
        outcome: job.outcome,
        cost: job.cost,
        grade,
        verdict,
        grader_usage,
        grader_cost,
        call_id: job.call_id,
        context: None,
    }
}

/// The cells that started, graded, in plan order. (Every started cell
/// settles before the run ends, so each has its result.)
fn gather(
    plan: Plan<'_>,
    finished: Vec<Option<CellResult>>,
    done: Executed,
    started: Instant,
) -> EvalRun {
    let cells = finished
        .into_iter()
        .zip(&done.started)
        .filter(|(_, s)| **s)
        .filter_map(|(c, _)| c)
        .collect();
    EvalRun {
        suite: plan.suite,
        prompts: plan
            .variants
            .iter()
            .map(|v| v.label().to_string())
            .collect(),
        models: plan.models.iter().map(|m| m.model.name.clone()).collect(),
        cells,
        wall_time: started.elapsed(),
        interrupted: done.interrupted,
        stopped_at_cost: done.stopped_at_cost,
    }
}
