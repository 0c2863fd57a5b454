//! `pwb run` for a prompt with tools: each cell is an agent loop
//! (`session::agent`). A tool call with a mock result in `tools/mocks/`
//! is answered and the conversation goes on, up to `--max-steps`; without
//! one the run stops at the call (exit 0). Each step prints as it settles:
//! text mode as `tool call: NAME {args}` lines, `--json` one object per
//! step with its tool calls (parsed arguments, validity, result).

use super::run_output::{Output, json_line, print_traces};
use crate::compare::Readout;
use crate::run::PlannedCell;
use crate::run::{RunEvent, Runner};
use crate::session::agent::{AgentEnd, AgentLoop, AgentStep, CheckedCall, run_to_end};
use crate::workspace::ToolMock;
use serde_json::{Value, json};
use std::io::Write;

/// Runs each cell's loop in plan order; returns whether any went wrong
/// (a failed call, a malformed tool call, the step limit).
pub async fn run_with_tools(
    cells: Vec<PlannedCell>,
    out: &Output,
    mocks: &[ToolMock],
    max_steps: u32,
) -> bool {
    let runner = Runner::new(tokio::runtime::Handle::current(), out.runner.clone());
    let mut failed = false;
    for cell in cells {
        let label = cell.label();
        let mut agent = AgentLoop::new(cell, mocks.to_vec(), max_steps);
        let mut stdout = std::io::stdout();
        let end = run_to_end(
            &mut agent,
            &runner,
            out.cache,
            out.recording.as_ref().map(|(r, c)| (r, c, &out.catalog)),
            |ev| {
                if let RunEvent::Retrying { reason, .. } = ev {
                    eprintln!("{label}: retrying: {reason}");
                }
            },
            |step| {
                if out.json {
                    println!("{}", step_json(step, out));
                } else {
                    print_step(step, &label, out);
                }
                if out.trace {
                    print_traces(&step.outcome, &format!("{label} step {}", step.number));
                }
                let _ = stdout.flush();
            },
        )
        .await;
        let (ok, note) = match &end {
            AgentEnd::Answered => (true, None),
            AgentEnd::NeedsResult => (
                true,
                Some(
                    "stopped at the tool call: no mock result for it (add one to \
                     tools/mocks/*.yaml to go on)"
                        .to_string(),
                ),
            ),
            AgentEnd::InvalidCall => (
                false,
                Some("stopped: the model made an invalid tool call".into()),
            ),
            AgentEnd::StepLimit(n) => (
                false,
                Some(format!(
                    "stopped: step limit reached ({n} model calls) with tool calls still to answer \
                     (raise --max-steps)"
                )),
            ),
            AgentEnd::Failed(_) => (false, None),
        };
        if out.json {
            println!(
                "{}",
                json!({"label": label, "end": end_name(&end), "steps": agent.steps.len(), "note": note})
            );
        } else if let Some(note) = note {
            eprintln!("{label}: {note}");
        }
        failed |= !ok;
    }
    failed
}

fn end_name(end: &AgentEnd) -> &'static str {
    match end {
        AgentEnd::Answered => "answered",
        AgentEnd::NeedsResult => "tool_call",
        AgentEnd::InvalidCall => "invalid_tool_call",
        AgentEnd::StepLimit(_) => "step_limit",
        AgentEnd::Failed(_) => "failed",
    }
}

/// `tool call: NAME {args}`, with what is wrong with it, if anything.
pub fn call_line(c: &CheckedCall) -> String {
    let args = match &c.call.input {
        Some(v) => v.to_string(),
        None => c.call.arguments.clone(),
    };
    let mut line = format!("tool call: {} {args}", c.call.name);
    if !c.problems.is_empty() {
        line.push_str(&format!(" (invalid: {})", c.problems.join("; ")));
    }
    line
}

fn print_step(step: &AgentStep, label: &str, out: &Output) {
    let o = &step.outcome;
    println!("== {label} · step {} ==", step.number);
    if let Some(e) = o.error() {
        eprintln!("error: {label}: {e}");
        return;
    }
    if !o.text.is_empty() {
        println!("{}", o.text);
    }
    for c in &step.calls {
        println!("{}", call_line(c));
        if let Some((result, from)) = &c.result {
            println!("tool result ({from}): {result}");
        }
    }
    let readout = Readout::new(o, out.catalog.lookup(&o.model.to_string()));
    eprintln!("-- {label} step {} · {}", step.number, readout.line());
}

fn call_json(c: &CheckedCall) -> Value {
    let mut v = json!({
        "id": c.call.id,
        "name": c.call.name,
        "arguments": c.call.input,
        "raw_arguments": c.call.arguments,
        "valid": c.is_valid(),
    });
    if !c.problems.is_empty() {
        v["problems"] = json!(c.problems);
    }
    if let Some((result, from)) = &c.result {
        v["result"] = result.clone();
        v["result_from"] = json!(from);
    }
    v
}

fn step_json(step: &AgentStep, out: &Output) -> Value {
    let o = &step.outcome;
    let readout = Readout::new(o, out.catalog.lookup(&o.model.to_string()));
    let mut line = json_line(o, &readout);
    out.add_context(&mut line, o);
    line["step"] = json!(step.number);
    line["tool_calls"] = Value::Array(step.calls.iter().map(call_json).collect());
    line
}
