//! A column whose model calls tools: each step of the agent loop (its
//! text, then each call: name, whether it is valid, the arguments
//! pretty-printed, the result sent back and where it came from), the
//! step in flight or waiting for `x` last, and how the loop ended.

use crate::run::CellOutcome;
use crate::session::agent::{AgentEnd, CheckedCall};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::view::text::wrap;
use ratatui::text::{Line, Span};

/// The column's tool calls as lines `w` cells wide; `None` when it has
/// neither an agent loop nor a tool call.
pub(super) fn lines(
    app: &App,
    index: usize,
    col: &CellOutcome,
    w: usize,
) -> Option<Vec<Line<'static>>> {
    let state = app.convo.agent(index);
    if state.is_none() && col.tool_calls.is_empty() {
        return None;
    }
    let t = &app.theme;
    let mut out = Vec::new();
    let mut shown = 0;
    if let Some(state) = state {
        let steps = &state.agent.steps;
        for step in steps {
            push_step(&mut out, step.number, &step.outcome.text, &step.calls, w, t);
        }
        shown = steps.len();
    }
    let current = state.is_none_or(|s| s.unadvanced || col.is_running());
    if current {
        let mocks = &app.session.ws.tool_mocks;
        let calls: Vec<CheckedCall> = col
            .tool_calls
            .iter()
            .map(|c| CheckedCall::check(c, &col.tools, mocks))
            .collect();
        let text = if col.text.is_empty() && col.is_running() {
            "…"
        } else {
            col.text.as_str()
        };
        push_step(&mut out, shown as u32 + 1, text, &calls, w, t);
    }
    if let Some(err) = col.error() {
        for l in wrap(&format!("error: {err}"), w) {
            out.push(Line::from(Span::styled(l, t.error)));
        }
    }
    let footer = match state.and_then(|s| s.end.as_ref()) {
        Some(AgentEnd::Answered) => None,
        Some(AgentEnd::NeedsResult) => Some(("waiting for a result typed by hand (x)", t.warning)),
        Some(AgentEnd::InvalidCall) => Some(("stopped: an invalid tool call", t.error)),
        Some(AgentEnd::StepLimit(_)) => Some(("stopped: the step limit", t.warning)),
        Some(AgentEnd::Failed(_)) => Some(("stopped: the call failed", t.error)),
        None if current && !col.tool_calls.is_empty() && !col.is_running() => {
            Some(("x answers and sends back · X runs to the end", t.dim))
        }
        None => None,
    };
    if let Some((text, style)) = footer {
        for l in wrap(text, w) {
            out.push(Line::from(Span::styled(l, style)));
        }
    }
    Some(out)
}

/// One model call: its text and its tool calls.
fn push_step(
    out: &mut Vec<Line<'static>>,
    number: u32,
    text: &str,
    calls: &[CheckedCall],
    w: usize,
    t: &Theme,
) {
    out.push(Line::from(Span::styled(
        format!("── step {number} · model ──"),
        t.title,
    )));
    for l in wrap(text.trim(), w).into_iter().filter(|l| !l.is_empty()) {
        out.push(Line::from(l));
    }
    for c in calls {
        let (mark, style) = if c.is_valid() {
            ("✓ valid", t.ok)
        } else {
            ("✗ invalid", t.error)
        };
        out.push(Line::from(vec![
            Span::styled(format!("tool call {} ", c.call.name), t.title),
            Span::styled(mark, style),
        ]));
        for p in &c.problems {
            for l in wrap(p, w) {
                out.push(Line::from(Span::styled(l, t.error)));
            }
        }
        let args = match &c.call.input {
            Some(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
            None => c.call.arguments.clone(),
        };
        for l in wrap(&args, w) {
            out.push(Line::from(Span::styled(l, t.readout)));
        }
        let result = match &c.result {
            Some((v, from)) => (format!("→ result ({from}): {v}"), t.ok),
            None if c.is_valid() => ("→ no mock result: x asks for one".to_string(), t.dim),
            None => ("→ not answered".to_string(), t.dim),
        };
        for l in wrap(&result.0, w) {
            out.push(Line::from(Span::styled(l, result.1)));
        }
    }
}
