//! How `pwb run` prints: one cell streams to stdout as it answers; several
//! print one block each as they finish (then the agreement of repeated
//! samples); `--json` prints one JSON object per cell as it finishes;
//! `--compare` / `--format` print the whole comparison once all are in.
//! Retries and traces go to stderr in every mode.

use crate::compare::report::{CellOutcome, Comparison};
use crate::provider::Trace;
use crate::provider::types::secs;
use crate::run::plan::into_cells_with;
use crate::run::{CacheMode, PlannedCell, RunEvent, Runner, RunnerConfig};
use crate::usage::{Catalog, Readout};
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
}

fn print_trace(label: &str, trace: Option<Trace>) {
    match trace {
        Some(t) => eprintln!("-- trace {label} --\n{}-- end trace --", t.render()),
        None => eprintln!("-- trace {label}: no request was sent --"),
    }
}

/// Runs the cells and prints as `out` says; returns whether any failed.
pub async fn stream_out(cells: Vec<PlannedCell>, out: &Output) -> bool {
    let n = cells.len();
    let labels: Vec<String> = cells.iter().map(PlannedCell::label).collect();
    let mut outcomes: Vec<CellOutcome> = cells
        .iter()
        .map(|c| CellOutcome {
            model_id: c.endpoint.id.clone(),
            slot: c.slot,
            params: c.request.params.clone(),
            text: String::new(),
            completion: None,
            error: None,
        })
        .collect();
    let runner = Runner::new(tokio::runtime::Handle::current(), out.runner.clone());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    runner.start(into_cells_with(cells, out.cache), tx);
    let mut traces: Vec<Option<Trace>> = vec![None; n];
    let blocks = !out.json && out.report.is_none();
    let live = n == 1 && blocks;
    let mut remaining = n;
    let mut stdout = std::io::stdout();
    while remaining > 0 {
        let Some(ev) = rx.recv().await else { break };
        let cell = ev.cell();
        let Some(o) = outcomes.get_mut(cell) else {
            continue;
        };
        let label = &labels[cell];
        match ev {
            RunEvent::Text { text, .. } => {
                if live {
                    let _ = stdout.write_all(text.as_bytes());
                    let _ = stdout.flush();
                }
                o.text.push_str(&text);
            }
            RunEvent::Trace { trace, .. } => traces[cell] = Some(*trace),
            RunEvent::Finished { completion, .. } => {
                remaining -= 1;
                o.text = completion.text.clone();
                let cached = completion.cached;
                o.completion = Some(completion);
                if out.json {
                    println!("{}", json_line(o, label, &out.catalog));
                } else if blocks {
                    let readout = readout(o, &out.catalog);
                    if live {
                        println!();
                        eprintln!("-- {label} · {readout}");
                    } else {
                        println!("== {label} ==\n{}\n-- {readout}\n", o.text);
                    }
                } else if out.report.is_some() {
                    // The report waits for every cell: say how far it got.
                    eprintln!("[{}/{n}] {label}: done", n - remaining);
                }
                if out.trace && cached {
                    eprintln!("-- trace {label}: answered from the response cache --");
                } else if out.trace {
                    print_trace(label, traces[cell].take());
                }
            }
            RunEvent::Failed { error, .. } => {
                remaining -= 1;
                if out.json {
                    println!(
                        "{}",
                        json!({"model": o.model_id, "label": label, "error": error, "text": o.text})
                    );
                } else if blocks {
                    if live && !o.text.is_empty() {
                        println!();
                    }
                    eprintln!("error: {label}: {error}");
                } else if out.report.is_some() {
                    eprintln!("[{}/{n}] {label}: failed: {error}", n - remaining);
                }
                o.error = Some(error);
                if out.trace {
                    print_trace(label, traces[cell].take());
                }
            }
            RunEvent::Cancelled { .. } => {
                remaining -= 1;
                o.error = Some("cancelled".into());
            }
            RunEvent::Retrying {
                attempt,
                max_retries,
                wait,
                reason,
                ..
            } => {
                // Progress, not a result: stderr, in every output mode.
                eprintln!(
                    "{label}: retry {attempt}/{max_retries} in {}: {reason}",
                    secs(wait)
                );
            }
            RunEvent::Started { .. }
            | RunEvent::Usage { .. }
            | RunEvent::Thinking { .. }
            | RunEvent::Status { .. } => {}
        }
    }
    let failed = outcomes.iter().any(|o| o.completion.is_none());
    let cmp = Comparison::new(&out.title, outcomes, out.schema.as_ref(), &out.catalog);
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

/// The one-line readout of a finished cell.
fn readout(o: &CellOutcome, catalog: &Catalog) -> String {
    let Some(c) = &o.completion else {
        return String::new();
    };
    Readout {
        params: Some(&o.params),
        usage: c.usage,
        time_to_first_token: c.time_to_first_token,
        total_time: Some(c.total_time),
        finish_reason: c.finish_reason.as_ref(),
        cost: catalog.cost(&o.model_id, &c.usage),
        cached: c.cached,
    }
    .line()
}

/// The `--json` line of a finished cell.
fn json_line(o: &CellOutcome, label: &str, catalog: &Catalog) -> Value {
    let Some(c) = &o.completion else {
        return Value::Null;
    };
    json!({
        "model": o.model_id,
        "label": label,
        "sample": o.slot.sample + 1,
        "samples": o.slot.samples,
        "sweep_temperature": o.slot.temperature,
        "text": c.text,
        "thinking": c.thinking,
        "usage": c.usage,
        "finish_reason": c.finish_reason.as_ref().map(|f| f.as_str()),
        "time_to_first_token_ms": c.time_to_first_token.map(|d| d.as_millis() as u64),
        "total_time_ms": c.total_time.as_millis() as u64,
        "params": o.params,
        "cost_usd": catalog.cost(&o.model_id, &c.usage),
        "cached": c.cached,
    })
}
