//! `pwb eval [TARGET]`: runs test suites (a workspace's `tests/*.yaml`, one
//! test file, or a promptfoo config) as a matrix of prompts × models ×
//! cases × repeats through the session and the one runner, grades every
//! answer with promptfoo's semantics, prints a summary, writes reports and
//! exits 0 (all passed), 100 (failures), 1 (config or usage error) or 130
//! (Ctrl-C; what finished is still printed and written). `--baseline`
//! compares with an earlier eval (`eval_baseline` finds it before any call).

use super::eval_baseline;
use super::eval_progress::EvalProgress;
use super::eval_setup::{self, Prepared};
use crate::eval::baseline::{self, compare};
use crate::eval::engine::{self, Plan, Progress, Tally};
use crate::eval::execute::Execution;
use crate::eval::grading::{SuiteGrading, grade_across_cells};
use crate::eval::report::{self, exit_code, parse_rate};
use crate::eval::{CellResult as EvalCell, EvalRun, suite};
use crate::run::variants::parse_repeat;
use crate::run::{CacheMode, Runner};
use crate::store::HistoryWriter;
use crate::store::evals::{EvalEnd, EvalStart, GradeRecord};
use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// A workspace folder (all its suites), a suite (`tests/NAME.yaml`), or
    /// a promptfoo config (any YAML with top-level `prompts` or
    /// `providers`). Default: the current folder.
    pub target: Option<PathBuf>,
    /// Only these prompts (repeatable; a prompt's name or label).
    #[arg(long = "prompt", short = 'p', value_name = "NAME")]
    pub prompts: Vec<String>,
    /// Models to run (repeatable): `provider:model` or a pwb.toml label.
    /// Default: a promptfoo config's providers, else pwb.toml's selected.
    #[arg(long = "model", short = 'm', value_name = "ID")]
    pub models: Vec<String>,
    /// Only cases whose description matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub filter: Option<String>,
    /// Only the cases that failed or errored in an earlier results file
    /// (pwb's .json/.jsonl or promptfoo's -o out.json).
    #[arg(long, value_name = "FILE")]
    pub filter_failing: Option<PathBuf>,
    /// Run each case K times: pass rates per case, pass^K, pass@K, flaky.
    #[arg(long, value_name = "K")]
    pub repeat: Option<String>,
    /// Calls in flight at most (default: [runner] max_parallel).
    #[arg(short = 'j', long = "max-concurrency", value_name = "N")]
    pub concurrency: Option<usize>,
    /// Do not read or write the response cache (on by default for eval,
    /// as in promptfoo).
    #[arg(long)]
    pub no_cache: bool,
    /// The model that grades model-graded assertions (llm-rubric, ...):
    /// `provider:model` or a pwb.toml label.
    #[arg(long, value_name = "ID")]
    pub grader: Option<String>,
    /// Start no new call once this much (USD) is spent; exit 100.
    #[arg(long, value_name = "USD")]
    pub max_cost: Option<f64>,
    /// Write the results; the format follows the extension: .json,
    /// .jsonl, .xml (JUnit), .md, .csv. Repeatable.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Exit 100 only when the pass rate is below RATE (`0.9` or `90%`).
    #[arg(long, value_name = "RATE")]
    pub fail_under: Option<String>,
    /// Print the calls, tokens and cost range per model, and call nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Compare case by case with an earlier eval: a recorded eval's id
    /// (prefix), `last` (the suite's last finished eval), `blessed` (its
    /// --bless'ed baseline), or a results file from `-o FILE.json`.
    #[arg(long, value_name = "REF")]
    pub baseline: Option<String>,
    /// Exit 100 when a case regressed against --baseline, whatever
    /// --fail-under says.
    #[arg(long)]
    pub fail_on_regression: bool,
    /// With repeats, a case regresses when a one-sided Fisher exact test
    /// gives p ≤ ALPHA (default 0.05).
    #[arg(long, value_name = "ALPHA")]
    pub regression_alpha: Option<f64>,
    /// Make this run its suite's baseline (`--baseline blessed`).
    #[arg(long)]
    pub bless: bool,
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let repeats = match args.repeat.as_deref().map(parse_repeat).transpose() {
        Ok(k) => k.unwrap_or(1),
        Err(e) => return Ok(usage_error(&format!("--repeat: {e}"))),
    };
    let fail_under = match args.fail_under.as_deref().map(parse_rate).transpose() {
        Ok(r) => r,
        Err(e) => return Ok(usage_error(&format!("--fail-under: {e}"))),
    };
    let alpha = match eval_baseline::alpha(&args) {
        Ok(a) => a,
        Err(e) => return Ok(usage_error(&e)),
    };
    if args.fail_on_regression && args.baseline.is_none() {
        return Ok(usage_error("--fail-on-regression needs --baseline REF"));
    }
    if args.concurrency == Some(0) {
        return Ok(usage_error("-j: at least 1 call must be allowed in flight"));
    }
    if args.max_cost.is_some_and(|c| c.is_nan() || c < 0.0) {
        return Ok(usage_error(
            "--max-cost: expected an amount in USD, 0 or more",
        ));
    }
    // An unknown report format is refused before any call.
    for path in &args.output {
        if let Err(e) = report::Format::from_path(path) {
            eprintln!("error: {e}");
            return Ok(ExitCode::FAILURE);
        }
    }
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let target = args.target.clone().unwrap_or_else(|| PathBuf::from("."));
    let suites = match suite::load(&target, &cwd) {
        Ok(s) => s,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            eprintln!("error: the suite has errors; nothing was run (pwb check lists them)");
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut prepared = Vec::new();
    for s in suites {
        for w in &s.warnings {
            eprintln!("{w}");
        }
        match eval_setup::prepare(s, &args, &cwd) {
            Ok(Some(p)) => prepared.push(p),
            Ok(None) => {}
            Err(message) => {
                eprintln!("error: {message}");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    if prepared.is_empty() {
        if args.filter.is_some() || args.filter_failing.is_some() {
            // promptfoo runs nothing and passes, too.
            eprintln!("no case matches the filters: nothing to run");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("error: no suite to run at {}", target.display());
        eprintln!(
            "hint: a workspace's suites are tests/*.yaml and name their prompt; --prompt may have left none"
        );
        return Ok(ExitCode::FAILURE);
    }
    if args.dry_run {
        print!("{}", super::eval_dry_run::report(&prepared, repeats));
        return Ok(ExitCode::SUCCESS);
    }
    // The baseline is read, and --bless's history opened, before any call.
    let baseline = match args.baseline.as_deref() {
        Some(r) => match eval_baseline::resolve(r, &prepared, &cwd) {
            Ok(b) => Some(b),
            Err(e) => return Ok(usage_error(&e)),
        },
        None => None,
    };
    if args.bless
        && let Err(e) = eval_baseline::check_history(&prepared)
    {
        return Ok(usage_error(&e));
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let interrupt = CancellationToken::new();
    let runs = runtime.block_on(async {
        let stop = interrupt.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!(
                    "\nstopping: calls in flight are cancelled; what finished is reported (Ctrl-C again to quit at once)"
                );
                stop.cancel();
            }
            // A second Ctrl-C does not wait for the report.
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(i32::from(report::EXIT_INTERRUPTED));
            }
        });
        let mut runs: Vec<EvalRun> = Vec::new();
        let mut recorded = Vec::new();
        for p in &prepared {
            if interrupt.is_cancelled() || runs.iter().any(|r| r.stopped_at_cost.is_some()) {
                break;
            }
            // One --max-cost for the whole eval: later suites get what is left.
            let budget = args.max_cost.map(|m| (m - spent(&runs)).max(0.0));
            let (run, eval_id) = run_suite(p, &args, repeats, budget, interrupt.clone()).await;
            runs.push(run);
            recorded.push(eval_id);
        }
        (runs, recorded)
    });
    let (runs, recorded) = runs;
    let mut stdout = String::new();
    for r in &runs {
        stdout.push_str(&report::summary(r));
        stdout.push('\n');
    }
    let bless = args.bless
        && !runs
            .iter()
            .any(|r| r.interrupted || r.stopped_at_cost.is_some());
    let all = merge(runs);
    let comparison = baseline.map(|b| compare(&b, &all, alpha));
    if let Some(c) = &comparison {
        stdout.push_str(&baseline::text(c));
    }
    print!("{stdout}");
    let mut code = exit_code(&all, fail_under);
    if args.fail_on_regression
        && code != report::EXIT_INTERRUPTED
        && comparison.as_ref().is_some_and(|c| c.has_regression())
    {
        code = report::EXIT_FAILED;
    }
    if args.bless && !bless {
        eprintln!("error: --bless: not blessed, the eval did not run to the end");
        code = code.max(1);
    }
    for (p, eval) in prepared.iter().zip(&recorded).filter(|_| bless) {
        let said = match eval {
            Some(eval) => eval_baseline::bless(p, eval),
            None => Err("--bless: the eval could not be recorded".into()),
        };
        match said {
            Ok(s) => eprintln!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                code = code.max(1);
            }
        }
    }
    for path in &args.output {
        match baseline::write(&all, comparison.as_ref(), path) {
            Ok(format) => eprintln!("wrote {} ({})", path.display(), format.name()),
            Err(e) => {
                eprintln!("error: {e}");
                code = code.max(1);
            }
        }
    }
    Ok(ExitCode::from(code))
}

/// Runs one prepared suite on its own runner, records it, grades
/// select-best once every answer is in.
async fn run_suite(
    p: &Prepared,
    args: &EvalArgs,
    repeats: u32,
    max_cost: Option<f64>,
    interrupt: CancellationToken,
) -> (EvalRun, Option<String>) {
    let runner = Runner::new(tokio::runtime::Handle::current(), p.runner.clone());
    let cache = if args.no_cache {
        CacheMode::Off
    } else {
        CacheMode::ReadWrite
    };
    let grading = SuiteGrading::new(&p.session, &runner, cache, p.grader.clone());
    let exec = Execution {
        runner: &runner,
        cache,
        concurrency: p.runner.max_parallel,
        max_cost,
        catalog: &p.session.catalog,
        interrupt,
    };
    let variants = p.variants();
    let total = variants.len() * p.cases.len() * p.models.len() * repeats as usize;
    let eval_id = p.history.as_ref().map(|w| {
        w.begin_eval(EvalStart {
            workspace: p.session.ws.root.clone(),
            suite: p.suite.name.clone(),
            prompts: variants.iter().map(|v| v.label().to_string()).collect(),
            models: p.models.iter().map(|m| m.model.name.clone()).collect(),
            face: crate::session::record::Face::Eval,
        })
    });
    let plan = Plan {
        suite: p.suite.name.clone(),
        variants,
        cases: &p.cases,
        models: p.models.clone(),
        repeats,
        recording: p.recording(),
    };
    let history = p.history.as_deref().zip(eval_id.as_deref());
    let mut progress = Recording {
        bar: EvalProgress::new(total),
        history,
    };
    let mut run = engine::run(&p.session, &exec, plan, &grading, &mut progress).await;
    progress.bar.finish();
    grade_across_cells(&mut run, &p.cases, &grading, &mut progress).await;
    let mut recorded = None;
    if let (Some(w), Some(eval)) = (&p.history, &eval_id) {
        w.finish_eval(eval, EvalEnd::of(&run));
        match w.flush() {
            Some(problem) => eprintln!("warning: {problem}"),
            None => {
                eprintln!("recorded as eval {eval} (pwb history)");
                recorded = Some(eval.clone());
            }
        }
    }
    (run, recorded)
}

/// The progress bar, and each grade recorded as it comes in (so an eval
/// killed midway keeps every grade it reported).
struct Recording<'a> {
    bar: EvalProgress,
    /// The writer and the eval's id.
    history: Option<(&'a HistoryWriter, &'a str)>,
}

impl Progress for Recording<'_> {
    fn cell_done(&mut self, tally: &Tally, total: usize) {
        // A plain progress line tells a log these cells are done: what it
        // counts is committed first, so a kill -9 right after the line
        // loses none of it. (Once per 10%; the terminal bar does not wait.)
        if let Some((w, _)) = self.history
            && self.bar.prints_line(tally.done(), total)
        {
            w.wait_written();
        }
        self.bar.cell_done(tally, total);
    }

    fn cell_graded(&mut self, cell: &EvalCell) {
        if let (Some((w, eval)), Some(call)) = (self.history, &cell.call_id) {
            w.record_grade(eval, call, GradeRecord::of(cell));
        }
    }
}

/// USD spent by these runs, graders included, as far as prices are known.
fn spent(runs: &[EvalRun]) -> f64 {
    runs.iter()
        .flat_map(|r| &r.cells)
        .map(|c| c.cost.unwrap_or(0.0) + c.grader_cost.unwrap_or(0.0))
        .sum()
}

/// Several suites' runs as one, for the output files and the exit code.
fn merge(mut runs: Vec<EvalRun>) -> EvalRun {
    if runs.len() == 1 {
        return runs.remove(0);
    }
    let mut all = EvalRun::default();
    let names: Vec<String> = runs.iter().map(|r| r.suite.clone()).collect();
    all.suite = names.join(", ");
    for r in runs {
        for p in r.prompts {
            if !all.prompts.contains(&p) {
                all.prompts.push(p);
            }
        }
        for m in r.models {
            if !all.models.contains(&m) {
                all.models.push(m);
            }
        }
        all.cells.extend(r.cells);
        all.wall_time += r.wall_time;
        all.interrupted |= r.interrupted;
        all.stopped_at_cost = all.stopped_at_cost.or(r.stopped_at_cost);
    }
    all
}

/// A bad flag value: said on stderr, exit status 1 (pwb eval's usage and
/// config errors are all 1, as promptfoo's).
fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::FAILURE
}
