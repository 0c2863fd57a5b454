//! The agent loop: a cell whose model calls tools is continued by sending
//! the calls back with their results (from `tools/mocks/`, or given by
//! hand) until the model answers, a call cannot be answered, or the step
//! limit is reached. Terminal-free and steppable: a face plans the first
//! cell, runs it, and hands each outcome to [`AgentLoop::advance`], which
//! says what to send next. [`run_to_end`] does that with the one runner.

use super::record::{Recorder, RunContext};
use crate::prompt::tools::argument_problems;
use crate::run::{CellOutcome, CellStatus, PlannedCell};
use crate::types::{Message, Part, ToolCall, ToolDef, ToolRequest, ToolResponse};
use crate::workspace::{ToolMock, find_mock};
use serde_json::Value;

/// The default `--max-steps`: model calls in one conversation.
pub const DEFAULT_MAX_STEPS: u32 = 5;

/// The step limit of a workspace's agent loops: `[tools] max_steps` in
/// pwb.toml, else `DEFAULT_MAX_STEPS`.
pub fn max_steps(config: &crate::workspace::WorkspaceConfig) -> u32 {
    config.tools.max_steps.unwrap_or(DEFAULT_MAX_STEPS).max(1)
}

/// A tool call checked against the prompt's tools, with the result it gets.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedCall {
    pub call: ToolCall,
    /// Why the call is malformed: unknown tool, arguments not JSON, or
    /// arguments the tool's schema refuses (`/city: 3 is not of type ...`).
    pub problems: Vec<String>,
    /// The result to send back, and where it came from (`tools/mocks/w.yaml:3`
    /// or `by hand`), when there is one.
    pub result: Option<(Value, String)>,
}

impl CheckedCall {
    /// Checks `call` against `tools` and looks for its mock.
    pub fn check(call: &ToolCall, tools: &[ToolDef], mocks: &[ToolMock]) -> CheckedCall {
        let mut problems = Vec::new();
        if let Some(e) = &call.parse_error {
            problems.push(e.clone());
        }
        match tools.iter().find(|t| t.name == call.name) {
            None => {
                let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
                problems.push(format!(
                    "unknown tool `{}` (the prompt offers {})",
                    call.name,
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ));
            }
            Some(tool) => {
                if let Some(input) = &call.input {
                    problems.extend(argument_problems(tool, input));
                }
            }
        }
        let result = match &call.input {
            Some(input) if problems.is_empty() => {
                find_mock(mocks, &call.name, input).map(|m| (m.result.clone(), m.place()))
            }
            _ => None,
        };
        CheckedCall {
            call: call.clone(),
            problems,
            result,
        }
    }

    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One model call of the loop and what came of its tool calls.
#[derive(Debug, Clone)]
pub struct AgentStep {
    /// 1 for the first call.
    pub number: u32,
    pub outcome: CellOutcome,
    pub calls: Vec<CheckedCall>,
}

/// Why the loop stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentEnd {
    /// The model answered without calling a tool.
    Answered,
    /// A call has no result (no mock matches): the face may answer it by
    /// hand ([`AgentLoop::answer`]) or stop here.
    NeedsResult,
    /// A call is malformed (see its `problems`).
    InvalidCall,
    /// The model called tools on the last step allowed.
    StepLimit(u32),
    /// The call failed or was cancelled.
    Failed(String),
}

/// What to do after a step.
pub enum Next {
    /// Send this cell (the conversation so far, with the tool results).
    Send(Box<PlannedCell>),
    Stop(AgentEnd),
}

/// One cell's conversation with tools.
#[derive(Debug, Clone)]
pub struct AgentLoop {
    /// The cell as first planned; each step sends it with more messages.
    pub base: PlannedCell,
    pub mocks: Vec<ToolMock>,
    pub max_steps: u32,
    /// The conversation sent on the next step.
    pub messages: Vec<Message>,
    pub steps: Vec<AgentStep>,
}

impl AgentLoop {
    pub fn new(base: PlannedCell, mocks: Vec<ToolMock>, max_steps: u32) -> AgentLoop {
        AgentLoop {
            messages: base.request.messages.clone(),
            base,
            mocks,
            max_steps: max_steps.max(1),
            steps: Vec::new(),
        }
    }

    /// The cell to send next: the base cell with the conversation so far.
    pub fn cell(&self) -> PlannedCell {
        let mut cell = self.base.clone();
        cell.request.messages = self.messages.clone();
        cell
    }

    /// Records a settled step and says what comes next: the next cell when
    /// every call has a result, else why the loop stops.
    pub fn advance(&mut self, outcome: CellOutcome) -> Next {
        let calls: Vec<CheckedCall> = outcome
            .tool_calls
            .iter()
            .map(|c| CheckedCall::check(c, &self.base.request.tools, &self.mocks))
            .collect();
        let failed = match &outcome.status {
            CellStatus::Done => None,
            other => Some(outcome.error().unwrap_or(&format!("{other:?}")).to_string()),
        };
        let number = self.steps.len() as u32 + 1;
        self.steps.push(AgentStep {
            number,
            outcome,
            calls,
        });
        if let Some(e) = failed {
            return Next::Stop(AgentEnd::Failed(e));
        }
        self.next()
    }

    /// Gives the calls of the last step that have no result these results
    /// (in order; the TUI's "answer by hand"), then says what comes next.
    pub fn answer(&mut self, results: Vec<Value>) -> Next {
        if let Some(step) = self.steps.last_mut() {
            let mut given = results.into_iter();
            for c in step.calls.iter_mut().filter(|c| c.result.is_none()) {
                match given.next() {
                    Some(v) => c.result = Some((v, "by hand".into())),
                    None => break,
                }
            }
        }
        self.next()
    }

    fn next(&mut self) -> Next {
        let Some(step) = self.steps.last() else {
            return Next::Send(Box::new(self.cell()));
        };
        if step.calls.is_empty() {
            return Next::Stop(AgentEnd::Answered);
        }
        if step.calls.iter().any(|c| !c.is_valid()) {
            return Next::Stop(AgentEnd::InvalidCall);
        }
        if step.calls.iter().any(|c| c.result.is_none()) {
            return Next::Stop(AgentEnd::NeedsResult);
        }
        if step.number >= self.max_steps {
            return Next::Stop(AgentEnd::StepLimit(self.max_steps));
        }
        let (call_turn, result_turn) = turns(step);
        self.messages.push(call_turn);
        self.messages.push(result_turn);
        Next::Send(Box::new(self.cell()))
    }
}

/// The model turn that made the step's calls (its text and `toolRequest`
/// parts) and the tool turn with each `toolResponse`, as Dotprompt and
/// Genkit write them.
fn turns(step: &AgentStep) -> (Message, Message) {
    let mut model = Message {
        role: "model".into(),
        content: Vec::new(),
        metadata: None,
    };
    if !step.outcome.text.is_empty() {
        model.content.push(Part::Text {
            text: step.outcome.text.clone(),
            metadata: None,
        });
    }
    let mut tool = Message {
        role: "tool".into(),
        content: Vec::new(),
        metadata: None,
    };
    for c in &step.calls {
        model.content.push(Part::ToolRequest {
            tool_request: ToolRequest {
                name: c.call.name.clone(),
                input: c.call.input.clone().unwrap_or(Value::Null),
                reference: c.call.id.clone(),
            },
            metadata: None,
        });
        let output = c
            .result
            .as_ref()
            .map(|r| r.0.clone())
            .unwrap_or(Value::Null);
        tool.content.push(Part::ToolResponse {
            tool_response: ToolResponse {
                name: c.call.name.clone(),
                output,
                reference: c.call.id.clone(),
            },
            metadata: None,
        });
    }
    (model, tool)
}

/// Runs the loop to its end on `runner`, calling `on_step` as each step
/// settles (and `on_event` with every event, e.g. to stream text).
/// `recording`, when given, records each step's call in the history.
pub async fn run_to_end(
    agent: &mut AgentLoop,
    runner: &crate::run::Runner,
    cache: crate::run::CacheMode,
    recording: Option<(
        &std::sync::Arc<dyn Recorder>,
        &RunContext,
        &crate::usage::Catalog,
    )>,
    mut on_event: impl FnMut(&crate::run::RunEvent),
    mut on_step: impl FnMut(&AgentStep),
) -> AgentEnd {
    let mut cell = agent.cell();
    loop {
        let one = std::slice::from_ref(&cell);
        let mut results = super::Collector::new(1, one, None);
        if let Some((recorder, context, catalog)) = recording {
            results = results.record(recorder.clone(), context.clone(), one, catalog);
        }
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        runner.start_as(1, crate::run::plan::into_cells_with(vec![cell], cache), tx);
        while results.is_running() {
            let Some(ev) = rx.recv().await else { break };
            on_event(&ev);
            results.apply(ev);
        }
        let Some(outcome) = results.cells.into_iter().next() else {
            return AgentEnd::Failed("the runner reported nothing".into());
        };
        let next = agent.advance(outcome);
        if let Some(step) = agent.steps.last() {
            on_step(step);
        }
        match next {
            Next::Send(c) => cell = *c,
            Next::Stop(end) => return end,
        }
    }
}

#[cfg(test)]
#[path = "agent_tests.rs"]
mod tests;
