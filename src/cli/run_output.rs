//! How `pwb run` prints: one cell streams to stdout as it answers; several
//! print one block each, in plan order, as the cells before them are in
//! (then the agreement of repeated samples); `--json` prints one JSON
//! object per cell in plan order; `--compare` / `--format` print the whole
//! comparison once all are in. Retries and traces go to stderr in every
//! mode. Results are read through the session's collector.

use crate::compare::Readout;
use crate::compare::report::{Comparison, attempts_json};
use crate::run::{
    CacheMode, CellOutcome, CellStatus, PlannedCell, RunEvent, Runner, RunnerConfig,
    plan::into_cells_with,
};
use crate::session::Collector;
use crate::session::record::{Recorder, RunContext};
use crate::usage::Catalog;
use serde_json::{Value, json};
use std::io::Write;

/// The formats of the comparison report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    #[value(alias = "markdown")]
    Md,
    Json,
}

/// How results are printed and which cache the run uses.
pub struct Output {
    /// The prompt as the user named it, for report titles.
    pub title: String,
    pub json: bool,
    /// Print the comparison in this format once every cell is done.
    pub report: Option<ReportFormat>,
    /// The prompt's output schema: answers are checked against it.
    pub schema: Option<Value>,
    pub trace: bool,
    pub cache: CacheMode,
    pub catalog: Catalog,
    pub runner: RunnerConfig,
    /// Where each settled call is recorded (the history), if anywhere.
    pub recording: Option<(std::sync::Arc<dyn Recorder>, RunContext)>,
    /// What the prompt's `context:` policy cut, per model (`Session::plan_fitted`).
    pub cuts: Vec<Option<crate::session::context::ContextCut>>,
}

impl Output {
    /// Adds `context` (what the policy cut from this cell's model's
    /// request) to a `--json` line.
    pub fn add_context(&self, line: &mut Value, c: &CellOutcome) {
        if let Some(Some(cut)) = self.cuts.get(c.slot.model) {
            line["context"] = json!(cut);
        }
    }
}

/// Runs the cells and prints as `out` says; returns whether any failed.
pub async fn stream_out(cells: Vec<PlannedCell>, out: &Output) -> bool {
    let n = cells.len();
    let mut results = Collector::new(1, &cells, out.schema.clone());
    if let Some((recorder, context)) = &out.recording {
        results = results.record(recorder.clone(), context.clone(), &cells, &out.catalog);
    }
    let runner = Runner::new(tokio::runtime::Handle::current(), out.runner.clone());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    runner.start_as(1, into_cells_with(cells, out.cache), tx);
    let blocks = !out.json && out.report.is_none();
    let live = n == 1 && blocks;
    // Cells before this one have been printed.
    let mut printed = 0;
    let mut stdout = std::io::stdout();
    while results.is_running() {
        let Some(ev) = rx.recv().await else { break };
        if let RunEvent::Text { text, .. } = &ev
            && live
        {
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
        }
        if let RunEvent::Retrying {
            attempt,
            max_retries,
            wait,
            reason,
            cell,
            ..
        } = &ev
            && let Some(c) = results.cells.get(*cell)
        {
            // Progress, not a result: stderr, in every output mode.
            eprintln!(
                "{}: retry {attempt}/{max_retries} in {}: {reason}",
                c.label(),
                crate::provider::types::secs(*wait)
            );
        }
        let terminal = ev.is_terminal();
        let Some(i) = results.apply(ev) else { continue };
        if !terminal {
            continue;
        }
        if out.report.is_some() {
            // The report waits for every cell: say how far it got.
            let c = &results.cells[i];
            let done = n - results.tally().running;
            match c.error() {
                Some(e) => eprintln!("[{done}/{n}] {}: failed: {e}", c.label()),
                None => eprintln!("[{done}/{n}] {}: done", c.label()),
            }
        }
        while printed < n && results.cells[printed].is_settled() {
            print_cell(&results.cells[printed], out, live, blocks);
            printed += 1;
        }
    }
    let failed = results.cells.iter().any(|c| c.status != CellStatus::Done);
    let cmp = Comparison::new(&out.title, results.cells, out.schema.as_ref(), &out.catalog);
    match out.report {
        Some(ReportFormat::Text) => print!("{}", cmp.to_text()),
        Some(ReportFormat::Md) => print!("{}", cmp.to_markdown()),
        Some(ReportFormat::Json) => println!(
            "{}",
            serde_json::to_string_pretty(&cmp.to_json()).unwrap_or_default()
        ),
        None if blocks => {
            for g in cmp.groups.iter().filter(|g| g.cells.len() > 1) {
                println!(
                    "-- agreement {} ({} samples): {}",
                    cmp.group_label(g),
                    g.cells.len(),
                    g.agreement.line()
                );
            }
        }
        None => {}
    }
    failed
}

/// Prints a settled cell the way `out` says.
fn print_cell(c: &CellOutcome, out: &Output, live: bool, blocks: bool) {
    let label = c.label();
    let readout = Readout::new(c, out.catalog.lookup(&c.model.to_string()));
    if out.json {
        let mut line = json_line(c, &readout);
        out.add_context(&mut line, c);
        println!("{line}");
    } else if blocks {
        match c.error() {
            None if live => {
                println!();
                eprintln!("-- {label} · {}", readout.line());
            }
            None => println!("== {label} ==\n{}\n-- {}\n", c.text, readout.line()),
            Some(e) => {
                if live && !c.text.is_empty() {
                    println!();
                }
                eprintln!("error: {label}: {e}");
            }
        }
    }
    if out.trace {
        print_traces(c, &label);
    }
}

/// Every attempt's trace on stderr (a cached answer has none).
pub fn print_traces(c: &CellOutcome, label: &str) {
    if c.cached {
        eprintln!("-- trace {label}: answered from the response cache --");
        return;
    }
    let traces: Vec<_> = c.attempts.iter().filter_map(|a| a.trace.as_ref()).collect();
    if traces.is_empty() {
        eprintln!("-- trace {label}: no request was sent --");
    }
    let n = traces.len();
    for (i, t) in traces.into_iter().enumerate() {
        let which = if n > 1 {
            format!(" (attempt {}/{n})", i + 1)
        } else {
            String::new()
        };
        eprintln!("-- trace {label}{which} --\n{}-- end trace --", t.render());
    }
}

/// The `--json` line of a settled cell.
pub fn json_line(c: &CellOutcome, readout: &Readout) -> Value {
    let ms = |d: Option<std::time::Duration>| d.map(|d| d.as_millis() as u64);
    let mut line = json!({
        "model": c.model,
        "label": c.label(),
        "sample": c.slot.sample + 1,
        "samples": c.slot.samples,
        "sweep_temperature": c.slot.temperature,
        "text": c.text,
        "params": c.params,
        "wall_time_ms": ms(c.wall_time),
        "attempts": attempts_json(c),
    });
    match c.error() {
        Some(e) => line["error"] = json!(e),
        None => {
            let more = json!({
                "thinking": c.thinking,
                "tool_calls": c.tool_calls,
                "usage": c.usage,
                "finish_reason": c.finish_reason.as_ref().map(|f| f.as_str()),
                "time_to_first_token_ms": ms(c.time_to_first_token),
                "total_time_ms": ms(c.total_time),
                "cost_usd": readout.cost(),
                "cached": c.cached,
            });
            if let (Value::Object(l), Value::Object(m)) = (&mut line, more) {
                l.extend(m);
            }
        }
    }
    line
}
