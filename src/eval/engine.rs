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
    /// A cell was graded (or failed); `done` of `total` so far.
    fn cell_done(&mut self, run: &Tally, total: usize);
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
    let messages: Vec<Arc<Vec<Message>>> = entries
        .iter()
        .map(|e| Arc::new(e.messages.clone()))
        .collect();
    let total = entries.len();
    let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
    let catalog = exec.catalog;
    let messages_for_jobs = &messages;
    let (keys_for_jobs, recording) = (&keys, plan.recording.as_ref());
    let on_settled = move |index: usize, outcome: &CellOutcome| {
        let cost = Readout::new(outcome, catalog.lookup(&outcome.model.to_string())).cost();
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
            outcome: outcome.clone(),
            messages: messages_for_jobs[index].clone(),
            cost,
            call_id,
        });
    };
    let mut graded: Vec<Option<GradedCell>> = vec![None; total];
    let mut tally = Tally::default();
    let grading_loop = async {
        let mut pending = FuturesUnordered::new();
        let mut open = true;
        while open || !pending.is_empty() {
            tokio::select! {
                job = rx.recv(), if open => match job {
                    Some(job) => pending.push(grade_job(job, plan.cases, &keys, grading)),
                    None => open = false,
                },
                Some((index, cost, call_id, result)) = pending.next(), if !pending.is_empty() => {
                    let verdict = verdict_of(&result);
                    match verdict {
                        Verdict::Pass => tally.passed += 1,
                        Verdict::Fail => tally.failed += 1,
                        Verdict::Error => tally.errors += 1,
                    }
                    tally.cost += cost.unwrap_or(0.0)
                        + result.as_ref().and_then(|g| g.grader_cost).unwrap_or(0.0);
                    graded[index] = Some(GradedCell { result, verdict, cost, call_id });
                    progress.cell_done(&tally, total);
                }
            }
        }
    };
    // `on_settled` owns the sender: when the run ends it is dropped and
    // the grading loop sees the end of the jobs.
    let execution = exec.run(entries, on_settled);
    let (done, ()) = tokio::join!(execution, grading_loop);
    gather(plan, keys, messages, done, graded, repeats, started)
}

/// A settled cell's grade (none for a failed call), verdict and cost.
#[derive(Debug, Clone)]
struct GradedCell {
    result: Option<Graded>,
    verdict: Verdict,
    cost: Option<f64>,
    call_id: Option<CallId>,
}

/// Grades one job; a failed call has no answer to grade.
async fn grade_job<'a>(
    job: Job,
    cases: &'a [TestCase],
    keys: &'a [matrix::CellKey],
    grading: &'a dyn Grading,
) -> (usize, Option<f64>, Option<CallId>, Option<Graded>) {
    if job.outcome.status != CellStatus::Done {
        return (job.index, job.cost, job.call_id, None);
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
    (job.index, job.cost, job.call_id, Some(graded))
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

/// The cells that started, graded, in plan order.
fn gather(
    plan: Plan<'_>,
    keys: Vec<matrix::CellKey>,
    messages: Vec<Arc<Vec<Message>>>,
    done: Executed,
    mut graded: Vec<Option<GradedCell>>,
    repeats: u32,
    started: Instant,
) -> EvalRun {
    let mut cells = Vec::new();
    for (i, outcome) in done.results.cells.into_iter().enumerate() {
        if !done.started[i] {
            continue;
        }
        let key = keys[i];
        let case = &plan.cases[key.case];
        let GradedCell {
            result,
            verdict,
            cost,
            call_id,
        } = graded[i].take().unwrap_or(GradedCell {
            result: None,
            verdict: Verdict::Error,
            cost: None,
            call_id: None,
        });
        let (grade, grader_usage, grader_cost) = match result {
            Some(g) => (Some(g.grade), g.grader_usage, g.grader_cost),
            None => (None, Usage::default(), None),
        };
        cells.push(CellResult {
            prompt: plan.variants[key.variant].label().to_string(),
            model: outcome.name.clone(),
            model_id: outcome.model.clone(),
            // The case's place among the suite's cases (a suite of several
            // files numbers its cases through).
            case: key.case,
            description: case.description.clone(),
            vars: case.vars.clone(),
            repeat: key.repeat,
            repeats,
            messages: messages[i].as_ref().clone(),
            outcome,
            cost,
            grade,
            verdict,
            grader_usage,
            grader_cost,
            call_id,
        });
    }
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
