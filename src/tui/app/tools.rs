//! Tool calls in Outputs: a column whose answer calls tools is taken on
//! by the session's agent loop. `x` steps it: the calls get their results
//! from `tools/mocks/` (or, when none matches, from a one-line input) and
//! the conversation goes back to the model, one call at a time; `X` runs
//! it to the end (a call without a mock still asks), up to the step limit.

use super::{App, Effect, Level};
use crate::run::CellStatus;
use crate::session::agent::{AgentEnd, AgentLoop, Next, max_steps};
use crate::tui::state::conversation::AgentState;
use crate::tui::state::popup::{LinePurpose, Popup};
use serde_json::Value;

impl App {
    /// `x` (one step) or `X` (to the end) on the focused column.
    pub(super) fn step_tools(&mut self, to_end: bool, effects: &mut Vec<Effect>) {
        let col = self.outputs.focus_col;
        let Some(cell) = self.outputs.columns().get(col) else {
            return self.set_status(Level::Warning, "no answers yet: run the prompt first");
        };
        if cell.is_running() {
            return self.set_status(
                Level::Warning,
                format!("{} is still answering", cell.label()),
            );
        }
        let outcome = cell.clone();
        if self.convo.agent(col).is_none() {
            if outcome.tool_calls.is_empty() {
                return self.set_status(
                    Level::Warning,
                    format!("{} called no tool", outcome.label()),
                );
            }
            let Some(base) = self.agent_base(col) else {
                return;
            };
            let mocks = self.session.ws.tool_mocks.clone();
            let agent = AgentLoop::new(base, mocks, max_steps(&self.session.ws.config));
            if let Some(slot) = self.convo.agents.get_mut(col) {
                *slot = Some(AgentState {
                    agent,
                    unadvanced: true,
                    to_end,
                    end: None,
                });
            }
        }
        let Some(state) = self.convo.agent_mut(col) else {
            return;
        };
        state.to_end = to_end;
        let next = if state.unadvanced {
            state.unadvanced = false;
            state.end = None;
            state.agent.advance(outcome)
        } else {
            match &state.end {
                // A call still wants its result: ask again.
                Some(AgentEnd::NeedsResult) => Next::Stop(AgentEnd::NeedsResult),
                Some(end) => {
                    let why = end_text(end);
                    return self.set_status(Level::Info, format!("the tool loop has ended: {why}"));
                }
                None => return,
            }
        };
        self.agent_next(col, next, effects);
    }

    /// The cell the loop continues: the column's conversation so far
    /// without its last answer (the loop adds it with its calls), else
    /// the column's planned cell.
    fn agent_base(&self, col: usize) -> Option<crate::run::PlannedCell> {
        match self.convo.of(col) {
            Some(conv) => {
                let mut cell = conv.cell();
                if cell
                    .request
                    .messages
                    .last()
                    .is_some_and(|m| m.role == "model")
                {
                    cell.request.messages.pop();
                }
                Some(cell)
            }
            None => self.convo.base.get(col).cloned(),
        }
    }

    /// Carries out what the loop says comes next for column `col`.
    fn agent_next(&mut self, col: usize, next: Next, effects: &mut Vec<Effect>) {
        match next {
            Next::Send(cell) => {
                let n = self.convo.agent(col).map_or(0, |a| a.agent.steps.len());
                self.send_run(vec![(col, *cell)], true, effects);
                self.set_status(
                    Level::Info,
                    format!("tool results sent back (step {})", n + 1),
                );
            }
            Next::Stop(AgentEnd::NeedsResult) => {
                let name = self
                    .convo
                    .agent(col)
                    .and_then(|a| a.agent.steps.last())
                    .and_then(|s| s.calls.iter().find(|c| c.result.is_none()))
                    .map(|c| c.call.name.clone())
                    .unwrap_or_default();
                if let Some(a) = self.convo.agent_mut(col) {
                    a.end = Some(AgentEnd::NeedsResult);
                }
                self.popup = Some(Popup::LineInput {
                    purpose: LinePurpose::ToolResult { col },
                    buffer: String::new(),
                });
                self.set_status(
                    Level::Info,
                    format!("no mock result for {name}: type its result (JSON, else text)"),
                );
            }
            Next::Stop(end) => {
                let level = match end {
                    AgentEnd::Answered => Level::Info,
                    _ => Level::Warning,
                };
                let text = end_text(&end);
                if let Some(a) = self.convo.agent_mut(col) {
                    a.end = Some(end);
                }
                self.set_status(level, text);
            }
        }
    }

    /// A result typed for the call without one; the loop goes on.
    pub(super) fn finish_tool_result(
        &mut self,
        col: usize,
        typed: &str,
        effects: &mut Vec<Effect>,
    ) {
        let value = serde_json::from_str::<Value>(typed.trim())
            .unwrap_or_else(|_| Value::String(typed.to_string()));
        let Some(state) = self.convo.agent_mut(col) else {
            return;
        };
        state.end = None;
        let next = state.agent.answer(vec![value]);
        self.agent_next(col, next, effects);
    }

    /// A step of column `col`'s loop settled: running to the end, it is
    /// given to the loop at once; stepping, it waits for the next `x`.
    pub(super) fn agent_step_settled(&mut self, col: usize, effects: &mut Vec<Effect>) {
        let Some(outcome) = self.outputs.columns().get(col).cloned() else {
            return;
        };
        let Some(state) = self.convo.agent_mut(col) else {
            return;
        };
        if state.to_end || outcome.status != CellStatus::Done {
            let next = state.agent.advance(outcome);
            self.agent_next(col, next, effects);
        } else {
            state.unadvanced = true;
            let msg = if outcome.tool_calls.is_empty() {
                format!("{} answered", outcome.label())
            } else {
                format!("{} called a tool again: x answers it", outcome.label())
            };
            self.set_status(Level::Info, msg);
        }
    }
}

/// Why the loop stopped, for the status bar.
fn end_text(end: &AgentEnd) -> String {
    match end {
        AgentEnd::Answered => "the model answered: no more tool calls".into(),
        AgentEnd::NeedsResult => "a tool call waits for its result".into(),
        AgentEnd::InvalidCall => {
            "stopped: the model made an invalid tool call (see the column)".into()
        }
        AgentEnd::StepLimit(n) => format!("stopped: step limit reached ({n} model calls)"),
        AgentEnd::Failed(e) => format!("stopped: {e}"),
    }
}
