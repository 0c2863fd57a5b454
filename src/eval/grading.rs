//! The `Grading` `pwb eval` uses: a case's assertions graded by the
//! assertion library (`assert::grade_case`), model-graded ones asking the
//! grader on the one runner, javascript/python ones in the suite's script
//! workers; then `select-best`, which compares the answers of a whole
//! case, once every answer is in.

use super::assert;
use super::engine::{Graded, Grading};
use super::grade::{AssertContext, GradingResult};
use super::graded::{RunnerGrader, select_best};
use super::result::{EvalRun, Verdict};
use super::script::Scripts;
use crate::provider::BoxFuture;
use crate::types::Usage;
use crate::workspace::TestCase;

/// Grades with the assertion library, a grader (when the suite has one)
/// and the script workers.
pub struct SuiteGrading<'a> {
    pub grader: Option<RunnerGrader<'a>>,
    pub scripts: Scripts,
}

impl<'a> SuiteGrading<'a> {
    /// Grading for one suite's run: grader calls join run `RUN` on
    /// `runner`; `default` is the suite's grader (an assertion or case may
    /// name its own even when there is none), and script workers start
    /// when a javascript/python assertion first needs one.
    pub fn new(
        session: &'a crate::session::Session,
        runner: &'a crate::run::Runner,
        cache: crate::run::CacheMode,
        default: Option<serde_json::Value>,
    ) -> SuiteGrading<'a> {
        SuiteGrading {
            grader: Some(RunnerGrader::new(
                session,
                runner,
                super::execute::RUN,
                cache,
                default,
            )),
            scripts: Scripts::new(),
        }
    }
}

impl Grading for SuiteGrading<'_> {
    fn grade<'a>(&'a self, case: &'a TestCase, ctx: AssertContext<'a>) -> BoxFuture<'a, Graded> {
        Box::pin(async move {
            let grader = self.grader.as_ref().map(|g| g as &dyn super::Grader);
            let grade = assert::grade_case(case, &ctx, grader, Some(&self.scripts)).await;
            let (grader_usage, grader_cost) = grader_spend(&grade.results);
            Graded {
                grade,
                grader_usage,
                grader_cost,
            }
        })
    }
}

/// What the grader calls of these results (and their members) used; a
/// result's `grader` holds the total of its calls.
pub fn grader_spend(results: &[GradingResult]) -> (Usage, Option<f64>) {
    let mut usage = Usage::default();
    let mut cost: Option<f64> = None;
    for r in results {
        if let Some(a) = &r.grader {
            usage = super::graded::calls::add_usage(&usage, &a.usage);
            if let Some(c) = a.cost {
                cost = Some(cost.unwrap_or(0.0) + c);
            }
        }
        let (u, c) = grader_spend(&r.members);
        usage = super::graded::calls::add_usage(&usage, &u);
        if let Some(c) = c {
            cost = Some(cost.unwrap_or(0.0) + c);
        }
    }
    (usage, cost)
}

/// After the matrix (unless the run was stopped): select-best over each
/// case's answers, telling `progress` of every cell whose grade it
/// changed (the history records those again).
pub async fn grade_across_cells(
    run: &mut EvalRun,
    cases: &[TestCase],
    grading: &SuiteGrading<'_>,
    progress: &mut dyn super::engine::Progress,
) {
    let Some(grader) = &grading.grader else {
        return;
    };
    if run.interrupted {
        return;
    }
    apply_select_best(run, cases, grader).await;
    for cell in &run.cells {
        let compared = cell
            .grade
            .as_ref()
            .is_some_and(|g| g.results.iter().any(|r| r.kind == "select-best"));
        if compared {
            progress.cell_graded(cell);
        }
    }
}

/// Grades the `select-best` assertion of each case, once per (case,
/// repeat) over the answers of every prompt and model, as promptfoo does
/// after its run: the chosen answer passes, the others fail (and so does
/// their case). Cells whose call failed take no part (promptfoo shows
/// the grader an empty answer for them).
pub async fn apply_select_best(run: &mut EvalRun, cases: &[TestCase], grader: &RunnerGrader<'_>) {
    for (ci, case) in cases.iter().enumerate() {
        // promptfoo grades the first select-best of a case only.
        let Some(spec) = case.asserts.iter().find(|a| a.kind == "select-best") else {
            continue;
        };
        let mut spec = spec.clone();
        spec.value = spec
            .value
            .as_ref()
            .map(|v| assert::value::render_value(v, &case.vars));
        let repeats = run.cells.iter().map(|c| c.repeats).max().unwrap_or(1);
        for repeat in 0..repeats {
            let idx: Vec<usize> = run
                .cells
                .iter()
                .enumerate()
                .filter(|(_, c)| c.case == ci && c.repeat == repeat && c.grade.is_some())
                .map(|(i, _)| i)
                .collect();
            if idx.is_empty() {
                continue;
            }
            let outputs: Vec<&str> = idx
                .iter()
                .map(|&i| run.cells[i].outcome.text.as_str())
                .collect();
            let results =
                select_best(&spec, &outputs, &case.vars, case.options.as_ref(), grader).await;
            for (&i, r) in idx.iter().zip(results) {
                add_result(&mut run.cells[i], r);
            }
        }
    }
}

/// Adds an across-cells result to a cell's grade as promptfoo merges it:
/// a failure fails the case and its reason and score become the case's;
/// an error makes the cell an error.
fn add_result(cell: &mut super::CellResult, r: GradingResult) {
    let Some(grade) = cell.grade.as_mut() else {
        return;
    };
    let (u, c) = grader_spend(std::slice::from_ref(&r));
    cell.grader_usage = super::graded::calls::add_usage(&cell.grader_usage, &u);
    if let Some(c) = c {
        cell.grader_cost = Some(cell.grader_cost.unwrap_or(0.0) + c);
    }
    if r.error.is_some() {
        cell.verdict = Verdict::Error;
        grade.pass = false;
        grade.reason = r.reason.clone();
    } else if !r.pass {
        grade.pass = false;
        grade.reason = r.reason.clone();
        grade.score = r.score;
        if cell.verdict == Verdict::Pass {
            cell.verdict = Verdict::Fail;
        }
    }
    grade.results.push(r);
}
